-- expect: error
-- A string far beyond the memory limit is refused before allocation ("resulting string too large").
return #string.rep("x", 1 << 40)
