import { z } from 'zod';
import { ClassifyJobResult, PredictionResult } from '@sentiment/queue';
import { Sentiment } from './sentiment.js';

// Response shapes built on the queue contract's result schemas: the worker produces exactly these.

/** One classified text: the answer of POST /predict, and each item of a batch or job result. */
export const Prediction = PredictionResult.extend({
  id: z.uuid().meta({ description: "The stored row's id; the same on every retry of the job." }),
  sentiment: Sentiment,
  confidence: z.number().min(0).max(1).meta({ description: "The model's probability for `sentiment`." }),
  latency_ms: z.number().min(0).meta({ description: 'Wall time of the model call for the micro-batch holding this text.' }),
  model_version: z.string().meta({ description: 'Which model answered, e.g. `sentiment-multi-v2+5365d819`.' }),
  cache_hit: z.boolean(),
}).meta({ id: 'Prediction' });
export type Prediction = z.infer<typeof Prediction>;

/** POST /predict, 200. */
export const PredictResponse = Prediction;
export type PredictResponse = Prediction;

/** POST /batch, 200 (and `result` of a completed job): predictions in input order. */
export const BatchResponse = ClassifyJobResult.extend({
  predictions: z.array(Prediction),
  total: z.number().int().min(0),
}).meta({ id: 'BatchResponse' });
export type BatchResponse = z.infer<typeof BatchResponse>;
