-- expect: ok
-- pairs() on a read-only library table must not hand out the table behind it
-- (the lock's __pairs once returned `next, t`): nothing it yields can be
-- written, and the library is unchanged for the rest of the state.
local tables = {string = string, table = table, math = math, os = os, utf8 = utf8,
                coroutine = coroutine, json = json, desk = desk, helpcenter = helpcenter}
local leaked = {}
for name, t in pairs(tables) do
  local f, s, c = pairs(t)
  for _, v in ipairs({s, c}) do
    if type(v) == "table" and rawequal(getmetatable(v), nil) then
      if pcall(rawset, v, "upper", function() return "pwned" end) then leaked[#leaked + 1] = name end
    end
  end
  -- Whatever the iterator is given as its state, it keeps to its own table.
  local ok, k = pcall(f, {}, nil)
  for key in pairs(t) do if type(t[key]) == "table" then
    pcall(function() t[key].pwned = true end)
  end end
end
local _, raw = pairs(string)
if type(raw) == "table" then pcall(function() raw.upper = function() return "pwned" end end) end
return #leaked == 0 and ("abc"):upper() == "ABC" and string.upper("x") == "X"
-- run
-- A later run (the REPL's next line, expect.lua in a scenario) still sees the real library.
return ("abc"):upper() == "ABC" and string.upper("x") == "X" and string.rep("a", 2) == "aa"
