-- expect: ok
-- The string methods every string shares come from the table strings index:
-- replacing one through any view would change every later run's strings.
for k, v in pairs(string) do
  if type(v) == "function" then pcall(function() string[k] = function() return "pwned" end end) end
end
local f = pairs(string)
local k, v = f()
pcall(function() ("x")[k] = nil end)
return ("abc"):upper() == "ABC" and ("a,b"):find(",") == 2 and ("%d"):format(7) == "7"
-- run
return ("abc"):upper() == "ABC" and ("a,b"):find(",") == 2 and ("%d"):format(7) == "7"
