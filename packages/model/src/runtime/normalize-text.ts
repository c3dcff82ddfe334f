// Text normalisation for social and everyday text, applied before the tokenizer. Training and the runtime
// both call `createNormalizer` with the model folder's normalizer.json, so the model sees at inference
// exactly what it saw in training. Case folding is left to the tokenizer (BertNormalizer, lowercase).

/** Contents of a model's normalizer.json. */
export interface NormalizerSpec {
  type: 'social-v1';
  /** Words by descending frequency in the training texts: hashtag segmentation prefers frequent words. */
  hashtag_words: string[];
}

/** Placeholder words: plain lowercase words, so any WordPiece tokenizer keeps them whole. */
export const PLACEHOLDERS = {
  url: 'xxurl',
  user: 'xxuser',
  smile: 'xxsmile',
  laugh: 'xxlaugh',
  wink: 'xxwink',
  tongue: 'xxtongue',
  sad: 'xxsad',
  cry: 'xxcry',
  heart: 'xxheart',
  skeptical: 'xxskeptical',
} as const;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const ENTITY = /&(?:(amp|lt|gt|quot|apos|nbsp)|#(\d{1,6})|#x([0-9a-f]{1,6}));/gi;
const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
// @name, and the `@user` that the corpora already use; not e-mail addresses (a word character before @).
const MENTION = /(^|[^\w@])@\w+/g;
// Western emoticons. A chunk (between spaces) that is one, or a word with one of the unambiguous ones glued
// to its end ("great:)"); never inside text, so "(see below):" and times like 10:30 stay as they are.
const EMOTICONS: [RegExp, string][] = [
  [/^(?::['’]-?\(+|;-?\(+)$/, PLACEHOLDERS.cry],
  [/^(?:[:=]-?[)\]}]+|\(+-?[:=]|\^_*\^)$/, PLACEHOLDERS.smile],
  [/^(?:[:=]-?D+|[xX]-?D+)$/, PLACEHOLDERS.laugh],
  [/^;-?[)\]D]+$/, PLACEHOLDERS.wink],
  [/^[:=;]-?[pP]$/, PLACEHOLDERS.tongue],
  [/^(?:[:=]-?[([{]+|\)+-?[:=]|D-?:)$/, PLACEHOLDERS.sad],
  [/^<3+$/, PLACEHOLDERS.heart],
  [/^[:=]-?[/\\|]$/, PLACEHOLDERS.skeptical],
];
const GLUED_EMOTICON = /(?<=\p{L})(:-?\)+|:-?\(+|:-?D+|;-?\)+|<3+)$/u;
const CHUNK = /\S+/g;
// Every emoticon above holds one of : ; = < ^ or is an "xD": a text without them has none (most texts), so
// the chunk-by-chunk pass is skipped; it is the normaliser's costliest step.
const MAY_HOLD_EMOTICON = /[:;=<^]|[xX]-?D/;
// Emoji and their modifiers are all outside ASCII; in ASCII text a letter run is an ASCII letter's.
const NON_ASCII = /[\u0080-\uffff]/;
const ASCII_LETTER_RUN = /([A-Za-z])\1\1/;

function emoticonWord(chunk: string): string | undefined {
  for (const [pattern, word] of EMOTICONS) if (pattern.test(chunk)) return word;
  return undefined;
}

const PICTOGRAPH = /\p{Extended_Pictographic}/gu;
// Skin tones, variation selectors and joiners only change how an emoji looks; the base emoji carries the meaning.
// Each is matched alone, on purpose: the joiners and combining marks are what this strips.
// eslint-disable-next-line no-misleading-character-class
const EMOJI_MODIFIERS = /[\u{1F3FB}-\u{1F3FF}\u{FE0E}\u{FE0F}\u{200D}\u{20E3}]/gu;
const HASHTAG = /#([\p{L}\p{N}_]+)/gu;
// Three or more of one letter become two ("soooo" → "soo"); three or more of one mark become three ("!!!!!" → "!!!").
const LONG_LETTER_RUN = /(\p{L})\1{2,}/gu;
const LONG_MARK_RUN = /([!?.])\1{3,}/g;

/** Splits a hashtag body into words: camelCase and digits first, then the cheapest split by word frequency. */
export function hashtagSegmenter(words: readonly string[]) {
  const cost = new Map<string, number>();
  const logCount = Math.log(Math.max(2, words.length));
  words.forEach((w, rank) => {
    if (!cost.has(w)) cost.set(w, Math.log((rank + 1) * logCount));
  });
  const maxWord = Math.max(1, ...words.map((w) => w.length));
  const unknownCost = (length: number) => 10 + 4 * length + Math.log(logCount) * 2;

  /** Minimum-cost split of a lowercase letter run (dynamic programming over split points). */
  function segmentRun(run: string): string[] {
    if (run.length <= 3 || cost.has(run)) return [run];
    const best = new Float64Array(run.length + 1).fill(Infinity);
    const from = new Int32Array(run.length + 1);
    best[0] = 0;
    for (let end = 1; end <= run.length; end++) {
      for (let start = Math.max(0, end - maxWord); start < end; start++) {
        const piece = run.slice(start, end);
        const c = best[start]! + (cost.get(piece) ?? unknownCost(piece.length));
        if (c < best[end]!) {
          best[end] = c;
          from[end] = start;
        }
      }
    }
    const pieces: string[] = [];
    for (let end = run.length; end > 0; end = from[end]!) pieces.unshift(run.slice(from[end]!, end));
    return pieces;
  }

  return (tag: string): string[] =>
    tag
      .replace(/_/g, ' ')
      // "BestDayEver" → "Best Day Ever", "iPhone6" → "i Phone 6", "NBAFinals" → "NBA Finals".
      .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
      .replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, (_, a, b, c, d) => (a ? `${a} ${b}` : `${c} ${d}`))
      .split(' ')
      .filter(Boolean)
      .flatMap((part) => (/^\p{Ll}+$/u.test(part) ? segmentRun(part) : [part]));
}

