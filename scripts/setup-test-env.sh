#!/usr/bin/env bash
# Builds, once, what the real-parts tests (vitest project "stack") need, and caches it in
# $CPDA_CACHE (default /var/cache/create-python-docker-app). Idempotent: each artifact carries
# the recipe it was built from and is rebuilt only when that recipe changes. Run as root;
# tests/support/stack-setup.ts runs it before starting the engines, so `npm test` and a
# one-file run of a stack test both get it, and the fast tests never do.
#
#  host packages   debootstrap, slirp4netns (each engine's user-mode network), runc,
#                  iptables (dockerd's NAT inside the engine's own network namespace), curl,
#                  rootlesskit and uidmap (newuidmap/newgidmap: rootless Docker);
#                  postgresql and redis-server (the host services of locked-venv.test.ts)
#  kube-tools/     kustomize and kubectl from Debian sid (the Kubernetes tests)
#  release-tools/  docker-registry, cosign and oras from Debian sid, cyclonedx-bom from PyPI
#                  (the release proof)
#  rootfs/         Debian root filesystems that tests/support/images/* turn into stand-in images:
#    python-3.13     trixie's python3.13 + venv, pip from PyPI on /usr/local/bin, like python:3.13-slim-trixie
#    python-3.14     sid's python3.14, the same way (no Debian suite has 3.14 as a stable release)
#    python-3.15     sid's python3.15, the same way
#    python-3.12     trixie + the CPython 3.12 that pyenv built on this machine, if there is one
#    postgres-18     sid's postgresql-18;  redis-8: sid's redis-server and redis-cli
#    python-3.13-arm64  trixie's arm64 packages of python-3.13's set, unpacked without emulation
#  qemu/           sid's qemu-aarch64, registered with binfmt_misc (the arm64 build under emulation)
#  engine/         Docker Engine 28 (dockerd, containerd, docker-proxy, docker-init), the docker
#                  CLI and its compose and buildx plugins, all from Debian sid's packages
#  rootless/       dockerd-rootless.sh from sid's docker.io, the home and data root of the
#                  unprivileged user cpda-rootless (created here, with subordinate IDs)
#  frontend/       BuildKit's Dockerfile frontend compiled from the source Debian sid ships,
#                  the stand-in for docker/dockerfile:1 (the `# syntax=` line of our Dockerfiles)
#
# No Python application package comes from Debian: the tests install the projects'
# requirements from PyPI, exactly as pinned. Every image and rootfs gets this machine's local
# CA certificates (HTTPS leaves through a TLS-inspecting proxy) and pip's `cert` setting.
#
# The frontend is needed only by the first build of a Dockerfile with a `# syntax=` line, and
# its compile is the longest CPU-bound job here, so:
#   setup-test-env.sh                  builds everything, and returns when all of it is built;
#   setup-test-env.sh --frontend-later returns when everything but the frontend is built, and
#                                      leaves the frontend's compile running in the background
#                                      (scripts/test.sh and tests/support/stack-setup.ts);
#   setup-test-env.sh --wait-frontend [SECONDS]
#                                      waits for that compile (default 900 s), shows what its
#                                      job said (its time, or the end of its log if it failed),
#                                      then exits 0 if the frontend is built, else 1
#                                      (tests/support/standin-images.ts, before the frontend's
#                                      stand-in image).
set -euo pipefail

CACHE=${CPDA_CACHE:-/var/cache/create-python-docker-app}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PIP_VERSION=26.3
RECIPE_VERSION=1 # bump to rebuild everything

# Progress goes to the terminal (fd 8, the script's stderr) even from a background job whose
# own output goes to its log file.
exec 8>&2
log() { echo "setup-test-env: $*" >&8; }

if [ "$(id -u)" != 0 ]; then
  log "not root: nothing installed (the stack tests need root and will say so)"
  exit 0
fi

# `current NAME RECIPE`: true when $CACHE/NAME was built from RECIPE.
current() { [ -f "$CACHE/$1/.cpda-recipe" ] && [ "$(cat "$CACHE/$1/.cpda-recipe")" = "$2" ]; }
logfile() { echo "$CACHE/logs/$(echo "$1" | tr / -).log"; }

# The frontend's compile holds this lock while it runs (a job of its own, not under the setup's
# lock: a second setup run must not wait for it).
FRONTEND_RECIPE="$RECIPE_VERSION sid dockerfile-frontend -N -l"
FRONTEND_LOCK=$CACHE/.frontend.lock
# The compile's job writes what it says (how long it took, or its failure) to this file, not to
# the terminal: with --frontend-later it outlives the setup, and must not hold the caller's
# output open (a `setup-test-env.sh | tee` would wait for it). The first wait after it shows it.
FRONTEND_SAID=$CACHE/logs/frontend-job.log
# `wait_frontend SECONDS`: waits for a compile of the frontend going on, then says whether the
# frontend is built (a failed compile's log, or a wait that ran out, on the terminal).
wait_frontend() {
  local fd
  exec {fd}>"$FRONTEND_LOCK"
  if ! flock -w "$1" "$fd"; then
    log "FAILED: the frontend's compile did not end within $1 s (its log: $(logfile frontend))"
    return 1
  fi
  exec {fd}>&-
  if [ -f "$FRONTEND_SAID" ]; then
    cat "$FRONTEND_SAID" >&8
    rm -f "$FRONTEND_SAID"
  fi
  current frontend "$FRONTEND_RECIPE" && return 0
  log "FAILED: the frontend is not built (its log: $(logfile frontend))"
  return 1
}

