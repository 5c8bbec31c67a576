-- Names the catalog does not have, each with the closest ones it does.
return runbook {
  name = "unknown-names",
  params = { hc = { type = "id", required = true } },
  main = function(p)
    local tickets = desk.tickets.lst({ limit = 10 })
    local more = desk.tikets.list()
    local labels = helpcenter.lables.list(p.hc)
    local raw = desk.api.getTikets{}
    return { tickets, more, labels, raw }
  end,
}
