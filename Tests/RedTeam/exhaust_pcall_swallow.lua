-- expect: limit
-- A limit cannot be caught by pcall/xpcall or error handlers.
while true do pcall(function() while true do end end) end
