-- The language server in a real editor: Neovim with this plugin's configuration starts
-- `skiff lsp` ($SKIFF_BIN) on the seed example, and each check below talks to it the way a user
-- does. Prints one line a check and `skiff-nvim-lsp: N passed, M failed`; exits non-zero on failure.
local nvim_dir = vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2))))
vim.opt.runtimepath:prepend(nvim_dir)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
require('skiff').setup({ lsp = { cmd = { vim.env.SKIFF_BIN, 'lsp' } }, treesitter = { enable = false } })

local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    io.stdout:write('ok   ' .. name .. '\n')
  else
    failed = failed + 1
    io.stdout:write('FAIL ' .. name .. (detail and (': ' .. detail) or '') .. '\n')
  end
end

local function finish()
  io.stdout:write(('skiff-nvim-lsp: %d passed, %d failed\n'):format(passed, failed))
  io.stdout:flush()
  vim.cmd((failed == 0) and 'qall!' or 'cquit! 1')
end

--- The (0-based) position of the first `needle` in the buffer, plus `delta` columns.
local function find(needle, delta)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return { line = i - 1, character = col - 1 + (delta or 0) }
    end
  end
  error('not in the buffer: ' .. needle)
end

local function request(method, position, extra)
  local params = vim.tbl_extend('force', { textDocument = vim.lsp.util.make_text_document_params(0), position = position }, extra or {})
  local responses = vim.lsp.buf_request_sync(0, method, params, 10000) or {}
  for _, response in pairs(responses) do
    if response.result then
      return response.result
    end
  end
end

