; Text objects in Helix (`]f`, `maf`, `mic`, ...): tasks and workflows are functions, pod
; templates are classes, parameters and call arguments are parameters.

(task body: (block) @function.inside) @function.around

(workflow body: (workflow_body) @function.inside) @function.around

(template body: (block) @class.inside) @class.around

(template file: (string)) @class.around

(parameter) @parameter.inside @parameter.around

(argument) @parameter.inside @parameter.around

(comment) @comment.inside @comment.around

(doc_comment) @comment.inside @comment.around
