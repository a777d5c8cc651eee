#!/usr/bin/env bash
# infra-templates tests need cfn-lint v1 (Python) and a python3 that imports it (the test patches
# cfn-lint's bundled resource schemas). The machine image ships it (pip, 1.51); Debian has no
# package of it and PyPI is out of reach here, so a machine without it cannot run these tests:
# fail early and say so. Idempotent; installs nothing.
set -euo pipefail
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "infra-templates: cfn-lint is not on PATH (expected the image's pip cfn-lint 1.x)" >&2
  exit 1
fi
version="$(cfn-lint --version)"
case "$version" in
  "cfn-lint 1."*) echo "infra-templates: $version" ;;
  *) echo "infra-templates: need cfn-lint 1.x, found: $version" >&2; exit 1 ;;
esac
python3 -c 'import cfnlint' || { echo "infra-templates: python3 cannot import cfnlint" >&2; exit 1; }
