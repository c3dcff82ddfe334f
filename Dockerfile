# One image for api, worker and migrate: the services differ only by command.
# Node 24, the current LTS (Node 20 left support in April 2026); the tests also pass on Node 20.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# glibc gives each thread that allocates its own malloc arena (up to 8 per core); the worker's inference
# threads and onnxruntime would keep ~10-20 MiB more resident with them (docs/benchmarks.md, "Memory").
ENV MALLOC_ARENA_MAX=2
COPY package.json package-lock.json .npmrc ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY packages/core/package.json packages/core/
COPY packages/settings/package.json packages/settings/
COPY packages/registry/package.json packages/registry/
COPY packages/contract/package.json packages/contract/
COPY packages/client/package.json packages/client/
COPY apps/cli/package.json apps/cli/
COPY packages/db/package.json packages/db/
COPY packages/model/package.json packages/model/
COPY packages/queue/package.json packages/queue/
# Dev dependencies only for the build (TypeScript), pruned once the apps are compiled.
RUN npm ci --include=dev --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json tsconfig.tools.json mikro-orm.config.ts models.json ./
COPY apps apps
COPY packages packages
RUN npx tsc -b apps/api apps/worker && npm prune --omit=dev && npm cache clean --force
USER node
# node directly on the compiled output (the packages' `production` exports point at their dist/), never
# `npm run`: npm exits on SIGTERM without waiting for the app, so it would never drain.
CMD ["node", "--conditions=production", "apps/api/dist/src/main.js"]
