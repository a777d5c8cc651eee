#!/usr/bin/env bash
# infra-templates tests need cfn-lint (v1, Python). The machine image ships it (pip, 1.51); if a
# machine lacks it, fall back to Debian's package. Idempotent.
set -euo pipefail
if command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint present: $(cfn-lint --version)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq cfn-lint
cfn-lint --version
