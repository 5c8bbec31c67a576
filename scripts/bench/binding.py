"""Benchmark 3 — binding-call overhead: a million calls of a cheap host
function from Lua in zdsh (json.decode("1"): trampoline, Swift dispatch,
one-byte parse, push) against a million calls of the C builtin doing the
same job (tonumber("1")) in plain lua5.4. Timed inside each process with
os.clock, so start-up is excluded; medians of BENCH_RUNS runs."""
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *


def main():
    ensure_release_build()
    home = tempdir("zdsh-binding-")
    env = dict(os.environ, HOME=home, XDG_STATE_HOME=home, XDG_CONFIG_HOME=home)
    host, sand, lua, empty_z, empty_l = [], [], [], [], []
    for _ in range(RUNS):
        _, p = timed([ZDSH, "run", os.path.join(HERE, "lua", "binding_zdsh.lua"), "--sim"], env=env)
        m = re.search(r"host ([0-9.]+) builtin ([0-9.]+) empty ([0-9.]+)", p.stdout)
        host.append(float(m.group(1))); sand.append(float(m.group(2))); empty_z.append(float(m.group(3)))
        _, p = timed(["lua5.4", os.path.join(HERE, "lua", "binding_lua.lua")])
        m = re.search(r"builtin ([0-9.]+) empty ([0-9.]+)", p.stdout)
        lua.append(float(m.group(1))); empty_l.append(float(m.group(2)))
    shutil.rmtree(home, ignore_errors=True)
    h, s, l = median(host), median(sand), median(lua)
    print("binding calls (1,000,000 each, os.clock, median of %d) — %s" % (RUNS, machine()))
    print("  zdsh host function json.decode(\"1\")   %6.1f ns/call" % (h * 1000))
    print("  zdsh C builtin tonumber(\"1\")          %6.1f ns/call" % (s * 1000))
    print("  lua5.4 C builtin tonumber(\"1\")        %6.1f ns/call" % (l * 1000))
    print("  empty loop: zdsh %.1f ns, lua5.4 %.1f ns per iteration" % (median(empty_z) * 1000, median(empty_l) * 1000))
    print("  ratios: zdsh host call / lua5.4 C builtin = %.2f (target < 2)   zdsh C builtin / lua5.4 = %.2f"
          % (ratio(h, l), ratio(s, l)))


if __name__ == "__main__":
    main()
