// SST-2 text is PTB-tokenized ("does n't", "it 's", "`` title ''"); users write "doesn't", "it's", "\"title\"".
// Training and evaluation both go through this, so the model sees text the way people type it.

const rules: [RegExp, string][] = [
  [/-lrb-/g, '('],
  [/-rrb-/g, ')'],
  [/-lsb-/g, '['],
  [/-rsb-/g, ']'],
  [/``\s*/g, '"'],
  [/\s*''/g, '"'],
  // Contractions and clitics split off by PTB.
  [/ (n't)\b/gi, '$1'],
  [/ ('(?:s|re|ve|ll|d|m))(?=\s|$|[^\w])/gi, '$1'],
  [/\b(gon|wan|got) (na|ta)\b/g, '$1$2'],
  // Opening single quote (`) attaches to the next word; a lone closing ' to the previous one.
  [/`\s*/g, "'"],
  [/ '(?=\s|$)/g, "'"],
  // No space before closing punctuation, none after opening brackets / currency.
  [/ +([,.!?;:%)\]}]|\.\.\.)/g, '$1'],
  [/([([{$]) +/g, '$1'],
];

export function detokenizePtb(text: string): string {
  let out = text.trim();
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement);
  return out.replace(/\s+/g, ' ').trim();
}
