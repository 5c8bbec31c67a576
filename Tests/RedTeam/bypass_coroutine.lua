-- expect: denied
local co = coroutine.wrap(function() return helpcenter.labels.delete("1", "2") end)
return co()
