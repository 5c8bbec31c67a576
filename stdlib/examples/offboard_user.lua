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

    -- Zoho's mass removals answer per id; some ids can fail while the rest
    -- succeed. Take the per-id results ({ partial = true }), keep going with
    -- the other removals, and fail at the end naming what is still held, so
    -- the run is not reported as done and --resume retries exactly those ids.
    local still_held = {}
    local function remove(fn, list, kind)
      if #list == 0 then return 0 end
      local r = fn(hc, p.user, list, { partial = true })
      if type(r) ~= "table" or type(r.results) ~= "table" then return #list end
      local removed = 0
      for _, e in ipairs(r.results) do
        if e.success then
          removed = removed + 1
        else
          still_held[#still_held + 1] = kind .. " " .. tostring(e.id) .. " (" .. tostring((e.errors or {}).errorCode or "failed") .. ")"
        end
      end
      return removed
    end

    local result = {
      user = p.user,
      groups_removed = remove(helpcenter.users.remove_from_groups, groups, "group"),
      labels_removed = remove(helpcenter.users.remove_labels, labels, "label"),
      badges_removed = remove(helpcenter.users.remove_badges, badges, "badge"),
    }
    if #still_held > 0 then
      error("offboarding incomplete, still held: " .. table.concat(still_held, ", ")
            .. "; fix the cause and resume the run (zdsh runs shows its id)", 0)
    end
    return result
  end,
}
