-- expect: ok
-- Every concurrency that is not a positive number is an argument error
-- naming desk.each; nothing is called.
local called = 0
local fn = function() called = called + 1 end
local refused = 0
for _, c in ipairs({0/0, -(0/0), 0, -1, -math.huge, 0.5, "4", true, {}}) do
  local ok, err = pcall(desk.each, {1, 2}, fn, {concurrency = c})
  if not ok and tostring(err):find("bad argument #3 to 'desk.each'", 1, true) then refused = refused + 1 end
end
local ok = pcall(desk.parallel, {fn}, {concurrency = 0/0})
return refused == 9 and not ok and called == 0
