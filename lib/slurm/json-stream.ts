/**
 * Incremental JSON reader for slurmrestd list responses: `{"meta":…, "jobs":[{…},{…},…], "errors":[]}`.
 *
 * Hand-written on purpose: the streaming parsers on npm tokenise in JavaScript (`stream-json` is about 10x
 * slower than JSON.parse), while a `/jobs` body can be ~300 MB. This scanner only finds element boundaries
 * (bytes, tracking nesting and strings) and hands each element's bytes to the native JSON.parse, so the
 * per-byte work is a few comparisons. Memory stays flat: only the element in progress is kept across chunk
 * boundaries, plus the small "rest" of the document (everything except the streamed array's elements), which
 * is parsed with JSON.parse at the end (the streamed array appears there as `[]`).
 *
 * Works on bytes: UTF-8 multi-byte sequences never contain ASCII bytes, so structural characters are found
 * safely and every element is decoded as a whole, even when a character is split across chunks.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Malformed or truncated JSON; `offset` is the byte offset in the body when known. */
export class JsonStreamError extends Error {
  readonly offset: number | undefined;
  constructor(message: string, opts: { offset?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'JsonStreamError';
    this.offset = opts.offset;
  }
}

export interface JsonListResult {
  /** The document without the streamed array's elements (the array itself is `[]`). */
  rest: unknown;
  /** Elements handed to `onElement`. */
  count: number;
  /** Whether the key path was found holding an array. */
  found: boolean;
}

/**
 * Object keys to keep in streamed elements, compared on raw bytes (no string allocated per key). A key written
 * with escapes is decoded first: its raw bytes differ from the name.
 */
class KeySet {
  /** The kept names; `index` answers a position in this list. */
  readonly names: string[] = [];
  private readonly byName = new Map<string, number>();
  /**
   * Every kept name, set to undefined: elements are copies of it, so all elements of a list share one object
   * shape and each kept value is a store to an existing property (adding ~30 properties one by one to `{}`
   * cost a third of the scan). A key the element lacks therefore reads as undefined, as it would if absent.
   */
  readonly template: Record<string, undefined> = {};
  private readonly bytes: Buffer[] = [];
  /**
   * Open hash of (length, first byte, last byte) → first candidate, chained through `next`: ~100 keys per job
   * are looked up, nearly all rejected by one typed-array read (a Map lookup cost 3x more).
   */
  private readonly slots = new Int32Array(HASH_SIZE).fill(-1);
  private readonly next: number[] = [];
  constructor(keys: Iterable<string>) {
    for (const k of keys) {
      const b = Buffer.from(k, 'utf8');
      if (b.length === 0 || this.byName.has(k)) continue;
      const index = this.names.push(k) - 1;
      this.byName.set(k, index);
      this.template[k] = undefined;
      this.bytes.push(b);
      const h = hashKey(b, 0, b.length);
      this.next.push(this.slots[h] as number);
      this.slots[h] = index;
    }
    this.build = elementBuilder(this.names) ?? this.build;
  }
  /**
   * The element object of the kept pairs `kept[0, len)` (triples: name index, value start, value end,
   * relative to `base`), every kept name present (undefined when the element lacks it).
   */
  build: ElementBuilder = (src, base, kept, len) => {
    const out: Record<string, unknown> = { ...this.template };
    for (let k = 0; k < len; k += 3) {
      const name = this.names[kept[k] as number] as string;
      const from = kept[k + 1] as number;
      if (from < 0) throw new SyntaxError(`expected ':' after key ${JSON.stringify(name)}`);
      out[name] = decodeValue(src, base + from, base + (kept[k + 2] as number), name);
    }
    return out;
  };
  /** Index of the kept key whose raw bytes (between the quotes) are `buf[start, end)`, or -1 when not kept. */
  index(buf: Buffer, start: number, end: number, escaped: boolean): number {
    if (escaped) {
      let name: unknown;
      try {
        name = JSON.parse(`"${buf.toString('utf8', start, end)}"`);
      } catch {
        return -1;
      }
      return this.byName.get(name as string) ?? -1;
    }
    if (end <= start) return -1;
    const len = end - start;
    for (let c = this.slots[hashKey(buf, start, end)] as number; c >= 0; c = this.next[c] as number) {
      const key = this.bytes[c] as Buffer;
      if (key.length !== len) continue;
      let j = 0;
      while (j < len && buf[start + j] === key[j]) j++;
      if (j === len) return c;
    }
    return -1;
  }
}

const HASH_SIZE = 1024;

type ElementBuilder = (src: Buffer, base: number, kept: Int32Array, len: number) => Record<string, unknown>;

/**
 * KeySet.build generated once per key set: the object is a literal (V8 copies it from a boilerplate) and each
 * kept name is stored at its own site, so every store is monomorphic — where copying the template and storing
 * through `out[names[i]]` (a megamorphic keyed store) cost ~0.25 µs per job. The whole loop is generated, not
 * just the stores, so that no call site is shared between the key sets of different lists. Names are quoted
 * with JSON.stringify; null (the generic builder stays) for `__proto__`, which a literal would take as the
 * prototype, and where code generation is disallowed.
 */
function elementBuilder(names: readonly string[]): ElementBuilder | null {
  if (names.includes('__proto__')) return null;
  try {
    const q = names.map((n) => JSON.stringify(n));
    const body = `return function build(src, base, kept, len) {
      const out = { ${q.map((n) => `${n}: undefined`).join(', ')} };
      for (let k = 0; k < len; k += 3) {
        const i = kept[k];
        const from = kept[k + 1];
        if (from < 0) throw new SyntaxError("expected ':' after key " + JSON.stringify(names[i]));
        const v = decode(src, base + from, base + kept[k + 2], names[i]);
        switch (i) { ${q.map((n, i) => `case ${i}: out[${n}] = v; break;`).join(' ')} }
      }
      return out;
    };`;
    return new Function('names', 'decode', body)(names, decodeValue) as ElementBuilder;
  } catch {
    return null;
  }
}

function hashKey(buf: Buffer, start: number, end: number): number {
  return ((end - start) * 97 + (buf[start] as number) * 31 + (buf[end - 1] as number)) & (HASH_SIZE - 1);
}

export interface JsonListOptions {
  /**
   * When set, object elements keep only these top-level keys: the rest of each element is still scanned (to
   * find its end) but never decoded, and the element object is built straight from the kept values' bytes
   * (strings, numbers and literals decoded here, nested values by JSON.parse). A kept key the element lacks
   * is present with the value undefined. At 100k jobs most of a job's
   * bytes are fields nobody reads; not decoding them is what brings the stream under the cost of one
   * JSON.parse of the whole body.
   */
  keepKeys?: Iterable<string>;
}

/** Bytes that are neither structural (`{}[],:`) nor a quote: 1. */
const PLAIN = new Uint8Array(256).fill(1);
for (const c of [QUOTE, OPEN_OBJ, CLOSE_OBJ, OPEN_ARR, CLOSE_ARR, COMMA, COLON]) PLAIN[c] = 0;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Streams the elements of the array at `keyPath` (object keys from the root, e.g. `['jobs']` or
 * `['shares','shares']`). Feed body chunks with `push`, then call `end`. Exceptions thrown by `onElement`
 * propagate out of `push` unchanged.
 */
export class JsonListStream {
  private readonly keyPath: readonly string[];
  private readonly onElement: (raw: unknown, index: number) => void;

