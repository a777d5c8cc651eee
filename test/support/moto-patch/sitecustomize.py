"""
Loaded by python at start-up when this folder is on PYTHONPATH (startMoto in ../moto.ts puts it there).

moto 5.2.1 executes a change set without what CloudFormation does for a stack made that way: the
stack gets no Outputs, registers no Exports, and a CREATE change set cannot resolve Fn::ImportValue
(its stack was built without the region's exports). Real AWS does all three, and the deploy-stack
action deploys only through change sets, so tests of stacks that chain exports need them. This
patches exactly those three gaps and nothing else.
"""
try:
    from moto.cloudformation import models as _m
except Exception:  # moto absent: the tests say so themselves
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
