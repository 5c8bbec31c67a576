"""Benchmark 6 — the pattern matcher: zdsh's string.find/match/gmatch/gsub
(Sources/CLuaShim/pattern.c) against the system Lua's, on nine workloads
(short lines, key = value, CSV split, whitespace and template gsub, a
100 KB log, e-mail checks, %f and %b, heavy backtracking).

Both run side by side in one process: a small C host (built here with gcc
-O2 from the shim's runtime.c and pattern.c, on liblua5.4.so) creates a
state with zdsh's allocator and runtime, opens the standard libraries and
installs zdsh's four functions as the table `zd`; scripts/bench/lua/
patterns.lua alternates the two on each workload and checks that they
agree. So the figures differ only in the matcher (budget checks included),
not in the VM, the sandbox or the start-up."""
import os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *

HOST = r"""
#include <stdio.h>
#include <lua5.4/lualib.h>
#include "zdshim.h"
int main(int argc, char **argv) {
  static zd_runtime rt;  /* no limits: the budget is still counted and checked */
  lua_State *L = zd_newstate(&rt);
  luaL_openlibs(L);
  lua_createtable(L, 0, 4);
  lua_pushcfunction(L, zd_str_find); lua_setfield(L, -2, "find");
  lua_pushcfunction(L, zd_str_match); lua_setfield(L, -2, "match");
  lua_pushcfunction(L, zd_str_gmatch); lua_setfield(L, -2, "gmatch");
  lua_pushcfunction(L, zd_str_gsub); lua_setfield(L, -2, "gsub");
  lua_setglobal(L, "zd");
  if (argc < 2 || luaL_loadfile(L, argv[1])) { fprintf(stderr, "%s\n", lua_tostring(L, -1)); return 1; }
  lua_pushstring(L, argc > 2 ? argv[2] : "1");
  if (lua_pcall(L, 1, 0, 0)) { fprintf(stderr, "%s\n", lua_tostring(L, -1)); return 1; }
  lua_close(L);
  return 0;
}
"""


def main():
    home = tempdir("zdsh-pattern-")
    shim = os.path.join(ROOT, "Sources", "CLuaShim")
    src = os.path.join(home, "host.c")
    with open(src, "w") as f:
        f.write(HOST)
    host = os.path.join(home, "pattern-host")
    subprocess.run(["gcc", "-O2", "-I" + os.path.join(shim, "include"), "-I" + shim, src,
                    os.path.join(shim, "runtime.c"), os.path.join(shim, "pattern.c"),
                    "-o", host, "-llua5.4", "-lpthread"], check=True)
    script = os.path.join(HERE, "lua", "patterns.lua")
    rows = {}
    for _ in range(RUNS):
        _, p = timed([host, script])
        for line in p.stdout.splitlines():
            m = re.match(r"(.*?)\s+([0-9.]+) ([0-9.]+)$", line)
            if m:
                rows.setdefault(m.group(1), []).append((float(m.group(2)), float(m.group(3))))
    print("Benchmark 6: pattern matcher, zdsh (pattern.c) vs system Lua 5.4 (lstrlib), same process")
    print(machine())
    print("%-28s %10s %10s %7s" % ("workload", "lua5.4 s", "zdsh s", "ratio"))
    ratios = []
    for name, xs in rows.items():
        s = median([x[0] for x in xs])
        z = median([x[1] for x in xs])
        ratios.append(z / s)
        print("%-28s %10.4f %10.4f %6.2f×" % (name, s, z, z / s))
    geo = 1.0
    for r in ratios:
        geo *= r
    geo **= 1.0 / len(ratios)
    print("medians of %d; ratio = zdsh / lua5.4; worst %.2f×, geometric mean %.2f× (target ≤ 1.3×)"
          % (RUNS, max(ratios), geo))


if __name__ == "__main__":
    main()
