-- expect: error
-- limits: timeout=2 memory=48 instructions=0
-- Each level in a new coroutine: Lua's C-stack limit ends it with an error.
local function f() return coroutine.wrap(function() return f() + 1 end)() end
return f()