  /** Open containers; `containers[d-1]` is the type (OPEN_OBJ/OPEN_ARR) at depth d. */
  private readonly containers: number[] = [];
  /** Number of key-path levels currently matched: objects at depth 1..matched+1 lie on the path. */
  private matched = 0;
  /** On an on-path object: the next string is a key. */
  private expectKey = false;
  /** The last key read at the current on-path object matched `keyPath[depth-1]`. */
  private keyMatches = false;
  /** Bytes of an on-path key string being read (keys are short). */
  private keyParts: Buffer[] | null = null;

  private inString = false;
  /** A backslash ended the previous chunk inside a string. */
  private escapePending = false;
  /** The string being read (or just closed) contained a backslash escape. */
  private sawEscape = false;

  /** Depth of the streamed array while inside it (0 = not streaming). */
  private arrayDepth = 0;
  private found = false;
  /** Byte parts of the element in progress from earlier chunks. */
  private elemParts: Buffer[] = [];
  private elemInProgress = false;
  private count = 0;

  private readonly restParts: Buffer[] = [];
  private offset = 0;
  private ended = false;
  /** Cached position of the next backslash in `bsBuf` (Infinity: none). */
  private bsBuf: Buffer | null = null;
  private bsPos = -1;
  /** The chunk being pushed, read four bytes at a time where strings are scanned (`stopAt`). */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  // ---- key filtering of object elements (options.keepKeys) ----
  private readonly keep: KeySet | null;
  /** The element in progress is an object being filtered. */
  private filtering = false;
  /** Bytes of the element in progress held in `elemParts` (element-relative offsets start after them). */
  private elemBytes = 0;
  /** At the element object's own level, the next string is a key. */
  private elemExpectKey = false;
  /** Index (in `keep.names`) of the current pair's key; -1 when the pair is not kept. */
  private pairKey = -1;
  /** Element-relative offset of the current kept pair's value (after its colon); -1 before the colon. */
  private valueAt = -1;
  /** Start (chunk offset) of a key string of the element object being read; -1 none, -2 began in an earlier chunk. */
  private elemKeyStart = -1;
  /** Bytes of a key begun in earlier chunks (after its opening quote). */
  private elemKeyHead: Buffer = Buffer.alloc(0);
  /** Kept pairs of the element in progress: (key index, value start, value end) element-relative triples. */
  private kept = new Int32Array(96);
  /** Used length of `kept` (a typed array reused for every element: a fresh array per element grew ~5 times). */
  private keptLen = 0;
  /** Pairs of the element in progress ended by a comma so far. */
  private pairsSeen = 0;

