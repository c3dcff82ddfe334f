import { z } from 'zod';
import { AliasName, ModelName } from './names.js';

/**
 * How requests without a `model` are routed, changeable at run time (PUT /admin/routing): aliases,
 * the traffic split between aliases or models, stickiness, and an optional shadow.
 */
export const Routing = z
  .object({
    /** alias → model name, e.g. `{ "stable": "sentiment-multi-v2" }`. Moving an alias is a rollout. */
    aliases: z.record(AliasName, ModelName).default({}),
    /** Relative weights per alias or model name, e.g. `{ "stable": 90, "candidate": 10 }`. */
    split: z
      .record(ModelName, z.number().min(0).max(1_000_000))
      .refine((s) => Object.values(s).some((w) => w > 0), { message: 'at least one weight must be above 0' }),
    /**
     * Who sees the same version: `client` (per API key, else per client address), `text` (per text: the
     * same text always gets the same version), `none` (each request drawn afresh).
     */
    sticky: z.enum(['client', 'text', 'none']).default('client'),
    /** A version that also answers a sampled share of the routed traffic, for comparison only. */
    shadow: z
      .object({
        model: ModelName,
        /** Share of requests shadowed, 0 to 1. */
        rate: z.number().min(0).max(1),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();
export type Routing = z.infer<typeof Routing>;
export type RoutingInput = z.input<typeof Routing>;

/** A target (an alias or a model name) as a model name; undefined when it is neither. */
export function resolveTarget(routing: Pick<Routing, 'aliases'>, models: ReadonlySet<string>, target: string): string | undefined {
  if (models.has(target)) return target;
  const aliased = routing.aliases[target];
  return aliased !== undefined && models.has(aliased) ? aliased : undefined;
}

/** Every way `routing` does not fit the registry's models; empty when it does. */
export function routingProblems(routing: Routing, models: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const [alias, model] of Object.entries(routing.aliases)) {
    if (models.has(alias)) problems.push(`aliases.${alias}: an alias cannot have a model's name`);
    if (!models.has(model)) problems.push(`aliases.${alias}: no model "${model}" in the registry`);
  }
  for (const target of Object.keys(routing.split)) {
    if (resolveTarget(routing, models, target) === undefined) problems.push(`split.${target}: neither a model nor an alias`);
  }
  if (routing.shadow && resolveTarget(routing, models, routing.shadow.model) === undefined) {
    problems.push(`shadow.model: "${routing.shadow.model}" is neither a model nor an alias`);
  }
  return problems;
}
