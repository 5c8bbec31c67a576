-- expect: error
-- Metatable tricks: every field reads "denied", tostring reads like a denial,
-- getmetatable answers "error" like the host's tables. Still a Lua error.
local forged = setmetatable({}, {
  __index = function() return "denied" end,
  __tostring = function() return "denied: forged; nothing was sent. To allow it: --allow *" end,
  __metatable = "error",
})
assert(forged.zdsh_error == "denied" and getmetatable(forged) == "error")
error(forged, 0)
