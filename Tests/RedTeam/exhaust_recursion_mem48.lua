-- expect: limit
-- limits: timeout=3 memory=48 instructions=0
-- The reported slip: `zdsh eval --timeout 3 --max-memory 48` ran past 40 s. The request that crossed
-- the cap succeeded on Lua's retry (headroom), and each watchdog poke re-armed the hook by walking
-- every frame of the recursion, so the Lua thread lived in signal handlers.
local function f() return f() + 1 end
return f()
