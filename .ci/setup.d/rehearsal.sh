#!/usr/bin/env bash
# scripts/rehearsal/rehearse.test.ts runs `npm run rehearse` on real traffic: nginx (the ALB's data plane stand-in)
# and Debian's prometheus 2.42, plus the image tools its build stage uses. The same install as
# `npm run setup` (scripts/setup.sh); idempotent. CI runs as root, so apt-get installs them.
set -euo pipefail
bash "$(dirname "$0")/../../scripts/setup.sh"
PATH="$PATH:/usr/sbin"
nginx -v
prometheus --version | head -1
