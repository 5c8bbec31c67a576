-- expect: ok
-- collectgarbage cannot stop the collector or change its parameters (which would defeat the memory limit).
local ok = pcall(collectgarbage, "stop")
return collectgarbage == nil or not ok or collectgarbage("isrunning") ~= false
