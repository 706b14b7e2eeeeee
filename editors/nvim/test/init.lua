-- Test configuration: this plugin on 'runtimepath' and nothing else of the user's.
-- SKIFF_SETUP=1 calls require('skiff').setup() with the parser in $SKIFF_PARSER (if set);
-- otherwise only what the plugin's runtime files (ftdetect/, ftplugin/, syntax/) do.
local nvim_dir = vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2))))
vim.opt.runtimepath:prepend(nvim_dir)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'

if vim.env.SKIFF_SETUP == '1' then
  -- A stand-in for nvim-treesitter's `master` branch, to see the parser registered with it.
  local configs = {}
  package.loaded['nvim-treesitter.parsers'] = {
    get_parser_configs = function()
      return configs
    end,
  }
  require('skiff').setup({ treesitter = { parser_path = vim.env.SKIFF_PARSER ~= '' and vim.env.SKIFF_PARSER or nil } })
  vim.g.skiff_test_ts_configs = configs
end
