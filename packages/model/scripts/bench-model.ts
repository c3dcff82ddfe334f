// Throughput and latency of the in-process classifier, with tokenization and ONNX run timed separately.
// Usage: npm run bench:model [-- --model DIR] [--threads N] [--pool N]   (DIR relative to the repo root)
// The last table is the model alone as the worker runs it: N classifier threads (default 2) × batch 32,
// tweet-length texts, tokenizer included.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createThreadedClassifier, defaultModelDir, loadClassifier, type LocalClassifier } from '../src/index.js';
import { ModelFiles } from '../src/runtime/model-files.js';
import { loadNormalizer } from '../src/runtime/model-tokenizer.js';
import { readLabelledTsv } from '../src/training/corpora.js';
import { loadTokenizer } from '../src/transformers-js.js';

/** Script paths are relative to the repo root, whatever the cwd npm gives the script. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const SENTENCES = [
  'The delivery was late and the box was damaged.',
  'Thanks, the support team solved my problem in minutes!',
  'Great value for the price, I would buy it again.',
  'The app keeps crashing every time I open it.',
  'Absolutely love these headphones, the sound is amazing.',
  'I waited an hour on hold and nobody answered.',
  'Not bad at all, better than I expected.',
];

const { values } = parseArgs({ options: { model: { type: 'string' }, threads: { type: 'string' }, pool: { type: 'string' } } });
const modelDir = values.model ? path.resolve(repoRoot, values.model) : defaultModelDir;

/** ~10 tokens each. */
function shortTexts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${SENTENCES[i % SENTENCES.length]!} #${i}`);
}
const TWEET_BITS = ['@user', '#mondaymotivation', 'https://t.co/x1', '😂', ':)', 'soooo', 'lol', '#fail'];
/** Tweet-length (~25–30 tokens): two sentences with a mention, a hashtag, a link or an emoji; each text distinct. */
function tweetTexts(count: number, salt = ''): string[] {
  return Array.from({ length: count }, (_, i) =>
    `${TWEET_BITS[i % TWEET_BITS.length]} ${SENTENCES[i % SENTENCES.length]!} ${SENTENCES[(i * 3 + 1) % SENTENCES.length]!} ${TWEET_BITS[(i + 3) % TWEET_BITS.length]} n${i}${salt}`,
  );
}
/** ~60 tokens each: five or six everyday sentences run together. */
function longTexts(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: 5 }, (_, k) => SENTENCES[(i + k * 3) % SENTENCES.length]!).join(' '),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

interface Row {
  texts: string;
  batch: number;
  tokens: number;
  tokenizeMs: number;
  runMs: number;
  totalMs: number;
}

/**
 * Repeats one batch until ~1.5 s (at least 5 times); medians per stage. Each repeat appends a new word
 * to every text, so the tokenizer's word memo always has misses, as with real traffic.
 */
async function measure(classifier: LocalClassifier, base: string[]): Promise<Omit<Row, 'texts' | 'batch'>> {
  const tokenize: number[] = [];
  const run: number[] = [];
  const total: number[] = [];
  const started = Date.now();
  let tokens = 0;
  for (let i = 0; i < 5 || Date.now() - started < 1500; i++) {
    const texts = base.map((text, k) => `${text} ref${i}x${k}`);
    const t0 = process.hrtime.bigint();
    const sequences = classifier.tokenize(texts);
    const tokenized = ms(t0);
    const t1 = process.hrtime.bigint();
    await classifier.predictTokenized(sequences);
    run.push(ms(t1));
    tokenize.push(tokenized);
    total.push(ms(t0));
    tokens = sequences.reduce((sum, s) => sum + s.length, 0) / sequences.length;
  }
  return { tokens, tokenizeMs: median(tokenize), runMs: median(run), totalMs: median(total) };
}

