#!/usr/bin/env bash
# services tests: buildah (images built with vfs storage and chroot isolation, then run; the Node 24
# base is assembled from node_modules' node, ldd and dpkg's list of libc6), objcopy (binutils, strips
# node's debug info for the base), and a PostgreSQL server of the major the OS offers (15 on Debian 12,
# 16 on Ubuntu 24.04; vc-start's integration tests find it under /usr/lib/postgresql/<major>/bin and
# run initdb + postgres themselves, per test file, as the `postgres` user). Installs only; idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# The newest installed major with both server binaries, as services/vc-start/test/postgres.ts picks it.
pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/[0-9]*/bin 2>/dev/null | sort -t/ -k5,5nr); do
    [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

need=()
command -v buildah >/dev/null 2>&1 || need+=(buildah)
command -v objcopy >/dev/null 2>&1 || need+=(binutils)
updated=
if ! pg_bin >/dev/null; then
  apt-get update -qq && updated=1
  pg_pkg=
  for v in 17 16 15; do
    if apt-cache policy "postgresql-$v" 2>/dev/null | grep -q '^ *Candidate: [0-9]'; then pg_pkg="postgresql-$v"; break; fi
  done
  [ -n "$pg_pkg" ] || { echo "services: this OS offers no postgresql-17, -16 or -15 package" >&2; exit 1; }
  need+=("$pg_pkg")
fi
if [ ${#need[@]} -gt 0 ]; then
  [ -n "$updated" ] || apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# The server refuses to run as root; the package creates this user, a hand-made install may not.
id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
buildah --version
"$(pg_bin)/postgres" --version
