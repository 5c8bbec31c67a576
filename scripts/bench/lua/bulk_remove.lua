-- Benchmark 1: remove 2,000 users from a help-center label, one call per
-- user, 10 at a time (the bulk users of `zdsh sim serve --bulk-label-users`).
-- A runbook, so `zdsh run` executes it once (plain scripts are currently
-- executed by the describe pass too).
return runbook {
  name = "bench-bulk-remove",
  description = "Remove the 2,000 bulk users from the demo label, one call each.",
  params = { concurrency = { type = "integer", default = 10 } },
  destructive = { "helpcenter.labels.remove_users" },
  main = function(p)
    local hc, label = "1892000000150001", "1892000000190001"
    local n = 2000
    local ids = {}
    for k = 0, n - 1 do ids[#ids + 1] = string.format("%d", 1892100000000000 + k) end
    local results = desk.each(ids, function(id)
      return helpcenter.labels.remove_users(hc, label, { id })
    end, { concurrency = p.concurrency })
    local ok = 0
    for i = 1, n do if results[i] == true then ok = ok + 1 end end
    print(ok .. " removed, " .. (n - ok) .. " failed")
  end,
}
