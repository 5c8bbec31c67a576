-- Fields read from what a binding answered, against the response schema.
return runbook {
  name = "record-fields",
  params = { ticket = { type = "id", required = true }, department = { type = "id", required = true } },
  main = function(p)
    local t = desk.tickets.get(p.ticket)
    local titles = { t.subjcet, t.cf_region }
    for each in desk.tickets.each { departmentId = p.department } do
      titles[#titles + 1] = each.statsType
    end
    for _, agent in ipairs(desk.departments.list_agents(p.department)) do
      titles[#titles + 1] = agent.emailId .. agent.mail
    end
    t = { subjcet = "a table of its own now" }
    return titles, t.subjcet
  end,
}
