-- expect: limit
-- limits: timeout=2 memory=16 instructions=0
-- Recursion through pcall that retries when it fails. In a coroutine pcall takes no C stack, so the
-- nest gets very deep; re-raising the trip at every level used to cost a stack walk per level.
local function f() local ok, e = pcall(f) if not ok then return f() end return 1 end
return f()
