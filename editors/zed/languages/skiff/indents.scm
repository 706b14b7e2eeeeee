(block "}" @end) @indent
(workflow_body "}" @end) @indent
(list "]" @end) @indent
(parameters ")" @end) @indent
(arguments ")" @end) @indent
(type_arguments "]" @end) @indent
