; The outline panel: items, and the `let` nodes of a workflow.

(import "import" @context name: (identifier) @name) @item

(template "pod_template" @context name: (identifier) @name) @item

(task "task" @context name: (identifier) @name) @item

(workflow "workflow" @context name: (identifier) @name) @item

(let_statement "let" @context name: (identifier) @name) @item
