-- Retire a help-center label: remove it from all its users, then delete it.
return runbook {
  name = "retire-label",
  description = "Remove every user from a help-center label, then delete the label.",
  params = {
    label       = { type = "id", required = true, description = "Label id" },
    hc          = { type = "id", description = "Help center id (default: the org's first help center)" },
    concurrency = { type = "integer", default = 10, description = "Requests in flight at once" },
  },
  destructive = { "helpcenter.labels.remove_users", "helpcenter.labels.delete" },
  risk = { "data-loss" },

  main = function(p)
    local hc = p.hc or helpcenter.help_centers.list()[1].id
    local users = {}
    for user in helpcenter.labels.each_users(hc, p.label) do users[#users + 1] = user.id end

    -- One call per user, many in flight: each removal is audited and
    -- journaled on its own, so a killed run resumes exactly where it stopped.
    local _, errors = desk.each(users, function(id)
      return helpcenter.labels.remove_users(hc, p.label, { id })
    end, { concurrency = p.concurrency })
    if errors then
      local n = 0
      for _ in pairs(errors) do n = n + 1 end
      error(("%d of %d removals failed; label kept"):format(n, #users), 0)
    end

    helpcenter.labels.delete(hc, p.label)
    return { label = p.label, users_removed = #users, deleted = true }
  end,
}
