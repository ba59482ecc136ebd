#!/usr/bin/env bash
# Builds the container image and proves it on the demo, on a machine that
# reaches no image registry:
#   1. starts a Docker daemon (Debian's docker.io) if none answers;
#   2. if the Dockerfile's base image (ARG NODE_IMAGE) is not present, builds a
#      stand-in for it: a minimal Debian bookworm from debootstrap plus this
#      machine's Node.js 20 and npm, laid out as in the official image
#      (/usr/local/bin/node, user "node" = 1000:1000), tagged with the base's name;
#   3. builds the image (npm ci runs inside; the npm registry must be reachable);
#   4. runs it read-only, as its non-root user, in demo mode, and checks /healthz,
#      /readyz, /metrics (self-metrics and every demo source's series) and the
#      Docker HEALTHCHECK.
# Needs root, docker, dockerd, debootstrap (apt-get install docker.io debootstrap)
# and a Node 24 on PATH. Not run by CI. Usage: deploy/test-image.sh [image-tag]
# REBUILD_BASE=1 rebuilds a stand-in left by an earlier run; ROOTFS_CACHE names
# the tarball that keeps the debootstrapped root between runs (delete it to redo).
set -euo pipefail

cd "$(dirname "$0")/.."
IMAGE=${1:-capacity-exporter:test}
CONTAINER=capacity-exporter-test-$$
HOST_PORT=${HOST_PORT:-18064}
ROOTFS_CACHE=${ROOTFS_CACHE:-/var/cache/capacity-exporter/bookworm-minbase.tar}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
WORK=$(mktemp -d)
DOCKERD_PID=

log() { printf '[test-image] %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

cleanup() {
  local status=$?
  set +e
  if docker container inspect "$CONTAINER" >/dev/null 2>&1; then
    if [ "$status" != 0 ]; then
      log "container logs (last 20 lines):"
      docker logs --tail 20 "$CONTAINER" 2>&1 | sed 's/^/    /' >&2
    fi
    docker rm -f "$CONTAINER" >/dev/null
  fi
  if [ -n "$DOCKERD_PID" ]; then
    log "stopping the dockerd this script started (pid $DOCKERD_PID)"
    kill "$DOCKERD_PID"
    wait "$DOCKERD_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || fail "run as root (dockerd and debootstrap need it)"
for tool in docker dockerd debootstrap node curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install docker.io debootstrap curl)"
done

# 1. Docker daemon
if ! docker info >/dev/null 2>&1; then
  log "no Docker daemon answers; starting dockerd (log: $WORK/dockerd.log)"
  dockerd >"$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -20 "$WORK/dockerd.log" >&2; fail "dockerd did not start"; }
fi
log "Docker server $(docker version --format '{{.Server.Version}}')"

# 2. Base image stand-in
BASE=$(sed -n 's/^ARG NODE_IMAGE=//p' Dockerfile)
[ -n "$BASE" ] || fail "Dockerfile has no 'ARG NODE_IMAGE=' line"
STAND_IN_LABEL=local-stand-in-built-by-deploy/test-image.sh
if [ "${REBUILD_BASE:-0}" = 1 ] && [ "$(docker image inspect "$BASE" --format '{{index .Config.Labels "org.opencontainers.image.description"}}' 2>/dev/null)" = "$STAND_IN_LABEL" ]; then
  log "REBUILD_BASE=1: dropping the previous stand-in $BASE"
  docker rmi "$BASE" >/dev/null
fi
if docker image inspect "$BASE" >/dev/null 2>&1; then
  log "base image $BASE is present"
else
  NODE_BIN=$(readlink -f "$(command -v node)")
  case "$("$NODE_BIN" --version)" in v24.*) ;; *) fail "the stand-in for $BASE needs Node 24 on PATH, found $("$NODE_BIN" --version)";; esac
  NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  if [ ! -s "$ROOTFS_CACHE" ]; then
    log "debootstrap --variant=minbase bookworm from $DEBIAN_MIRROR (cached in $ROOTFS_CACHE)"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap failed"; }
    rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
    mkdir -p "$(dirname "$ROOTFS_CACHE")"
    tar -C "$WORK/rootfs" -cf "$ROOTFS_CACHE.tmp" . && mv "$ROOTFS_CACHE.tmp" "$ROOTFS_CACHE"
  else
    log "reusing the debootstrapped root filesystem $ROOTFS_CACHE"
    mkdir -p "$WORK/rootfs" && tar -C "$WORK/rootfs" -xf "$ROOTFS_CACHE"
  fi
  log "adding $NODE_BIN ($("$NODE_BIN" --version)) and npm from $NPM_DIR"
  R="$WORK/rootfs"
  install -D -m 0755 "$NODE_BIN" "$R/usr/local/bin/node"
  mkdir -p "$R/usr/local/lib/node_modules"
  cp -a "$NPM_DIR" "$R/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
  # As in the official image: group and user "node", 1000:1000.
  chroot "$R" groupadd --gid 1000 node
  chroot "$R" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  chroot "$R" /usr/local/bin/node --version >/dev/null || fail "Node does not run inside the debootstrapped root"
  # The stand-in trusts what this machine trusts, so that npm ci inside the build
  # reaches the registry through the same (possibly TLS-intercepting) path.
  ca_env=()
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$NODE_EXTRA_CA_CERTS" ]; then
    install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$R/usr/local/share/capacity-exporter-test/extra-ca.crt"
    ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/capacity-exporter-test/extra-ca.crt')
  fi
  tar -C "$R" -c . | docker import "${ca_env[@]}" \
    --change "LABEL org.opencontainers.image.description=$STAND_IN_LABEL" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_VERSION='"$("$NODE_BIN" --version | tr -d v)" \
    --change 'CMD ["node"]' - "$BASE" >/dev/null
  log "tagged the stand-in as $BASE"
