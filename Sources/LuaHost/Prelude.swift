/// The trusted Lua code that builds the sandbox environment. It runs once per
/// state, before any user code, with the full standard functions still in
/// reach, and returns the environment that becomes the state's globals.
///
/// It receives `H`, the host's private table: host functions and values that
/// user code never sees.
let preludeSource = #"""
local H = ...
local assert, error, next, pairs, ipairs, select, type, rawequal, rawget, rawlen, rawset =
      assert, error, next, pairs, ipairs, select, type, rawequal, rawget, rawlen, rawset
local setmetatable, getmetatable, tostring, tonumber = setmetatable, getmetatable, tostring, tonumber
local pack, unpack, concat, tinsert = table.pack, table.unpack, table.concat, table.insert
local smatch, sgsub, sfind, sformat = string.match, string.gsub, string.find, string.format
-- resume and close come from the host: they tell the watchdog which
-- coroutine runs, so a runaway one can be stopped (see zd_poke).
local co_create, co_resume, co_yield, co_status, co_running, co_isyieldable, co_close =
      coroutine.create, H.co_resume, coroutine.yield, coroutine.status,
      coroutine.running, coroutine.isyieldable, H.co_close
local SUSPEND, NULL = H.SUSPEND, H.NULL
local hostthreads = H.hostthreads          -- coroutines owned by the scheduler
H.co_isyieldable = co_isyieldable
local env = {}

-- Read-only views ------------------------------------------------------------

local locked = setmetatable({}, {__mode = "k"})

local function lock(t, name)
  local proxy = {}
  setmetatable(proxy, {
    __index = t,
    __newindex = function(_, k)
      error(sformat("attempt to modify read-only table '%s' (field '%s')", name, tostring(k)), 2)
    end,
    -- The iterator keeps the table to itself: returning `next, t` would
    -- hand the caller the writable table behind the view.
    __pairs = function()
      local key
      return function()
        local value
        key, value = next(t, key)
        return key, value
      end, nil, nil
    end,
    __len = function() return #t end,
    __metatable = "locked",
  })
  locked[proxy] = true
  return proxy
end
H.lock = lock
-- A read-only table a library builds itself (with its own __index): rawset
-- refuses it like a lock's view.
H.seal = function(t) locked[t] = true; return t end

local function copy(t, only)
  local c = {}
  if only then
    for _, k in ipairs(only) do c[k] = t[k] end
  else
    for k, v in pairs(t) do c[k] = v end
  end
  return c
end

-- Addresses stay hidden: objects are numbered in order of first display ----

local serials = setmetatable({}, {__mode = "k"})
local nserial = 0
local function safe_tostring(v)
  if v == NULL then return "null" end
  local s = tostring(v)
  local tv = type(v)
  if tv == "table" or tv == "function" or tv == "thread" or tv == "userdata" then
    local prefix = smatch(s, "^(.-): 0x%x+$")
    if prefix then
      local n = serials[v]
      if not n then nserial = nserial + 1; n = nserial; serials[v] = n end
      return prefix .. ": #" .. n
    end
  end
  return s
end
H.tostring = safe_tostring

local function safe_format(fmt, ...)
  if type(fmt) == "string" then
    local plain = sgsub(fmt, "%%%%", "")
    if sfind(plain, "%%[-+ #0]*%d*%.?%d*p") then
      error("bad argument #1 to 'format' (%p is not available in the sandbox)", 2)
    end
  end
  local n = select("#", ...)
  local args = pack(...)
  for i = 1, n do
    local tv = type(args[i])
    if tv == "table" or tv == "function" or tv == "thread" or tv == "userdata" then
      args[i] = safe_tostring(args[i])
    end
  end
  return sformat(fmt, unpack(args, 1, n))
end

-- Libraries -----------------------------------------------------------------

