-- expect: error
-- package.path, package.searchers/loaders and package.loaded/preload are not
-- how zdsh finds modules: setting them changes nothing.
package = {
  path = "/etc/?;/etc/?.lua;/root/?", cpath = "/lib/?.so",
  searchers = {function() return function() return "pwned" end end},
  loaders = {function() return function() return "pwned" end end},
  preload = {passwd = function() return "pwned" end},
  loaded = {passwd = "pwned"},
}
local ok, e = pcall(require, "passwd")
assert(not ok and e:find("not found", 1, true), tostring(e))
-- run
package.searchers = {function() return function() return "pwned" end end}
return require("passwd") == "pwned"
