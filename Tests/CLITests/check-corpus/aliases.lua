-- Calls through local aliases of a binding table are resolved like direct ones.
return runbook {
  name = "aliases",
  params = { hc = { type = "id", required = true }, label = { type = "id", required = true } },
  destructive = {},
  main = function(p)
    local t = desk.tickets
    local labels = helpcenter.labels
    local first = t.lst({ limit = 5 })
    labels.delete(p.hc, p.label)
    return first
  end,
}
