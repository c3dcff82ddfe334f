import { describe, expect, it } from 'vitest';
import { createNormalizer, hashtagSegmenter, PLACEHOLDERS as P } from '../src/runtime/normalize-text.js';

const WORDS = ['the', 'best', 'day', 'ever', 'love', 'this', 'so', 'much', 'happy', 'friday', 'game', 'of', 'thrones', 'customer', 'service'];
const normalize = createNormalizer({ type: 'social-v1', hashtag_words: WORDS });

describe('social-v1 text normalisation', () => {
  it('replaces mentions and links with placeholder words, but not e-mail addresses', () => {
    expect(normalize('@united where is my bag? https://t.co/xYz12 www.example.com/a')).toBe(`${P.user} where is my bag? ${P.url} ${P.url}`);
    expect(normalize('RT @user: so true')).toBe(`RT ${P.user} : so true`);
    expect(normalize('write to help@shop.com')).toBe('write to help@shop.com');
  });

  it('keeps emoticons as words, alone or glued to a word, and leaves look-alikes in text alone', () => {
    expect(normalize('thanks :) :-( <3 :D ;) :P :/ :\'(')).toBe(`thanks ${P.smile} ${P.sad} ${P.heart} ${P.laugh} ${P.wink} ${P.tongue} ${P.skeptical} ${P.cry}`);
    expect(normalize('great:)')).toBe(`great ${P.smile}`);
    expect(normalize('see the list (below): at 10:30, ratio 3:2')).toBe('see the list (below): at 10:30, ratio 3:2');
  });

  it('keeps emoji as tokens of their own, without skin tones or variation selectors', () => {
    expect(normalize('love it😍👍🏽❤️')).toBe('love it 😍 👍 ❤');
  });

  it('splits hashtags into words: camelCase, digits, then by word frequency', () => {
    expect(normalize('#BestDayEver')).toBe('# Best Day Ever');
    expect(normalize('#happyfriday #gameofthrones')).toBe('# happy friday # game of thrones');
    expect(normalize('#iPhone6 #customer_service')).toBe('# i Phone 6 # customer service');
    // Unknown run-together text is kept whole rather than cut into nonsense.
    expect(hashtagSegmenter(WORDS)('qwzxv')).toEqual(['qwzxv']);
  });

  it('shortens elongations and long runs of marks, decodes HTML entities, folds whitespace', () => {
    expect(normalize('sooooo goooood!!!!!! ??????')).toBe('soo good!!! ???');
    expect(normalize('fish &amp; chips &lt;3 &#39;yes&#39;\n\t done')).toBe(`fish & chips ${P.heart} 'yes' done`);
  });

  it('finds what its shortcuts look for in texts that hold nothing else', () => {
    // An emoticon without : ; = < ^, the only one ("xD"); letter runs outside ASCII; an emoji in otherwise ASCII text.
    expect(normalize('xD')).toBe(P.laugh);
    expect(normalize('lol X-DDD')).toBe(`lol ${P.laugh}`);
    expect(normalize('¡olééé! ñññ')).toBe('¡oléé! ññ');
    expect(normalize('ok👍')).toBe('ok 👍');
    expect(normalize('plain words only')).toBe('plain words only');
  });

  it('rejects a normalizer.json it does not understand', () => {
    expect(() => createNormalizer({ type: 'other' as 'social-v1', hashtag_words: [] })).toThrow(/unknown normalizer type/);
  });
});
