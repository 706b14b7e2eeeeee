; Scopes, definitions and references for skiff, in Helix's form: a reference that resolves to
; a definition takes the highlight named after `@local.definition.`.

(task) @local.scope

(workflow) @local.scope

(parameter name: (identifier) @local.definition.variable.parameter)

(let_statement name: (identifier) @local.definition.variable)

(reference . (identifier) @local.reference)
