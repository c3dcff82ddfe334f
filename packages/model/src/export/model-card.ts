// config.json and the model card (README.md) of an exported ensemble, filled in from the training run.
import type { GruShape } from '../training/gru-params.js';
import type { TrainConfig } from '../training/train-gru.js';

export interface RunSummary {
  name: string;
  shape: GruShape;
  maxLength: number;
  config: Omit<TrainConfig, 'seed' | 'shape'>;
  seed: number;
  members: { seed: number; devAccuracy: number }[];
  /** Accuracy of the averaged probabilities, as computed in training. */
  ensembleDevAccuracy: number;
  /** Accuracy of the exported ONNX file run through onnxruntime on dev. */
  onnxDevAccuracy: number;
  trainExamples: number;
  devExamples: number;
  trainUnkTokens: number;
  devUnkRate: number;
  command: string;
  trainSeconds: number;
  totalSeconds: number;
  threads: number;
  machine: string;
  files: { path: string; bytes: number }[];
  onnxSha256: string;
}

export const LABELS = ['negative', 'positive'] as const;

export function configJson(s: Pick<RunSummary, 'shape' | 'maxLength' | 'members' | 'name'>): object {
  return {
    architectures: ['BiGruMaxPoolEnsembleForSequenceClassification'],
    model_type: 'bigru-maxpool-ensemble',
    name: s.name,
    id2label: Object.fromEntries(LABELS.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(LABELS.map((l, i) => [l, i])),
    num_labels: LABELS.length,
    problem_type: 'single_label_classification',
    max_position_embeddings: s.maxLength,
    max_length: s.maxLength,
    vocab_size: s.shape.vocab,
    embedding_size: s.shape.embed,
    hidden_size: s.shape.hidden,
    num_directions: 2,
    pooling: 'max',
    ensemble_size: s.members.length,
    pad_token_id: 0,
    onnx: { file: 'onnx/model.onnx', inputs: ['input_ids', 'attention_mask'], output: 'logits', output_is: 'log(mean member probabilities)' },
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const kb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);

export function modelCard(s: RunSummary): string {
  const { shape: sh, config: c } = s;
  return `# ${s.name}

A small English sentiment classifier (negative / positive) trained from scratch in TypeScript by this
repository (\`packages/model/src/training\`), exported to ONNX in the Hugging Face / Transformers.js layout.

## Architecture

Ensemble of ${s.members.length} bidirectional GRUs, averaged in probability space.
Each member: word embeddings ${sh.embed} → bidirectional GRU (hidden ${sh.hidden} per direction, ONNX \`GRU\` with
\`linear_before_reset=1\`, \`sequence_lens\` from the attention mask) → max over the real time steps of
[forward; backward] (${2 * sh.hidden}) → dense ${2 * sh.hidden}→${LABELS.length} → softmax.
The graph outputs \`logits\` [batch, 2] = log(mean of the members' probabilities), so \`softmax(logits)\` is the ensemble's
probability. Inputs: \`input_ids\`, \`attention_mask\` (int64, [batch, sequence], right-padded with id 0).
Labels: \`0\` = negative, \`1\` = positive. Max length ${s.maxLength} tokens ([CLS] … [SEP]).

Tokenizer: WordPiece-format \`tokenizer.json\` (BERT normaliser, lower-cased, accents stripped; BERT pre-tokeniser)
with a whole-word vocabulary of ${sh.vocab} entries (5 specials + every word in the training set). No \`##\` subword
pieces: unseen words become \`[UNK]\`.

## Data

GLUE SST-2 (Wang et al. 2018, "GLUE: A Multi-Task Benchmark and Analysis Platform for Natural Language
Understanding"), built from the Stanford Sentiment Treebank (Socher et al. 2013, "Recursive Deep Models for
Semantic Compositionality Over a Sentiment Treebank", EMNLP). ${s.trainExamples.toLocaleString('en')} training phrases and sentences,
${s.devExamples} dev sentences (held out, used only for evaluation). The SST is distributed by its authors for
research use; cite both papers when reporting results. The data is not included in this repository.
The PTB tokenisation of the data (\`does n't\`, \`it 's\`, quotes written as two backticks … two apostrophes) is undone before training (\`detokenizePtb\`),
so the model sees text as people write it; the dev set is treated the same way.

## Training

\`\`\`
${s.command}
\`\`\`

Seed ${s.seed} (member seeds ${s.members.map((m) => m.seed).join(', ')}); ${c.epochs} epochs over all training phrases, minibatches of
${c.batchSize}, Adam (lr ${c.learningRate}, linear decay to 0; lazy updates of embedding rows), gradient-norm clip ${c.clipNorm},
dropout ${c.dropout} on the pooled vector. Members train in parallel on ${s.threads} worker threads; each member's result depends
only on its seed, so the run is reproducible.
Training time: ${s.trainSeconds.toFixed(0)} s for the ensemble, ${s.totalSeconds.toFixed(0)} s for the whole command (${s.machine}).

## Results (SST-2 dev, ${s.devExamples} sentences)

| model | dev accuracy |
| --- | --- |
${s.members.map((m, i) => `| member ${i} (seed ${m.seed}) | ${pct(m.devAccuracy)} |`).join('\n')}
| ensemble (training-time forward pass) | ${pct(s.ensembleDevAccuracy)} |
| **ensemble, \`onnx/model.onnx\` via onnxruntime** | **${pct(s.onnxDevAccuracy)}** |

Tokens mapped to \`[UNK]\`: ${s.trainUnkTokens} in train, ${pct(s.devUnkRate)} of dev tokens.

## Files

| file | size |
| --- | --- |
${s.files.map((f) => `| \`${f.path}\` | ${kb(f.bytes)} |`).join('\n')}

sha256 of \`onnx/model.onnx\`: \`${s.onnxSha256}\`

## Limits

- Trained on movie-review phrases only: vocabulary, style and sentiment cues come from film criticism.
  Words never seen in those reviews (product names, slang, emoji, typos) are \`[UNK]\` and carry no signal.
- Binary output: there is no neutral class; factual or mixed text still gets "negative" or "positive",
  often with low confidence.
- English only; negation, sarcasm and long-range contrast ("not bad at all", "I wanted to love it, but…") are weak spots
  of a small model like this.
- ~${pct(1 - s.onnxDevAccuracy)} of SST-2 dev sentences are misclassified; expect worse on text far from movie reviews.

## Everyday sentences (measured)

<!-- everyday-eval:start — this section is filled in by the evaluation helper (eval:model). -->
_Not measured yet._
<!-- everyday-eval:end -->
`;
}
