#!/usr/bin/env bash
# deploy-stack tests run moto's server (CloudFormation, S3) in python3. The machine image ships
# moto 5.2.1 with its server extras; a machine without them (GitHub's runner) gets that exact
# version from PyPI (the tests' expectations of moto's CloudFormation are pinned to it). Idempotent.
set -euo pipefail
. "$(dirname "$0")/../lib/python.sh"
if python3 -c 'import moto, flask, flask_cors, sys; sys.exit(0 if moto.__version__ == "5.2.1" else 1)' 2>/dev/null; then
  echo "moto present: $(python3 -c 'import moto; print(moto.__version__)')"
  exit 0
fi
pip_install 'moto[server]==5.2.1'
python3 -c 'import moto; print("moto installed:", moto.__version__)'
