/**
 * A payload's `text` for tests: the UTF-8 bytes of `text` in pieces of `size` bytes, so lines (and multi-byte
 * characters) are cut across chunks.
 */
export function chunked(text: string, size = 7): () => AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  return async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  };
}
