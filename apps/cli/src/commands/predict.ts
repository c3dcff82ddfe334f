import { MAX_BATCH_TEXTS } from '@sentiment/client';
import { PredictBody } from '@sentiment/contract';
import type { CommandContext } from '../context.js';
import { badInput, usage } from '../exit-codes.js';

/** `sentiment predict TEXT...`: one JSON line per text on stdout, in argument order. */
export async function predictCommand({ client, signal }: CommandContext, texts: string[], { model }: { model?: string } = {}): Promise<void> {
  if (texts.length > MAX_BATCH_TEXTS) throw usage(`at most ${MAX_BATCH_TEXTS} texts per predict; use \`sentiment submit FILE\` for more`);
  // The API's own rule, checked here so a blank argument is a bad input (3), not an API error (5).
  texts.forEach((text, i) => {
    const check = PredictBody.shape.text.safeParse(text);
    if (!check.success) throw badInput(`text ${i + 1}: ${check.error.issues[0]?.message ?? 'invalid text'}`);
  });
  const predictions = texts.length === 1 ? [await client.predict(texts[0]!, { signal, model })] : (await client.batch(texts, { signal, model })).predictions;
  for (const p of predictions) process.stdout.write(`${JSON.stringify(p)}\n`);
}
