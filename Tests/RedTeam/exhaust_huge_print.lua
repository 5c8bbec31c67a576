-- expect: limit
-- limits: timeout=3 memory=128 instructions=0 output=64
print(string.rep("y", 1e7))
