-- Scenarios for retire_label.lua against the demo org.
local LABEL = "1892000000190001"   -- "Gold", four users
local RUNBOOK = "retire_label.lua"

local function members(label)
  local n = 0
  for _, lu in ipairs(sim.resource("labelUsers")) do if lu.labelId == label then n = n + 1 end end
  return n
end

local function label_exists(id)
  for _, l in ipairs(sim.resource("labels")) do if l.id == id then return true end end
  return false
end

describe("retire_label", function()
  it("removes every user, then deletes the label", function()
    local r = runbook.run(RUNBOOK, { label = LABEL }, { allow = { "helpcenter.labels.*" }, yes = true })
    expect(r.ok).to_be(true)
    expect(r.value.users_removed).to_be(4)
    expect(members(LABEL)).to_be(0)
    expect(label_exists(LABEL)).to_be(false)
    expect(calls{ operation = "removeLabelsFromUsers", outcome = "sent" }).to_have_length(4)
    expect(calls{ operation = "deleteLabel", outcome = "sent" }).to_have_length(1)
  end)

  it("is denied without the grant and changes nothing", function()
    local r = runbook.run(RUNBOOK, { label = LABEL }, { yes = true })
    expect(r.ok).to_be(false)
    expect(r.exit).to_be(3)
    expect(calls{ outcome = "sent", safety = "destructive" }).to_have_length(0)
    expect(members(LABEL)).to_be(4)
    expect(label_exists(LABEL)).to_be(true)
  end)

  it("plans in dry-run and sends nothing mutating", function()
    local r = runbook.run(RUNBOOK, { label = LABEL }, { allow = { "helpcenter.labels.*" }, dry_run = true })
    expect(r.ok).to_be(true)
    expect(calls{ outcome = "planned", safety = "destructive" }).to_have_length(5)
    expect(calls{ outcome = "sent", safety = "destructive" }).to_have_length(0)
    expect(members(LABEL)).to_be(4)
  end)

  it("rides out 429s from the org's rate limit", function()
    sim.fail{ op = "removeLabelsFromUsers", status = 429, times = 3 }
    local r = runbook.run(RUNBOOK, { label = LABEL, concurrency = 2 }, { allow = { "helpcenter.labels.*" }, yes = true })
    expect(r.ok).to_be(true)
    expect(members(LABEL)).to_be(0)
  end)

  it("keeps the label when a removal fails with a 500", function()
    sim.fail{ op = "removeLabelsFromUsers", status = 500, times = 1 }
    local r = runbook.run(RUNBOOK, { label = LABEL, concurrency = 1 }, { allow = { "helpcenter.labels.*" }, yes = true })
    expect(r.ok).to_be(false)
    expect(r.error).to_contain("removals failed; label kept")
    expect(label_exists(LABEL)).to_be(true)
    expect(calls{ operation = "deleteLabel" }).to_have_length(0)
  end)
end)