const classifier = await loadClassifier({
  modelDir,
  intraOpThreads: Number(values.threads ?? 1),
  maxBatchSize: 128, // one ONNX run per measured batch, so batch size 128 really is one batch
});
console.log(`model ${classifier.info.version} (${modelDir}), intra-op threads ${values.threads ?? 1}\n`);
await measure(classifier, shortTexts(32)); // warm-up: first runs allocate and JIT

// For comparison: the library's own encode, without the word memo (see transformers-js.ts).
const library = await loadTokenizer({ modelDir }, classifier.info.maxLength, { fast: false });
for (const [name, texts] of [['short', shortTexts(500)], ['long', longTexts(500)]] as const) {
  const t0 = process.hrtime.bigint();
  for (const text of texts) library.encode(text);
  console.log(`library encode (no memo), ${name} texts: ${((ms(t0) / texts.length) * 1000).toFixed(1)} µs/text`);
}

// The text normaliser alone (models with a normalizer.json). The bench's tweet-length texts each hold two of
// a mention, hashtag, link, emoji, emoticon or elongation, so they take every pass; plain sentences and most
// real tweets skip the emoticon, emoji and letter-run passes. Real tweets when ../shared is there.
const normalize = await loadNormalizer(new ModelFiles({ modelDir }));
if (normalize) {
  const realTweets = path.resolve(repoRoot, '..', 'shared', 'data', 'semeval-tweets', 'dev.tsv');
  const sets: [string, string[]][] = [
    ['tweet-length bench texts', tweetTexts(4000, 'norm')],
    ['long texts (plain sentences)', longTexts(4000)],
    ...(existsSync(realTweets) ? [['SemEval tweets dev (../shared)', (await readLabelledTsv(realTweets)).map((r) => r.text)] as [string, string[]]] : []),
  ];
  for (const [name, texts] of sets) {
    const passes: number[] = [];
    for (let pass = 0; pass < 7; pass++) {
      const t0 = process.hrtime.bigint();
      for (const text of texts) normalize(text);
      passes.push((ms(t0) / texts.length) * 1000);
    }
    console.log(`normaliser alone, ${name}: ${median(passes).toFixed(1)} µs/text (median of 7 passes over ${texts.length})`);
  }
}

const rows: Row[] = [];
for (const [name, make] of [['short', shortTexts], ['tweet', tweetTexts], ['long', longTexts]] as const) {
  for (const batch of [1, 8, 32, 128]) rows.push({ texts: name, batch, ...(await measure(classifier, make(batch))) });
}
await classifier.close();

console.table(
  rows.map((r) => ({
    texts: r.texts,
    batch: r.batch,
    'tokens/text': Math.round(r.tokens),
    'texts/s': Math.round((r.batch / r.totalMs) * 1000),
    'batch ms (median)': r.totalMs.toFixed(2),
    'tokenize ms': r.tokenizeMs.toFixed(2),
    'onnx run ms': r.runMs.toFixed(2),
    'tokenize µs/text': ((r.tokenizeMs / r.batch) * 1000).toFixed(1),
  })),
);
console.log('onnx run ms = padding + int64 feeds + onnxruntime + softmax; medians over ≥5 repeats.');

// The model as the worker runs it: classifier threads, one batch of 32 in flight per thread, every text new.
const pool = Number(values.pool ?? 2);
const threaded = await createThreadedClassifier({ modelDir, threads: pool, intraOpThreads: 1, maxBatchSize: 32 });
const passes: number[] = [];
for (let pass = 0; pass < 5; pass++) {
  const texts = tweetTexts(8192, `p${pass}`);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: pool }, async () => {
      for (let at = next; at < texts.length; at = next) {
        next += 32;
        await threaded.predict(texts.slice(at, at + 32));
      }
    }),
  );
  passes.push(texts.length / ((performance.now() - start) / 1000));
}
await threaded.close();
console.log(
  `\nthreaded (${pool} threads × batch 32), 8,192 distinct tweet-length texts per pass: ` +
    `median ${Math.round(median(passes))} texts/s (passes: ${passes.map((p) => Math.round(p)).join(', ')})`,
);
