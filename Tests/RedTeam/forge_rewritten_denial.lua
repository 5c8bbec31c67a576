-- expect: denied
-- A real denial, caught and rewritten to look like something else, is still
-- the denial the host raised: the host keeps its own copy.
local ok, e = pcall(helpcenter.labels.delete, "1", "2")
assert(not ok and e.code == "POLICY_DENIED")
e.zdsh_error = "api"; e.code = "OK"; e.message = "fine"; e._text = "fine"
error(e, 0)
