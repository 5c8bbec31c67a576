-- expect: limit
-- limits: timeout=3 memory=32 instructions=0
-- The memory error inside json.decode cannot be caught and retried.
local s = "[" .. string.rep("[1,2,3],", 1000000) .. "1]"
while true do pcall(json.decode, s) end
