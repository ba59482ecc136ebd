# capacity-exporter container image.
#
#   docker build -t capacity-exporter .
#   docker run -d -p 10064:10064 --read-only \
#     -v "$PWD/config.json:/etc/capacity-exporter/config.json:ro" capacity-exporter
#
# The config is read from /etc/capacity-exporter/config.json (CAPACITY_EXPORTER_CONFIG);
# secrets go beside it as files named by the config's *File keys (e.g. /run/secrets/...).
# Demo mode, with every upstream simulated inside the container:
#   docker run --rm -p 10064:10064 capacity-exporter node dist/demo.js --host 0.0.0.0 --port 10064
#
# Nothing is written at run time, so the root filesystem can be read-only.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS production-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=16 \
    MALLOC_ARENA_MAX=1 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_TRIM_THRESHOLD_=33554432 \
    CAPACITY_EXPORTER_CONFIG=/etc/capacity-exporter/config.json
WORKDIR /app
COPY --from=production-deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json config.example.json ./
# The official image's unprivileged "node" user, by number so that Kubernetes'
# runAsNonRoot can verify it without a passwd lookup.
USER 1000:1000
EXPOSE 10064
# CAPACITY_EXPORTER_PORT is honoured here because it also overrides server.port in the config.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.CAPACITY_EXPORTER_PORT || 10064}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
