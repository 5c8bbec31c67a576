-- expect: limit
local cos = {}
while true do
  local c = coroutine.create(function() coroutine.yield() end)
  coroutine.resume(c)
  cos[#cos + 1] = c
end
