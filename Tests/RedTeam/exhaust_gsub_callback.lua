-- expect: limit
return (string.rep("x", 100)):gsub(".", function() while true do end end)
