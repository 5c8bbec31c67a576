-- expect: limit
-- limits: timeout=3 memory=32 instructions=0
local doc = string.rep("[", 150) .. string.rep("]", 150)
local keep = {}
for i = 1, 1e9 do keep[i] = json.decode(doc) end
