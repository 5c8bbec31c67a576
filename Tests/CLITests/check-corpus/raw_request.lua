-- desk.request with a literal method and path is the catalog operation it names.
return runbook {
  name = "raw-request",
  params = { ticket = { type = "id", required = true } },
  main = function(p)
    desk.request("POST", "/api/v1/tickets/moveToTrash", { body = { ticketIds = { p.ticket } } })
    desk.request("GET", "/api/v1/tickets", { query = { limt = 5 } })
  end,
}
