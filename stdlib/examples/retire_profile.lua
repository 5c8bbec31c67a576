-- Retire a profile: its agents move to another profile, then it is deleted.
return runbook {
  name = "retire-profile",
  description = "Move a profile's agents to another profile, then delete the profile.",
  params = {
    profile     = { type = "id", required = true, description = "Profile to delete" },
    transfer_to = { type = "id", required = true, description = "Profile that receives its agents" },
  },
  destructive = { "desk.profiles.delete" },
  risk = { "access-change" },

  main = function(p)
    if p.profile == p.transfer_to then error("transfer_to must be a different profile", 0) end
    local target = desk.profiles.get(p.transfer_to)       -- fails early if it does not exist
    local agents = desk.profiles.list_agents(p.profile)
    print(("moving %d agent(s) to %s, then deleting profile %s"):format(#agents, target.name, p.profile))
    -- Zoho moves the agents as part of the delete (transferToProfileId).
    desk.profiles.delete(p.profile, { transfer_to = p.transfer_to })
    return { deleted = p.profile, agents_moved = #agents, moved_to = target.name }
  end,
}
