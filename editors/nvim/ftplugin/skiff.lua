-- Buffer settings for skiff files.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = true

vim.bo.commentstring = '// %s'
-- `///` before `//`, so that Enter on a doc comment line continues it with `/// `.
vim.bo.comments = ':///,://'
vim.bo.formatoptions = vim.bo.formatoptions:gsub('[t]', '') .. 'croqj'
vim.bo.expandtab = true
vim.bo.shiftwidth = 2
vim.bo.softtabstop = 2
vim.bo.indentexpr = "v:lua.require'skiff'.indentexpr()"
vim.bo.indentkeys = '0{,0},0),0],!^F,o,O,e'

vim.b.undo_ftplugin = 'setlocal commentstring< comments< formatoptions< expandtab< shiftwidth< softtabstop< indentexpr< indentkeys<'