local S = copy(string)
S.dump = nil
S.find, S.match, S.gmatch, S.gsub = H.find, H.match, H.gmatch, H.gsub
S.format = safe_format
-- Strings index this table directly; the metatable itself is locked so no
-- runbook can change what the next one (or the REPL's next line) sees.
local string_mt = getmetatable("")
string_mt.__index = S
string_mt.__metatable = "locked"

local T = copy(table)
local M = copy(math)
local U = copy(utf8)
local OS = copy(os, {"time", "clock", "date", "difftime"})

-- Coroutines ----------------------------------------------------------------
-- A host call suspends its coroutine by yielding (SUSPEND, ticket). When
-- that coroutine was started by the runbook, the yield arrives here: pass it
-- up to the scheduler (or wait in place where yielding is impossible), then
-- hand the result back down.

local function owned(co, fname)
  if hostthreads[co] then
    error(sformat("bad argument #1 to '%s' (coroutine is managed by zdsh)", fname), 3)
  end
end

local function resume(co, ...)
  if type(co) == "thread" then owned(co, "resume") end
  local r = pack(co_resume(co, ...))
  while r[1] and r[2] == SUSPEND and co_status(co) == "suspended" do
    local res
    if co_isyieldable() then
      res = pack(co_yield(SUSPEND, r[3]))
    else
      res = pack(H.await(r[3]))
    end
    r = pack(co_resume(co, unpack(res, 1, res.n)))
  end
  H.raise_if_tripped()
  return unpack(r, 1, r.n)
end

local CO = {
  create = co_create,
  resume = resume,
  running = co_running,
  status = co_status,
  isyieldable = function()
    return co_isyieldable() and not hostthreads[co_running()]
  end,
  yield = function(...)
    if hostthreads[co_running()] then
      error("attempt to yield from outside a coroutine", 2)
    end
    return co_yield(...)
  end,
  close = function(co)
    if type(co) == "thread" then owned(co, "close") end
    local r = pack(co_close(co))
    H.raise_if_tripped()
    return unpack(r, 1, r.n)
  end,
  wrap = function(f)
    local co = co_create(f)
    return function(...)
      local r = pack(resume(co, ...))
      if r[1] then return unpack(r, 2, r.n) end
      co_close(co)
      error(r[2], 0)
    end
  end,
}

-- JSON helpers --------------------------------------------------------------

local array_mt = H.array_mt
array_mt.__metatable = "json.array"
local JSON = {
  null = NULL,
  array = function(t)
    t = t or {}
    if type(t) ~= "table" then error("bad argument #1 to 'array' (table expected)", 2) end
    return setmetatable(t, array_mt)
  end,
  encode = H.json_encode,
  decode = H.json_decode,
}

-- Structured errors (API errors) print their message --------------------------

local error_mt = H.error_mt
error_mt.__tostring = function(e) return rawget(e, "_text") or tostring(rawget(e, "message")) end
error_mt.__metatable = "error"

-- Base functions ------------------------------------------------------------

for _, k in ipairs{"assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget",
                   "rawlen", "select", "tonumber", "type", "_VERSION"} do
  env[k] = _G[k]
end
env.tostring = safe_tostring
env.pcall, env.xpcall, env.load = H.pcall, H.xpcall, H.load
env.getmetatable = getmetatable
env.setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("bad argument #2 to 'setmetatable' (__gc metamethods are not allowed in the sandbox)", 2)
  end
  return setmetatable(t, mt)
end
env.rawset = function(t, k, v)
  if locked[t] then error("bad argument #1 to 'rawset' (table is read-only)", 2) end
  return rawset(t, k, v)
end
-- The collector serves every run on this state (and every REPL line), so a
-- runbook may ask it to work, never to change how it works: "stop" would let
-- garbage pile up until the memory limit, and "incremental"/"generational"
-- (or the old "setpause"/"setstepmul") would retune it for later runs too.
local gc_allowed = { collect = true, count = true, step = true, isrunning = true }
env.collectgarbage = function(opt, arg)
  if opt == nil then opt = "collect" end
  if gc_allowed[opt] then
    if opt == "step" then return collectgarbage("step", tonumber(arg) or 0) end
    return collectgarbage(opt)
  end
  if type(opt) ~= "string" then
    error("bad argument #1 to 'collectgarbage' (string expected, got " .. type(opt) .. ")", 2)
  end
  error(sformat("bad argument #1 to 'collectgarbage' (option '%s' is not available in the sandbox; "
    .. "only \"collect\", \"count\", \"step\" and \"isrunning\" are)", opt), 2)
end
env.print = function(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = safe_tostring((select(i, ...))) end
  H.write(concat(parts, "\t") .. "\n")
end

-- require -------------------------------------------------------------------
-- As in Lua, what is already loaded comes first: the standard libraries are
-- loaded under their own names (filled in below), so `require "utf8"` is the
-- library, never a utf8.lua lying next to the runbook. A module required
-- while it is still loading (itself, or through a cycle) is an error: plain
-- Lua would recurse until the C stack overflows.

local loaded = {}
-- Standard libraries the sandbox leaves out: refused by name rather than
-- looked for as files, so an io.lua cannot pose as the io library.
local unavailable = { io = true, debug = true, package = true }
local runnumber = H.runnumber
local loading = {}                                  -- name -> mark
local innermost = setmetatable({}, {__mode = "k"})  -- coroutine -> mark

local function cycle_through(mark, name)
  local names = {}
  while mark do
    tinsert(names, 1, mark.name)
    if mark.name == name then break end
    mark = mark.parent
  end
  names[#names + 1] = name
  return concat(names, " -> ")
end

-- Entered by a tail call, so a traceback shows the module as the main chunk
-- it is (not as this file's local).
local function enter_module(f, name, file) return f(name, file) end

env.require = function(name)
  if type(name) ~= "string" then
    error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
  end
  local m = loaded[name]
  if m ~= nil then return m end
  if unavailable[name] then
    error(sformat("bad argument #1 to 'require' (module '%s' is a standard library the sandbox does not offer)", name), 2)
  end
  local co = co_running()
  local mark = loading[name]
  -- A mark left by a coroutine that died, or by an earlier run (a REPL line
  -- stopped by a limit), is stale: the load it marked is over.
  if mark and mark.run == runnumber() and co_status(mark.co) ~= "dead" then
    if mark.co == co then
      error(sformat("module '%s' is required while it is still loading (require cycle: %s)",
                    name, cycle_through(innermost[co], name)), 2)
    end
    error(sformat("module '%s' is still loading in another coroutine or task; require it before starting them", name), 2)
  end
  local source, chunkname = H.readmodule(name)
  if not source then error(chunkname, 2) end
  local f, err = H.load(source, chunkname, "t", env)
  if not f then error(err, 2) end
  mark = { name = name, co = co, run = runnumber(), parent = innermost[co] }
  loading[name], innermost[co] = mark, mark
  -- Closed however the load ends, an error caught by pcall included.
  local _ <close> = setmetatable({}, { __close = function()
    if loading[name] == mark then loading[name] = nil end
    innermost[co] = mark.parent
  end })
  local file = sgsub(chunkname, "^@", "")
  local r = enter_module(f, name, file)
  if r == nil then r = true end
  loaded[name] = r
  return r, file
end

env.string = lock(S, "string")
env.table = lock(T, "table")
env.math = lock(M, "math")
env.utf8 = lock(U, "utf8")
env.os = lock(OS, "os")
env.coroutine = lock(CO, "coroutine")
env.json = lock(JSON, "json")
env._G = env
for _, k in ipairs{"string", "table", "math", "utf8", "os", "coroutine", "_G"} do
  loaded[k] = env[k]
end

H.env = env
return env
"""#
