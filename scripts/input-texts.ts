// npm run texts -- show <job id>    prints the job's stored input texts, decrypted (one JSON line per item)
// npm run texts -- erase <job id>   erases them (input_text NULL); the rows and every analytics figure stay
// Reads DATABASE_URL / DATABASE_SCHEMA like the apps, and INPUT_TEXT_KEYS or INPUT_TEXT_KEYS_FILE for `show`.
import { readFileSync } from 'node:fs';
import { createTextCipher, databaseSettings, eraseInputTexts, initOrm, parseTextKeys, readInputTexts } from '@sentiment/db';

const [command, jobId] = process.argv.slice(2);
if (!['show', 'erase'].includes(command ?? '') || !jobId) {
  console.error('usage: npm run texts -- show|erase <job id>');
  process.exit(2);
}
const keysFile = process.env.INPUT_TEXT_KEYS_FILE?.trim();
const spec = process.env.INPUT_TEXT_KEYS?.trim() || (keysFile ? readFileSync(keysFile, 'utf8') : '');
const cipher = spec ? createTextCipher(parseTextKeys(spec)) : undefined;

const orm = await initOrm(databaseSettings(process.env));
try {
  if (command === 'erase') {
    console.error(`erased the input texts of ${await eraseInputTexts(orm, jobId)} rows of job ${jobId}`);
  } else {
    const texts = await readInputTexts(orm, jobId, cipher);
    for (const t of texts) console.log(JSON.stringify({ item_index: t.itemIndex, text: t.text }));
    if (texts.length === 0) console.error(`no rows for job ${jobId}`);
  }
} finally {
  await orm.close();
}
