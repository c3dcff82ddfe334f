// BERT normalisation and pre-tokenisation (BertNormalizer + BertPreTokenizer), as the tokenizer.json we write
// declares them; used to count the training words that become the vocabulary.

// Same punctuation class as BertPreTokenizer in @xenova/transformers (Unicode P* plus all ASCII symbols).
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const WORD_OR_PUNCT = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');

function isChinese(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** clean_text, handle_chinese_chars, lowercase, strip_accents. */
export function bertNormalize(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || (/\p{Cc}|\p{Cf}/u.test(ch) && !/\s/.test(ch))) continue;
    if (/\s/.test(ch)) out += ' ';
    else if (isChinese(cp)) out += ` ${ch} `;
    else out += ch;
  }
  return out.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
}

/** Words as BertPreTokenizer splits them: on whitespace and around every punctuation character. */
export function bertWords(text: string): string[] {
  return bertNormalize(text).match(WORD_OR_PUNCT) ?? [];
}
