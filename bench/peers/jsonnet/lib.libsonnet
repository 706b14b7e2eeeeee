// The pod of one call, the way a Jsonnet user layers configuration: a template is an object,
// `extends` is `+` (maps merge with `+:`, a list field set with `:` is replaced whole),
// containers are kept in a hidden map by name so that layers merge them by name, and turned
// into the Pod's list once per task (a `local` in the group file), not once per pod.
{
  // A task: its template, and the template's containers with the task's container merged into
  // `primary`, listed by name. Computed once; every call of the task shares it.
  task(name, template, container)::
    local cm = template.containerMap + { primary+: container };
    {
      name: name,
      template: template,
      containers: [{ name: k } + cm[k] for k in std.objectFields(cm)],
    },

  // One call of a task: the node it runs after (null for none) and the env its inputs set.
  call(task, after, env):: { task: task, after: after, env: env },

  // override: an object mixed into the template ({} for none).
  pod(workflow, node, call, override={})::
    local t = call.task;
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: std.strReplace(workflow, '_', '-') + '-' + node,
        labels: {
          'skiff.dev/node': node,
          'skiff.dev/task': t.name,
          'skiff.dev/workflow': workflow,
        },
        [if call.after != null then 'annotations']: {
          'skiff.dev/depends-on': call.after,
          'skiff.dev/runtime-inputs': 'data=nodes.' + call.after,
        },
      },
      spec: t.template + override + {
        containers: [if c.name == 'primary' then c { env: call.env } else c for c in t.containers],
        restartPolicy: 'Never',
      },
    },
}
