; Syntax highlighting for skiff in Helix, with Helix's capture names
; (https://docs.helix-editor.com/themes.html#scopes).
;
; No two patterns capture the same node, so the result does not depend on which of two
; matching patterns an editor prefers (Helix has preferred the first, Neovim and the
; tree-sitter CLI the last). editors/helix/test.sh checks this on the examples. Nested nodes
; (an escape in a string) are fine: the inner one wins everywhere.

; Comments

(comment) @comment.line

(doc_comment) @comment.line.documentation

; Keywords

["import" "as" "from"] @keyword.control.import

["task" "workflow"] @keyword.function

"pod_template" @keyword.storage.type

"extends" @keyword.storage.modifier

"let" @keyword.storage

"override" @keyword

"return" @keyword.control.return

; Merge operators written as words.
["replace" "delete"] @keyword.operator

; Punctuation and operators

["{" "}" "[" "]" "(" ")"] @punctuation.bracket

["," "."] @punctuation.delimiter

[":" "=" "+=" "->" "?"] @operator

; Strings, captured by position so that a quoted key is not also a string.

(import path: (string) @string.special.path)

(template file: (string) @string.special.path)

(key name: (string) @variable.other.member)

(field value: (string) @string)

(append_field value: (string) @string)

(replace_field value: (string) @string)

(list (string) @string)

(argument value: (string) @string)

(parameter default: (string) @string)

(return_statement value: (string) @string)

(key index: (string) @string)

(escape_sequence) @constant.character.escape

; Numbers: 500m, 8Gi, 30s, 1h30m are numbers whose unit the schema interprets.

(integer) @constant.numeric.integer

(float) @constant.numeric.float

(unit_literal) @constant.numeric

(true) @constant.builtin.boolean

(false) @constant.builtin.boolean

(null) @constant.builtin

; Types

((type_identifier) @type.builtin
  (#any-of? @type.builtin "int" "float" "str" "bool" "duration" "datetime" "list" "map"))

((type_identifier) @type
  (#not-any-of? @type "int" "float" "str" "bool" "duration" "datetime" "list" "map"))

; Names of items

(import name: (identifier) @namespace)

(template name: (identifier) @type)

(task name: (identifier) @function)

(workflow name: (identifier) @function)

; Dotted names: the leading segments name an import (`gpu` in `gpu.v100`).

(path (identifier) @namespace . (identifier))

(reference (identifier) @namespace . (identifier))

(template extends: (path (identifier) @type .))

(call function: (path (identifier) @function .))

; A reference in value position: a parameter, a binding or a template. locals.scm makes
; references to parameters `variable.parameter`.
(reference (identifier) @variable .)

; Fields: `key: value`, `key { }`, `key += v`, `replace key`, `delete key`, `key["x"]`

(key name: (identifier) @variable.other.member)

; Parameters, arguments, bindings

(parameter name: (identifier) @variable.parameter)

(argument name: (identifier) @variable.parameter)

(let_statement name: (identifier) @variable)
