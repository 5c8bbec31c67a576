-- zdsh testing vocabulary: the simulated org, spies and runbooks under test.
--
-- Loaded by `zdsh test` as trusted code; the host functions it wraps are
-- Swift (Sources/ScenarioTesting/ScenarioSession.swift). Globals:
--
--   sim.seed(t)                 upsert records/relations (fixture format) into the org
--   sim.load("fixture.json")    replace the state with a fixture file (relative
--                               to the scenario file)
--   sim.reset([t])              replace the state with t, or the demo org again
--   sim.fail{op=, status=, times=1 | probability=, code=}
--                               inject HTTP errors (op: operationId or binding
--                               name; omitted = any operation)
--   sim.reset_connection{op=, times=1 | probability=}
--   sim.expire_token{op=, times=1}  expire the token on the next request(s) (401)
--   sim.expire_tokens()         expire every access token now
--   sim.latency(ms [, jitter_ms])
--   sim.state()                 the whole state (fixture format)
--   sim.resource(name [, org])  records of one resource: "labels", "labelUsers", …
--   sim.requests()              requests the simulator handled: {method, path,
--                               status, operation}
--   sim.stats()                 {requests, credits_used, refreshes, faults_injected, …}
--   sim.org_id()                the default organisation's id
--   sim.options{strict_sim=true} an answer the simulator did not model (a
--                               parameter it ignored, an endpoint it only
--                               synthesises) fails the scenario: SIM_UNMODELLED
--   sim.unmodelled()            {{operation=, parameters={…}}, …} so far
--
--   calls([filter])             every API call attempted so far, including
--                               denied and dry-run (planned) ones and those of
--                               runbooks run with runbook.run: {seq, operation,
--                               called_as, method, path, ids, args, safety,
--                               outcome, status, error_code, message, source}.
--                               filter: {safety=, operation= (id or called_as),
--                               outcome=, method=, source=}
--   policy{allow={…}, deny={…}, dry_run=bool, max_destructive=n}
--                               the scenario's own gate (default: allow = {"*"})
--   runbook.run(path, params, {allow={…}, deny={…}, dry_run=, yes=, max_destructive=, max_writes=})
--                               -> {ok, value, error, denied, exit, calls}
--   use_cassette("file.json")   replay a recorded cassette instead of the
--                               simulator (call at the top of the file)
local H = ...
local env = H.env
local type, pairs, ipairs, error, setmetatable = type, pairs, ipairs, error, setmetatable

local function opts(fname, t)
  if t == nil then return {} end
  if type(t) ~= "table" then error("bad argument #1 to '" .. fname .. "' (table expected, got " .. type(t) .. ")", 3) end
  return t
end

local sim = {
  seed = function(t) return H.sim_seed(opts("sim.seed", t)) end,
  load = function(path) return H.sim_load(path) end,
  reset = function(t) return H.sim_reset(t) end,
  fail = function(t) return H.sim_fail(opts("sim.fail", t)) end,
  reset_connection = function(t) return H.sim_reset_connection(opts("sim.reset_connection", t)) end,
  expire_token = function(t) return H.sim_expire_token(opts("sim.expire_token", t)) end,
  expire_tokens = function() return H.sim_expire_tokens() end,
  latency = function(ms, jitter) return H.sim_latency(ms, jitter or 0) end,
  state = function() return H.sim_state() end,
  resource = function(name, org) return H.sim_resource(name, org) end,
  requests = function() return H.sim_requests() end,
  stats = function() return H.sim_stats() end,
  org_id = function() return H.sim_org_id() end,
  options = function(t) return H.sim_options(opts("sim.options", t)) end,
  unmodelled = function() return H.sim_unmodelled() end,
}

local filter_keys = { safety = true, operation = true, outcome = true, method = true, source = true, called_as = true }

env.calls = function(filter)
  filter = opts("calls", filter)
  for k in pairs(filter) do
    if not filter_keys[k] then error("calls: unknown filter '" .. tostring(k) .. "' (use safety, operation, called_as, outcome, method, source)", 2) end
  end
  local out = {}
  for _, c in ipairs(H.calls_all()) do
    local keep = true
    for k, v in pairs(filter) do
      if k == "operation" then
        if c.operation ~= v and c.called_as ~= v then keep = false end
      elseif c[k] ~= v then
        keep = false
      end
    end
    if keep then out[#out + 1] = c end
  end
  return out
end

env.policy = function(t) return H.set_policy(opts("policy", t)) end

env.use_cassette = function(path)
  if type(path) ~= "string" then error("bad argument #1 to 'use_cassette' (string expected, got " .. type(path) .. ")", 2) end
  return H.use_cassette(path)
end

-- `runbook{…}` still declares a runbook (so helper files can be required);
-- runbook.run runs one under test.
local declare = env.runbook
env.runbook = setmetatable({
  run = function(path, params, o)
    if type(path) ~= "string" then error("bad argument #1 to 'runbook.run' (string expected, got " .. type(path) .. ")", 2) end
    return H.run_runbook(path, params or {}, opts("runbook.run", o))
  end,
}, {
  __call = function(_, spec) return declare(spec) end,
  __newindex = function() error("attempt to modify read-only table 'runbook'", 2) end,
  __metatable = "locked",
})

return H.lock(sim, "sim")
