-- expect: limit
-- limits: timeout=1 memory=48 instructions=0
local function f() local ok = pcall(function() return f() + 1 end) return f() end
return f()