fi

# 3. Build (the legacy builder: BuildKit would try to resolve the base from a registry)
log "building $IMAGE"
DOCKER_BUILDKIT=0 docker build --network host -t "$IMAGE" . >"$WORK/build.log" 2>&1 \
  || { tail -30 "$WORK/build.log" >&2; fail "docker build failed"; }
log "built $IMAGE: $(docker image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'), user $(docker image inspect "$IMAGE" --format '{{.Config.User}}')"
docker run --rm "$IMAGE" sh -c 'test ! -e node_modules/typescript && test ! -e node_modules/tap' \
  || fail "dev dependencies ended up in the runtime image"

# 4. Run the demo and check it
docker run -d --name "$CONTAINER" --read-only --cap-drop ALL --security-opt no-new-privileges \
  -p "127.0.0.1:$HOST_PORT:10064" \
  --health-interval 2s --health-start-period 5s \
  "$IMAGE" node dist/demo.js --host 0.0.0.0 --port 10064 >/dev/null
BASE_URL="http://127.0.0.1:$HOST_PORT"
log "demo container $CONTAINER started, waiting for $BASE_URL/readyz"
ready=
for _ in $(seq 90); do
  if curl -fsS "$BASE_URL/readyz" >"$WORK/readyz" 2>/dev/null; then ready=1; break; fi
  sleep 1
done
[ -n "$ready" ] || fail "/readyz did not answer 200 within 90 s"
curl -fsS "$BASE_URL/healthz" >/dev/null || fail "/healthz"
log "/readyz: $(cat "$WORK/readyz")"

curl -fsS "$BASE_URL/metrics" >"$WORK/metrics" || fail "/metrics"
grep -Eq '^capacity_exporter_build_info\{' "$WORK/metrics" || fail "/metrics has no capacity_exporter_build_info"
grep -Eq '^process_cpu_seconds_total ' "$WORK/metrics" || fail "/metrics has no process metrics"
sources=$(sed -nE 's/^capacity_exporter_collect_success\{.*source="([^"]+)".*/\1/p' "$WORK/metrics" | sort -u)
if [ -z "$sources" ]; then
  log "WARNING: the demo runs no source (none registered in src/sources/registry.ts); only self-metrics checked"
fi
for source in $sources; do
  grep -Eq "^${source}_[a-z_]+\{" "$WORK/metrics" || fail "/metrics has no ${source}_* series"
  grep -Eq "^capacity_exporter_upstream_requests_total\{.*source=\"$source\"" "$WORK/metrics" \
    || fail "/metrics counts no upstream request of $source"
done
if grep -E '^capacity_exporter_collect_success\{.*\} 0$' "$WORK/metrics" >&2; then
  fail "a demo target's collection failed"
fi
log "/metrics: $(grep -vc '^#' "$WORK/metrics") samples; sources: $(echo $sources); collect_success per target:"
grep -E '^capacity_exporter_collect_success\{' "$WORK/metrics" | sed 's/^/    /' >&2 || true

uid=$(docker exec "$CONTAINER" node -e 'process.stdout.write(String(process.getuid()))')
[ "$uid" != 0 ] || fail "the container runs as root"
health=
for _ in $(seq 30); do
  health=$(docker inspect --format '{{.State.Health.Status}}' "$CONTAINER")
  [ "$health" = healthy ] && break
  sleep 1
done
[ "$health" = healthy ] || fail "Docker HEALTHCHECK status is '$health'"
log "container runs as uid $uid on a read-only root filesystem; HEALTHCHECK: $health"
log "PASS"
