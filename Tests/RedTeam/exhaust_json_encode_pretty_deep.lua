-- expect: limit
-- limits: timeout=5 memory=48 instructions=0
-- Pretty text far bigger than its table (each item indented 180 spaces): refused before it is built.
local t = {}
local c = t
for i = 1, 90 do c.x = {} c = c.x end
c.list = {}
for i = 1, 2e5 do c.list[i] = i end
return #json.encode(t, true)
