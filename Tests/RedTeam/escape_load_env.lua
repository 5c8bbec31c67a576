-- expect: ok
-- load() with a custom env cannot reach host internals; the host table is not a global.
local f = load("return H, _ENV.H, rawget(_G or {}, 'H')")
local a, b, c = f()
return a == nil and b == nil and c == nil and _G.H == nil
