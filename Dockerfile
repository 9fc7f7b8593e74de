# Build and run the authorization server (used by docker-compose.yml).
FROM node:26-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:26-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The embedded SQLite database (DB_PATH=./data/oauth.sqlite) lives here: created and owned by the
# non-root user the server runs as, and a volume so that it outlives the container.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
# 3000: the public API and pages; 9000: /metrics and health (MANAGEMENT_PORT), not for the public.
EXPOSE 3000 9000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/src/health/healthcheck.js"]
CMD ["node", "dist/src/main.js"]
