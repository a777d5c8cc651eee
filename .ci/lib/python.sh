# Sourced by .ci/setup.d scripts: pip installs for the Python tools the tests use (moto, cfn-lint).
# Debian 12 and Ubuntu 24.04 mark their python3 "externally managed" (PEP 668); CI's machine is
# thrown away after the run, so installing beside the distribution's packages is what we want and
# we say so explicitly. Runs as root in CI (see ci.yml), hence --root-user-action.
pip_install() {
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends python3-pip
  fi
  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "$@"
}
