; Syntax highlighting for skiff in Zed, with the capture names of its themes. Made from
; editors/helix/queries/skiff/highlights.scm: like it, no two patterns capture the same node.

; Comments

(comment) @comment

(doc_comment) @comment.doc

; Keywords

["import" "as" "from"] @keyword

["task" "workflow"] @keyword

"pod_template" @keyword

"extends" @keyword

"let" @keyword

"override" @keyword

"return" @keyword

; Merge operators written as words.
["replace" "delete"] @keyword

; Punctuation and operators

["{" "}" "[" "]" "(" ")"] @punctuation.bracket

["," "."] @punctuation.delimiter

[":" "=" "+=" "->" "?"] @operator

; Strings, captured by position so that a quoted key is not also a string.

(import path: (string) @string.special)

(template file: (string) @string.special)

(key name: (string) @property)

(field value: (string) @string)

(append_field value: (string) @string)

(replace_field value: (string) @string)

(list (string) @string)

(argument value: (string) @string)

(parameter default: (string) @string)

(return_statement value: (string) @string)

(key index: (string) @string)

(escape_sequence) @string.escape

; Numbers: 500m, 8Gi, 30s, 1h30m are numbers whose unit the schema interprets.

(integer) @number

(float) @number

(unit_literal) @number

(true) @boolean

(false) @boolean

(null) @constant

; Types

((type_identifier) @type
  (#any-of? @type "int" "float" "str" "bool" "duration" "datetime" "list" "map"))

((type_identifier) @type
  (#not-any-of? @type "int" "float" "str" "bool" "duration" "datetime" "list" "map"))

; Names of items

(import name: (identifier) @variable)

(template name: (identifier) @type)

(task name: (identifier) @function)

(workflow name: (identifier) @function)

; Dotted names: the leading segments name an import (`gpu` in `gpu.v100`).

(path (identifier) @variable . (identifier))

(reference (identifier) @variable . (identifier))

(template extends: (path (identifier) @type .))

(call function: (path (identifier) @function .))

; A reference in value position: a parameter, a binding or a template.
(reference (identifier) @variable .)

; Fields: `key: value`, `key { }`, `key += v`, `replace key`, `delete key`, `key["x"]`

(key name: (identifier) @property)

; Parameters, arguments, bindings

(parameter name: (identifier) @variable)

(argument name: (identifier) @variable)

(let_statement name: (identifier) @variable)
