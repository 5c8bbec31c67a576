-- Benchmark 6: the pattern matcher. Each workload runs with the system
-- Lua's string functions (S) and with zdsh's matcher (Z, the table `zd`
-- the bench host installs), alternating, in the same state and process, so
-- the two differ only in the matcher. Prints one line per workload:
--   name  S-seconds  Z-seconds
local S = {find = string.find, match = string.match, gmatch = string.gmatch, gsub = string.gsub}
local Z = assert(zd, "run by the bench host, which installs zd")
local REPEAT = tonumber((...)) or 1

local words = {}
for i = 1, 2000 do words[i] = ({"ticket", "Agent", "status:", "open", "#" .. i, "priority=high", " ", "\t"})[i % 8 + 1] end
local text = table.concat(words, " ")
local log = {}
for i = 1, 4000 do log[i] = (i % 97 == 0) and ("ERROR   " .. i .. " timeout") or ("info request " .. i .. " ok") end
log = table.concat(log, "\n")
local csv = {}
for i = 1, 50 do csv[i] = "field" .. i end
csv = table.concat(csv, ",")
local emails = {"ann.smith@example.com", "bob+desk@zoho.eu", "not an email", "x@y", "first.last@sub.example.co.uk"}
local template = "Dear $name, ticket $id about $subject is now $status. -- $agent"
local vars = {name = "Ann", id = "4711", subject = "refund", status = "closed", agent = "Bob"}

local workloads = {
  {"find %d+ on short lines", 200000, function(M) local n = 0 for i = 1, #emails do if M.find(emails[i] .. i, "%d+") then n = n + 1 end end return n end},
  {"match key = value", 100000, function(M) local k, v = M.match("  priority  =  high  ", "^%s*(%w+)%s*=%s*(.-)%s*$") return k end},
  {"gmatch [^,]+ (50 fields)", 10000, function(M) local n = 0 for f in M.gmatch(csv, "[^,]+") do n = n + 1 end return n end},
  {"gsub %s+ on 13 KB text", 200, function(M) return (M.gsub(text, "%s+", " ")) end},
  {"gsub template, function", 50000, function(M) return (M.gsub(template, "%$(%w+)", vars)) end},
  {"find in 100 KB log", 200, function(M) return M.find(log, "ERROR%s+(%d+) timeout") end},
  {"email check", 50000, function(M) local n = 0 for i = 1, #emails do if M.match(emails[i], "^[%w._%%+-]+@[%w.-]+%.%a+$") then n = n + 1 end end return n end},
  {"%f words, %b()", 500, function(M) return (M.gsub(text, "%f[%w]%w+", "<%0>")), M.match("call(f(a, b), (c))", "%b()") end},
  {"backtracking .-.-.-x", 300, function(M) return M.find(string.rep("ab", 20), ".-.-.-x") end},
}

local function time(fn, M, n)
  local t0 = os.clock()
  for _ = 1, n do fn(M) end
  return os.clock() - t0
end

for _, w in ipairs(workloads) do
  local name, n, fn = w[1], w[2] * REPEAT, w[3]
  assert(select(2, pcall(fn, S)) == select(2, pcall(fn, Z)), name .. ": results differ")
  local s, z = 0, 0
  for _ = 1, 3 do  -- alternate, so drift in the machine hits both sides
    s = s + time(fn, S, n)
    z = z + time(fn, Z, n)
  end
  print(string.format("%-28s %.4f %.4f", name, s, z))
end
