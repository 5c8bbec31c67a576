-- expect: denied
-- The operationId itself, looked up dynamically.
local id = "delete" .. "Label"
for name in pairs(desk.api) do end
local f = desk.api[id] or desk.api.deleteHelpCenterLabel or desk.api.deleteLabels
if not f then error({zdsh_error = "denied", message = "no such op"}, 0) end
return f({helpCenterId = "1", labelId = "2"})
