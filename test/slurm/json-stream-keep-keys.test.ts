/**
 * `keepKeys`: object elements are parsed with only the named top-level keys; everything else of the element is
 * skipped but still scanned. The expected values are computed from JSON.parse of the whole document, for every
 * way of splitting the body into chunks.
 */
import { describe, expect, it } from 'vitest';
import { JsonStreamError, parseJsonList } from '../../lib/slurm/json-stream.js';

function pick(value: unknown, keys: ReadonlySet<string>): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => keys.has(k)));
}

/** Elements streamed from `body` split at `splits` (byte offsets). */
function streamed(body: Buffer, keys: readonly string[], splits: number[]): unknown[] {
  const chunks: Buffer[] = [];
  let from = 0;
  for (const at of splits) {
    chunks.push(body.subarray(from, at));
    from = at;
  }
  chunks.push(body.subarray(from));
  const out: unknown[] = [];
  parseJsonList(chunks, ['jobs'], (raw) => out.push(raw), { keepKeys: keys });
  return out;
}

const KEYS = ['job_id', 'name', 'cpus', 'é'];
const keySet = new Set(KEYS);
const DOC = `{"meta":{"x":1},"jobs":[
  {"job_id":1,"drop_me":{"job_id":99,"s":"a,}]\\"{"},"name":"n1","cpus":{"number":4}},
  {"drop_first":[1,2,{"a":"}"}],"job_id":2},
  {"job_id":3,"name":"x","tail_dropped":"q\\\\"},
  {"job_id":4,"name":"run","d1":0,"d2":{},"d3":[] },
  {"only":"dropped","also":[]},
  { "job_id" : 5 , "skip" : null , "name" : "spaced" },
  {},
  {"job\\u005fid":6,"é":"unicode ✓","nested":{"name":"deep"}},
  7, "str,}", [1,{"job_id":8}], null,
  {"job_id":9},
  {"job_id":{"set":true,"infinite":false,"number":10},"name":["a","b,c"],"cpus":[ ],"skip":{"x":[1,{"y":"}"}]},"é":{"k\\u0041":[]}}
],"errors":[]}`;

