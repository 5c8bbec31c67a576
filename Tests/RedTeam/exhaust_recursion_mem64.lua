-- expect: limit
-- limits: timeout=3 memory=64 instructions=0
-- Deep recursion at a 64 MB cap: the allocation that crosses the cap fails at once, whatever the depth.
local function f() return f() + 1 end
return f()