mkdir -p "$CACHE"
FRONTEND_LATER=0
case "${1:-}" in
'') ;;
--frontend-later) FRONTEND_LATER=1 ;;
--wait-frontend) wait_frontend "${2:-900}" && exit 0 || exit 1 ;;
*)
  log "unknown argument $1 (none, --frontend-later or --wait-frontend [SECONDS])"
  exit 2
  ;;
esac
exec 9>"$CACHE/.setup.lock"
flock 9 # one setup at a time per cache; a second run waits, then finds everything built
# The layout before issue 9 (one trixie chroot with Debian's Python packages) is not used any more.
rm -rf "$CACHE/rootfs-trixie"

# --- host packages -------------------------------------------------------------------------
need_apt=()
for tool in debootstrap:debootstrap slirp4netns:slirp4netns runc:runc iptables:iptables curl:curl \
  rootlesskit:rootlesskit newuidmap:uidmap; do
  command -v "${tool%%:*}" >/dev/null || need_apt+=("${tool##*:}")
done
# PostgreSQL and Redis on the host, for tests/stack/locked-venv.test.ts (tests/support/services-setup.ts
# starts them on 127.0.0.1 and Unix sockets for the run).
command -v redis-server >/dev/null || need_apt+=(redis-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# --- helpers -------------------------------------------------------------------------------
WORK=$CACHE/.work
rm -rf "$WORK"
mkdir -p "$WORK" "$CACHE/rootfs" "$CACHE/logs" "$CACHE/pip"
trap 'rm -rf "$WORK"' EXIT

# Runs a command chrooted in $1 with its own mount namespace, so the /proc mount dies with it.
in_root() {
  local root=$1
  shift
  unshare --mount --propagation private --fork -- sh -c 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' \
    in-root "$root" "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# A minbase debootstrap of a suite, made once per setup run and copied for each rootfs.
base() {
  local suite=$1 dir=$WORK/base-$1
  if [ ! -f "$dir/.done" ]; then
    debootstrap --variant=minbase "$suite" "$dir" "$MIRROR" >"$CACHE/logs/debootstrap-$suite.log" 2>&1
    # No daemon starts while packages install.
    printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
    chmod 755 "$dir/usr/sbin/policy-rc.d"
    if [ "$suite" = sid ]; then
      # This machine's sid mirror is a frozen snapshot whose Release file has expired.
      echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99-cpda-frozen-mirror"
    fi
    touch "$dir/.done"
  fi
}

# `fresh_rootfs SUITE NAME PACKAGES...`: a copy of the suite's base with PACKAGES installed.
fresh_rootfs() {
  local suite=$1 name=$2
  shift 2
  local dir=$WORK/$name # the builders' output, see OUTPUTS
  cp -a "$WORK/base-$suite" "$dir"
  rm -f "$dir/.done"
  in_root "$dir" apt-get update -qq
  # No fsync per file: a throwaway build, rebuilt from scratch if the machine dies mid-way.
  in_root "$dir" apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-unsafe-io "$@" >/dev/null
}

# Slim images carry no apt lists or downloaded packages.
# apt-get clean cannot remove the package caches once python_image_fs's docker-clean has
# emptied Dir::Cache::pkgcache (it no longer knows their names): they went with the image, 90 MB
# of each Python rootfs, imported into every engine, that the official images do not have.
slim() {
  in_root "$1" apt-get clean
  rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin
}

# The machine's extra CA certificates, installed the Debian way; without any, the host's
# whole bundle stands in as one file.
add_host_cas() {
  local dir=$1
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
  else
    cp /etc/ssl/certs/ca-certificates.crt "$dir/usr/local/share/ca-certificates/host-bundle.crt"
  fi
  in_root "$dir" update-ca-certificates >/dev/null 2>&1
}

# What the official python images have around the interpreter: python, python3 and pip on
# /usr/local/bin, no EXTERNALLY-MANAGED marker (pip installs into the system as root), and
# here pip's `cert` so it trusts the proxy's CA. Apt's cache is cleaned after each run, as in
# Debian's images (the generated multi-stage Dockerfile removes that file to keep a cache).
python_image_fs() {
  local dir=$1 python=$2
  add_host_cas "$dir"
  rm -f "$dir"/usr/lib/python3*/EXTERNALLY-MANAGED
  ln -sf "$python" "$dir/usr/local/bin/python3"
  ln -sf python3 "$dir/usr/local/bin/python"
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$dir/etc/pip.conf"
  cat >"$dir/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
}

# `publish NAME RECIPE DIR`: moves a finished build into the cache.
publish() {
  echo "$2" >"$3/.cpda-recipe"
  rm -rf "${CACHE:?}/$1"
  mkdir -p "$(dirname "$CACHE/$1")"
  mv "$3" "$CACHE/$1"
}

# --- artifacts -----------------------------------------------------------------------------
debian_python() { # suite version
  local suite=$1 version=$2 dir
  # adduser, as in the official image (Docker's own `docker init` Dockerfile runs it).
  fresh_rootfs "$suite" "python-$version" "python$version" "python$version-venv" ca-certificates netbase tzdata adduser
  dir=$WORK/"python-$version"
  python_image_fs "$dir" "/usr/bin/python$version"
  # The bundled pip (python3-pip-whl, used by venv) installs the current pip from PyPI.
  local wheel
  wheel=$(cd "$dir" && ls usr/share/python-wheels/pip-*.whl)
  in_root "$dir" "python$version" "/$wheel/pip" install -q --no-cache-dir --root-user-action=ignore \
    --disable-pip-version-check "pip==$PIP_VERSION"
  slim "$dir"
}

pyenv_312() {
  ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.* 2>/dev/null | sort -V | tail -1
}

# CPython 3.12 as pyenv built it on this machine (bookworm), moved to /usr/local of a trixie
# root filesystem with the shared libraries it links against, as the official image keeps
# its own build in /usr/local. Paths pointing into the pyenv tree are rewritten.
pyenv_python() {
  local src=$1 dir
  fresh_rootfs trixie python-3.12 ca-certificates netbase tzdata adduser libssl3t64 libffi8 libsqlite3-0 \
    libbz2-1.0 liblzma5 zlib1g libreadline8t64 libncursesw6 libuuid1 libexpat1 libgdbm6t64 libgdbm-compat4t64 \
    libnsl2 libtirpc3t64 libcrypt1
  dir=$WORK/python-3.12
  cp -a "$src/." "$dir/usr/local/"
  # Only the standard library, as in the official slim image: no test suite, no Tk, and none
  # of what the machine's pyenv has in site-packages (pip comes back from ensurepip below).
  local lib=$dir/usr/local/lib/python3.12
  rm -rf "$lib/test" "$lib/idlelib" "$lib/tkinter" "$lib/turtledemo" "$dir"/usr/local/bin/pip*
  find "$lib/site-packages" -mindepth 1 -maxdepth 1 ! -name README.txt -exec rm -rf {} +
  grep -rlI --null "$src" "$dir/usr/local/bin" "$dir"/usr/local/lib/python3.12/_sysconfigdata_*.py \
    "$dir"/usr/local/lib/python3.12/config-3.12-*/ "$dir/usr/local/lib/pkgconfig" 2>/dev/null |
    xargs -0 -r sed -i "s|$src|/usr/local|g"
  in_root "$dir" ldconfig
  python_image_fs "$dir" /usr/local/bin/python3.12
  in_root "$dir" python3.12 -m ensurepip --default-pip >/dev/null
  in_root "$dir" python3.12 -m pip install -q --no-cache-dir --root-user-action=ignore --disable-pip-version-check \
    "pip==$PIP_VERSION"
  slim "$dir"
}

postgres_fs() {
  local dir
  fresh_rootfs sid postgres-18 postgresql-18
  dir=$WORK/postgres-18
  # Debian's package creates a cluster; the image's entry point makes its own on first start.
  rm -rf "$dir/var/lib/postgresql/18/main" "$dir/etc/postgresql/18/main"
  slim "$dir"
}

redis_fs() {
  local dir
  fresh_rootfs sid redis-8 redis-server redis-tools
  dir=$WORK/redis-8
  slim "$dir"
}

engine_files() {
  local dir out=$WORK/engine-out
  fresh_rootfs sid engine-root docker.io docker-cli docker-compose docker-buildx
  dir=$WORK/engine-root
  mkdir -p "$out/bin" "$out/cli-plugins"
  cp "$dir/usr/sbin/dockerd" "$dir/usr/sbin/docker-proxy" "$dir/usr/bin/containerd" \
    "$dir/usr/bin/containerd-shim-runc-v2" "$dir/usr/bin/docker" "$out/bin/"
  cp "$dir/usr/bin/tini-static" "$out/bin/docker-init"
  cp "$dir"/usr/libexec/docker/cli-plugins/docker-{compose,buildx} "$out/cli-plugins/"
  # sid's runc needs a newer glibc than bookworm's; the host's runc (Debian's package) runs it.
  in_root "$dir" dpkg-query -W docker.io containerd docker-compose docker-buildx >"$out/versions.txt"
  rm -rf "$dir"
}

# BuildKit's Dockerfile frontend, compiled with sid's Go from the sources sid ships. No root
# filesystem: the Go toolchain is static, and a toolchain and Go sources are only files, so
# their packages (about 600, with every -dev package golang-github-docker-docker-dev depends
# on) are unpacked with dpkg-deb instead of installed (dpkg's per-package bookkeeping took
# longer than the compile), and this starts at once instead of after sid's debootstrap.
FRONTEND_PACKAGES="golang-go golang-github-docker-docker-dev golang-github-agext-levenshtein-dev
  golang-github-gofrs-flock-dev golang-github-google-shlex-dev golang-github-mitchellh-hashstructure-dev"
frontend_binary() {
  local root=$WORK/frontend-root out=$WORK/frontend-out debs=$WORK/frontend-debs
  # shellcheck disable=SC2086
  sid_closure "$debs" $FRONTEND_PACKAGES
  mkdir -p "$root"
  # shellcheck disable=SC2016 # the inner shell expands them
  find "$debs" -maxdepth 1 -name '*.deb' -print0 |
    xargs -0 -r -P 4 -n 16 sh -c 'root=$0; for deb; do dpkg-deb -x "$deb" "$root" || exit 1; done' "$root"
  # Debian packages hashstructure v2 under its v1 import path.
  mkdir -p "$root/root/go/src/github.com/mitchellh/hashstructure" "$root/tmp"
  ln -s ../../../../../../usr/share/gocode/src/github.com/mitchellh/hashstructure \
    "$root/root/go/src/github.com/mitchellh/hashstructure/v2"
  local version
  version=$(dpkg-deb -f "$debs"/golang-github-docker-docker-dev_*.deb Version)
  # -N -l: no optimiser and no inlining. The frontend only turns each build's Dockerfile into
  # BuildKit's build graph, too little work for unoptimised code to show, and the compile takes
  # a third less CPU (68 instead of 102 CPU-s measured here).
  env -i PATH=/usr/bin:/bin HOME="$root/root" GOTMPDIR="$root/tmp" GOCACHE="$root/root/.cache/go" \
    GO111MODULE=off GOPATH="$root/root/go:$root/usr/share/gocode" GOTOOLCHAIN=local GOPROXY=off CGO_ENABLED=0 \
    "$root/usr/lib/go/bin/go" build -o "$root/dockerfile-frontend" -trimpath -gcflags=all='-N -l' \
    -ldflags "-s -w -X main.Version=debian-docker-dev-$version" -tags "netgo static_build osusergo" \
    github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend
  mkdir -p "$out"
  mv "$root/dockerfile-frontend" "$out/"
  echo "golang-github-docker-docker-dev $version" >"$out/versions.txt"
  rm -rf "$root" "$debs"
}

# --- what to build -------------------------------------------------------------------------
PYENV_312=$(pyenv_312 || true)
# One row per artifact: `artifact NAME OUTPUT RECIPE BUILDER [ARGS...]`. NAME is its folder in
# the cache; the builder (a function below, run with ARGS) leaves it in $WORK/OUTPUT; RECIPE is
# the cache key, written to NAME/.cpda-recipe: a cached artifact is rebuilt only when it differs
# (so keep a row's recipe as it is unless what it builds changes).
declare -A RECIPES=() BUILDERS=() OUTPUTS=()
artifact() {
  RECIPES[$1]=$3
  OUTPUTS[$1]=$2
  BUILDERS[$1]="${*:4}"
}
artifact rootfs/python-3.13 python-3.13 "$RECIPE_VERSION trixie python3.13 adduser pip $PIP_VERSION no-apt-bin" debian_python trixie 3.13
artifact rootfs/python-3.14 python-3.14 "$RECIPE_VERSION sid python3.14 adduser pip $PIP_VERSION no-apt-bin" debian_python sid 3.14
artifact rootfs/python-3.15 python-3.15 "$RECIPE_VERSION sid python3.15 adduser pip $PIP_VERSION no-apt-bin" debian_python sid 3.15
artifact rootfs/postgres-18 postgres-18 "$RECIPE_VERSION sid postgresql-18" postgres_fs
artifact rootfs/redis-8 redis-8 "$RECIPE_VERSION sid redis-server" redis_fs
artifact engine engine-out "$RECIPE_VERSION sid docker.io docker-compose docker-buildx" engine_files
artifact frontend frontend-out "$FRONTEND_RECIPE" frontend_binary
if [ -n "$PYENV_312" ]; then
  artifact rootfs/python-3.12 python-3.12 "$RECIPE_VERSION trixie $PYENV_312 adduser pip $PIP_VERSION no-apt-bin" pyenv_python "$PYENV_312"
else
  log "no CPython 3.12 under ${PYENV_ROOT:-$HOME/.pyenv}/versions: python 3.12 images are not built"
  rm -rf "$CACHE/rootfs/python-3.12"
fi

# --- Debian sid's packages without a sid system ----------------------------------------------
# `sid_apt DIR`: apt's lists and cache for sid in DIR, for the sid_* functions below.
sid_apt() {
  SID_APT=$1
  mkdir -p "$SID_APT/sources" "$SID_APT/lists/partial" "$SID_APT/cache/archives/partial"
  printf 'Types: deb\nURIs: %s\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$MIRROR" >"$SID_APT/sources/sid.sources"
  SID_APT_OPTS=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$SID_APT/sources" -o "Dir::State::Lists=$SID_APT/lists"
    -o "Dir::Cache=$SID_APT/cache" -o APT::Sandbox::User=root)
}
sid_apt "$WORK/sid-apt"

# sid's package lists, fetched once per setup run by whichever job asks first (the others wait).
sid_lists() {
  (
    flock 7
    if [ ! -f "$SID_APT/.updated" ]; then
      apt-get "${SID_APT_OPTS[@]}" update -qq
      touch "$SID_APT/.updated"
    fi
  ) 7>"$SID_APT/.lock"
}

# `sid_debs DIR PACKAGES...`: downloads Debian sid's .deb of each package into DIR (no install).
sid_debs() {
  local out=$1
  shift
  sid_lists
  mkdir -p "$out"
  # pkg/sid: the host may have another package of the same name installed (a cloud SDK's kubectl).
  # shellcheck disable=SC2046
  (cd "$out" && apt-get "${SID_APT_OPTS[@]}" download -qq $(printf '%s/sid ' "$@"))
}

# `sid_closure DIR PACKAGES...`: the .deb of each package and of everything it depends on, as
# apt would install them on an empty system, downloaded into DIR. Its own archive directory
# and no package cache file: jobs running sid_debs at the same time share the lists only.
sid_closure() {
  local out=$1
  shift
  sid_lists
  mkdir -p "$out/partial"
  : >"$out/.empty-status"
  apt-get "${SID_APT_OPTS[@]}" -o "Dir::State::status=$out/.empty-status" -o "Dir::Cache::archives=$out" \
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
    install -y -qq --download-only --no-install-recommends "$@" >/dev/null
}

# kustomize and kubectl (static Go binaries needing only libc) from Debian sid, unpacked into
# $KUBE_TOOLS: the Kubernetes tests (fast group too, when present) build the generated overlays.
KUBE_TOOLS=$CACHE/kube-tools
KUBE_PACKAGES="kustomize kubectl"
kube_tools() {
  log "fetching $KUBE_PACKAGES from Debian sid into $KUBE_TOOLS"
  # shellcheck disable=SC2086
  sid_debs "$WORK/kube-debs" $KUBE_PACKAGES
  rm -rf "$KUBE_TOOLS.partial"
  for deb in "$WORK"/kube-debs/*.deb; do dpkg-deb -x "$deb" "$KUBE_TOOLS.partial"; done
  rm -rf "$KUBE_TOOLS"
  mv "$KUBE_TOOLS.partial" "$KUBE_TOOLS"
}

# The release proof (tests/stack/release-proof.test.ts): Debian sid's docker-registry (the
# distribution registry 2.8), cosign 3.1 and oras, static Go binaries needing only libc, unpacked
# into $RELEASE_TOOLS/usr/bin; and CycloneDX's SBOM generator from PyPI (pure Python), installed
# with --target into $RELEASE_TOOLS/cyclonedx, which the test mounts into the app's image to read
# its venv. The recipe file says which versions; a changed recipe fetches them again.
RELEASE_TOOLS=$CACHE/release-tools
RELEASE_PACKAGES="docker-registry cosign oras"
CYCLONEDX_BOM=7.5.0
CYCLONEDX_PYTHON=3.13
RELEASE_RECIPE="$RECIPE_VERSION sid $RELEASE_PACKAGES cyclonedx-bom $CYCLONEDX_BOM python $CYCLONEDX_PYTHON"
release_tools() {
  log "fetching $RELEASE_PACKAGES from Debian sid and cyclonedx-bom $CYCLONEDX_BOM from PyPI into $RELEASE_TOOLS"
  # shellcheck disable=SC2086
  sid_debs "$WORK/release-debs" $RELEASE_PACKAGES
  rm -rf "$WORK/release-tools"
  for deb in "$WORK"/release-debs/*.deb; do dpkg-deb -x "$deb" "$WORK/release-tools"; done
  (cd "$WORK/release-debs" && ls ./*.deb) >"$WORK/release-tools/versions.txt"
  # Wheels for the image's Python (3.13, the stand-in the test builds on), not the host's: some
  # of its dependencies are compiled (rpds-py, mypyc's chardet).
  python3 -m pip install -q --disable-pip-version-check --no-compile --target "$WORK/release-tools/cyclonedx" \
    --only-binary=:all: --python-version "$CYCLONEDX_PYTHON" --implementation cp --platform manylinux2014_x86_64 \
    --platform "manylinux_2_28_x86_64" "cyclonedx-bom==$CYCLONEDX_BOM"
  publish release-tools "$RELEASE_RECIPE" "$WORK/release-tools"
}

# Rootless Docker (tests/stack/stack-rootless.test.ts): an unprivileged user, $ROOTLESS_USER, with
# 65536 subordinate UIDs and GIDs (a container's root and its users map into them), and
# dockerd-rootless.sh from the same sid docker.io package as the engine (engine/ does not keep
# it): the script a user's rootless install runs, which starts rootlesskit (user, mount and
# network namespaces, slirp4netns for the network) and the engine's dockerd inside it.
# $ROOTLESS/data is that engine's data root, kept between runs like engines/slot-N.
ROOTLESS=$CACHE/rootless
ROOTLESS_USER=cpda-rootless
rootless_script() {
  log "fetching dockerd-rootless.sh (docker.io) from Debian sid into $ROOTLESS/bin"
  sid_debs "$WORK/rootless-debs" docker.io
  dpkg-deb -x "$WORK"/rootless-debs/docker.io_*.deb "$WORK/rootless-deb"
  mkdir -p "$ROOTLESS/bin"
  install -m 755 "$WORK/rootless-deb/usr/share/docker.io/contrib/dockerd-rootless.sh" "$ROOTLESS/bin/.dockerd-rootless.sh.new"
  basename "$WORK"/rootless-debs/docker.io_*.deb >"$ROOTLESS/bin/versions.txt"
  mv "$ROOTLESS/bin/.dockerd-rootless.sh.new" "$ROOTLESS/bin/dockerd-rootless.sh"
}
if ! id -u "$ROOTLESS_USER" >/dev/null 2>&1; then
  log "adding the user $ROOTLESS_USER (rootless Docker)"
  useradd --system --user-group --no-create-home --home-dir "$ROOTLESS/home" --shell /usr/sbin/nologin "$ROOTLESS_USER"
fi
touch /etc/subuid /etc/subgid
if ! grep -q "^$ROOTLESS_USER:" /etc/subuid || ! grep -q "^$ROOTLESS_USER:" /etc/subgid; then
  # The first 65536 IDs above every range already given out (and above login.defs' 100000).
  first=$(awk -F: 'BEGIN { m = 100000 } NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' /etc/subuid /etc/subgid)
  usermod --add-subuids "$first-$((first + 65535))" --add-subgids "$first-$((first + 65535))" "$ROOTLESS_USER"
fi
# rootlesskit's slirp4netns, run as the user, opens /dev/net/tun to make its tap device inside
# the user's own network namespace. Debian's udev rules make the node 0666 (making a device still
# takes CAP_NET_ADMIN in a namespace of one's own); some VMs' (these machines') have it 0600.
if [ -c /dev/net/tun ]; then chmod 0666 /dev/net/tun; fi
mkdir -p "$ROOTLESS/home" "$ROOTLESS/data"
chown "$ROOTLESS_USER:$ROOTLESS_USER" "$ROOTLESS/home" "$ROOTLESS/data"
chmod 700 "$ROOTLESS/home" "$ROOTLESS/data"

# --- arm64 under emulation (tests/stack/arm64-emulation.test.ts) -------------------------------
# The release job builds linux/arm64 too. Here that build runs under QEMU user-mode emulation:
# sid's qemu-user (qemu-aarch64, a static binary) registered with binfmt_misc as Debian's own
# qemu-user-binfmt registers it (its binfmt.d line, flag F: the kernel opens the emulator once,
# so it runs inside containers too), under a name of our own so a system registration is left
# alone. The registration is the kernel's, for the whole machine, until reboot.
QEMU=$CACHE/qemu
QEMU_RECIPE="$RECIPE_VERSION sid qemu-user aarch64"
qemu_user() {
  log "fetching qemu-user from Debian sid into $QEMU"
  sid_debs "$WORK/qemu-debs" qemu-user
  mkdir -p "$WORK/qemu"
  dpkg-deb --fsys-tarfile "$WORK"/qemu-debs/qemu-user_*.deb |
    tar -x -C "$WORK/qemu" --transform='s|.*/||' ./usr/bin/qemu-aarch64 ./usr/share/qemu/binfmt.d/qemu-aarch64.conf
  basename "$WORK"/qemu-debs/qemu-user_*.deb >"$WORK/qemu/versions.txt"
  publish qemu "$QEMU_RECIPE" "$WORK/qemu"
}

# The arm64 stand-in of python:3.13-slim-trixie, made without emulation: trixie's arm64 packages
# of the same versions as rootfs/python-3.13 (debootstrap --foreign downloads and unpacks them,
# dpkg-deb -x the ones it leaves packed), with the state their maintainer scripts made in the
# amd64 rootfs copied over (/etc: users, CA bundle, alternatives; /usr/local: python3 and pip;
# dpkg's status; the standard library's .pyc files, valid for both: same sources, same times).
# Running the second stage under QEMU instead took over 20 minutes here.
arm64_recipe() { echo "$RECIPE_VERSION trixie arm64 from $(cat "$CACHE/rootfs/python-3.13/.cpda-recipe" 2>/dev/null)"; }
arm64_rootfs() {
  local amd=$CACHE/rootfs/python-3.13 arm=$WORK/python-3.13-arm64
  # What the amd64 rootfs has installed: that set, at those versions, is what arm64 gets.
  dpkg-query --admindir="$amd/var/lib/dpkg" -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' |
    awk '$1 == "ii" { print $2, $3 }' | sort -u >"$WORK/amd64-versions"
  debootstrap --foreign --arch=arm64 --variant=minbase \
    --include="$(cut -d' ' -f1 "$WORK/amd64-versions" | paste -sd,)" \
    trixie "$arm" "$MIRROR" >"$CACHE/logs/debootstrap-trixie-arm64.log" 2>&1
  for deb in "$arm"/var/cache/apt/archives/*.deb; do dpkg-deb -x "$deb" "$arm"; done
  # Same versions as the amd64 rootfs, or the copied state and .pyc files would not match (a
  # binary-only rebuild, +bN, is one architecture's build of the same source).
  (cd "$arm/var/cache/apt/archives" && ls ./*.deb | sed -E 's|^\./([^_]+)_([^_]+)_.*|\1 \2|' | sed 's/%3a/:/') |
    sed -E 's/\+b[0-9]+$//' | sort -u >"$WORK/arm64-versions"
  sed -E 's/\+b[0-9]+$//' "$WORK/amd64-versions" | sort -u >"$WORK/amd64-sources"
  if [ -n "$(comm -23 "$WORK/arm64-versions" "$WORK/amd64-sources")" ]; then
    echo "trixie's arm64 packages differ from rootfs/python-3.13's:" >&2
    comm -23 "$WORK/arm64-versions" "$WORK/amd64-sources" >&2
    return 1
  fi
  cp -a "$amd/etc/." "$arm/etc/"
  rm -f "$arm/etc/ld.so.cache" # amd64's; the arm64 loader searches its own directories without one
  cp -a "$amd/usr/local/." "$arm/usr/local/"
  sed 's/^Architecture: amd64$/Architecture: arm64/' "$amd/var/lib/dpkg/status" >"$arm/var/lib/dpkg/status"
  (cd "$amd" && find usr/lib/python3* -type d -name __pycache__) | while read -r d; do
    if [ -d "$arm/${d%/__pycache__}" ]; then cp -a "$amd/$d" "$arm/$d"; fi
  done
  rm -rf "$arm/debootstrap" "$arm"/var/cache/apt/archives/*.deb
  publish rootfs/python-3.13-arm64 "$(arm64_recipe)" "$arm"
}

# --- building them ------------------------------------------------------------------------
# `logged NAME COMMAND...`: runs COMMAND with its output in NAME's log; on failure shows the
# log's end. COMMAND runs as a job of its own and is waited for, so that `set -e` holds inside
# it (bash ignores it in a function called as a condition).
logged() {
  local name=$1
  shift
  "$@" >"$(logfile "$name")" 2>&1 &
  if ! wait $!; then
    log "FAILED: $name; end of $(logfile "$name"):"
    tail -20 "$(logfile "$name")" >&8 || true
    return 1
  fi
}

# `step NAME COMMAND...`: logged, and says how long it took.
step() {
  local name=$1 t=$SECONDS
  logged "$@" || return 1
  log "$name: $((SECONDS - t)) s"
}

# `build NAME`: runs NAME's builder, moves the result into the cache, then, for
# rootfs/python-3.13, makes the arm64 twin of what was just built.
build() {
  local name=$1 t=$SECONDS
  # shellcheck disable=SC2086
  logged "$name" ${BUILDERS[$name]} || return 1
  publish "$name" "${RECIPES[$name]}" "$WORK/${OUTPUTS[$name]}"
  log "$name: $((SECONDS - t)) s"
  if [ "$name" = rootfs/python-3.13 ]; then step rootfs/python-3.13-arm64 arm64_rootfs || return 1; fi
}

# `suite SUITE NAMES...`: SUITE's minbase debootstrap, then each of NAMES built from it, in parallel.
suite() {
  local suite=$1 t=$SECONDS pids=() status=0
  shift
  base "$suite" &
  if ! wait $!; then
    log "FAILED: debootstrap $suite; end of $CACHE/logs/debootstrap-$suite.log:"
    tail -20 "$CACHE/logs/debootstrap-$suite.log" >&8 || true
    return 1
  fi
  log "debootstrap $suite: $((SECONDS - t)) s"
  for name in "$@"; do
    build "$name" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  return $status
}

# The frontend's compile, in a work directory of its own (the setup's is deleted when the setup
# ends, and with --frontend-later this job goes on after that) and with the frontend's lock,
# which this job inherits already taken (flock's lock belongs to the open file, kept open here
# until the job ends) and the setup's lock closed.
frontend_job() {
  exec 9>&- </dev/null >"$FRONTEND_SAID" 2>&1 8>&1
  WORK=$CACHE/.work-frontend
  rm -rf "$WORK"
  mkdir -p "$WORK"
  trap 'rm -rf "$WORK"' EXIT
  sid_apt "$WORK/sid-apt"
  build frontend
}

# Everything missing is made at once, in background jobs: most of it waits on downloads and
# unpacking, and the frontend's compile, the one long CPU-bound step, starts first, with nothing
# before it. Each job says how long it took; the setup fails if any job did.
started=$SECONDS
JOBS=()
job() {
  "$@" &
  JOBS+=($!)
}
todo=()
for name in "${!RECIPES[@]}"; do current "$name" "${RECIPES[$name]}" || todo+=("$name"); done
if [ ${#todo[@]} -gt 0 ]; then log "building ${todo[*]} in $CACHE (cold: a few minutes; logs in $CACHE/logs)"; fi
frontend_pid=
if printf '%s\n' "${todo[@]}" | grep -qx frontend; then
  exec {frontend_fd}>"$FRONTEND_LOCK"
  if flock -n "$frontend_fd"; then
    frontend_job &
    frontend_pid=$!
  else
    log "frontend: an earlier setup run is compiling it (it holds $FRONTEND_LOCK)"
  fi
  exec {frontend_fd}>&-
fi
trixie=() sid=()
for name in "${todo[@]}"; do
  case "$name" in
  frontend) ;;
  rootfs/python-3.13 | rootfs/python-3.12) trixie+=("$name") ;;
  *) sid+=("$name") ;;
  esac
done
if [ ${#trixie[@]} -gt 0 ]; then job suite trixie "${trixie[@]}"; fi
if [ ${#sid[@]} -gt 0 ]; then job suite sid "${sid[@]}"; fi
if [ ! -x "$KUBE_TOOLS/usr/bin/kustomize" ] || [ ! -x "$KUBE_TOOLS/usr/bin/kubectl" ]; then
  job step kube-tools kube_tools
fi
if ! current release-tools "$RELEASE_RECIPE"; then job step release-tools release_tools; fi
if [ ! -x "$ROOTLESS/bin/dockerd-rootless.sh" ]; then job step rootless rootless_script; fi
if ! current qemu "$QEMU_RECIPE"; then job step qemu qemu_user; fi
# With python-3.13 current, its arm64 twin is made from the cached one (else build makes it).
if ! printf '%s\n' "${todo[@]}" | grep -qx rootfs/python-3.13 && [ -f "$CACHE/rootfs/python-3.13/.cpda-recipe" ] &&
  ! current rootfs/python-3.13-arm64 "$(arm64_recipe)"; then
  job step rootfs/python-3.13-arm64 arm64_rootfs
fi
failed=0
for pid in "${JOBS[@]}"; do wait "$pid" || failed=1; done
if [ $FRONTEND_LATER = 0 ] && ! current frontend "$FRONTEND_RECIPE"; then
  # Ours, or an earlier run's still going on: either way the frontend's lock says when it ends.
  wait_frontend 1800 || failed=1
fi
if [ $failed -ne 0 ]; then
  log "FAILED (see above; logs in $CACHE/logs)"
  exit 1
fi
if [ ${#JOBS[@]} -gt 0 ] || { [ -n "$frontend_pid" ] && [ $FRONTEND_LATER = 0 ]; }; then
  log "built what was missing in $((SECONDS - started)) s"
fi

BINFMT=/proc/sys/fs/binfmt_misc
if [ ! -e "$BINFMT/cpda-qemu-aarch64" ]; then
  [ -e "$BINFMT/register" ] || mount -t binfmt_misc binfmt_misc "$BINFMT" 2>/dev/null || true
  line=$(cat "$QEMU/qemu-aarch64.conf")
  line=${line/:qemu-aarch64:/:cpda-qemu-aarch64:}
  line=${line/\/usr\/bin\/qemu-aarch64:/$QEMU\/qemu-aarch64:}
  if ! printf '%s' "$line" >"$BINFMT/register" 2>/dev/null; then
    log "binfmt_misc refused qemu-aarch64: the arm64 emulation test will skip"
  fi
fi
if current frontend "$FRONTEND_RECIPE"; then
  log "ready"
else
  log "ready but the frontend, still compiling in the background (its log: $(logfile frontend));" \
    "the stand-ins wait for it: scripts/setup-test-env.sh --wait-frontend"
fi
