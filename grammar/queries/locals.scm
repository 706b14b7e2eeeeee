; Scopes, definitions and references for skiff.
;
; A task's parameters are visible in its body; a workflow's parameters and `let` bindings are
; visible in its body. A reference's first segment names a parameter or a binding (later
; segments reach into an import, as in `gpu.v100`).

(task) @local.scope

(workflow) @local.scope

(parameter name: (identifier) @local.definition)

(let_statement name: (identifier) @local.definition)

(reference . (identifier) @local.reference)
