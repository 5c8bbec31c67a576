-- expect: limit
while true do print(string.rep("y", 1000)) end
