-- expect: error
-- Catastrophic pattern backtracking: the guarded matcher refuses it ("pattern too complex") instead of hanging.
return string.find(string.rep("a", 50000), string.rep("a?", 50000) .. string.rep("a", 50000))
