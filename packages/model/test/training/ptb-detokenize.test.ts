import { describe, expect, it } from 'vitest';
import { detokenizePtb } from '../../src/training/ptb-detokenize.js';
import { parseSst2Tsv } from '../../src/training/sst2-tsv.js';

describe('detokenizePtb', () => {
  it.each([
    ["it 's a charming and often affecting journey . ", "it's a charming and often affecting journey."],
    ["does n't work , ca n't work , wo n't work", "doesn't work, can't work, won't work"],
    ["you 're gon na like this movie .", "you're gonna like this movie."],
    ["we 've seen it ; i 'd say i 'm sure they 'll like it !", "we've seen it; i'd say i'm sure they'll like it!"],
    ['the subtle strength of `` elling \'\' is that it never loses touch', 'the subtle strength of "elling" is that it never loses touch'],
    ["if steven soderbergh 's ` solaris ' is a failure it is a glorious failure .", "if steven soderbergh's 'solaris' is a failure it is a glorious failure."],
    ['the draw ( for `` big bad love \'\' ) is a solid performance', 'the draw (for "big bad love") is a solid performance'],
    ["the actors ' performances are fine ... mostly", "the actors' performances are fine... mostly"],
    ['costs $ 5 , or 10 % more ?', 'costs $5, or 10% more?'],
    ['what a time : the -lrb- late -rrb- \'70s -- wow', "what a time: the (late) '70s -- wow"],
  ])('%j → %j', (input, expected) => {
    expect(detokenizePtb(input)).toBe(expected);
  });
});

describe('parseSst2Tsv', () => {
  it('trims the trailing space, splits on tabs only and detokenizes', () => {
    const rows = parseSst2Tsv('sentence\tlabel\nit \'s "quoted , not csv " \t1\nbad . \t0\n');
    expect(rows).toEqual([
      { text: 'it\'s "quoted, not csv "', label: 1 },
      { text: 'bad.', label: 0 },
    ]);
  });

  it('rejects a file with another header', () => {
    expect(() => parseSst2Tsv('label\tsentence\n1\tgood \n')).toThrow(/header/);
  });
});