export type Normalizer = (text: string) => string;

export function createNormalizer(spec: NormalizerSpec): Normalizer {
  if (spec.type !== 'social-v1') throw new Error(`unknown normalizer type ${JSON.stringify(spec.type)}`);
  if (!Array.isArray(spec.hashtag_words)) throw new Error('normalizer hashtag_words must be an array of words');
  const segment = hashtagSegmenter(spec.hashtag_words);
  return (text: string): string => {
    let out = text.replace(ENTITY, (m, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
      if (named) return ENTITIES[named.toLowerCase()] ?? m;
      const cp = dec ? Number(dec) : parseInt(hex!, 16);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    });
    out = out.replace(URL, ` ${PLACEHOLDERS.url} `).replace(MENTION, `$1 ${PLACEHOLDERS.user} `);
    if (MAY_HOLD_EMOTICON.test(out)) {
      out = out.replace(CHUNK, (chunk) => {
        const whole = emoticonWord(chunk);
        if (whole) return whole;
        const glued = GLUED_EMOTICON.exec(chunk);
        return glued ? `${chunk.slice(0, glued.index)} ${emoticonWord(glued[1]!)} ` : chunk;
      });
    }
    const ascii = !NON_ASCII.test(out);
    if (!ascii) out = out.replace(EMOJI_MODIFIERS, '').replace(PICTOGRAPH, (e) => ` ${e} `);
    if (out.includes('#')) out = out.replace(HASHTAG, (_, tag: string) => ` # ${segment(tag).join(' ')} `);
    if (!ascii || ASCII_LETTER_RUN.test(out)) out = out.replace(LONG_LETTER_RUN, '$1$1');
    out = out.replace(LONG_MARK_RUN, '$1$1$1');
    return out.replace(/\s+/g, ' ').trim();
  };
}
