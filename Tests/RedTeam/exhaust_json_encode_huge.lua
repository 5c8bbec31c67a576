-- expect: limit
-- limits: timeout=5 memory=32 instructions=0
-- Fits in Lua, but not a second time as Swift values plus the text: charged to the same budget.
local t = {}
for i = 1, 3e5 do t[i] = string.format("%020d", i) end
return #json.encode(t)
