#!/usr/bin/env bash
# canary-ramp, rollback and traffic tests run moto's server (ELBv2 with weighted ForwardConfig, EC2
# for the VPC and subnets) in python3, version 5.2.1 as in the machine image. CloudWatch, ECS and
# App Mesh are answered in-process (a local fake server, nock): nothing else to install. Idempotent.
set -euo pipefail
. "$(dirname "$0")/../lib/python.sh"
check='import moto, flask, flask_cors, moto.elbv2, moto.ec2, sys; sys.exit(0 if moto.__version__ == "5.2.1" else 1)'
if python3 -c "$check" 2>/dev/null; then
  echo "moto present for ELBv2/EC2: $(python3 -c 'import moto; print(moto.__version__)')"
  exit 0
fi
pip_install 'moto[server]==5.2.1'
python3 -c "$check"
echo "moto installed: $(python3 -c 'import moto; print(moto.__version__)')"
