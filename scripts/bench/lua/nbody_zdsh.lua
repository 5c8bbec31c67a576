-- Benchmark 4 (zdsh side): the very same nbody.lua, loaded with require
-- inside a runbook (so `zdsh run` executes it once, in the sandbox).
return runbook {
  name = "bench-nbody",
  description = "n-body, CPU-bound, 1,000,000 steps",
  main = function() require("nbody") end,
}
