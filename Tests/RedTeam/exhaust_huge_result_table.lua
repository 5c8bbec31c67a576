-- expect: limit
-- limits: timeout=3 memory=128 instructions=0 output=64
local t = {}
for i = 1, 1e6 do t[i] = i end
return t
