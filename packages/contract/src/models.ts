import { z } from 'zod';
import { Routing } from '@sentiment/registry';

/** The optional `model` of POST /predict, /batch and /jobs. */
export const ModelField = z
  .string()
  .min(1)
  .max(100)
  .meta({
    description:
      'Which model answers: a model name (`sentiment-sst2-v1`), an alias (`stable`) or a full `model_version`. Default: the ' +
      'routing decides (GET /models). Unknown: 400 `unknown_model`; no worker serves it now: 503 `model_unavailable`.',
  });

export const ServedVersion = z.object({
  version: z.string().meta({ description: 'The `model_version` its answers carry.' }),
  workers: z.number().int().meta({ description: 'Worker processes serving it right now.' }),
});

export const ModelInfo = z
  .object({
    name: z.string(),
    aliases: z.array(z.string()).meta({ description: 'Aliases that point at it now.' }),
    description: z.string().optional(),
    source: z.enum(['shipped', 'dir', 'hub']),
    versions: z.array(ServedVersion).meta({ description: 'Versions live workers serve (more than one during a rollout of new files).' }),
    traffic_share: z.number().meta({ description: 'Share of requests without a `model` the split sends here (0 to 1).' }),
    shadow_rate: z.number().meta({ description: 'Share of routed requests this model also answers in shadow (0 to 1).' }),
    retired: z.boolean().meta({ description: 'Being retired (`npm run models:retire`): its queued jobs finish, it takes no new ones (503 `model_unavailable`).' }),
  })
  .meta({ id: 'ModelInfo' });

/** GET /models */
export const ModelCatalog = z
  .object({
    models: z.array(ModelInfo),
    routing: Routing.meta({ id: 'Routing' }),
    routing_updated_at: z.string().nullable().meta({ description: 'When PUT /admin/routing last changed it; null: the registry file\'s routing.' }),
  })
  .meta({ id: 'ModelCatalog' });
export type ModelCatalog = z.infer<typeof ModelCatalog>;
export type ModelInfo = z.infer<typeof ModelInfo>;

/** PUT /admin/routing */
export const RoutingBody = Routing;
export type RoutingBody = z.input<typeof RoutingBody>;
