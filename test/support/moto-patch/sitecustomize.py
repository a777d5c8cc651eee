"""
Loaded by python at start-up when this folder is on PYTHONPATH (startMoto in ../moto.ts puts it there,
with MOTO_PATCHES naming the patches a test file asked for: change-set-outputs, secret-stages).

moto 5.2.1 executes a change set without what CloudFormation does for a stack made that way: the
stack gets no Outputs, registers no Exports, and a CREATE change set cannot resolve Fn::ImportValue
(its stack was built without the region's exports). Real AWS does all three, and the deploy-stack
action deploys only through change sets, so tests of stacks that chain exports need them. This
patches exactly those three gaps and nothing else.

secret-stages: moto 5.2.1's UpdateSecretVersionStage moves the AWSCURRENT label but GetSecretValue
without a stage keeps returning the version it had before. On AWS a call without a stage returns
AWSCURRENT, wherever the label is: a rotation Lambda's finishSecret moves it exactly that way.
"""
import os

_patches = set(filter(None, os.environ.get("MOTO_PATCHES", "change-set-outputs").split(",")))

try:
    from moto.cloudformation import models as _m
except Exception:  # moto absent: the tests say so themselves
    _m = None
if "change-set-outputs" not in _patches:
    _m = None

if _m is not None:
    _execute = _m.CloudFormationBackend.execute_change_set

    def _find(backend, change_set_name):
        if change_set_name in backend.change_sets:
            return backend.change_sets[change_set_name]
        for cs in backend.change_sets.values():
            if cs.change_set_name == change_set_name:
                return cs
        return None

    def execute_change_set(self, change_set_name, stack_name=None):
        change_set = _find(self, change_set_name)
        if change_set is not None:
            change_set.stack.resource_map.cross_stack_resources = self.exports
        _execute(self, change_set_name, stack_name)
        if change_set is None:
            return
        stack = change_set.stack
        stack._parse_template()
        for export in stack.exports:
            self.exports.pop(export.name, None)
        stack.output_map = stack._create_output_map()
        self._validate_export_uniqueness(stack)
        for export in stack.exports:
            self.exports[export.name] = export

    _m.CloudFormationBackend.execute_change_set = execute_change_set

try:
    from moto.secretsmanager import models as _sm
except Exception:
    _sm = None
if "secret-stages" not in _patches:
    _sm = None

if _sm is not None:
    _update_stage = _sm.SecretsManagerBackend.update_secret_version_stage

    def update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id):
        out = _update_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id)
        if version_stage == "AWSCURRENT" and move_to_version_id:
            self.secrets[secret_id].default_version_id = move_to_version_id
        return out

    _sm.SecretsManagerBackend.update_secret_version_stage = update_secret_version_stage