  constructor(
    keyPath: readonly string[],
    onElement: (raw: unknown, index: number) => void,
    options: JsonListOptions = {},
  ) {
    if (keyPath.length === 0) throw new Error('JsonListStream: keyPath must name at least one key');
    this.keyPath = keyPath;
    this.onElement = onElement;
    this.keep = options.keepKeys ? new KeySet(options.keepKeys) : null;
  }

  /** Element-relative offset of chunk position `p` (the element started at `elemStart`, or in an earlier chunk). */
  private rel(p: number, elemStart: number): number {
    return this.elemBytes + p - Math.max(elemStart, 0);
  }

  private keepPair(key: number, from: number, to: number): void {
    let kept = this.kept;
    if (this.keptLen + 3 > kept.length) {
      // More kept pairs than ever before (a key repeated): grow once, keep the larger array.
      kept = new Int32Array(kept.length * 2);
      kept.set(this.kept);
      this.kept = kept;
    }
    kept[this.keptLen] = key;
    kept[this.keptLen + 1] = from;
    kept[this.keptLen + 2] = to;
    this.keptLen += 3;
  }

  /** Records the current pair when it is kept; its value ends just before `end` (element-relative). */
  private closePair(end: number): void {
    this.pairsSeen++;
    if (this.pairKey >= 0) this.keepPair(this.pairKey, this.valueAt, end);
    this.pairKey = -1;
    this.valueAt = -1;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('JsonListStream: push after end');
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = buf.length;
    this.bsBuf = null;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let i = 0;
    /** Start of the bytes of this chunk that belong to `rest` (-1 while inside the streamed array). */
    let restStart = this.arrayDepth > 0 ? -1 : 0;
    /** Start of the element in progress within this chunk (-1 if it began in an earlier chunk or none). */
    let elemStart = -1;
    /** Start of an on-path key string within this chunk. */
    let keyStart = this.keyParts !== null ? 0 : -1;

    while (i < n) {
      if (this.inString) {
        const end = this.scanString(buf, i);
        if (end < 0) {
          i = n;
          break;
        }
        this.inString = false;
        i = end + 1;
        if (keyStart >= 0) {
          this.finishKey(buf.subarray(keyStart, end + 1));
          keyStart = -1;
        }
        if (this.elemKeyStart >= 0) {
          this.pairKey = (this.keep as KeySet).index(buf, this.elemKeyStart + 1, end, this.sawEscape);
          this.elemKeyStart = -1;
        } else if (this.elemKeyStart === -2) {
          // The key began in an earlier chunk.
          const key = Buffer.concat([this.elemKeyHead, buf.subarray(0, end)]);
          this.pairKey = (this.keep as KeySet).index(key, 0, key.length, key.includes(BACKSLASH));
          this.elemKeyStart = -1;
        }
        continue;
      }
      let c = buf[i] as number;
      if (this.elemInProgress && PLAIN[c] === 1) {
        // Inside an element, numbers, literals and whitespace need no bookkeeping: skip them in a tight loop.
        do i++;
        while (i < n && PLAIN[buf[i] as number] === 1);
        if (i >= n) break;
        c = buf[i] as number;
      }
      const depth = this.containers.length;
      if (this.arrayDepth > 0 && depth === this.arrayDepth && !this.elemInProgress) {
        // Between elements of the streamed array.
        if (isWhitespace(c) || c === COMMA) {
          i++;
          continue;
        }
        if (c === CLOSE_ARR) {
          // End of the streamed array: `]` belongs to rest again.
          this.containers.pop();
          this.arrayDepth = 0;
          restStart = i;
          i++;
          continue;
        }
        this.elemInProgress = true;
        this.elemParts = [];
        this.elemBytes = 0;
        elemStart = i;
        // fall through: the element's first byte is handled below
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          this.sawEscape = false;
          if (this.arrayDepth === 0 && this.expectKey && depth === this.matched + 1) {
            keyStart = i;
            this.keyParts = [];
          } else if (this.filtering && this.elemExpectKey && depth === this.arrayDepth + 1) {
            this.elemExpectKey = false;
            this.elemKeyStart = i;
            this.pairKey = -1;
            this.valueAt = -1;
          }
          i++;
          break;
        case OPEN_OBJ:
        case OPEN_ARR:
          if (this.keep && c === OPEN_OBJ && this.arrayDepth > 0 && depth === this.arrayDepth) {
            this.filtering = true;
            this.elemExpectKey = true;
            this.pairKey = -1;
            this.valueAt = -1;
            this.keptLen = 0;
            this.pairsSeen = 0;
            this.containers.push(c);
            i = this.fastPairs(buf, i + 1, elemStart);
            break;
          }
          this.openContainer(c, depth);
          i++;
          if (this.arrayDepth > 0 && this.containers.length === this.arrayDepth && restStart >= 0) {
            // Just entered the streamed array: rest keeps `[`, elements are not part of it.
            this.appendRest(buf.subarray(restStart, i));
            restStart = -1;
          }
          break;
        case CLOSE_OBJ:
        case CLOSE_ARR: {
          const open = this.containers.pop();
          if (open === undefined || (c === CLOSE_OBJ) !== (open === OPEN_OBJ)) {
            throw new JsonStreamError(`unexpected '${String.fromCharCode(c)}' at byte ${this.offset + i}`, {
              offset: this.offset + i,
            });
          }
          i++;
          if (this.arrayDepth > 0) {
            const d = this.containers.length;
            if (d === this.arrayDepth && this.elemInProgress) {
              // A container element closed: emit it.
              if (this.filtering) {
                // `{"a":1,}`: a comma with no pair after it (an empty `{}` has no pair at all).
                if (this.elemExpectKey && this.keptLen + this.pairsSeen > 0) this.misplaced(COMMA, i - 1);
                this.closePair(this.rel(i - 1, elemStart));
              }
              this.emitElement(buf, elemStart, i);
              elemStart = -1;
            } else if (d < this.arrayDepth) {
              // `]` of the streamed array right after a primitive element: emit it, then rest resumes at `]`.
              if (this.elemInProgress) this.emitElement(buf, elemStart, i - 1);
              elemStart = -1;
              this.arrayDepth = 0;
              restStart = i - 1;
            }
          } else if (this.matched >= this.containers.length) {
            // An on-path object closed: the path is matched one level less.
            this.matched = Math.max(0, this.containers.length - 1);
            this.expectKey = false;
            this.keyMatches = false;
          }
          break;
        }
        case COMMA:
          if (this.arrayDepth > 0 && depth === this.arrayDepth && this.elemInProgress) {
            // End of a primitive element.
            this.emitElement(buf, elemStart, i);
            elemStart = -1;
          } else if (this.filtering && depth === this.arrayDepth + 1) {
            // End of a key/value pair of the element object.
            if (this.elemExpectKey) this.misplaced(c, i);
            this.closePair(this.rel(i, elemStart));
            this.elemExpectKey = true;
            i = this.fastPairs(buf, i + 1, elemStart);
            continue;
          } else if (
            this.arrayDepth === 0 &&
            depth === this.matched + 1 &&
            this.containers[depth - 1] === OPEN_OBJ
          ) {
            this.expectKey = true;
            this.keyMatches = false;
          }
          i++;
          break;
        case COLON:
          if (this.arrayDepth === 0 && depth === this.matched + 1) this.expectKey = false;
          else if (this.filtering && depth === this.arrayDepth + 1 && this.pairKey >= 0) {
            this.valueAt = this.rel(i + 1, elemStart);
          }
          i++;
          break;
        default:
          i++;
      }
    }

    if (this.keyParts !== null && keyStart >= 0) this.keyParts.push(Buffer.from(buf.subarray(keyStart, n)));
    if (this.elemKeyStart >= 0) {
      // The key continues in the next chunk: keep its bytes so far (keys are short).
      this.elemKeyHead = Buffer.from(buf.subarray(this.elemKeyStart + 1, n));
      this.elemKeyStart = -2;
    } else if (this.elemKeyStart === -2) {
      this.elemKeyHead = Buffer.concat([this.elemKeyHead, buf]);
    }
    if (this.elemInProgress) {
      // Keep a copy of the element's bytes: a subarray would pin the whole chunk in memory.
      const part = Buffer.from(buf.subarray(Math.max(elemStart, 0), n));
      this.elemParts.push(part);
      this.elemBytes += part.length;
    }
    if (restStart >= 0 && this.arrayDepth === 0) this.appendRest(buf.subarray(restStart, n));
    this.offset += n;
  }

