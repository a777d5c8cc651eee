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

route53-health-checks: moto 5.2.1 builds an AWS::Route53::HealthCheck from a template with only its
endpoint fields, and no health check of any origin keeps AlarmIdentifier or
InsufficientDataHealthStatus. Real AWS keeps all of them (GetHealthCheck returns them); this keeps a
template's ChildHealthChecks, HealthThreshold, Inverted, Disabled, AlarmIdentifier and
InsufficientDataHealthStatus and returns them. moto still judges nothing: its health checks stay
healthy and it answers no DNS query.
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

try:
    from moto.route53 import models as _r53
except Exception:
    _r53 = None
if "route53-health-checks" not in _patches:
    _r53 = None

if _r53 is not None:
    _from_template = _r53.HealthCheck.create_from_cloudformation_json.__func__
    _config = _r53.HealthCheck.health_check_config.fget

    def _health_check_from_template(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        health_check = _from_template(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        props = cloudformation_json["Properties"]["HealthCheckConfig"]
        health_check.set_children(props.get("ChildHealthChecks") or [])
        if props.get("HealthThreshold") is not None:
            health_check.health_threshold = int(props["HealthThreshold"])
        health_check.inverted = str(props.get("Inverted", False)).lower() == "true"
        health_check.disabled = str(props.get("Disabled", False)).lower() == "true"
        health_check.alarm_identifier = props.get("AlarmIdentifier")
        health_check.insufficient_data_health_status = props.get("InsufficientDataHealthStatus")
        return health_check

    def _health_check_config(self):
        config = _config(self)
        if getattr(self, "alarm_identifier", None):
            config["AlarmIdentifier"] = self.alarm_identifier
        if getattr(self, "insufficient_data_health_status", None):
            config["InsufficientDataHealthStatus"] = self.insufficient_data_health_status
        return config

    _r53.HealthCheck.create_from_cloudformation_json = classmethod(_health_check_from_template)
    _r53.HealthCheck.health_check_config = property(_health_check_config)
