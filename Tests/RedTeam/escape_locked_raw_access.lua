-- expect: ok
-- Read-only tables stay read-only under next, rawget, rawset, setmetatable
-- and the metatable they guard; iterating them gives values, never a way in.
local ok = true
for _, t in ipairs({string, table, math, os, utf8, coroutine, json, desk, helpcenter}) do
  ok = ok and next(t) == nil                                  -- the view itself holds nothing
  ok = ok and not pcall(rawset, t, "x", 1)
  ok = ok and rawget(t, "format") == nil
  ok = ok and not pcall(setmetatable, t, {})
  ok = ok and not pcall(setmetatable, t, nil)
  ok = ok and getmetatable(t) == "locked"
  local n = 0
  for k, v in pairs(t) do
    n = n + 1
    if type(v) == "table" then ok = ok and not pcall(rawset, v, "x", 1) end
  end
  ok = ok and (t == desk or t == helpcenter or n > 0)
end
-- desk.api resolves operations lazily with its own metatable: sealed as well.
ok = ok and not pcall(rawset, desk.api, "getTicket", function() return true end)
ok = ok and not pcall(rawset, desk.api, "deleteTicket", function() return true end)
-- The iterator is a closure over the hidden table: handing it another state changes nothing.
local iter = pairs(math)
local k1 = iter(string, nil)
ok = ok and (k1 == nil or math[k1] ~= nil)
-- The shared string metatable: protected, and its __index is not reachable.
local mt = getmetatable("")
ok = ok and mt == "locked" and not pcall(setmetatable, "", {})
return ok and ("x"):rep(3) == "xxx"
