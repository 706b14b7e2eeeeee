-- skiff for Neovim 0.11+: the filetype, the language server (`skiff lsp`) with the effective pod
-- view (`:SkiffPod`, lua/skiff/pod.lua), and the tree-sitter parser with its queries.
--
--   require('skiff').setup()                 -- everything, with the defaults below
--   require('skiff').setup({ lsp = { cmd = { '/path/to/skiff', 'lsp' } } })
--
-- The queries are in queries/skiff/ (symlinks to grammar/queries in the skiff repository, plus
-- folds.scm). The parser is looked for as parser/skiff.so on 'runtimepath' (editors/nvim/build.sh
-- compiles it there), or registered with nvim-treesitter so that `:TSInstall skiff` builds it.
local M = {}

--- The directory of this plugin (editors/nvim) and of the skiff repository.
local plugin_dir = vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2)))))
local repo_dir = vim.fs.dirname(vim.fs.dirname(plugin_dir))

M.defaults = {
  lsp = {
    enable = true,
    -- Passed to vim.lsp.config('skiff', ...); anything vim.lsp.Config takes.
    cmd = { 'skiff', 'lsp' },
    filetypes = { 'skiff' },
    root_markers = { 'skiff.toml', '.git' },
  },
  -- The effective pod view (`:SkiffPod`) and the code lens above each `let` (lua/skiff/pod.lua).
  pod = {
    split = 'vertical',
    codelens = true,
  },
  treesitter = {
    enable = true,
    -- A compiled parser (skiff.so). nil: parser/skiff.so on 'runtimepath', if there is one.
    parser_path = nil,
    -- Start tree-sitter highlighting in skiff buffers (nvim-treesitter users may leave that
    -- to its highlight module instead).
    highlight = true,
  },
}

--- The grammar directory of the skiff repository this plugin is part of.
function M.grammar_dir()
  return vim.fs.joinpath(repo_dir, 'grammar')
end

local function register_with_nvim_treesitter()
  -- nvim-treesitter's `master` branch: a parser config that :TSInstall skiff builds.
  local ok, parsers = pcall(require, 'nvim-treesitter.parsers')
  if not ok then
    return false
  end
  local install_info = {
    url = repo_dir,
    location = 'grammar',
    files = { 'src/parser.c' },
    requires_generate_from_grammar = false,
  }
  if type(parsers.get_parser_configs) == 'function' then
    parsers.get_parser_configs().skiff = { install_info = install_info, filetype = 'skiff' }
    return true
  end
  -- The `main` branch: parsers are registered on its TSUpdate event.
  vim.api.nvim_create_autocmd('User', {
    pattern = 'TSUpdate',
    callback = function()
      require('nvim-treesitter.parsers').skiff = {
        install_info = { path = repo_dir, location = 'grammar', queries = 'editors/nvim/queries/skiff' },
      }
    end,
  })
  return true
end

--- Registers the parser: an explicit path, else parser/skiff.so on 'runtimepath' (found by
--- Neovim itself). Returns whether a parser is usable now.
function M.register_parser(opts)
  opts = opts or {}
  local path = opts.parser_path
  if path then
    local ok, err = pcall(vim.treesitter.language.add, 'skiff', { path = path })
    if not ok then
      vim.notify(('skiff: cannot load the tree-sitter parser %s: %s'):format(path, err), vim.log.levels.WARN)
      return false
    end
    return true
  end
  return (pcall(vim.treesitter.language.add, 'skiff'))
end

function M.setup(opts)
  opts = vim.tbl_deep_extend('force', M.defaults, opts or {})
  M.options = opts

  vim.filetype.add({ extension = { skiff = 'skiff' } })

  if opts.lsp.enable then
    local config = vim.deepcopy(opts.lsp)
    config.enable = nil
    vim.lsp.config('skiff', config)
    require('skiff.pod').setup(opts.pod)
    -- Neovim starts the server for skiff buffers; if `skiff` is not on PATH it skips it quietly
    -- (:checkhealth vim.lsp says so).
    vim.lsp.enable('skiff')
  end

  if opts.treesitter.enable then
    register_with_nvim_treesitter()
    local have_parser = M.register_parser(opts.treesitter)
    if have_parser and opts.treesitter.highlight then
      local group = vim.api.nvim_create_augroup('skiff.treesitter', { clear = true })
      vim.api.nvim_create_autocmd('FileType', {
        group = group,
        pattern = 'skiff',
        callback = function(args)
          pcall(vim.treesitter.start, args.buf, 'skiff')
          vim.wo[0][0].foldexpr = 'v:lua.vim.treesitter.foldexpr()'
        end,
      })
    end
  end
end

--- The brackets of a line outside strings and comments, as a string ("{[]}").
local function brackets(line)
  local out, i, n = {}, 1, #line
  while i <= n do
    local c = line:sub(i, i)
    if c == '"' then
      i = i + 1
      while i <= n and line:sub(i, i) ~= '"' do
        i = i + (line:sub(i, i) == '\\' and 2 or 1)
      end
    elseif c == '/' and line:sub(i + 1, i + 1) == '/' then
      break
    elseif c:match('[{}%[%]()]') then
      out[#out + 1] = c
    end
    i = i + 1
  end
  return table.concat(out)
end

--- The line (1-based) of the bracket that opens what is open at the end of line `lnum` after
--- `depth` more closers, searching at most 1000 lines up; nil if there is none.
local function opener_line(lnum, depth)
  for l = lnum, math.max(lnum - 1000, 1), -1 do
    local b = brackets(vim.fn.getline(l))
    for i = #b, 1, -1 do
      if b:sub(i, i):match('[}%])]') then
        depth = depth + 1
      else
        depth = depth - 1
        if depth == 0 then
          return l
        end
      end
    end
  end
  return nil
end

--- 'indentexpr' for skiff (set by ftplugin/skiff.lua): a line closing a bracket lines up with
--- the line that opened it; after a line that leaves a bracket open, one 'shiftwidth' more;
--- after a line that closes more than it opens, the indent of the line that opened those.
function M.indentexpr(lnum)
  lnum = lnum or vim.v.lnum
  if vim.fn.getline(lnum):match('^%s*[}%])]') then
    local open = opener_line(lnum - 1, 1)
    return open and vim.fn.indent(open) or 0
  end
  local prev = vim.fn.prevnonblank(lnum - 1)
  if prev == 0 then
    return 0
  end
  local b = brackets(vim.fn.getline(prev))
  local net = select(2, b:gsub('[{%[(]', '')) - select(2, b:gsub('[}%])]', ''))
  if net > 0 then
    return vim.fn.indent(prev) + vim.fn.shiftwidth()
  elseif net < 0 then
    local open = opener_line(prev, 0)
    return open and vim.fn.indent(open) or 0
  end
  return vim.fn.indent(prev)
end

return M
