#!/usr/bin/env bash
# services tests: buildah (images built with vfs storage and chroot isolation, then run; the Node 24
# base is assembled from node_modules' node, ldd and dpkg's list of libc6), objcopy (binutils, strips
# node's debug info for the base), and a PostgreSQL 15 server (vc-start's integration tests run
# initdb + postgres themselves, per test file, as the `postgres` user). Installs only; idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v buildah >/dev/null 2>&1 || need+=(buildah)
command -v objcopy >/dev/null 2>&1 || need+=(binutils)
[ -x /usr/lib/postgresql/15/bin/postgres ] && [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# The server refuses to run as root; the package creates this user, a hand-made install may not.
id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
buildah --version
/usr/lib/postgresql/15/bin/postgres --version
