-- Neovim end to end (headless, Neovim 0.7+): open a Dockerfile, start
-- `plimsoll server`, wait for its diagnostics, apply a quick fix and "fix all",
-- and check the buffer. Driven by crates/plimsoll_server/tests/nvim.rs.
--
--   PLIMSOLL_BIN=... DOCKERFILE=... nvim --headless -u NONE -i NONE -n -c "luafile e2e.lua"
--
-- Prints one line per step on stdout; exits 1 (cquit) on the first failure.

local function say(text)
  io.stdout:write(text .. "\n")
end

local function fail(text)
  say("FAIL: " .. text)
  vim.cmd("cquit 1")
end

local ok, err = pcall(function()
  local bin = assert(os.getenv("PLIMSOLL_BIN"), "PLIMSOLL_BIN not set")
  local path = assert(os.getenv("DOCKERFILE"), "DOCKERFILE not set")

  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()

  -- vim.lsp.start_client + buf_attach_client work from 0.7 on (vim.lsp.start is 0.8+).
  local client_id = vim.lsp.start_client({
    name = "plimsoll",
    cmd = { bin, "server" },
    root_dir = vim.fn.fnamemodify(path, ":h"),
  })
  if not client_id then
    return fail("the language server did not start")
  end
  vim.lsp.buf_attach_client(buf, client_id)

  local function plimsoll_diagnostics(code)
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == "plimsoll" and (code == nil or d.code == code) then
        table.insert(found, d)
      end
    end
    return found
  end

  if not vim.wait(10000, function() return #plimsoll_diagnostics("exec-form-cmd") > 0 end, 20) then
    return fail("no exec-form-cmd diagnostic within 10 s")
  end
  local d = plimsoll_diagnostics("exec-form-cmd")[1]
  -- vim.diagnostic columns are byte columns, converted by Neovim from the server's UTF-16.
  say(string.format("diagnostic: %d:%d %s [%s]", d.lnum + 1, d.col + 1, d.code, d.source))

  local client = vim.lsp.get_client_by_id(client_id)
  local function request_actions(range, only)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = range,
      context = { diagnostics = {}, only = only },
    }
    local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 5000)
    local actions = {}
    for _, response in pairs(responses or {}) do
      for _, action in ipairs(response.result or {}) do
        table.insert(actions, action)
      end
    end
    return actions
  end

  -- Back to LSP's UTF-16 columns for the request.
  local function utf16(row, byte_col)
    local text = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1] or ""
    local _, units = vim.str_utfindex(text, math.min(byte_col, #text))
    return { line = row, character = units }
  end
  local lsp_range = { start = utf16(d.lnum, d.col), ["end"] = utf16(d.end_lnum, d.end_col) }
  -- The finding ends at the end of line 4, after an emoji and an accented letter.
  local line4 = vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1]
  if d.end_col ~= #line4 then
    return fail(string.format("diagnostic ends at byte %d, line 4 has %d bytes", d.end_col, #line4))
  end
  local quick = nil
  for _, action in ipairs(request_actions(lsp_range, { "quickfix" })) do
    say("code action: " .. action.title)
    if action.isPreferred and action.title:find("exec-form-cmd", 1, true) then
      quick = action
    end
  end
  if not quick then
    return fail("no preferred exec-form-cmd quick fix")
  end
  vim.lsp.util.apply_workspace_edit(quick.edit, client.offset_encoding or "utf-16")
  local line = vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1]
  say("after quick fix: " .. line)
  if line ~= 'CMD ["echo", "😀", "héllo", "done"]' then
    return fail("unexpected line 4 after the quick fix")
  end

  -- The edit reached the server as an incremental change: the finding goes away.
  if not vim.wait(10000, function() return #plimsoll_diagnostics("exec-form-cmd") == 0 end, 20) then
    return fail("exec-form-cmd still reported after the fix")
  end
  say("exec-form-cmd cleared")

  local whole = { start = { line = 0, character = 0 }, ["end"] = { line = 0, character = 0 } }
  local fix_all = request_actions(whole, { "source.fixAll" })[1]
  if not fix_all or fix_all.kind ~= "source.fixAll.plimsoll" then
    return fail("no source.fixAll.plimsoll action")
  end
  vim.lsp.util.apply_workspace_edit(fix_all.edit, client.offset_encoding or "utf-16")
  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  say("after fix all:\n" .. text)
  if not text:find("ENV GREETING=héllo-😀", 1, true) or text:find("MAINTAINER", 1, true) then
    return fail("fix all did not rewrite ENV and MAINTAINER")
  end
  if not vim.wait(10000, function() return #plimsoll_diagnostics(nil) == 0 end, 20) then
    local left = {}
    for _, x in ipairs(plimsoll_diagnostics(nil)) do table.insert(left, x.code) end
    return fail("diagnostics left after fix all: " .. table.concat(left, ", "))
  end
  say("no diagnostics left")

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
  say("OK")
  vim.cmd("qall!")
end)

if not ok then
  fail(tostring(err))
end
