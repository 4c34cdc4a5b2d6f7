#!/usr/bin/env bash
# Installs what the verification suite needs, idempotently. Run as root (CI and these machines are).
#  - Debian packages: PostgreSQL and Redis servers (started by the tests on 127.0.0.1),
#    debootstrap, and docker.io (a Docker engine the tests start with --bridge=none).
#  - A Debian trixie root filesystem with Python 3.13 and the Python packages the generated
#    apps import (Flask, FastAPI, SQLAlchemy, psycopg, redis-py, gunicorn, uvicorn, pytest...),
#    because PyPI cannot be reached here. It also carries trixie's docker-compose v2 binary.
#    It is cached outside the repo in $CPDA_CACHE (default /var/cache/create-python-docker-app).
#    Its apt lists (from its `apt-get update`) are kept: the Docker tests' apt-get stand-in checks
#    package names against them (tests/support/standin-image.ts). A rootfs without them is rebuilt.
#  - kustomize and kubectl from Debian sid (static Go binaries needing only libc), unpacked into
#    $CPDA_CACHE/kube-tools: the Kubernetes tests build the generated overlays with them.
set -euo pipefail

CACHE=${CPDA_CACHE:-/var/cache/create-python-docker-app}
ROOTFS=$CACHE/rootfs-trixie
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ROOTFS_PACKAGES="python3-flask python3-fastapi python3-uvicorn uvicorn gunicorn python3-pytest python3-httpx \
python3-sqlalchemy python3-psycopg python3-redis python3-pydantic-settings python3-packaging adduser docker-compose"

if [ "$(id -u)" != 0 ]; then
  echo "setup-test-env: not root; skipping installs (tests that need them will say so)" >&2
  exit 0
fi

need_apt=()
command -v debootstrap >/dev/null || need_apt+=(debootstrap)
command -v redis-server >/dev/null || need_apt+=(redis-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_apt+=(postgresql)
command -v dockerd >/dev/null || need_apt+=(docker.io)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-test-env: apt-get install ${need_apt[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -f "$ROOTFS/.packages" ] || [ "$(cat "$ROOTFS/.packages")" != "$ROOTFS_PACKAGES" ] ||
  ! ls "$ROOTFS"/var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
  echo "setup-test-env: building the trixie root filesystem in $ROOTFS (about a minute)" >&2
  partial=$ROOTFS.partial
  rm -rf "$partial"
  mkdir -p "$CACHE"
  debootstrap --variant=minbase trixie "$partial" "$MIRROR" >/dev/null
  printf '#!/bin/sh\nexit 101\n' > "$partial/usr/sbin/policy-rc.d"
  chmod +x "$partial/usr/sbin/policy-rc.d"
  mount --bind /proc "$partial/proc"
  trap 'umount "$partial/proc" 2>/dev/null || true' EXIT
  chroot "$partial" apt-get update -qq
  # shellcheck disable=SC2086
  chroot "$partial" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    $ROOTFS_PACKAGES >/dev/null 2>&1
  chroot "$partial" apt-get clean # the .debs only; the lists stay
  umount "$partial/proc"
  trap - EXIT
  echo "$ROOTFS_PACKAGES" > "$partial/.packages"
  rm -rf "$ROOTFS"
  mv "$partial" "$ROOTFS"
fi
KUBE_TOOLS=$CACHE/kube-tools
KUBE_PACKAGES="kustomize kubectl"
if [ ! -x "$KUBE_TOOLS/usr/bin/kustomize" ] || [ ! -x "$KUBE_TOOLS/usr/bin/kubectl" ]; then
  echo "setup-test-env: fetching $KUBE_PACKAGES from Debian sid into $KUBE_TOOLS" >&2
  apt_dir=$(mktemp -d)
  trap 'rm -rf "$apt_dir"' EXIT
  mkdir -p "$apt_dir/sources" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
  printf 'Types: deb\nURIs: %s\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$MIRROR" > "$apt_dir/sources/sid.sources"
  apt_opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$apt_dir/sources" -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  # pkg/sid: the host may have another package of the same name installed (a cloud SDK's kubectl).
  # shellcheck disable=SC2046
  (cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download -qq $(printf '%s/sid ' $KUBE_PACKAGES))
  rm -rf "$KUBE_TOOLS.partial"
  for deb in "$apt_dir"/debs/*.deb; do dpkg-deb -x "$deb" "$KUBE_TOOLS.partial"; done
  rm -rf "$KUBE_TOOLS"
  mv "$KUBE_TOOLS.partial" "$KUBE_TOOLS"
  rm -rf "$apt_dir"
  trap - EXIT
fi
echo "setup-test-env: ready (rootfs $ROOTFS, kustomize and kubectl in $KUBE_TOOLS/usr/bin)" >&2
