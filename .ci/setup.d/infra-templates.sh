#!/usr/bin/env bash
# infra-templates tests need cfn-lint v1 (Python) and a python3 that imports it (the test patches
# cfn-lint's bundled resource schemas). The machine image ships it (pip, 1.51); Debian and Ubuntu
# have no package of it, so a machine without it (GitHub's runner) gets 1.51.0 from PyPI, the
# version the schema patches in infra-templates/lib/lint.ts are written against. Idempotent.
set -euo pipefail
. "$(dirname "$0")/../lib/python.sh"
# Sets $version; true when cfn-lint 1.x is on PATH and python3 imports the same package.
usable() {
  version="$(cfn-lint --version 2>/dev/null || echo none)"
  case "$version" in "cfn-lint 1."*) python3 -c 'import cfnlint' 2>/dev/null ;; *) return 1 ;; esac
}
if ! usable; then
  echo "infra-templates: installing cfn-lint 1.51.0 (found: $version)"
  pip_install 'cfn-lint==1.51.0'
  hash -r
  usable || { echo "infra-templates: cfn-lint 1.x is not usable after installing it (found: $version; python3 must import cfnlint)" >&2; exit 1; }
fi
echo "infra-templates: $version"
