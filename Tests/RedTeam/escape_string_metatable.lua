-- expect: ok
-- The string metatable must not lead back to the real string library or be replaceable.
local mt = getmetatable("")
local ok = pcall(function() mt.__index.rep = nil end)
local ok2 = pcall(setmetatable, "", {})
return (type(mt) ~= "table" or not ok) and not ok2 and ("x"):rep(3) == "xxx"
