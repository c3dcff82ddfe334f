/**
 * The sentiments a prediction can have, in the three-class models' output order (id2label 0, 1, 2):
 * the model's labels, the queue's results, the rows' predicted_sentiment and the API's answers.
 */
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];
