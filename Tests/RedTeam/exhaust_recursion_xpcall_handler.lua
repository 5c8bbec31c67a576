-- expect: limit
-- limits: timeout=1 memory=48 instructions=0
-- A message handler that recurses into the code it guards: errors inside the handler are caught
-- again and again; the run ends at its timeout, never later.
local function f() local ok, e = xpcall(f, function(m) return f() end) error(e, 0) end
return f()
