-- expect: limit
-- limits: timeout=5 memory=48 instructions=0
-- Control characters become six bytes each in JSON text.
local s = string.rep("\1", 1e7)
return #json.encode({s, s})
