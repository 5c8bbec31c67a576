-- expect: limit
-- limits: timeout=3 memory=48 instructions=0
local function f(s) return f(s .. "x") + 1 end
return f("")
