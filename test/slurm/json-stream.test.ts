import { describe, expect, it } from 'vitest';
import { JsonListStream, JsonStreamError, parseJsonList } from '../../lib/slurm/json-stream.js';

/** Parses `text` split into the given pieces; returns the elements and the rest. */
function run(
  pieces: Buffer[],
  keyPath: readonly string[],
): { items: unknown[]; rest: unknown; count: number } {
  const items: unknown[] = [];
  const r = parseJsonList(pieces, keyPath, (raw) => items.push(raw));
  return { items, rest: r.rest, count: r.count };
}

/** The document with the list at keyPath replaced by [] (what `rest` must equal). */
function withoutList(doc: Record<string, unknown>, keyPath: readonly string[]): unknown {
  const copy = structuredClone(doc);
  let o = copy as Record<string, unknown>;
  for (const k of keyPath.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keyPath[keyPath.length - 1] as string] = [];
  return copy;
}

const tricky = {
  meta: { plugin: { data_parser: 'data_parser/v0.0.44' }, note: 'a "quoted" [bracket] {brace}, comma' },
  jobs: [
    { name: 'x\\"]},[{', path: '\\/home\\/u', nested: [[1, [2, [3]]], { a: [] }], empty: {}, e2: [] },
    42,
    'plain, string ] with } specials',
    null,
    true,
    { unicode: 'é ü € 😀 日本語', esc: '\u0000\u001f\\\\' },
    -1.5e3,
    [],
  ],
  errors: [],
  last_update: { set: true, infinite: false, number: 1700000000 },
};