  /**
   * The fast path through the pairs of a filtered element object (the bulk of a `/jobs` body): reads whole
   * `"key":value,` pairs with plain loops instead of one state-machine step per structural byte. It starts at
   * a pair's first byte and stops — leaving the state exactly as the generic loop expects — at anything it
   * does not handle itself: a nested value (the generic loop reads it, with this pair's key already taken), the
   * element's `}`, whitespace between tokens, a key with escapes, or a pair cut by the end of the chunk
   * (returned at its first byte, so the generic loop reads it again).
   */
  private fastPairs(buf: Buffer, from: number, elemStart: number): number {
    const n = buf.length;
    const keep = this.keep as KeySet;
    let i = from;
    for (;;) {
      if (i >= n || buf[i] !== QUOTE) return i;
      const k = stopAt(buf, this.view, i + 1);
      if (k + 2 >= n || buf[k] !== QUOTE || buf[k + 1] !== COLON) return i;
      const keyIdx = keep.index(buf, i + 1, k, false);
      const q = k + 2;
      const c = buf[q] as number;
      let t: number;
      if (c === QUOTE) {
        const r = stringEnd(buf, this.view, q + 1);
        if (r < 0) return i;
        t = r + 1;
      } else if (PLAIN[c] === 1) {
        t = q + 1;
        while (t < n && PLAIN[buf[t] as number] === 1) t++;
      } else if (c === OPEN_OBJ || c === OPEN_ARR) {
        // A flat container (`{"set":true,"number":5}`, `["RUNNING"]`: most nested values of v0.0.40+) is
        // read here too; one holding another container goes to the generic loop.
        let close = flatEnd(buf, this.view, q, c === OPEN_OBJ ? CLOSE_OBJ : CLOSE_ARR);
        // A nested value nobody reads (v0.0.38's job_resources, v0.0.41+'s per-core lists) is stepped over with
        // a bracket stack, no bookkeeping per key.
        if (close === -1 && keyIdx < 0) close = nestedEnd(buf, this.view, q);
        if (close === -2) return i;
        if (close < 0) {
          this.elemExpectKey = false;
          this.pairKey = keyIdx;
          this.valueAt = keyIdx >= 0 ? this.rel(q, elemStart) : -1;
          return q;
        }
        t = close + 1;
      } else return i;
      if (t >= n) return i;
      const d = buf[t];
      if (d === COMMA) {
        this.pairsSeen++;
        if (keyIdx >= 0) this.keepPair(keyIdx, this.rel(q, elemStart), this.rel(t, elemStart));
        i = t + 1;
        continue;
      }
      if (d !== CLOSE_OBJ) return i;
      // The element's last pair: the generic loop closes it at `}` and emits the element.
      this.elemExpectKey = false;
      this.pairKey = keyIdx;
      this.valueAt = keyIdx >= 0 ? this.rel(q, elemStart) : -1;
      return t;
    }
  }

