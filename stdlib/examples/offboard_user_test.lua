-- Scenarios for offboard_user.lua against the demo org.
local USER = "1892000000180001"
local RUNBOOK = "offboard_user.lua"
local GRANT = { "helpcenter.users.remove_from_groups", "helpcenter.users.remove_labels", "helpcenter.users.remove_badges" }

local function held(kind)
  local n = 0
  for _, row in ipairs(sim.resource(kind)) do if row.userId == USER then n = n + 1 end end
  return n
end

describe("offboard_user", function()
  it("removes the user from every group, label and badge", function()
    expect(held("groupUsers") + held("labelUsers") + held("userBadges")).never.to_be(0)
    local r = runbook.run(RUNBOOK, { user = USER }, { allow = GRANT, yes = true })
    expect(r.ok).to_be(true)
    expect(held("groupUsers")).to_be(0)
    expect(held("labelUsers")).to_be(0)
    expect(held("userBadges")).to_be(0)
    expect(calls{ safety = "destructive", outcome = "sent" }).to_have_length(3)
  end)

  it("is refused before its first call without the grants", function()
    local r = runbook.run(RUNBOOK, { user = USER }, { yes = true })
    expect(r.exit).to_be(3)
    expect(r.error).to_contain("--allow helpcenter.users.remove_labels")
    expect(calls()).to_have_length(0) -- not even the reads: nothing is left half done
  end)

  it("is refused before its first call when one grant of three is missing", function()
    local r = runbook.run(RUNBOOK, { user = USER }, { allow = { GRANT[1], GRANT[2] }, yes = true })
    expect(r.exit).to_be(3)
    expect(r.error).to_contain("--allow helpcenter.users.remove_badges")
    expect(calls()).to_have_length(0)
    expect(held("groupUsers")).never.to_be(0)
  end)

  it("plans the three removals in dry-run", function()
    local r = runbook.run(RUNBOOK, { user = USER }, { allow = GRANT, dry_run = true })
    expect(r.ok).to_be(true)
    expect(calls{ outcome = "planned" }).to_have_length(3)
    expect(held("labelUsers")).never.to_be(0)
  end)

  it("fails cleanly when Zoho answers 500", function()
    sim.fail{ op = "deleteGroupsFromUsers", status = 500, times = 1 }
    local r = runbook.run(RUNBOOK, { user = USER }, { allow = GRANT, yes = true })
    expect(r.ok).to_be(false)
    expect(r.exit).to_be(5)
    expect(r.error.status).to_be(500)
  end)
end)
