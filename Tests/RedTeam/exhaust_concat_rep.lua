-- expect: limit
-- limits: timeout=3 memory=48 instructions=0
local parts = {}
for i = 1, 16 do parts[i] = string.rep("ab", 1e6) end
local s = table.concat(parts, table.concat(parts))
return #s
