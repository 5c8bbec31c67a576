-- expect: limit
-- limits: timeout=2 memory=16 instructions=0
local function f() while true do pcall(f) end end
return f()
