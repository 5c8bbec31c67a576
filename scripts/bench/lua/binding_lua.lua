-- Benchmark 3 (plain lua5.4 side): the same loops with the C builtin.
local N = 1000000
local tonumber, clock = tonumber, os.clock
local empty_t0 = clock()
for _ = 1, N do end
local empty = clock() - empty_t0
local t0 = clock()
for _ = 1, N do tonumber("1") end
local builtin = clock() - t0
print(string.format("builtin %.4f empty %.4f", builtin, empty))