local function run()
  local ok, err = pcall(function()
    vim.cmd.edit(vim.env.SKIFF_FILE)
    check('filetype is skiff', vim.bo.filetype == 'skiff', vim.bo.filetype)
    local attached = vim.wait(15000, function()
      return #vim.lsp.get_clients({ bufnr = 0, name = 'skiff' }) > 0
    end, 20)
    check('skiff lsp attaches', attached)
    if not attached then
      return
    end
    local client = vim.lsp.get_clients({ bufnr = 0, name = 'skiff' })[1]
    check('server says it hovers', client.server_capabilities.hoverProvider == true)

    -- Diagnostics as you type: a misspelt field gets one, with the fix the server offers.
    local at = find('nodeSelector { "gpu-type": "nvidia-a100" }')
    vim.api.nvim_buf_set_text(0, at.line, at.character, at.line, at.character + #'nodeSelector', { 'nodeSelektor' })
    local diagnosed = vim.wait(15000, function()
      return #vim.diagnostic.get(0) > 0
    end, 20)
    local diagnostics = vim.diagnostic.get(0)
    check('diagnostics as you type', diagnosed and diagnostics[1].code == 'unknown-field', vim.inspect(diagnostics))
    vim.api.nvim_buf_set_text(0, at.line, at.character, at.line, at.character + #'nodeSelektor', { 'nodeSelector' })
    local cleared = vim.wait(15000, function()
      return #vim.diagnostic.get(0) == 0
    end, 20)
    check('fixed text clears them', cleared, vim.inspect(vim.diagnostic.get(0)))

    -- Hover an override: the merged pod with origins, and what the override changed.
    local hover = request('textDocument/hover', find('override pod_template', 2))
    local text = hover and hover.contents and hover.contents.value or ''
    check('hover shows the merged pod', text:find('nodeSelector: {gpu-type: nvidia-a100}', 1, true) ~= nil, text)
    check('hover shows origins', text:find('# override resources (train.skiff:19)', 1, true) ~= nil, text)
    check('hover shows the diff', text:find('`nvidia-tesla-v100` → `nvidia-a100`', 1, true) ~= nil, text)

    -- Completion of `nodeSel`.
    local line = find('nodeSelector { "gpu-type": "nvidia-a100" }').line
    vim.api.nvim_buf_set_lines(0, line, line, false, { '      nodeSel' })
    local completion = request('textDocument/completion', { line = line, character = 13 })
    local labels = {}
    for _, item in ipairs(completion and (completion.items or completion) or {}) do
      labels[item.label] = true
    end
    check('completes nodeSel to nodeSelector', labels['nodeSelector'] == true)
    vim.api.nvim_buf_set_lines(0, line, line + 1, false, {})

    -- Jump to the template in lib/gpu.skiff.
    local definition = request('textDocument/definition', find('gpu.v100', 5))
    local target = definition and definition[1] and definition[1].uri or ''
    check('goes to the template', target:find('lib/gpu.skiff$') ~= nil, vim.inspect(definition))

    -- The effective pod in a split (`:SkiffPod`), following the cursor and the text.
    local src = vim.api.nvim_get_current_buf()
    local pod = require('skiff.pod')
    local function preview()
      local buf = pod.state().buf
      return buf and table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') or ''
    end
    local function shows(pattern)
      return vim.wait(15000, function()
        return preview():find(pattern) ~= nil
      end, 20)
    end
    local function move_to(needle)
      local p = find(needle)
      vim.api.nvim_win_set_cursor(0, { p.line + 1, p.character })
      -- A headless Neovim inside one Lua callback runs no main loop to notice the move.
      vim.api.nvim_exec_autocmds('CursorMoved', { buffer = src })
    end
    move_to('override resources')
    vim.cmd('SkiffPod')
    check('SkiffPod opens the node at the cursor', shows('^# my_workflow%.m2: task train_model\n'), preview())
    check('the pod as skiff explain prints it, with origins',
      preview():find('nodeSelector: {gpu%-type: nvidia%-a100} +# override pod_template %(train%.skiff:16%)') ~= nil, preview())
    check('in a split, the cursor left in the source', #vim.api.nvim_tabpage_list_wins(0) == 2 and vim.api.nvim_get_current_buf() == src)
    check('the split is YAML named after the node', vim.bo[pod.state().buf].filetype == 'yaml'
      and vim.api.nvim_buf_get_name(pod.state().buf) == 'skiff-pod:/my_workflow.m2.yaml', vim.api.nvim_buf_get_name(pod.state().buf))
    local mem = find('memory: 32Gi')
    vim.api.nvim_buf_set_text(0, mem.line, mem.character + 8, mem.line, mem.character + 10, { '64' })
    check('the split follows the text', shows('memory: 64Gi +# override resources'), preview())
    move_to('let m1')
    check('the split follows the cursor', shows('^# my_workflow%.m1: task train_model\n'), preview())

    -- A lens above each `let`: the pod in one line; running it opens that node's pod.
    -- (Lenses of the text before the edit are shown until the new ones are resolved.)
    vim.lsp.codelens.refresh({ bufnr = src })
    local wanted = {
      'pod: gpu-type=nvidia-tesla-v100 · 1 GPU · no memory limit · train:1.4',
      'pod: gpu-type=nvidia-a100 · 1 GPU · 64Gi memory · train:1.4',
    }
    local lenses, titles = {}, {}
    local resolved = vim.wait(15000, function()
      lenses = vim.lsp.codelens.get(src)
      table.sort(lenses, function(a, b) return a.range.start.line < b.range.start.line end)
      titles = vim.tbl_map(function(l) return l.command and l.command.title or '?' end, lenses)
      return vim.deep_equal(titles, wanted)
    end, 20)
    check('a lens above each let, saying the pod in one line', resolved, vim.inspect(titles))
    if resolved then
      client:exec_cmd(lenses[2].command, { bufnr = src })
      check('running a lens shows its pod', shows('^# my_workflow%.m2: task train_model\n'), preview())
    end

    -- The import's path links to its file.
    local links = vim.lsp.buf_request_sync(src, 'textDocument/documentLink', { textDocument = vim.lsp.util.make_text_document_params(src) }, 10000) or {}
    local link = select(2, next(links))
    local linked = link and link.result and link.result[1] and link.result[1].target or ''
    check('the import links to its file', linked:find('lib/gpu.skiff$') ~= nil, vim.inspect(links))

    -- A YAML template written from Neovim: the server reads it again, and the split follows.
    check('the pod has the YAML template', shows('priorityClassName: batch%-low +# template spot %(lib/spot%.yaml:2%)'), preview())
    local yaml = vim.fn.bufadd(vim.fs.joinpath(vim.fs.dirname(vim.env.SKIFF_FILE), 'lib', 'spot.yaml'))
    vim.fn.bufload(yaml)
    vim.api.nvim_buf_set_lines(yaml, 0, -1, false, { 'spec:', '  priorityClassName: batch-high' })
    vim.api.nvim_buf_call(yaml, function() vim.cmd('silent write') end)
    check('a written YAML template re-checks its users', shows('priorityClassName: batch%-high +# template spot'), preview())
    vim.cmd('SkiffPodClose')
    check('SkiffPodClose closes the split', #vim.api.nvim_tabpage_list_wins(0) == 1)
  end)
  check('no Lua error', ok, tostring(err))
  finish()
end

-- After startup, once filetype detection is on (this file runs as the init file).
vim.api.nvim_create_autocmd('VimEnter', { once = true, callback = function() vim.schedule(run) end })
