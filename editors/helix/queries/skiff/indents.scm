; Indentation in Helix: one level inside each bracket pair; the closing bracket goes back.

[
  (block)
  (workflow_body)
  (list)
  (parameters)
  (arguments)
  (type_arguments)
] @indent

[
  "}"
  "]"
  ")"
] @outdent
