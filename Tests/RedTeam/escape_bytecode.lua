-- expect: error
-- Binary chunks are refused by load (text only).
local f = string.dump and string.dump(function() return 1 end) or "\27Lua\84\0"
local fn, err = load(f, "x", "b")
if not fn then error(err, 0) end
return fn()
