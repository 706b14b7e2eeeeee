-- The effective pod of a workflow node, live, in a split: `:SkiffPod` opens it for the `let` under
-- the cursor (or `:SkiffPod my_workflow.m2`), and it follows the cursor from node to node and the
-- text as it changes. It is what `skiff explain` prints, asked from the server (`skiff/effectivePod`,
-- docs/lsp.md); nothing is computed here.
--
-- Also: the code lens above each `let` (the pod in one line; running it opens the split), and
-- YAML templates written from Neovim reported to the server, which re-checks the files using them
-- (Neovim watches no files itself on Linux).
local M = {}

M.defaults = {
  -- 'vertical' (on the right) or 'horizontal' (below).
  split = 'vertical',
  -- Show and refresh the code lenses in skiff buffers.
  codelens = true,
}

--- The open preview: its buffer and window, the node it shows, and the source buffer it follows.
local view = { buf = nil, win = nil, node = nil, source = nil, pending = 0 }

local function skiff_client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'skiff' })[1]
end

local function any_skiff_client()
  return vim.lsp.get_clients({ name = 'skiff' })[1]
end

local function is_open()
  return view.win ~= nil and vim.api.nvim_win_is_valid(view.win) and view.buf ~= nil and vim.api.nvim_buf_is_valid(view.buf)
end

local function show(result)
  if not is_open() or not result then
    return
  end
  view.node = result.node
  local lines = vim.split(result.text, '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  vim.bo[view.buf].modifiable = true
  vim.api.nvim_buf_set_lines(view.buf, 0, -1, false, lines)
  vim.bo[view.buf].modifiable = false
  vim.bo[view.buf].modified = false
  -- Named after the node; another buffer may hold that name (an old preview): keep ours then.
  pcall(vim.api.nvim_buf_set_name, view.buf, result.uri)
end

--- Asks the server; `params` names the node (by position or by name). Answers that arrive after
--- a newer question are dropped.
local function ask(client, bufnr, params, on_result)
  view.pending = view.pending + 1
  local asked = view.pending
  client:request('skiff/effectivePod', params, function(err, result)
    if err or asked ~= view.pending then
      return
    end
    on_result(result)
  end, bufnr)
end

--- Refreshes the preview: the node at the cursor of the source buffer if there is one, else the
--- node it shows (by name), so that the view stays on the last node the cursor was in.
function M.refresh()
  if not is_open() then
    return
  end
  local source = vim.api.nvim_get_current_buf()
  local client = vim.bo[source].filetype == 'skiff' and skiff_client(source) or nil
  if client then
    view.source = source
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    ask(client, source, params, function(result)
      if result then
        show(result)
      elseif view.node then
        ask(client, source, { node = view.node }, show)
      end
    end)
  elseif view.node then
    client = any_skiff_client()
    if client then
      ask(client, nil, { node = view.node }, show)
    end
  end
end

local function open_window()
  if is_open() then
    return
  end
  local from = vim.api.nvim_get_current_win()
  view.buf = vim.api.nvim_create_buf(false, true)
  vim.bo[view.buf].buftype = 'nofile'
  vim.bo[view.buf].bufhidden = 'wipe'
  vim.bo[view.buf].swapfile = false
  vim.bo[view.buf].filetype = 'yaml'
  vim.bo[view.buf].modifiable = false
  vim.cmd(((M.options or M.defaults).split == 'horizontal') and 'belowright split' or 'botright vsplit')
  view.win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_buf(view.win, view.buf)
  vim.wo[view.win].wrap = false
  vim.wo[view.win].number = false
  vim.api.nvim_set_current_win(from)
end

--- `:SkiffPod [NODE]`: opens the split for the node at the cursor, or for NODE.
function M.open(node)
  open_window()
  if node and node ~= '' then
    view.node = node
    local client = skiff_client(0) or any_skiff_client()
    if client then
      ask(client, nil, { node = node }, show)
    end
  else
    M.refresh()
  end
end

function M.close()
  if is_open() then
    vim.api.nvim_win_close(view.win, true)
  end
  view.win, view.buf, view.node = nil, nil, nil
end

--- The buffer and node of the open preview (for tests and statuslines).
function M.state()
  return { buf = is_open() and view.buf or nil, node = view.node }
end

--- Tells the skiff servers that a YAML file was written (they read it again, by their own rules).
local function report_written(path)
  local uri = vim.uri_from_fname(path)
  for _, client in ipairs(vim.lsp.get_clients({ name = 'skiff' })) do
    local root = client.root_dir
    if root and vim.startswith(path, root .. '/') then
      client:notify('workspace/didChangeWatchedFiles', { changes = { { uri = uri, type = 2 } } })
    end
  end
end

function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', M.defaults, opts or {})

  -- The lens's command runs here, in the client: `{ node, uri }`.
  vim.lsp.commands['skiff.showEffectivePod'] = function(command)
    local argument = command.arguments and command.arguments[1] or {}
    M.open(argument.node)
  end

  vim.api.nvim_create_user_command('SkiffPod', function(args)
    M.open(args.args)
  end, { nargs = '?', desc = "skiff: the effective pod of the node at the cursor (or NODE), in a split" })
  vim.api.nvim_create_user_command('SkiffPodClose', M.close, { desc = 'skiff: close the effective pod split' })

  local group = vim.api.nvim_create_augroup('skiff.pod', { clear = true })
  -- Following the cursor, and the text: the server publishes diagnostics after every change it
  -- applied, so their arrival is the moment the pod may have changed.
  vim.api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI', 'BufEnter' }, {
    group = group,
    pattern = '*.skiff',
    callback = M.refresh,
  })
  vim.api.nvim_create_autocmd('DiagnosticChanged', { group = group, callback = M.refresh })
  vim.api.nvim_create_autocmd('BufWritePost', {
    group = group,
    pattern = { '*.yaml', '*.yml' },
    callback = function(args)
      report_written(vim.fs.normalize(vim.api.nvim_buf_get_name(args.buf)))
    end,
  })
  if M.options.codelens then
    vim.api.nvim_create_autocmd('LspAttach', {
      group = group,
      callback = function(args)
        local client = vim.lsp.get_client_by_id(args.data.client_id)
        if not client or client.name ~= 'skiff' or not client.server_capabilities.codeLensProvider then
          return
        end
        vim.lsp.codelens.refresh({ bufnr = args.buf })
        vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'TextChanged' }, {
          group = group,
          buffer = args.buf,
          callback = function()
            vim.lsp.codelens.refresh({ bufnr = args.buf })
          end,
        })
      end,
    })
  end
end

return M
