/**
 * Small helpers for writing text straight into byte buffers (the exposition chunks, remote write's label
 * fields). Label names and values are nearly always ASCII and short: for them a loop over char codes is cheaper
 * than a call into C++ (Buffer#write, Buffer.byteLength, Buffer#copy); anything else takes the C++ path.
 */

/** UTF-8 length of `s`: its length when it is ASCII, else Buffer.byteLength. */
export function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/** Writes `s` (`bytes` = utf8Length(s)) at `pos`; returns the position after it. */
export function writeUtf8(out: Buffer, pos: number, s: string, bytes: number): number {
  if (bytes !== s.length || bytes > 64) return pos + out.write(s, pos, bytes, 'utf8');
  for (let i = 0; i < bytes; i++) out[pos + i] = s.charCodeAt(i);
  return pos + bytes;
}

/**
 * Copies `src[s, e)` to `out` at `pos`; returns the position after it. Buffer#copy costs ~60–90 ns a call (its
 * checks and a typed-array view), an optimized byte loop ~1 ns a byte: the loop up to the crossover.
 */
export function copyRange(src: Buffer, s: number, e: number, out: Buffer, pos: number): number {
  const n = e - s;
  if (n > 64) return pos + src.copy(out, pos, s, e);
  for (let i = 0; i < n; i++) out[pos + i] = src[s + i] as number;
  return pos + n;
}

/**
 * Byte ranges appended to one growing buffer: `add` reserves room, the caller writes, `end` records where the
 * entry ends. Ranges are addressed by entry number (two numbers each), so thousands of them cost no objects.
 */
export class ByteArena {
  bytes = Buffer.allocUnsafe(64 * 1024);
  used = 0;
  private offsets = new Int32Array(2 * 1024);
  private count = 0;

  /** Makes room for `n` more bytes; the caller then writes at `used` and calls `close`. */
  reserve(n: number): Buffer {
    if (this.used + n > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + n));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    return this.bytes;
  }

  /** Records the bytes from `start` to the current `used` as a new entry; returns its number. */
  close(start: number): number {
    const e = this.count++;
    if (2 * this.count > this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[2 * e] = start;
    this.offsets[2 * e + 1] = this.used;
    return e;
  }

  start(e: number): number {
    return this.offsets[2 * e] as number;
  }

  end(e: number): number {
    return this.offsets[2 * e + 1] as number;
  }
}
