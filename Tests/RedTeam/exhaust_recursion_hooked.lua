-- expect: limit
-- limits: timeout=3 memory=48 instructions=50000000
-- The same recursion with the instruction hook running: the trip and the hook must not fight either.
local function f(n) return 1 + f(n + 1) end
return f(1)
