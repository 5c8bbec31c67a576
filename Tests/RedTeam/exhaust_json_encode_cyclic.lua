-- expect: error
-- limits: timeout=3 memory=48 instructions=0
local t = {}
t.self = {t}
return json.encode(t)
