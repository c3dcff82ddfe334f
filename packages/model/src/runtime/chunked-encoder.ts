// Fast, exact token ids for BERT-style tokenizers: the text is split on whitespace and each chunk's
// ids are memoised. Exact because BertNormalizer (clean-up, CJK spacing, lower-casing, accent stripping),
// BertPreTokenizer (splits on whitespace and punctuation) and WordPiece all act within whitespace-delimited
// chunks, so a text's content ids are the concatenation of its chunks' ids. transformers-js.ts only
// enables this after checking the tokenizer's pipeline and a probe set of texts.

export interface ChunkedEncoderParts {
  /** Content token ids of a text (no special tokens), from the real tokenizer. */
  encodeContent(text: string): number[];
  /** Special ids around the content, e.g. [CLS] before and [SEP] after. */
  prefix: number[];
  suffix: number[];
  maxLength: number;
  /**
   * Memo entries kept before the memo is cleared (bounded memory under unbounded vocabularies): enough
   * for every distinct chunk of SST-2's training sentences, at a few MiB per classifier thread.
   */
  memoSize?: number;
}

export function chunkedEncoder({ encodeContent, prefix, suffix, maxLength, memoSize = 20_000 }: ChunkedEncoderParts) {
  const memo = new Map<string, number[]>();
  const limit = maxLength - suffix.length;
  return function encode(text: string): number[] {
    const ids = [...prefix];
    // \S is exactly what the tokenizer does not treat as whitespace. Stopping once the budget is full
    // makes a 20,000-character text cost no more than its first `maxLength` tokens.
    const chunks = /\S+/g;
    let match: RegExpExecArray | null;
    while (ids.length < limit && (match = chunks.exec(text)) !== null) {
      const chunk = match[0];
      let chunkIds = memo.get(chunk);
      if (!chunkIds) {
        chunkIds = encodeContent(chunk);
        if (memo.size >= memoSize) memo.clear();
        memo.set(chunk, chunkIds);
      }
      for (let i = 0; i < chunkIds.length && ids.length < limit; i++) ids.push(chunkIds[i]!);
    }
    for (const id of suffix) ids.push(id);
    return ids;
  };
}
