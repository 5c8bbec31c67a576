-- Benchmark 5: stream every ticket of the org, one page in memory at a time.
return runbook {
  name = "bench-stream",
  description = "stream every ticket",
  main = function(p)
    local n, open = 0, 0
    for t in desk.tickets.each{} do
      n = n + 1
      if t.status == "Open" then open = open + 1 end
    end
    print(n .. " tickets, " .. open .. " open")

  end,
}
