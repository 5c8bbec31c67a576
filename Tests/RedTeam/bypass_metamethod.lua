-- expect: denied
local t = setmetatable({}, {__index = function(_, k) return helpcenter.labels.delete("1", k) end})
return t["2"]
