// Twenty everyday English sentences, unlike the movie reviews of SST-2: product reviews, support messages,
// social posts and plainly neutral statements. Written for this repository (not taken from any corpus);
// `expected` is what a reader would say. `npm run eval:model -- --everyday` prints the model's answers on
// them as the markdown table of the model card's "Everyday sentences" section.
import type { SentimentLabel } from '../classifier.js';

export interface EverydaySentence {
  text: string;
  expected: SentimentLabel;
}

export const EVERYDAY_SENTENCES: readonly EverydaySentence[] = [
  // Reviews
  { text: 'Great value for the price, I would buy it again.', expected: 'positive' },
  { text: 'Absolutely love these headphones, the sound is amazing.', expected: 'positive' },
  { text: 'Not bad at all, better than I expected.', expected: 'positive' },
  { text: 'The staff at the front desk were friendly and helpful.', expected: 'positive' },
  { text: 'The shoes fell apart after two weeks, total waste of money.', expected: 'negative' },
  { text: 'The delivery was late and the box was damaged.', expected: 'negative' },
  // Support messages
  { text: 'Thanks, the support team solved my problem in minutes!', expected: 'positive' },
  { text: 'The app keeps crashing every time I open it.', expected: 'negative' },
  { text: 'I waited an hour on hold and nobody answered.', expected: 'negative' },
  { text: 'It is not good, I want a refund.', expected: 'negative' },
  { text: 'Third time this month my card has been charged twice. Fix this.', expected: 'negative' },
  // Social posts
  { text: 'Just finished my first 10k run, feeling fantastic!', expected: 'positive' },
  { text: 'Oh great, another update that breaks everything.', expected: 'negative' },
  // Plainly neutral statements and questions
  { text: 'The package arrived on Tuesday.', expected: 'neutral' },
  { text: 'My order number is 48213.', expected: 'neutral' },
  { text: 'Can you tell me when the store opens?', expected: 'neutral' },
  { text: 'The meeting has been moved to 3 pm on Friday.', expected: 'neutral' },
  { text: 'I bought this jacket in a size medium.', expected: 'neutral' },
  { text: 'Our office is closed on public holidays.', expected: 'neutral' },
  { text: 'Please send the invoice to my work email address.', expected: 'neutral' },
];
