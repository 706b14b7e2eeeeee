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
  end)
  check('no Lua error', ok, tostring(err))
  finish()
end

-- After startup, once filetype detection is on (this file runs as the init file).
vim.api.nvim_create_autocmd('VimEnter', { once = true, callback = function() vim.schedule(run) end })
