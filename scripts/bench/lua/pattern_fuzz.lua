-- Differential fuzz of zdsh's matcher for a sanitizer build (scripts/fuzz
-- --asan): random patterns, subjects and replacements drawn here in Lua;
-- each case runs with the system Lua's string functions and with zdsh's
-- (the table `zd` the host installs), results and error messages compared.
-- The argument: "seed" or "seed:cases".
local seed, N = (...):match("^(%d+):?(%d*)$")
seed, N = tonumber(seed) or 1, tonumber(N) or 40000
math.randomseed(seed)
local R = math.random
local subj = {"a","a","b","b","c","A","B","0","1","9"," ","_","-",".","%","(",")","[","]","^","$","*","+","?","\t","\n","\0","\200","\255"}
local cls = {"a","d","l","s","u","w","x","p","c","g","z","A","D","L","S","U","W","X","P","C","G","Z",".","%","]","-","b","f","1","0"}
local function pick(t) return t[R(#t)] end
local function set()
  local o = {"["} if R(3)==1 then o[#o+1]="^" end if R(10)==1 then o[#o+1]="]" end
  for _=1,R(3) do local k=R(4) if k==1 then o[#o+1]=pick{"a","0","A","("}.."-"..pick{"c","z","9",")"} elseif k==2 then o[#o+1]="%"..pick(cls) else o[#o+1]=pick(subj) end end
  if R(20)>1 then o[#o+1]="]" end return table.concat(o) end
local function pat()
  local o = {} if R(5)==1 then o[1]="^" end
  local n = R(8) == 1 and 70 + R(30) or R(7)
  for _=1,n do local k=R(20)
    if k==1 then o[#o+1]="(" elseif k==2 then o[#o+1]="()" elseif k==3 then o[#o+1]=")"
    elseif k==4 then o[#o+1]="%b"..pick{"(","a","["}..pick{")","b","]"} elseif k==5 then o[#o+1]="%f"..set()
    elseif k==6 then o[#o+1]="%"..R(0,9) elseif k==7 then o[#o+1]=pick{"^","$","*","+","-","?"}
    else local r=R(4) o[#o+1]= r==1 and set() or r==2 and "%"..pick(cls) or r==3 and "." or pick(subj)
      if R(3)==1 then o[#o+1]=pick{"*","+","-","?"} end end end
  if R(5)==1 then o[#o+1]="$" end if R(30)==1 then o[#o+1]="%" end
  return table.concat(o) end
local function str() local o={} for _=1,R(0,20) do o[#o+1]=pick(subj) end return table.concat(o) end
local function run(M, op, s, p, a, b)
  if op == "gmatch" then return pcall(function() local out = {} local it = M.gmatch(s, p, a) for _=1,30 do local r = table.pack(it()) if r[1]==nil then break end for i=1,r.n do out[#out+1]=tostring(r[i]) end out[#out+1]="|" end return table.concat(out, ",") end) end
  return pcall(M[op], s, p, a, b) end
local bad = 0
for i = 1, N do
  local s, p, op = str(), pat(), pick{"find","match","gmatch","gsub"}
  local a, b = R(2)==1 and R(-12,20) or nil, nil
  if op == "gsub" then a = pick{"x", "%0", "%1-%2", "%%", {a="A", b=false}, function(...) return select("#", ...) end} b = R(2)==1 and R(-1,4) or nil
  elseif op == "find" then b = R(8)==1 end
  if #p > 50 then s = string.rep(s, 3) end
  local r1 = table.pack(run(string, op, s, p, a, b))
  local r2 = table.pack(run(zd, op, s, p, a, b))
  local x1, x2 = {}, {}
  for k=1,r1.n do x1[k]=tostring(r1[k]) end for k=1,r2.n do x2[k]=tostring(r2[k]) end
  x1, x2 = table.concat(x1, "\1"), table.concat(x2, "\1")
  if x1 ~= x2 then bad = bad + 1 if bad < 5 then print(string.format("DIFF %s %q %q\n  %q\n  %q", op, s, p, x1, x2)) end end
end
print(string.format("FUZZ pattern-asan: cases=%d failures=%d seed=%d", N, bad, seed))
if bad > 0 then error(bad .. " cases differ from the system Lua", 0) end
