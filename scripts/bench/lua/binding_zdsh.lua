-- Benchmark 3 (zdsh side): a million calls of a cheap host function,
-- json.decode("1") — Lua → C trampoline → Swift dispatch → parse one byte →
-- push an integer — next to a million calls of the C builtin doing the same
-- job, tonumber("1"), and an empty loop, all timed with os.clock.
return runbook {
  name = "bench-binding",
  description = "a million host-function calls",
  main = function(p)
    local N = 1000000
    local decode, tonumber, clock = json.decode, tonumber, os.clock
    local function loop(f, arg)
      local t0 = clock()
      for _ = 1, N do f(arg) end
      return clock() - t0
    end
    local empty_t0 = clock()
    for _ = 1, N do end
    local empty = clock() - empty_t0
    local host = loop(decode, "1")
    local builtin = loop(tonumber, "1")
    assert(decode("1") == 1)
    print(string.format("host %.4f builtin %.4f empty %.4f", host, builtin, empty))

  end,
}
