; Syntax highlighting for skiff.
;
; When several patterns capture the same node, the one written last wins (tree-sitter's
; highlighter since 0.25, and Neovim, agree on this), so general patterns come first and the
; ones that refine them by context come after.

; Punctuation and operators

["{" "}" "[" "]" "(" ")"] @punctuation.bracket

["," "."] @punctuation.delimiter

[":" "=" "+=" "->" "?"] @operator

; Literals

(string) @string

(escape_sequence) @string.escape

(integer) @number

(float) @number.float

; 500m, 8Gi, 30s, 1h30m: a number whose unit the schema interprets.
(unit_literal) @number.unit

[(true) (false)] @boolean

(null) @constant.builtin

; Names

; A reference in value position: a parameter, a binding or a template.
(reference (identifier) @variable)

; The leading segments of a dotted name name an import (`gpu` in `gpu.v100`).
(reference (identifier) @module . (identifier))
(path (identifier) @module . (identifier))

; Types

(type_identifier) @type

((type_identifier) @type.builtin
  (#any-of? @type.builtin "int" "float" "str" "bool" "duration" "datetime" "list" "map"))

; Fields: `key: value`, `key { }`, `key += v`, `replace key`, `delete key`, `key["x"]`

(key name: (identifier) @property)

(key name: (string) @property)

; Parameters, arguments, bindings

(parameter name: (identifier) @variable.parameter)

(argument name: (identifier) @variable.parameter)

(let_statement name: (identifier) @variable)

(call function: (path (identifier) @function.call .))

; Items

(import path: (string) @string.special.path)

(import name: (identifier) @module)

(template name: (identifier) @type)

(template extends: (path (identifier) @type .))

(template file: (string) @string.special.path)

(task name: (identifier) @function)

(workflow name: (identifier) @function)

; Keywords

["import" "as" "from"] @keyword.import

["pod_template" "extends" "task" "workflow"] @keyword

["let" "override"] @keyword

"return" @keyword.return

; Merge operators written as words.
["replace" "delete"] @keyword.operator

; Comments

(comment) @comment

(doc_comment) @comment.documentation