describe('JsonListStream keepKeys', () => {
  const body = Buffer.from(DOC, 'utf8');
  const expected = (JSON.parse(DOC) as { jobs: unknown[] }).jobs.map((e) => {
    const picked = pick(e, keySet) as Record<string, unknown>;
    // A key written with an escape is kept (its raw bytes are not compared with the decoded name).
    if (typeof e === 'object' && e !== null && !Array.isArray(e) && 'job_id' in e && (e as { é?: unknown }).é)
      picked.job_id = (e as { job_id: unknown }).job_id;
    return picked;
  });

  it('keeps exactly the named keys of object elements and leaves other elements alone (one chunk)', () => {
    const got = streamed(body, KEYS, []);
    expect(got).toEqual(expected);
    // Sanity of the fixture: some elements really lost keys, nested same-named keys survive inside kept values.
    expect(got[0]).toEqual({ job_id: 1, name: 'n1', cpus: { number: 4 } });
    expect(got[3]).toEqual({ job_id: 4, name: 'run' });
    expect(got[4]).toEqual({});
    expect(got[10]).toEqual([1, { job_id: 8 }]);
  });

  it('gives the same elements for every split point and for 1-byte chunks', () => {
    for (let at = 1; at < body.length; at++) expect(streamed(body, KEYS, [at])).toEqual(expected);
    const everyByte = Array.from({ length: body.length - 1 }, (_, i) => i + 1);
    expect(streamed(body, KEYS, everyByte)).toEqual(expected);
  });

  it('still reports structural errors inside skipped values', () => {
    const bad = Buffer.from('{"jobs":[{"job_id":1,"skip":[1,2}]}');
    expect(() => parseJsonList(bad, ['jobs'], () => {}, { keepKeys: KEYS })).toThrow(JsonStreamError);
    const truncated = Buffer.from('{"jobs":[{"job_id":1,"skip":{"a":');
    expect(() => parseJsonList(truncated, ['jobs'], () => {}, { keepKeys: KEYS })).toThrow(/truncated/);
  });

  it('reports malformed kept values with the element index', () => {
    const bad = Buffer.from('{"jobs":[{"job_id":1},{"job_id":tru}]}');
    expect(() => parseJsonList(bad, ['jobs'], () => {}, { keepKeys: KEYS })).toThrow(/element 1 of 'jobs'/);
  });

  it('rejects what JSON.parse rejects in the pairs it keeps or skips', () => {
    const bad = [
      '{"job_id":1,,"x":2}',
      '{"job_id":1,}',
      '{"x":2,}',
      '{"job_id" 1}',
      '{"job_id":}',
      '{"job_id":01}',
      '{"job_id":-Infinity}',
      '{"job_id":0x1f}',
      '{"job_id":1.}',
      '{"job_id":[1,]}',
      '{"job_id":{"a":tru}}',
      '{"job_id":[1 2]}',
      '{"job_id":{"a" 1}}',
      '{"job_id":{"a":1,}}',
      '{"job_id":{"a":1}]}',
      '{"name":nul}',
      '{"name":"a"b"}',
    ];
    for (const el of bad) {
      const doc = Buffer.from(`{"jobs":[${el}]}`);
      expect(() => JSON.parse(doc.toString())).toThrow();
      // `"a"b"` leaves a quote open: the scanner then sees a truncated body, also a JsonStreamError.
      expect(() => parseJsonList(doc, ['jobs'], () => {}, { keepKeys: KEYS }), el).toThrow(JsonStreamError);
    }
  });

  it('decodes kept numbers, literals and strings exactly as JSON.parse does', () => {
    const values = [
      '0',
      '-0',
      '7',
      '-12',
      '123456789012345',
      '1234567890123456789',
      '1.5',
      '-2.5e3',
      '1E-7',
      '9007199254740993',
      'true',
      'false',
      'null',
      '""',
      '"plain"',
      '"esc\\"aped\\n"',
      '"\\u00e9t\\u00e9"',
      '"ünïcødé ✓"',
      '[1,"a"]',
      '{"set":true,"infinite":false,"number":5}',
      '["RUNNING","COMPLETING"]',
      '[]',
      '{}',
      '{ "a" : "x,y" , "b" : null }',
      '[1, 2 ,3]',
      '{"__proto__":1}',
      '{"a":[1,2]}',
      '[{"a":1}]',
      '{"k\\u0041":1}',
      '["a\\"b"]',
      '{"a":1,"a":2}',
      '{"n":{"m":[]}}',
    ];
    for (const v of values) {
      const doc = `{"jobs":[{"job_id": ${v} ,"skip":1,"name":${v}}]}`;
      const got: unknown[] = [];
      parseJsonList(Buffer.from(doc), ['jobs'], (raw) => got.push(raw), { keepKeys: KEYS });
      const want = JSON.parse(doc).jobs[0];
      expect(got[0], v).toEqual({ job_id: want.job_id, name: want.name });
      if (typeof want.job_id !== 'object' || want.job_id === null) {
        expect(Object.is((got[0] as { job_id: unknown }).job_id, want.job_id), v).toBe(true);
      }
    }
  });

  it('builds elements for kept names that need quoting, and for a key set naming __proto__', () => {
    const odd = ['q"uote', 'back\\slash', 'line\nbreak', 'constructor', 'plain'];
    const doc = JSON.stringify({
      jobs: [{ 'q"uote': 1, 'back\\slash': 'b', 'line\nbreak': [2], constructor: 'c', plain: null, x: 0 }],
    });
    expect(streamed(Buffer.from(doc), odd, [])).toEqual([
      { 'q"uote': 1, 'back\\slash': 'b', 'line\nbreak': [2], constructor: 'c', plain: null },
    ]);
    // `__proto__` in the key set: the generic builder (a literal would set the prototype); other keys unharmed.
    const withProto = streamed(
      Buffer.from('{"jobs":[{"job_id":7,"name":"n"}]}'),
      ['__proto__', 'job_id'],
      [],
    );
    expect(withProto).toEqual([{ job_id: 7 }]);
    expect(Object.getPrototypeOf(withProto[0])).toBe(Object.prototype);
  });

  it('keeps the last of many repeated kept keys, as JSON.parse does', () => {
    const pairs = Array.from({ length: 200 }, (_, i) => `"job_id":${i},"name":"n${i}","skip":${i}`).join(',');
    const doc = `{"jobs":[{${pairs}},{"job_id":-1}]}`;
    const got: unknown[] = [];
    parseJsonList(Buffer.from(doc), ['jobs'], (raw) => got.push(raw), { keepKeys: KEYS });
    expect(got).toEqual([{ job_id: 199, name: 'n199' }, { job_id: -1 }]);
  });

  it('finds quotes and backslashes at every offset of the four-byte steps, in keys, values and skipped values', () => {
    // Strings of every length up to 13 whose quote, escape or multi-byte character sits at each position: the
    // scanner reads strings four bytes at a time and must stop at exactly the byte JSON.parse does.
    const pieces = ['a', '\\"', '\\",', '\\"}', '\\\\', 'é', '✓', '\\u0022', '\\n'];
    const elements: string[] = [];
    for (let len = 0; len < 14; len++) {
      for (const piece of pieces) {
        for (let at = 0; at <= len; at++) {
          const text = `${'x'.repeat(at)}${piece}${'y'.repeat(len - at)}`;
          const key = `k${'z'.repeat(len % 5)}`;
          elements.push(
            `{"${key}":"${text}","name":"${text}","skip${'q'.repeat(len % 4)}":["${text}",{"${key}":"${text}"}],"job_id":${len}}`,
          );
        }
      }
    }
    const doc = `{"jobs":[${elements.join(',')}]}`;
    const want = (JSON.parse(doc) as { jobs: Record<string, unknown>[] }).jobs.map((e) => ({
      job_id: e.job_id,
      name: e.name,
    }));
    const body = Buffer.from(doc, 'utf8');
    for (const size of [1, 3, 4, 5, 7, 64, 4096, body.length]) {
      const splits = Array.from({ length: Math.ceil(body.length / size) - 1 }, (_, i) => (i + 1) * size);
      expect(streamed(body, KEYS, splits), `chunks of ${size} bytes`).toEqual(want);
    }
  });
});
