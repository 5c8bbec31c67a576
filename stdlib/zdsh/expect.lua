-- zdsh testing vocabulary: expectations.
--
-- Loaded by `zdsh test` as trusted code (it receives the host table H); the
-- value it returns becomes the global `expect`.
--
--   expect(x).to_be(v)              x == v (same value / same table)
--   expect(x).to_equal(v)           deep equality (tables compared key by key)
--   expect(x).to_contain(v)         substring (plain) of a string, or an element
--                                   (deep-equal) of a list
--   expect(x).to_have_length(n)     #x == n (alias: to_have_count)
--   expect(x).to_be_truthy()        / to_be_falsy() / to_be_nil()
--   expect(x).to_match(pattern)     Lua pattern on a string
--   expect(x).to_be_greater_than(n) / to_be_less_than(n)
--   expect(fn).to_fail()            fn raises any error
--   expect(fn).to_fail_with(p)      fn raises an error whose `code` equals p, or
--                                   whose message (or string) matches the Lua
--                                   pattern p (tried plain first)
--
-- Negation: `expect(x).never.to_equal(v)` (`not` is a Lua keyword, so zdsh
-- uses `never`, like busted's wording "assert.is_not").
--
-- A failed expectation raises a table { zdsh_expectation = true, message,
-- expected, actual, file, line }; file:line is the first stack frame outside
-- zdsh's own code, i.e. the line holding the `expect` call.
local H = ...
local type, pairs, ipairs, tostring, error, pcall, select, rawget, getmetatable, setmetatable =
      type, pairs, ipairs, tostring, error, pcall, select, rawget, getmetatable, setmetatable
local sfind, sformat, srep, concat, sort = string.find, string.format, string.rep, table.concat, table.sort
local NULL = H.NULL

-- Printing values for messages: stable (sorted keys), bounded, one line.
local show
local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return H.tostring(a) < H.tostring(b)
end

show = function(v, depth, seen)
  depth = depth or 0
  if v == NULL then return "null" end
  local tv = type(v)
  if tv == "string" then return sformat("%q", v) end
  if tv ~= "table" then return H.tostring(v) end
  if getmetatable(v) == "error" then
    return "error{" .. (rawget(v, "code") and ("code=" .. show(rawget(v, "code")) .. ", ") or "")
      .. "message=" .. show(rawget(v, "message")) .. "}"
  end
  seen = seen or {}
  if seen[v] or depth > 4 then return "{…}" end
  seen[v] = true
  local parts, n = {}, #v
  for i = 1, n do parts[#parts + 1] = show(v[i], depth + 1, seen) end
  local keys = {}
  for k in pairs(v) do
    if not (type(k) == "number" and k >= 1 and k <= n and k % 1 == 0) then keys[#keys + 1] = k end
  end
  sort(keys, key_less)
  for _, k in ipairs(keys) do
    local ks = (type(k) == "string" and k:match("^[%a_][%w_]*$")) and k or ("[" .. show(k, depth + 1, seen) .. "]")
    parts[#parts + 1] = ks .. " = " .. show(v[k], depth + 1, seen)
    if #parts > 40 then parts[#parts + 1] = "…"; break end
  end
  seen[v] = nil
  return "{" .. concat(parts, ", ") .. "}"
end

local function deep_equal(a, b, seen)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then
    -- 1 and 1.0 are equal in Lua already; JSON nulls compare by identity.
    return false
  end
  seen = seen or {}
  if seen[a] == b then return true end
  seen[a] = b
  for k, v in pairs(a) do
    if not deep_equal(v, b[k], seen) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

-- The first frame outside zdsh's trusted chunks ("=…" sources, C functions).
local function user_frame()
  for _, f in ipairs(H.frames()) do
    if f.line and f.line > 0 and f.source:sub(1, 1) == "@" then
      return f.source:sub(2), f.line
    end
  end
  return nil, nil
end

local failure_mt = {
  __tostring = function(e) return e._text end,
}

local function fail(message, expected, actual)
  local file, line = user_frame()
  local e = {
    zdsh_expectation = true, message = message, expected = expected, actual = actual,
    file = file, line = line,
    _text = (file and (file .. ":" .. line .. ": ") or "") .. message,
  }
  error(setmetatable(e, failure_mt), 0)
end

local function error_text(e)
  if type(e) == "table" then
    local m = rawget(e, "message")
    if m ~= nil then return tostring(m) end
    return show(e)
  end
  return tostring(e)
end

-- Each matcher returns ok, description-of-expectation, expected, actual.
local matchers = {}

matchers.to_be = function(x, v)
  return x == v, "to be " .. show(v), show(v), show(x)
end

matchers.to_equal = function(x, v)
  return deep_equal(x, v), "to equal " .. show(v), show(v), show(x)
end

matchers.to_contain = function(x, v)
  if type(x) == "string" then
    return type(v) == "string" and sfind(x, v, 1, true) ~= nil, "to contain " .. show(v), show(v), show(x)
  end
  if type(x) ~= "table" then return false, "to contain " .. show(v) .. " (a string or table is needed)", show(v), show(x) end
  for _, item in pairs(x) do
    if deep_equal(item, v) then return true, "to contain " .. show(v), show(v), show(x) end
  end
  return false, "to contain " .. show(v), show(v), show(x)
end

matchers.to_have_length = function(x, n)
  local tx = type(x)
  if tx ~= "table" and tx ~= "string" then
    return false, "to have length " .. show(n) .. " (a string or table is needed)", show(n), show(x)
  end
  local len = #x
  return len == n, "to have length " .. show(n), show(n), tostring(len) .. " (" .. show(x) .. ")"
end
matchers.to_have_count = matchers.to_have_length

matchers.to_be_truthy = function(x) return not not x and x ~= NULL, "to be truthy", "truthy", show(x) end
matchers.to_be_falsy = function(x) return not x or x == NULL, "to be falsy", "falsy", show(x) end
matchers.to_be_nil = function(x) return x == nil or x == NULL, "to be nil", "nil", show(x) end

matchers.to_match = function(x, p)
  return type(x) == "string" and sfind(x, p) ~= nil, "to match " .. show(p), show(p), show(x)
end

matchers.to_be_greater_than = function(x, n)
  return type(x) == "number" and x > n, "to be greater than " .. show(n), "> " .. show(n), show(x)
end

matchers.to_be_less_than = function(x, n)
  return type(x) == "number" and x < n, "to be less than " .. show(n), "< " .. show(n), show(x)
end

local function call_failing(fn)
  if type(fn) ~= "function" then error("expect(fn).to_fail…: a function is needed, got " .. type(fn), 0) end
  local ok, e = pcall(fn)
  return ok, e
end

matchers.to_fail = function(fn)
  local ok, e = call_failing(fn)
  return not ok, "to fail", "an error", ok and "no error" or ("error " .. show(e))
end

matchers.to_fail_with = function(fn, p)
  local ok, e = call_failing(fn)
  local want = "an error matching " .. show(p)
  if ok then return false, "to fail with " .. show(p), want, "no error" end
  local got = show(e)
  if type(e) == "table" then
    local code = rawget(e, "code") or rawget(e, "error_code")
    if code ~= nil and code == p then return true, "to fail with " .. show(p), want, got end
    if type(p) == "number" and rawget(e, "status") == p then return true, "to fail with " .. show(p), want, got end
  end
  if type(p) ~= "string" then return false, "to fail with " .. show(p), want, got end
  local text = error_text(e)
  local matched = sfind(text, p, 1, true) ~= nil
  if not matched then
    local pok, found = pcall(sfind, text, p)
    matched = pok and found ~= nil
  end
  return matched, "to fail with " .. show(p), want, got
end

local function expectation(x, negated)
  local e = {}
  return setmetatable(e, {
    __index = function(_, name)
      if name == "never" then return expectation(x, not negated) end
      local m = matchers[name]
      if not m then error("expect(…)." .. tostring(name) .. " is not a matcher", 2) end
      return function(...)
        local ok, what, expected, actual = m(x, ...)
        if negated then
          ok = not ok
          what = "not " .. what
          expected = "not " .. expected
        end
        if not ok then
          fail("expected " .. show(x) .. " " .. what, expected, actual)
        end
        return e
      end
    end,
    __newindex = function() error("expectations are read-only", 2) end,
  })
end

return function(x, ...)
  if select("#", ...) > 0 then error("expect takes one value", 2) end
  return expectation(x, false)
end
