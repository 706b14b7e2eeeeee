-- Assertions, run after startup with an example open (see ../test.sh). Prints one line per
-- check, `skiff-nvim: N passed, M failed` at the end, and exits non-zero on a failure.
local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    print('ok   ' .. name)
  else
    failed = failed + 1
    print('FAIL ' .. name .. (detail and (': ' .. detail) or ''))
  end
end
local function eq(name, got, want)
  check(name, vim.deep_equal(got, want), ('got %s, want %s'):format(vim.inspect(got), vim.inspect(want)))
end

local buf = vim.api.nvim_get_current_buf()
local repo = vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2))))))
local mode = vim.env.SKIFF_SETUP == '1' and 'setup' or 'runtime'
local with_parser = mode == 'setup' and (vim.env.SKIFF_PARSER or '') ~= ''

-- Where `text` first occurs in the buffer (0-based row and column), after line `after`.
local function find(text, after)
  for row, line in ipairs(vim.api.nvim_buf_get_lines(buf, after or 0, -1, false)) do
    local col = line:find(text, 1, true)
    if col then
      return row - 1 + (after or 0), col - 1
    end
  end
  error('not in the buffer: ' .. text)
end

eq('filetype', vim.bo.filetype, 'skiff')
eq('commentstring', vim.bo.commentstring, '// %s')
eq('comments (/// first)', vim.bo.comments, ':///,://')
eq('shiftwidth', vim.bo.shiftwidth, 2)

-- 'indentexpr': brackets open and close levels; strings and comments do not count.
do
  local scratch = vim.api.nvim_create_buf(false, true)
  local lines = {
    'task t(x: int) -> File {', --          0
    '  resources {', --                     2
    '    requests { cpu: 2 }', --           4
    '    limits {', --                      4
    '      memory: 8Gi', --                 6
    '    }', --                             4
    '  }', --                               2
    '  args: ["{", "(" ] // { [', --        2
    '  env: [', --                          2
    '    { name: "A" },', --                4
    '  ]', --                               2
    '}', --                                 0
    'workflow w() {', --                    0
    '  let a = t(x: 1)', --                 2
    '    override resources { limits { memory: 64Gi } }', -- 4 (typed by hand)
    '    override image: "x"', --           4 (typed by hand)
    '}', --                                 0
  }
  local want = { 0, 2, 4, 4, 6, 4, 2, 2, 2, 4, 2, 0, 0, 2, nil, nil, 0 }
  vim.api.nvim_buf_set_lines(scratch, 0, -1, false, lines)
  local got = {}
  vim.api.nvim_buf_call(scratch, function()
    vim.bo.shiftwidth = 2
    for i = 1, #lines do
      got[i] = want[i] ~= nil and require('skiff').indentexpr(i) or nil
    end
  end)
  eq('indentexpr', got, want)
  vim.api.nvim_buf_delete(scratch, { force = true })
end

if mode == 'runtime' then
  -- Without setup(): the regex syntax file.
  eq('syntax file', vim.b.current_syntax, 'skiff')
  local function syn(text)
    local row, col = find(text)
    return vim.fn.synIDattr(vim.fn.synID(row + 1, col + 1, 1), 'name')
  end
  eq('syntax: comment', syn('// examples'), 'skiffComment')
  eq('syntax: doc comment', syn('/// Trains'), 'skiffDocComment')
  eq('syntax: import', syn('import'), 'skiffItem')
  eq('syntax: key', syn('image'), 'skiffKey')
  eq('syntax: string', syn('"ghcr.io'), 'skiffString')
  eq('syntax: placeholder', syn('{{inputs'), 'skiffPlaceholder')
  eq('syntax: unit suffix', syn('Gi }'), 'skiffUnitSuffix')
  eq('syntax: number', syn('10)'), 'skiffNumber')
  eq('syntax: override', syn('override'), 'skiffKeyword')
  check('no error', vim.v.errmsg == '', vim.v.errmsg)
