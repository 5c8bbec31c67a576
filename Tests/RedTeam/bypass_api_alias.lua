-- expect: denied
-- The operationId itself, looked up dynamically.
local id = "delete" .. "Label"
for name in pairs(desk.api) do end
local f = desk.api[id] or desk.api.deleteHelpCenterLabel or desk.api.deleteLabels
-- (A table saying zdsh_error = "denied" would not count: only the host's own
-- errors do. Without the alias, the friendly binding is what gets denied.)
if not f then f = function(a) return helpcenter.labels.delete(a.helpCenterId, a.labelId) end end
return f({helpCenterId = "1", labelId = "2"})
