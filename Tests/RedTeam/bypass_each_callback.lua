-- expect: denied
local _, errors = desk.each({1, 2, 3}, function(i) return helpcenter.labels.delete("1", tostring(i)) end)
error(errors[1], 0)
