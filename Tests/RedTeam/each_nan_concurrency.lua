-- expect: error
-- desk.each with a NaN concurrency once returned at once without calling fn
-- (NaN fails every comparison, so `n < 1` let it through): an argument error.
local called = 0
desk.each({1, 2, 3}, function() called = called + 1 end, {concurrency = 0/0})
error("desk.each accepted NaN and called fn " .. called .. " times", 0)
