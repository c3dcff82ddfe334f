// What the API answers, checked against what its OpenAPI document promises (status, content type,
// body schema), for one request of each kind: a validating proxy in front of it must accept them all.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateOpenApiDocument, type OpenApiDocument } from '@sentiment/contract';
import { createHarness, stubProcessor, type Harness } from './support/harness.js';

let h: Harness;
let doc: OpenApiDocument;
let ajv: Ajv2020;
beforeAll(async () => {
  h = await createHarness();
  h.startWorker(stubProcessor);
  doc = generateOpenApiDocument();
  ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components });
});
afterAll(async () => {
  await h?.close();
});

/** The documented schema of `status` for the operation at `path` (a template like /jobs/{id}). */
function schemaFor(method: string, path: string, status: number): object {
  const op = (doc.paths as Record<string, Record<string, any>>)[path]?.[method];
  expect(op, `${method} ${path} is documented`).toBeDefined();
  const response = op.responses[String(status)];
  expect(response, `${method} ${path} documents ${status}`).toBeDefined();
  const schema = response.content?.['application/json']?.schema;
  expect(schema, `${method} ${path} ${status} has a JSON schema`).toBeDefined();
  // Component references resolve against the document's components.
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
}

function conforms(method: string, path: string, res: { status: number; body: unknown; headers: Record<string, string> }): void {
  expect(res.headers['content-type']).toMatch(/application\/json/);
  const validate = ajv.compile(schemaFor(method, path, res.status));
  expect(validate(res.body), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

it('answers every kind of request as documented', async () => {
  const predicted = await request(h.app).post('/predict').send({ text: 'fine' });
  conforms('post', '/predict', predicted);
  conforms('post', '/predict', await request(h.app).post('/predict?async=true').send({ text: 'later' }));
  conforms('post', '/predict', await request(h.app).post('/predict').send({ text: '' }));
  conforms('post', '/batch', await request(h.app).post('/batch').send({ texts: ['a', 'b'] }));
  const job = await request(h.app).post('/jobs').send({ texts: ['one', 'two'] });
  conforms('post', '/jobs', job);
  conforms('get', '/jobs/{id}', await request(h.app).get(`/jobs/${job.body.job_id}`));
  conforms('get', '/jobs/{id}', await request(h.app).get('/jobs/00000000-0000-4000-8000-000000000000'));
  conforms('get', '/analytics/summary', await request(h.app).get('/analytics/summary'));
  conforms('get', '/analytics/sentiment-distribution', await request(h.app).get('/analytics/sentiment-distribution'));
  conforms('get', '/analytics/recent', await request(h.app).get('/analytics/recent?limit=5'));
  conforms('get', '/analytics/recent', await request(h.app).get('/analytics/recent?limit=0'));
  conforms('get', '/analytics/timeseries', await request(h.app).get('/analytics/timeseries?bucket=hour'));
  conforms('get', '/analytics/latency', await request(h.app).get('/analytics/latency'));
  conforms('get', '/analytics/models', await request(h.app).get('/analytics/models'));
  conforms('get', '/health', await request(h.app).get('/health'));
  conforms('get', '/ready', await request(h.app).get('/ready'));
});