describe('JsonListStream', () => {
  it('finds every element at every split point of a small body', () => {
    const buf = Buffer.from(JSON.stringify(tricky));
    const expected = tricky.jobs;
    const expectedRest = withoutList(tricky, ['jobs']);
    for (let k = 0; k <= buf.length; k++) {
      const r = run([buf.subarray(0, k), buf.subarray(k)], ['jobs']);
      expect(r.items, `split at ${k}`).toEqual(expected);
      expect(r.rest, `split at ${k}`).toEqual(expectedRest);
      expect(r.count).toBe(expected.length);
    }
  });

  it('handles one-byte chunks and pretty-printed whitespace', () => {
    const buf = Buffer.from(JSON.stringify(tricky, null, 3).replace(/\n/g, '\r\n\t'));
    const pieces = Array.from({ length: buf.length }, (_, i) => buf.subarray(i, i + 1));
    const r = run(pieces, ['jobs']);
    expect(r.items).toEqual(tricky.jobs);
    expect(r.rest).toEqual(withoutList(tricky, ['jobs']));
  });

  it('decodes multi-byte UTF-8 split inside a character', () => {
    const doc = { jobs: [{ n: '€😀' }, { n: 'ü' }] };
    const buf = Buffer.from(JSON.stringify(doc));
    const euro = buf.indexOf(Buffer.from('€'));
    const emoji = buf.indexOf(Buffer.from('😀'));
    // split inside the 3-byte euro sign and inside the 4-byte emoji
    const r = run(
      [buf.subarray(0, euro + 1), buf.subarray(euro + 1, emoji + 2), buf.subarray(emoji + 2)],
      ['jobs'],
    );
    expect(r.items).toEqual(doc.jobs);
  });

  it('keeps an escaped backslash before a closing quote at a chunk boundary', () => {
    const doc = { jobs: ['a\\', 'b\\"c', { k: '\\\\' }] };
    const buf = Buffer.from(JSON.stringify(doc));
    for (let k = 0; k <= buf.length; k++) {
      expect(run([buf.subarray(0, k), buf.subarray(k)], ['jobs']).items).toEqual(doc.jobs);
    }
  });

  it('streams a nested key path (shares.shares) and keeps sibling keys', () => {
    const doc = {
      meta: { x: 1 },
      shares: {
        total_shares: 7,
        shares: [
          { id: 1, name: 'root' },
          { id: 2, name: 'a' },
        ],
        other: [9],
      },
      warnings: [{ description: 'w' }],
    };
    const buf = Buffer.from(JSON.stringify(doc));
    for (let k = 0; k <= buf.length; k += 3) {
      const r = run([buf.subarray(0, k), buf.subarray(k)], ['shares', 'shares']);
      expect(r.items).toEqual(doc.shares.shares);
      expect(r.rest).toEqual(withoutList(doc, ['shares', 'shares']));
    }
  });

  it('does not stream a same-named key deeper in the tree or inside strings', () => {
    const doc = { meta: { jobs: [1, 2] }, note: '"jobs":[3]', jobs: [{ jobs: [4] }] };
    const r = run([Buffer.from(JSON.stringify(doc))], ['jobs']);
    expect(r.items).toEqual([{ jobs: [4] }]);
    expect(r.rest).toEqual({ meta: { jobs: [1, 2] }, note: '"jobs":[3]', jobs: [] });
  });

  it('handles an empty list, a missing list and a null list', () => {
    expect(run([Buffer.from('{"jobs":[ ],"errors":[]}')], ['jobs'])).toEqual({
      items: [],
      rest: { jobs: [], errors: [] },
      count: 0,
    });
    const missing = parseJsonList(Buffer.from('{"meta":{}}'), ['jobs'], () => {});
    expect(missing.found).toBe(false);
    expect(missing.rest).toEqual({ meta: {} });
    expect(run([Buffer.from('{"jobs":null}')], ['jobs']).rest).toEqual({ jobs: null });
  });

  it('rejects a truncated body', () => {
    const buf = Buffer.from(JSON.stringify(tricky));
    for (const cut of [1, 20, buf.indexOf('"jobs"') + 10, buf.length - 1]) {
      expect(() => run([buf.subarray(0, cut)], ['jobs'])).toThrow(JsonStreamError);
    }
    expect(() => run([buf.subarray(0, buf.length - 1)], ['jobs'])).toThrow(/truncated/);
  });

  it('rejects malformed JSON in an element and outside the list', () => {
    expect(() => run([Buffer.from('{"jobs":[{"a":1,}]}')], ['jobs'])).toThrow(/element 0 of 'jobs'/);
    expect(() => run([Buffer.from('{"jobs":[1 2]}')], ['jobs'])).toThrow(JsonStreamError);
    expect(() => run([Buffer.from('{"jobs":[1],"meta":{x}}')], ['jobs'])).toThrow(/malformed JSON/);
    expect(() => run([Buffer.from('{"jobs":[1]]}')], ['jobs'])).toThrow(JsonStreamError);
    expect(() => run([Buffer.from('<html>error</html>')], ['jobs'])).toThrow(JsonStreamError);
    expect(() => run([Buffer.from('')], ['jobs'])).toThrow(/empty body/);
  });

  it('passes element indexes and lets callback errors propagate unchanged', () => {
    const seen: number[] = [];
    const s = new JsonListStream(['jobs'], (_raw, i) => {
      seen.push(i);
      if (i === 2) throw new RangeError('stop here');
    });
    expect(() => s.push(Buffer.from('{"jobs":[1,2,3,4]}'))).toThrow(RangeError);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('keeps memory flat: retained bytes do not grow with the element count', () => {
    const element = JSON.stringify({ id: 1, name: 'x'.repeat(1000), arr: [1, 2, 3] });
    let count = 0;
    const s = new JsonListStream(['jobs'], () => {
      count++;
    });
    s.push(Buffer.from('{"meta":{"a":1},"jobs":['));
    const chunk = Buffer.from(`${element},`.repeat(50));
    for (let i = 0; i < 200; i++) s.push(chunk);
    s.push(Buffer.from(`${element}],"errors":[]}`));
    const internals = s as unknown as { restParts: Buffer[]; elemParts: Buffer[] };
    const restBytes = internals.restParts.reduce((n, b) => n + b.length, 0);
    expect(count).toBe(10_001);
    expect(restBytes).toBeLessThan(100);
    expect(internals.elemParts.length).toBe(0);
    expect(s.end().rest).toEqual({ meta: { a: 1 }, jobs: [], errors: [] });
  });
});
