-- expect: limit
-- limits: timeout=2 memory=8 instructions=0
-- Recursion through __index and pcall: C calls in between, errors caught at every level.
local t
t = setmetatable({}, {__index = function(_, k) local ok = pcall(function() return t[k] end) return t[k] end})
return t.x
