-- expect: denied
local t = {"20", "10"}
table.sort(t, function(a, b) helpcenter.labels.delete("1", a) return a < b end)
