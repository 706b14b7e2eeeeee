// The pod of one call, the way a Jsonnet user layers configuration: a template is an object,
// `extends` is `+` (maps merge with `+:`, a list field set with `:` is replaced whole),
// containers are kept in a hidden map by name so that layers merge them by name, and turned
// into the Pod's list at the end.
{
  // call: { task, template, container, after } from a task function; override: an object
  // mixed into the template ({} for none).
  pod(workflow, node, call, override={})::
    local spec = call.template + override + { containerMap+:: { primary+: call.container } };
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: std.strReplace(workflow, '_', '-') + '-' + node,
        labels: {
          'skiff.dev/node': node,
          'skiff.dev/task': call.task,
          'skiff.dev/workflow': workflow,
        },
        [if call.after != null then 'annotations']: {
          'skiff.dev/depends-on': call.after,
          'skiff.dev/runtime-inputs': 'data=nodes.' + call.after,
        },
      },
      spec: spec {
        containers: [{ name: k } + spec.containerMap[k] for k in std.objectFields(spec.containerMap)],
        restartPolicy: 'Never',
      },
    },
}
