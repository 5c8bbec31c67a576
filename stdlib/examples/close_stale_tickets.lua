-- Close open tickets older than N days in one department.
return runbook {
  name = "close-stale-tickets",
  description = "Close tickets in a department that were created more than N days ago and are still open.",
  params = {
    department = { type = "id", required = true, description = "Department id" },
    days       = { type = "integer", default = 30, description = "Age in days" },
  },
  destructive = {},
  -- Closing is a write, visible to customers: declared, capped by --max-writes
  -- and confirmed at the start like a deletion.
  writes = { "desk.tickets.close" },
  risk = { "customer-facing" },

  main = function(p)
    local function epoch(iso)
      local y, m, d, H, M, S = iso:match("^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)")
      if not y then return nil end
      return os.time { year = y, month = m, day = d, hour = H, min = M, sec = S }
    end
    local cutoff = os.time() - p.days * 86400
    local stale = {}
    for t in desk.tickets.each { departmentId = p.department } do
      local created = type(t.createdTime) == "string" and epoch(t.createdTime)
      if t.statusType ~= "Closed" and created and created < cutoff then stale[#stale + 1] = t.id end
    end
    if #stale > 0 then desk.tickets.close(stale) end
    return { department = p.department, closed = #stale, ids = stale }
  end,
}
