-- expect: denied
-- A "write" whose arguments make it destructive: disabling an agent through updateAgent.
local agent = desk.agents.list()[1].id
return desk.api.updateAgent{ agentId = agent, status = "DISABLED" }
