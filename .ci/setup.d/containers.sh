#!/usr/bin/env bash
# build-scan-push tests: buildah (chroot isolation, vfs storage), skopeo (pushes the scanned OCI archive),
# Debian's docker-registry and htpasswd (its basic-auth file). Installs only; nothing is started here:
# each test file starts and stops its own registry on a free loopback port with its own config.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
for pair in buildah:buildah skopeo:skopeo docker-registry:docker-registry htpasswd:apache2-utils; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi
buildah --version
skopeo --version
docker-registry --version || true
