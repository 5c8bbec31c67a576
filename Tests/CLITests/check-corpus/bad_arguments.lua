-- Literal arguments the call gate would refuse, found before the run.
return runbook {
  name = "bad-arguments",
  params = { ticket = { type = "id", required = true }, urgent = { type = "boolean" } },
  writes = { "desk.tickets.update" },
  main = function(p)
    desk.tickets.update(p.ticket, { prority = "High" })
    desk.tickets.update(p.ticket, { priority = p.urgent and "High" or "Low" })  -- known at run time: not judged
    local page = desk.api.getTickets{ limit = "ten" }
    desk.tickets.get("not-an-id")
    desk.agents.list{ status = "GONE", limit = 5 }
    return page
  end,
}
