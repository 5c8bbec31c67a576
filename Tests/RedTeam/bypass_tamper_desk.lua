-- expect: ok
-- The binding tables are read-only; replacing or wrapping them fails.
local ok1 = pcall(function() desk.api = {} end)
local ok2 = pcall(function() helpcenter.labels.delete = function() return true end end)
local ok3 = pcall(function() rawset(desk, "request", function() return true end) end)
local ok4 = pcall(setmetatable, desk, {})
return not ok1 and not ok2 and not ok3 and not ok4
