import { SENTIMENTS } from '@sentiment/core';
import { z } from 'zod';

/** A prediction's sentiment (the list of @sentiment/core), a named schema of the OpenAPI document. */
export const Sentiment = z.enum(SENTIMENTS).meta({ id: 'Sentiment' });
export type Sentiment = z.infer<typeof Sentiment>;
