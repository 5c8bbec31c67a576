-- zdsh testing vocabulary: scenarios, in the style of busted.
--
-- Loaded by `zdsh test` as trusted code after expect.lua. It defines these
-- globals in the scenario sandbox:
--
--   describe(name, fn)     a group; fn runs at once to declare what is inside
--                          (alias: context)
--   it(name, fn)           one scenario (alias: scenario); it(name) with no
--                          function, or pending(name), is reported as skipped
--   before_each(fn)        runs before every scenario of the enclosing group
--                          (outer groups first)
--   after_each(fn)         runs after every scenario of the group, even a
--                          failed one (inner groups first)
--
-- Each scenario runs in its own Lua state against its own simulator: zdsh
-- runs the whole file once to list the scenarios, then once per scenario,
-- executing only that scenario's hooks and body. Top-level code (sim.seed,
-- use_cassette, helper functions) therefore applies to every scenario.
--
-- The returned table (global __zdsh_test) is the runner's handle: list()
-- and run(index).
local H = ...
local env = H.env
local type, pairs, ipairs, tostring, error, xpcall, rawget, getmetatable =
      type, pairs, ipairs, tostring, error, xpcall, rawget, getmetatable
local concat = table.concat

local root = { before = {}, after = {} }
local current = root
local scenarios = {}

local function where()
  for _, f in ipairs(H.frames()) do
    if f.line and f.line > 0 and f.source:sub(1, 1) == "@" then return f.source:sub(2), f.line end
  end
end

local function path_of(block, name)
  local parts = { name }
  local b = block
  while b and b.name do
    table.insert(parts, 1, b.name)
    b = b.parent
  end
  return concat(parts, " ")
end

local function check_name(fname, name)
  if type(name) ~= "string" then
    error("bad argument #1 to '" .. fname .. "' (string expected, got " .. type(name) .. ")", 3)
  end
end

local function describe(name, fn)
  check_name("describe", name)
  if type(fn) ~= "function" then error("bad argument #2 to 'describe' (function expected, got " .. type(fn) .. ")", 2) end
  local block = { name = name, parent = current, before = {}, after = {} }
  local saved = current
  current = block
  fn()
  current = saved
end

local function it(name, fn)
  check_name("it", name)
  if fn ~= nil and type(fn) ~= "function" then
    error("bad argument #2 to 'it' (function expected, got " .. type(fn) .. ")", 2)
  end
  local file, line = where()
  scenarios[#scenarios + 1] = { name = path_of(current, name), fn = fn, block = current, file = file, line = line }
end

local function pending(name)
  check_name("pending", name)
  it(name, nil)
end

local function hook(list, fname)
  return function(fn)
    if type(fn) ~= "function" then error("bad argument #1 to '" .. fname .. "' (function expected, got " .. type(fn) .. ")", 2) end
    current[list][#current[list] + 1] = fn
  end
end

env.describe, env.context = describe, describe
env.it, env.scenario = it, it
env.pending = pending
env.before_each = hook("before", "before_each")
env.after_each = hook("after", "after_each")

-- Running one scenario -------------------------------------------------------

local function text_of(e)
  if type(e) == "string" then return e end
  if type(e) == "table" then
    local m = rawget(e, "_text") or rawget(e, "message")
    if m ~= nil then return tostring(m) end
  end
  return H.tostring(e)
end

-- Message handler: runs where the error happened, so the stack still shows
-- the scenario line that raised it.
local function capture(e)
  if type(e) == "table" and rawget(e, "zdsh_expectation") then return e end
  local file, line = where()
  local r = { message = text_of(e), file = file, line = line, traceback = H.traceback() }
  if type(e) == "table" then
    r.code = rawget(e, "code")
    r.status = rawget(e, "status")
  end
  return r
end

local function plain(f)
  return { message = f.message, expected = f.expected, actual = f.actual, file = f.file, line = f.line,
           traceback = f.traceback, code = f.code, status = f.status,
           expectation = rawget(f, "zdsh_expectation") == true }
end

local function chain(block)
  local list = {}
  while block do table.insert(list, 1, block); block = block.parent end
  return list
end

local function run(index)
  local s = scenarios[index]
  if not s then error("no scenario #" .. tostring(index), 0) end
  local result = { name = s.name, file = s.file, line = s.line }
  if not s.fn then result.status = "skipped"; return result end
  local failure
  local blocks = chain(s.block)
  for _, b in ipairs(blocks) do
    for _, f in ipairs(b.before) do
      if not failure then
        local ok, e = xpcall(f, capture)
        if not ok then failure = plain(e) end
      end
    end
  end
  if not failure then
    local ok, e = xpcall(s.fn, capture)
    if not ok then failure = plain(e) end
  end
  for i = #blocks, 1, -1 do
    for _, f in ipairs(blocks[i].after) do
      local ok, e = xpcall(f, capture)
      if not ok and not failure then failure = plain(e) end
    end
  end
  if failure then
    result.status = "failed"
    result.failure = failure
  else
    result.status = "passed"
  end
  return result
end

local function list()
  local out = {}
  for i, s in ipairs(scenarios) do
    out[i] = { name = s.name, file = s.file, line = s.line, skipped = s.fn == nil }
  end
  return H.array_mt and setmetatable(out, H.array_mt) or out
end

return H.lock({ list = list, run = run }, "__zdsh_test")
