; Indentation, in Neovim's nvim-treesitter conventions: the lines inside a bracket pair are
; indented one level; the line holding the closing bracket goes back to the opening line's.

[
  (block)
  (workflow_body)
  (list)
  (parameters)
  (arguments)
] @indent.begin

[
  "}"
  "]"
  ")"
] @indent.branch @indent.end
