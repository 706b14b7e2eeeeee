; Rainbow brackets in Helix.

[
  (block)
  (workflow_body)
  (list)
  (parameters)
  (arguments)
  (type_arguments)
  (unit_type)
] @rainbow.scope

["{" "}" "[" "]" "(" ")"] @rainbow.bracket
