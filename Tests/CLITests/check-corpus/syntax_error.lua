-- A function left open: the system Lua parser's message, at the line it names.
return runbook {
  name = "syntax-error",
  main = function(p)
    if p.x then
      print("x")
  end,
}
