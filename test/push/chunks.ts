/** A payload's `text` for tests: the text in pieces of `size` characters, so lines are cut across chunks. */
export function chunked(text: string, size = 7): () => AsyncIterable<string> {
  return async function* () {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  };
}
