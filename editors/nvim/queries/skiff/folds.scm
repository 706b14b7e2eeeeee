; Folding (Neovim's vim.treesitter.foldexpr()): every multi-line bracket pair.

[
  (block)
  (workflow_body)
  (parameters)
  (arguments)
  (list)
] @fold
