-- expect: ok
-- REPL-style: several runs on one state (separated by "-- run"). Globals an earlier run leaves behind
-- must not change what the sandbox or the bindings do in a later run.
string.rep = function() return "pwned" end
json = nil
rawset(_G, "error", function() end)
tostring = function() return "x" end
-- run
pcall(function() desk.each = function() return {} end end)
setmetatable(_G, {__index = function() return function() return true end end})
-- run
local ok = pcall(helpcenter.labels.delete, "1", "2")
return not ok and ("a"):rep(2) == "aa"
