-- Reach against the declaration: a destructive call it does not declare, a
-- customer-facing one it does not declare, and a declared one it never makes.
return runbook {
  name = "undeclared",
  params = { ticket = { type = "id", required = true } },
  destructive = { "desk.profiles.delete" },
  main = function(p)
    desk.tickets.move_to_trash({ p.ticket })
    desk.tickets.threads.send_reply(p.ticket, { channel = "EMAIL", content = "Closing this." })
  end,
}
