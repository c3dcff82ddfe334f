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
COPY packages/db/package.json packages/db/
COPY packages/model/package.json packages/model/
COPY packages/queue/package.json packages/queue/
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY tsconfig.base.json tsconfig.json mikro-orm.config.ts ./
COPY apps apps
COPY packages packages
USER node
# node directly, never `npm run`: npm exits on SIGTERM without waiting for the app, so it would never drain.
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]
