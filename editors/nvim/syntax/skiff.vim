" Regex highlighting for skiff, for Neovim without the tree-sitter parser. With the parser,
" vim.treesitter.start() replaces it. Keywords are contextual in skiff: these patterns take a
" word as a keyword only where a name, string or bracket follows it, as the grammar does.
if exists('b:current_syntax')
  finish
endif

syn match skiffItem /^\s*\zs\%(import\|pod_template\|task\|workflow\)\>\ze\s\+["A-Za-z_]/
syn match skiffKeyword /\<\%(let\|override\|return\|extends\)\>\ze\s\+["A-Za-z_{\[]/
syn match skiffKeyword /\<\%(as\|from\)\>\ze\s\+["A-Za-z_]/
syn match skiffMerge /\<\%(replace\|delete\)\>\ze\s\+["A-Za-z_]/
syn match skiffKey /\<[A-Za-z_][A-Za-z0-9_]*\>\ze\s*\%(:\|+=\|{\|\[\)/
syn match skiffOperator /+=\|->\|=\|?/
syn keyword skiffConstant true false null
" A unit literal (8Gi, 500m, 1h30m), then plain numbers, which win where both match (1e3).
syn match skiffUnit /-\?\<\d\+\%(\.\d\+\)\?[A-Za-z][A-Za-z0-9]*\>/ contains=skiffUnitSuffix
syn match skiffUnitSuffix /[A-Za-z]\+/ contained
syn match skiffNumber /-\?\<\d\+\%(\.\d\+\)\?\%([eE][+-]\?\d\+\)\?\>/
syn region skiffString start=/"/ skip=/\\\\\|\\"/ end=/"\|$/ oneline contains=skiffEscape,skiffPlaceholder
syn match skiffEscape /\\\%([ntr0\\"]\|u{\x\{1,6}}\)/ contained
syn match skiffPlaceholder /{{\s*[A-Za-z_][A-Za-z0-9_.]*\s*}}/ contained
syn match skiffComment "//.*$" contains=@Spell
syn match skiffDocComment "///\%(/\)\@!.*$" contains=@Spell

hi def link skiffItem Keyword
hi def link skiffKeyword Keyword
hi def link skiffMerge Keyword
hi def link skiffKey Identifier
hi def link skiffOperator Operator
hi def link skiffConstant Constant
hi def link skiffNumber Number
hi def link skiffUnit Number
hi def link skiffUnitSuffix Type
hi def link skiffString String
hi def link skiffEscape SpecialChar
hi def link skiffPlaceholder Special
hi def link skiffComment Comment
hi def link skiffDocComment SpecialComment

let b:current_syntax = 'skiff'