else
  -- The language server: configured and enabled; `skiff` need not exist.
  local cfg = vim.lsp.config.skiff
  check('vim.lsp.config.skiff is set', cfg ~= nil)
  if cfg then
    eq('lsp cmd', cfg.cmd, { 'skiff', 'lsp' })
    eq('lsp filetypes', cfg.filetypes, { 'skiff' })
    eq('lsp root_markers', cfg.root_markers, { 'skiff.toml', '.git' })
  end
  if vim.lsp.is_enabled then
    check('vim.lsp.enable(skiff)', vim.lsp.is_enabled('skiff'))
  end

  -- nvim-treesitter (a stand-in for its `master` branch): `:TSInstall skiff` would build
  -- grammar/src/parser.c of this repository.
  local ts_cfg = vim.g.skiff_test_ts_configs and vim.g.skiff_test_ts_configs.skiff
  check('nvim-treesitter parser config', ts_cfg ~= nil)
  if ts_cfg then
    eq('nvim-treesitter location', ts_cfg.install_info.location, 'grammar')
    eq('nvim-treesitter files', ts_cfg.install_info.files, { 'src/parser.c' })
    check('nvim-treesitter url is the repository', vim.uv.fs_stat(ts_cfg.install_info.url .. '/grammar/src/parser.c') ~= nil, ts_cfg.install_info.url)
  end
  -- Its `main` branch: registered on `User TSUpdate`.
  do
    local parsers = {}
    package.loaded['nvim-treesitter.parsers'] = parsers
    require('skiff').setup({ treesitter = { parser_path = with_parser and vim.env.SKIFF_PARSER or nil } })
    vim.api.nvim_exec_autocmds('User', { pattern = 'TSUpdate' })
    local info = parsers.skiff and parsers.skiff.install_info
    check('nvim-treesitter (main) parser config', info ~= nil)
    if info then
      check('nvim-treesitter (main) path', vim.uv.fs_stat(info.path .. '/' .. info.location .. '/src/parser.c') ~= nil, info.path)
      check('nvim-treesitter (main) queries', vim.uv.fs_stat(info.path .. '/' .. info.queries .. '/highlights.scm') ~= nil, info.queries)
    end
  end

  if with_parser then
    local parser = vim.treesitter.get_parser(buf, 'skiff')
    local tree = parser:parse()[1]
    check('parse: no error', not tree:root():has_error())
    eq('parse: root', tree:root():type(), 'source_file')
    for _, q in ipairs({ 'highlights', 'locals', 'indents', 'folds' }) do
      local ok, query = pcall(vim.treesitter.query.get, 'skiff', q)
      check('query ' .. q .. ' compiles', ok and query ~= nil, not ok and tostring(query) or 'not found')
    end
    check('highlighting started', vim.treesitter.highlighter.active[buf] ~= nil)

    -- The capture that wins at a position: the last in vim.inspect_pos's list, the order in
    -- which the highlighter applies them.
    local function capture(text, offset, after)
      local row, col = find(text, after)
      local ts = vim.inspect_pos(buf, row, col + (offset or 0), { syntax = false, extmarks = false, semantic_tokens = false }).treesitter
      return ts[#ts] and ts[#ts].capture
    end
    eq('capture: import', capture('import'), 'keyword.import')
    eq('capture: import path', capture('"lib/gpu.skiff"'), 'string.special.path')
    eq('capture: doc comment', capture('/// Trains'), 'comment.documentation')
    eq('capture: task', capture('task train_model'), 'keyword')
    eq('capture: task name', capture('train_model('), 'function')
    eq('capture: parameter', capture('data: DataFrame'), 'variable.parameter')
    eq('capture: builtin type', capture('int ='), 'type.builtin')
    eq('capture: number', capture('10)'), 'number')
    eq('capture: field', capture('image:'), 'property')
    eq('capture: quoted field', capture('"nvidia.com/gpu"'), 'property')
    eq('capture: string', capture('"ghcr.io'), 'string')
    eq('capture: unit literal', capture('8Gi'), 'number.unit')
    eq('capture: module', capture('gpu.v100'), 'module')
    eq('capture: reference', capture('v100', 0, 6), 'variable')
    eq('capture: let', capture('let m1'), 'keyword')
    eq('capture: call', capture('train_model(data: data1'), 'function.call')
    eq('capture: override', capture('override'), 'keyword')
    eq('capture: return', capture('return'), 'keyword.return')
    eq('capture: comment', capture('// runs'), 'comment')

    eq('foldexpr', vim.wo.foldexpr, 'v:lua.vim.treesitter.foldexpr()')
    local task_row = find('task train_model')
    eq('fold starts at a task', vim.treesitter.foldexpr(task_row + 1), '>1')

    -- Contextual keywords: the later, more specific pattern wins in Neovim as in the CLI.
    vim.cmd.edit(vim.fs.joinpath(repo, 'editors', 'tests', 'cases', 'contextual.skiff'))
    buf = vim.api.nvim_get_current_buf()
    vim.treesitter.get_parser(buf, 'skiff'):parse()
    check('contextual.skiff parses', not vim.treesitter.get_parser(buf, 'skiff'):parse()[1]:root():has_error())
    eq('capture: `delete: 1` is a field', capture('delete: 1'), 'property')
    eq('capture: `delete delete` operator', capture('delete delete'), 'keyword.operator')
    eq('capture: `delete delete` field', capture('delete', 7, find('delete delete')), 'property')
    eq('capture: `replace { }` is a field', capture('replace { a'), 'property')
    eq('capture: `task:` is a field', capture('task: "a'), 'property')
    eq('capture: import named `from`', capture('from', 0, 1), 'module')
    eq('capture: task named `let`', capture('let(return'), 'function')
  else
    print('note: no compiled parser ($SKIFF_PARSER unset): tree-sitter checks skipped')
  end
end

print(('skiff-nvim (%s): %d passed, %d failed'):format(mode, passed, failed))
vim.cmd(failed == 0 and 'qall!' or 'cquit 1')
