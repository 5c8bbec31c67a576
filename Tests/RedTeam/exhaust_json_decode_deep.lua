-- expect: error
-- limits: timeout=3 memory=64 instructions=0
-- A million levels of nesting: refused at level 201, not parsed recursively.
return json.decode(string.rep("[", 1000000) .. string.rep("]", 1000000))
