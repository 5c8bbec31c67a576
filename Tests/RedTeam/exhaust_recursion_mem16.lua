-- expect: limit
-- limits: timeout=3 memory=16 instructions=0
-- Deep recursion at a 16 MB cap: the allocation that crosses the cap fails at once, whatever the depth.
local function f() return f() + 1 end
return f()
