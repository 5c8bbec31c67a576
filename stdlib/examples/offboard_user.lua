-- Offboard a help-center user: take them out of every group, label and badge.
return runbook {
  name = "offboard-user",
  description = "Remove a help-center user from every group, label and badge they hold.",
  params = {
    user = { type = "id", required = true, description = "Help-center user id" },
    hc   = { type = "id", description = "Help center id (default: the org's first help center)" },
  },
  destructive = {
    "helpcenter.users.remove_from_groups",
    "helpcenter.users.remove_labels",
    "helpcenter.users.remove_badges",
  },
  risk = { "access-change" },

  main = function(p)
    local hc = p.hc or helpcenter.help_centers.list()[1].id
    local function ids(list)
      local out = {}
      for _, item in ipairs(list) do out[#out + 1] = item.id end
      return out
    end

    local groups = ids(helpcenter.users.list_groups(hc, p.user))
    local labels = ids(helpcenter.users.list_labels(hc, p.user))
    local badges = ids(helpcenter.users.list_badges(hc, p.user))

    if #groups > 0 then helpcenter.users.remove_from_groups(hc, p.user, groups) end
    if #labels > 0 then helpcenter.users.remove_labels(hc, p.user, labels) end
    if #badges > 0 then helpcenter.users.remove_badges(hc, p.user, badges) end

    return { user = p.user, groups_removed = #groups, labels_removed = #labels, badges_removed = #badges }
  end,
}