  private misplaced(c: number, i: number): never {
    throw new JsonStreamError(
      `malformed JSON in element ${this.count} of '${this.keyPath.join('.')}': unexpected '${String.fromCharCode(c)}' at byte ${this.offset + i}`,
      { offset: this.offset + i },
    );
  }

  /** Finishes the document: throws JsonStreamError when it is truncated or malformed. */
  end(): JsonListResult {
    this.ended = true;
    if (this.inString || this.containers.length > 0 || this.elemInProgress) {
      throw new JsonStreamError(
        `truncated JSON: body ended after ${this.offset} bytes inside ${this.inString ? 'a string' : `${this.containers.length} open container(s)`}`,
        { offset: this.offset },
      );
    }
    const text = Buffer.concat(this.restParts).toString('utf8');
    if (text.trim() === '') throw new JsonStreamError('empty body: expected a JSON document', { offset: 0 });
    let rest: unknown;
    try {
      rest = JSON.parse(text);
    } catch (err) {
      throw new JsonStreamError(`malformed JSON: ${(err as Error).message}`, { cause: err });
    }
    return { rest, count: this.count, found: this.found };
  }

  /** Returns the index of the closing quote, or -1 when the string continues in the next chunk. */
  private scanString(buf: Buffer, from: number): number {
    let i = from;
    const n = buf.length;
    if (this.escapePending) {
      this.escapePending = false;
      this.sawEscape = true;
      i++;
    }
    while (i < n) {
      const q = buf.indexOf(QUOTE, i);
      // Escapes are rare: the next backslash position is cached per chunk, so each byte is searched once.
      if (this.bsBuf !== buf || this.bsPos < i) {
        this.bsBuf = buf;
        const b = buf.indexOf(BACKSLASH, i);
        this.bsPos = b < 0 ? Number.POSITIVE_INFINITY : b;
      }
      const b = this.bsPos;
      if (q >= 0 && q < b) return q;
      if (b >= n) return -1;
      // Skip the backslash and the escaped byte.
      this.sawEscape = true;
      if (b + 1 >= n) {
        this.escapePending = true;
        return -1;
      }
      i = b + 2;
    }
    return -1;
  }

