-- expect: limit
-- limits: timeout=3 memory=256 instructions=0 output=64
-- A huge returned value is printed within --max-output (cut with a marker), not built whole first.
return string.rep("x", 5e7)
