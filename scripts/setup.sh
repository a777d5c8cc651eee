#!/usr/bin/env bash
# npm run setup: the Debian packages `npm run rehearse` needs, installed in one go.
#   nginx, prometheus                    the real-traffic ramps (the ALB's data plane stand-in, the metrics server)
#   buildah, skopeo, docker-registry,    the build-scan-push stage (build, push by digest to a local registry;
#   apache2-utils (htpasswd), binutils   its basic-auth file; objcopy strips the local Node base image)
# As root it runs apt-get; otherwise it prints the exact command and changes nothing. What is
# already installed is left alone, so running it again is harmless. Without a package the
# rehearsal still runs and names the stages it skipped.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
for pair in nginx:nginx prometheus:prometheus buildah:buildah skopeo:skopeo docker-registry:docker-registry htpasswd:apache2-utils objcopy:binutils; do
  have "${pair%%:*}" || need+=("${pair#*:}")
done

# moto (the AWS emulator) comes from PyPI, not Debian: say so, never install it behind the user's back.
if ! python3 -c 'import moto, flask, flask_cors' >/dev/null 2>&1; then
  echo "setup: python3 has no moto server; install it with: python3 -m pip install 'moto[server]==5.2.1'" >&2
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "setup: nginx, prometheus and the image tools are installed; run: npm run rehearse"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: not a Debian/Ubuntu machine; install these packages (Debian names): ${need[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing ${need[*]}. Install them with:"
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}"
  echo "setup: until then npm run rehearse skips the stages that need them and says which."
  exit 0
fi
echo "setup: installing ${need[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# On a machine with systemd, Debian starts the packaged nginx (:80) and prometheus (:9090); the
# rehearsal runs its own instances on free loopback ports and never uses those.
echo "setup: done ($(nginx -v 2>&1 | sed 's/^nginx version: //'), $(prometheus --version 2>&1 | head -1 | cut -d' ' -f1-3)); run: npm run rehearse"
