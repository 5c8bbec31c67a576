-- Scenarios for retire_profile.lua against the demo org.
local CONTRACTORS = "1892000000100004"
local SUPPORT = "1892000000100002"
local RUNBOOK = "retire_profile.lua"

local function agents_on(profile)
  local n = 0
  for _, a in ipairs(sim.resource("agents")) do if a.profileId == profile then n = n + 1 end end
  return n
end

describe("retire_profile", function()
  it("moves the agents and deletes the profile", function()
    local before = agents_on(SUPPORT)
    local r = runbook.run(RUNBOOK, { profile = CONTRACTORS, transfer_to = SUPPORT }, { allow = { "desk.profiles.delete" }, yes = true })
    expect(r.ok).to_be(true)
    expect(r.value.agents_moved).to_be(2)
    expect(agents_on(CONTRACTORS)).to_be(0)
    expect(agents_on(SUPPORT)).to_be(before + 2)
    local deletes = calls{ operation = "deleteProfile" }
    expect(deletes).to_have_length(1)
    expect(deletes[1].path).to_contain(CONTRACTORS)
  end)

  it("is denied without the grant", function()
    local r = runbook.run(RUNBOOK, { profile = CONTRACTORS, transfer_to = SUPPORT }, { yes = true })
    expect(r.exit).to_be(3)
    expect(agents_on(CONTRACTORS)).to_be(2)
  end)

  it("plans the delete in dry-run", function()
    local r = runbook.run(RUNBOOK, { profile = CONTRACTORS, transfer_to = SUPPORT }, { allow = { "desk.profiles.delete" }, dry_run = true })
    expect(r.ok).to_be(true)
    expect(calls{ outcome = "planned", operation = "deleteProfile" }).to_have_length(1)
    expect(agents_on(CONTRACTORS)).to_be(2)
  end)

  it("rejects a bad parameter before anything runs", function()
    local r = runbook.run(RUNBOOK, { profile = "contractors", transfer_to = SUPPORT }, { yes = true })
    expect(r.exit).to_be(2)
    expect(#calls()).to_be(0)
  end)

  it("retries reads through 429s", function()
    sim.fail{ op = "getAgentsByProfile", status = 429, times = 2 }
    local r = runbook.run(RUNBOOK, { profile = CONTRACTORS, transfer_to = SUPPORT }, { allow = { "desk.profiles.delete" }, yes = true })
    expect(r.ok).to_be(true)
    expect(agents_on(CONTRACTORS)).to_be(0)
  end)
end)
