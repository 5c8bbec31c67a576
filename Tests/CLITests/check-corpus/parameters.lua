-- Parameters read but not declared, and declared but never read.
return runbook {
  name = "parameters",
  params = {
    department = { type = "id", required = true },
    days = { type = "integer", default = 30 },
  },
  main = function(p)
    local n = 0
    for _ in desk.tickets.each { departmentId = p.departmnt } do n = n + 1 end
    return { department = p.department, count = n, since = p.since }
  end,
}
