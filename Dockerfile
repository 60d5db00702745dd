# syntax=docker/dockerfile:1

# Recommendation Tracker: one image for its three processes. docker-compose.yml chooses which with
# the command: node dist/bin/migrate.js | node dist/bin/api.js | node dist/bin/worker.js
# By hand, in the api container: node dist/bin/admin.js create --email … --name … (the first administrator).
# After Temporal's data is lost: node dist/bin/reconcileWorkflows.js, then with --apply (docs/deployment.md).
#
#   docker build -t recommendation-tracker .

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- base: Node plus the npm the project is locked with. npm 11 honours package.json "allowScripts"
# (which dependency install scripts may run); the npm 10 bundled with Node 20 would ignore it.
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION=11.19.1
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
RUN npm install --global "npm@${NPM_VERSION}" && npm cache clean --force
WORKDIR /app

# ---- build: every dependency, then TypeScript -> dist/ (dist mirrors the source tree).
FROM base AS build
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund
COPY . .
RUN npm run build

# ---- prod-deps: production dependencies only. They include all of @temporalio/* and @swc/core,
# which the worker needs at run time to bundle dist/workflows.
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm install --omit=dev --no-audit --no-fund

# ---- runtime: compiled code + production node_modules, run as the image's unprivileged "node" user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# The worker's Docker healthcheck (plain JavaScript, used by docker-compose.yml).
COPY deploy/healthcheck ./deploy/healthcheck
# Code stays root-owned and read-only to the app; only the data directory (DATA_DIR, default .data) is writable.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
CMD ["node", "dist/bin/api.js"]
