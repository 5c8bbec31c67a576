-- A declared name that is no operation at all.
return runbook {
  name = "declaration-typo",
  params = { label = { type = "id", required = true }, hc = { type = "id", required = true } },
  destructive = { "helpcenter.labels.delet", "helpcenter.labels.delete" },
  main = function(p)
    helpcenter.labels.delete(p.hc, p.label)
  end,
}
