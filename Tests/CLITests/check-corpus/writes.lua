-- With a writes list, every write must be on it (or on destructive/notify).
return runbook {
  name = "writes",
  params = { ticket = { type = "id", required = true } },
  writes = { "desk.tickets.close" },
  main = function(p)
    desk.tickets.close({ p.ticket })
    desk.tickets.update(p.ticket, { priority = "Low" })
  end,
}
