-- Literal arguments the call gate would refuse, found before the run.
return runbook {
  name = "bad-arguments",
  params = { ticket = { type = "id", required = true } },
  writes = { "desk.tickets.update", "desk.tickets.create" },
  main = function(p)
    desk.tickets.update(p.ticket, { prority = "High" })
    desk.tickets.update(p.ticket, { priority = p.priority_from_elsewhere_is_fine and "Low" or "High" })
    local page = desk.api.getTickets{ limit = "ten" }
    desk.tickets.get("not-an-id")
    desk.tickets.create{ subject = "no department, no contact" }
    return page
  end,
}
