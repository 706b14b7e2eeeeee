; Definitions and references for code navigation (`tree-sitter tags`). The `///` lines right
; above an item are its documentation.

(
  (doc_comment)* @doc
  .
  (task
    name: (identifier) @name) @definition.function
  (#strip! @doc "^/// ?")
  (#select-adjacent! @doc @definition.function)
)

(
  (doc_comment)* @doc
  .
  (workflow
    name: (identifier) @name) @definition.function
  (#strip! @doc "^/// ?")
  (#select-adjacent! @doc @definition.function)
)

(
  (doc_comment)* @doc
  .
  (template
    name: (identifier) @name) @definition.class
  (#strip! @doc "^/// ?")
  (#select-adjacent! @doc @definition.class)
)

(
  (doc_comment)* @doc
  .
  (import
    name: (identifier) @name) @definition.module
  (#strip! @doc "^/// ?")
  (#select-adjacent! @doc @definition.module)
)

(call
  function: (path (identifier) @name .)) @reference.call

(template
  extends: (path (identifier) @name .)) @reference.class
