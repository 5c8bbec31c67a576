-- Scenarios for close_stale_tickets.lua against the demo org.
local DEPT = "1892000000120001"
local RUNBOOK = "close_stale_tickets.lua"

local function open_old(dept, days)
  local n = 0
  local cutoff = os.time() - days * 86400
  for _, t in ipairs(sim.resource("tickets")) do
    local y, m, d = tostring(t.createdTime):match("^(%d+)-(%d+)-(%d+)")
    if t.departmentId == dept and t.statusType ~= "Closed" and y
       and os.time{ year = y, month = m, day = d, hour = 0 } < cutoff then n = n + 1 end
  end
  return n
end

describe("close_stale_tickets", function()
  it("closes the open tickets older than N days", function()
    local stale = open_old(DEPT, 30)
    expect(stale).never.to_be(0)
    local r = runbook.run(RUNBOOK, { department = DEPT, days = 30 }, { yes = true })
    expect(r.ok).to_be(true)
    expect(r.value.closed).to_be(stale)
    expect(open_old(DEPT, 30)).to_be(0)
    expect(calls{ operation = "closeTickets", outcome = "sent" }).to_have_length(1)
  end)

  it("needs no destructive grant: closing is a write", function()
    local r = runbook.run(RUNBOOK, { department = DEPT }, { yes = true })
    expect(r.ok).to_be(true)
    expect(calls{ safety = "destructive" }).to_have_length(0)
  end)

  it("asks before its bulk close: without yes and with no write cap it does not start", function()
    local stale = open_old(DEPT, 30)
    local r = runbook.run(RUNBOOK, { department = DEPT })
    expect(r.ok).to_be(false)
    expect(r.exit).to_be(3)
    expect(open_old(DEPT, 30)).to_be(stale)
  end)

  it("stops before closing more tickets than max_writes allows; yes never lifts it", function()
    local stale = open_old(DEPT, 30)
    expect(stale > 1).to_be(true)
    local r = runbook.run(RUNBOOK, { department = DEPT }, { yes = true, max_writes = 1 })
    expect(r.ok).to_be(false)
    expect(calls{ operation = "closeTickets", outcome = "sent" }).to_have_length(0)
    expect(open_old(DEPT, 30)).to_be(stale)
  end)

  it("plans the close in dry-run", function()
    local stale = open_old(DEPT, 30)
    local r = runbook.run(RUNBOOK, { department = DEPT }, { dry_run = true })
    expect(r.ok).to_be(true)
    expect(calls{ outcome = "planned", operation = "closeTickets" }).to_have_length(1)
    expect(open_old(DEPT, 30)).to_be(stale)
  end)

  it("stops on a server error without closing anything", function()
    sim.fail{ op = "closeTickets", status = 500, times = 1 }
    local stale = open_old(DEPT, 30)
    local r = runbook.run(RUNBOOK, { department = DEPT }, { yes = true })
    expect(r.ok).to_be(false)
    expect(open_old(DEPT, 30)).to_be(stale)
  end)
end)