  private openContainer(c: number, depth: number): void {
    this.containers.push(c);
    if (this.arrayDepth > 0) return;
    const newDepth = depth + 1;
    if (newDepth === 1) {
      if (c === OPEN_OBJ) {
        this.matched = 0;
        this.expectKey = true;
        this.keyMatches = false;
      }
      return;
    }
    // A value opened at an on-path object: does it continue the path?
    if (depth === this.matched + 1 && this.keyMatches && !this.expectKey) {
      this.keyMatches = false;
      const last = this.matched + 1 === this.keyPath.length;
      if (last && c === OPEN_ARR) {
        this.arrayDepth = newDepth;
        this.found = true;
      } else if (!last && c === OPEN_OBJ) {
        this.matched++;
        this.expectKey = true;
      }
    }
  }

  private finishKey(lastPart: Buffer): void {
    const parts = this.keyParts ?? [];
    parts.push(lastPart);
    this.keyParts = null;
    let key: unknown;
    try {
      key = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch (err) {
      throw new JsonStreamError(`malformed object key near byte ${this.offset}`, {
        offset: this.offset,
        cause: err,
      });
    }
    this.keyMatches = key === this.keyPath[this.matched];
  }

  private emitElement(buf: Buffer, start: number, end: number): void {
    const parts = this.elemParts;
    // The element's bytes: `src[base, base+len)` — straight from the chunk unless it began in an earlier one.
    let src = buf;
    let base = start;
    let len = end - start;
    if (parts.length > 0) {
      src = Buffer.concat([...parts, buf.subarray(Math.max(start, 0), end)]);
      base = 0;
      len = src.length;
      this.elemParts = [];
    }
    const filtering = this.filtering;
    this.elemBytes = 0;
    this.elemInProgress = false;
    this.filtering = false;
    this.elemKeyStart = -1;
    let raw: unknown;
    try {
      // `kept` is read before the next element starts reusing it.
      raw = filtering ? this.buildKept(src, base) : JSON.parse(src.toString('utf8', base, base + len));
    } catch (err) {
      throw new JsonStreamError(
        `malformed JSON in element ${this.count} of '${this.keyPath.join('.')}': ${(err as Error).message}`,
        {
          offset: this.offset + end,
          cause: err,
        },
      );
    }
    const index = this.count++;
    this.onElement(raw, index);
  }

  /** The element object made of its kept pairs only, decoded from `src` (the element starts at `base`). */
  private buildKept(src: Buffer, base: number): Record<string, unknown> {
    return (this.keep as KeySet).build(src, base, this.kept, this.keptLen);
  }

  private appendRest(part: Buffer): void {
    if (part.length > 0) this.restParts.push(Buffer.from(part));
  }
}

/**
 * Index of the first quote or backslash at or after `from`, or `buf.length`. Four bytes per step (`view` is over
 * `buf`): object keys are 63 % of a v0.0.38 job's bytes, and a byte loop over them was the scanner's hottest line.
 */
function stopAt(buf: Buffer, view: DataView<ArrayBufferLike>, from: number): number {
  const n = buf.length;
  let k = from;
  while (k + 4 <= n) {
    const v = view.getInt32(k, true);
    const x = v ^ 0x22222222;
    const y = v ^ 0x5c5c5c5c;
    // Some byte of x or y is zero: https://graphics.stanford.edu/~seander/bithacks.html#ZeroInWord
    if (((((x - 0x01010101) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) !== 0) break;
    k += 4;
  }
  while (k < n) {
    const b = buf[k] as number;
    if (b === QUOTE || b === BACKSLASH) return k;
    k++;
  }
  return n;
}

/** Index of the quote closing a string whose content starts at `from` (escapes skipped); -1 when the chunk ends first. */
function stringEnd(buf: Buffer, view: DataView<ArrayBufferLike>, from: number): number {
  const n = buf.length;
  let r = from;
  for (;;) {
    r = stopAt(buf, view, r);
    if (r >= n) return -1;
    if (buf[r] === QUOTE) return r;
    r += 2;
  }
}

/**
 * Index of the `close` byte ending the flat container opened at `buf[open]`; -1 when it holds another container
 * or a stray closing byte (the generic loop then reads it), -2 when the chunk ends first.
 */
function flatEnd(buf: Buffer, view: DataView<ArrayBufferLike>, open: number, close: number): number {
  const n = buf.length;
  let r = open + 1;
  while (r < n) {
    const b = buf[r] as number;
    if (b === QUOTE) {
      r = stringEnd(buf, view, r + 1);
      if (r < 0) return -2;
      r++;
      continue;
    }
    if (b === close) return r;
    if (b === OPEN_OBJ || b === OPEN_ARR || b === CLOSE_OBJ || b === CLOSE_ARR) return -1;
    r++;
  }
  return -2;
}

/** Expected closing bytes of open containers while `nestedEnd` steps over a value (deeper values: generic loop). */
const NEST = new Uint8Array(64);

/**
 * Index of the byte closing the container opened at `buf[open]`, nested containers included; -1 when a closing
 * byte does not match (the generic loop reports it) or nesting is deeper than 64, -2 when the chunk ends first.
 */
function nestedEnd(buf: Buffer, view: DataView<ArrayBufferLike>, open: number): number {
  const n = buf.length;
  let depth = 0;
  let r = open;
  while (r < n) {
    const b = buf[r] as number;
    if (b === QUOTE) {
      r = stringEnd(buf, view, r + 1);
      if (r < 0) return -2;
    } else if (b === OPEN_OBJ || b === OPEN_ARR) {
      if (depth === NEST.length) return -1;
      NEST[depth++] = b === OPEN_OBJ ? CLOSE_OBJ : CLOSE_ARR;
    } else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
      if (depth === 0 || NEST[--depth] !== b) return -1;
      if (depth === 0) return r;
    }
    r++;
  }
  return -2;
}

/**
 * A flat object or array (members are strings without escapes, numbers or literals), decoded member by member;
 * null when it is anything else (JSON.parse then decodes it, or reports what is wrong).
 */
function decodeFlat(
  buf: Buffer,
  s: number,
  e: number,
  key: string,
): unknown[] | Record<string, unknown> | null {
  const isObj = buf[s] === OPEN_OBJ;
  const out: unknown[] | Record<string, unknown> = isObj ? {} : [];
  let i = s + 1;
  const last = e - 1; // the closing byte
  while (i < last && isWhitespace(buf[i] as number)) i++;
  if (i === last) return out;
  for (;;) {
    let name = '';
    if (isObj) {
      if (buf[i] !== QUOTE) return null;
      let k = i + 1;
      while (k < last && buf[k] !== QUOTE && buf[k] !== BACKSLASH) k++;
      if (buf[k] !== QUOTE) return null;
      name = internKey(buf, i + 1, k);
      // JSON.parse makes `__proto__` an own property; an assignment would set the prototype instead.
      if (name === '__proto__') return null;
      i = k + 1;
      while (i < last && isWhitespace(buf[i] as number)) i++;
      if (buf[i] !== COLON) return null;
      i++;
    }
    // The member's value runs to the next comma outside a string (or to the closing byte).
    let v = i;
    while (v < last && isWhitespace(buf[v] as number)) v++;
    let end = v;
    if (buf[v] === OPEN_OBJ || buf[v] === OPEN_ARR) return null;
    if (buf[v] === QUOTE) {
      end = v + 1;
      while (end < last && buf[end] !== QUOTE && buf[end] !== BACKSLASH) end++;
      if (buf[end] !== QUOTE) return null;
      end++;
    }
    while (end < last && buf[end] !== COMMA) end++;
    const value = decodeValue(buf, v, end, key);
    if (isObj) (out as Record<string, unknown>)[name] = value;
    else (out as unknown[]).push(value);
    if (end >= last) return out;
    i = end + 1;
  }
}

/** Methods every Buffer has (Node's own `toString` calls them) that @types/node does not declare. */
type SliceBuffer = Buffer & {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
};

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function isLiteral(buf: Buffer, s: number, e: number, lit: Buffer): boolean {
  if (e - s !== lit.length) return false;
  for (let j = 0; j < lit.length; j++) if (buf[s + j] !== lit[j]) return false;
  return true;
}

/**
 * Member names of flat objects (`set`, `infinite`, `number` in every v0.0.40+ number) are decoded once and
 * reused: a direct-mapped table by (length, first, last byte), the newest name winning a slot.
 */
const INTERN_SLOTS = 512;
const internBytes: (Buffer | undefined)[] = new Array(INTERN_SLOTS);
const internNames: string[] = new Array(INTERN_SLOTS).fill('');

function internKey(buf: Buffer, s: number, e: number): string {
  const len = e - s;
  if (len === 0 || len > 32) return buf.toString('utf8', s, e);
  const h = (len * 97 + (buf[s] as number) * 31 + (buf[e - 1] as number)) & (INTERN_SLOTS - 1);
  const known = internBytes[h];
  if (known !== undefined && known.length === len) {
    let j = 0;
    while (j < len && buf[s + j] === known[j]) j++;
    if (j === len) return internNames[h] as string;
  }
  const name = buf.toString('utf8', s, e);
  internBytes[h] = Buffer.from(buf.subarray(s, e));
  internNames[h] = name;
  return name;
}

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * One JSON value from `buf[from, end)` (surrounding whitespace allowed), as JSON.parse would decode it.
 * Strings without escapes, numbers and literals are decoded here: they are nearly all the kept values, and
 * one JSON.parse call per value would cost more than the decoding itself. Everything else goes to JSON.parse.
 */
function decodeValue(buf: Buffer, from: number, end: number, key: string): unknown {
  let s = from;
  let e = end;
  while (s < e && isWhitespace(buf[s] as number)) s++;
  while (e > s && isWhitespace(buf[e - 1] as number)) e--;
  if (s >= e) throw new SyntaxError(`no value for key ${JSON.stringify(key)}`);
  const c = buf[s] as number;
  if (c === QUOTE) {
    let plain = e - s >= 2 && buf[e - 1] === QUOTE;
    let ascii = true;
    for (let j = s + 1; plain && j < e - 1; j++) {
      const b = buf[j] as number;
      if (b === BACKSLASH || b === QUOTE || b < 0x20) plain = false;
      else if (b >= 0x80) ascii = false;
    }
    // Buffer's own slice methods: `toString` spends more on argument handling than on a 15-byte name. ASCII
    // (nearly all) decodes as latin1, the cheapest one-byte string.
    if (plain)
      return ascii
        ? (buf as SliceBuffer).latin1Slice(s + 1, e - 1)
        : (buf as SliceBuffer).utf8Slice(s + 1, e - 1);
  } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
    // Integers that fit a double exactly are summed here; anything else is checked against JSON's grammar
    // first (Number() alone would accept `0x1f` or `-Infinity`).
    if (e - s <= 15) {
      let neg = false;
      let j = s;
      if (c === 0x2d) {
        neg = true;
        j++;
      }
      let v = 0;
      let digits = 0;
      for (; j < e; j++) {
        const d = (buf[j] as number) - 0x30;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
        digits++;
      }
      if (j === e && digits > 0 && !(digits > 1 && buf[neg ? s + 1 : s] === 0x30)) return neg ? -v : v;
    }
    const text = buf.toString('latin1', s, e);
    if (INTEGER.test(text) || NUMBER.test(text)) return Number(text);
    throw new SyntaxError(`bad number ${JSON.stringify(text.slice(0, 40))} for key ${JSON.stringify(key)}`);
  } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
    // Compared on bytes: a string per literal was a tenth of the decoding time.
    if (isLiteral(buf, s, e, TRUE)) return true;
    if (isLiteral(buf, s, e, FALSE)) return false;
    if (isLiteral(buf, s, e, NULL)) return null;
    const text = buf.toString('latin1', s, e);
    throw new SyntaxError(`bad literal ${JSON.stringify(text.slice(0, 40))} for key ${JSON.stringify(key)}`);
  }
  if ((c === OPEN_OBJ && buf[e - 1] === CLOSE_OBJ) || (c === OPEN_ARR && buf[e - 1] === CLOSE_ARR)) {
    const flat = decodeFlat(buf, s, e, key);
    if (flat !== null) return flat;
  }
  return JSON.parse(buf.toString('utf8', s, e));
}

/** Convenience for whole buffers (tests, small bodies). */
export function parseJsonList(
  body: Uint8Array | readonly Uint8Array[],
  keyPath: readonly string[],
  onElement: (raw: unknown, index: number) => void,
  options: JsonListOptions = {},
): JsonListResult {
  const s = new JsonListStream(keyPath, onElement, options);
  const chunks = body instanceof Uint8Array ? [body] : body;
  for (const c of chunks) s.push(c);
  return s.end();
}
