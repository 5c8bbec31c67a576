"""Benchmark 4 — sandbox overhead: n-body (1,000,000 steps) under zdsh's
default limits (memory cap, wall-clock watchdog; no count hook unless
--max-instructions is given) against plain lua5.4. Whole-process wall time
(hyperfine) and the CPU time of the simulation loop alone (os.clock inside
the script).

For attribution, two more rows: a ten-line C host running the same file on
liblua5.4.so (the shared library zdsh links; Debian's lua5.4 binary has the
VM linked in statically), and lua5.4 with a count hook every 1,000
instructions (what --max-instructions costs)."""
import json, os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *


MINIMAL_HOST = r"""
#include <stdio.h>
#include <lua5.4/lua.h>
#include <lua5.4/lualib.h>
#include <lua5.4/lauxlib.h>
int main(int argc, char **argv) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  if (argc < 2 || luaL_dofile(L, argv[1])) { fprintf(stderr, "%s\n", lua_tostring(L, -1)); return 1; }
  lua_close(L);
  return 0;
}
"""


def main():
    ensure_release_build()
    home = tempdir("zdsh-sandbox-")
    env = dict(os.environ, HOME=home, XDG_STATE_HOME=home, XDG_CONFIG_HOME=home)
    nbody = os.path.join(HERE, "lua", "nbody.lua")
    nbody_zdsh = os.path.join(HERE, "lua", "nbody_zdsh.lua")
    out = os.path.join(home, "hf.json")
    host_c = os.path.join(home, "host.c")
    with open(host_c, "w") as f:
        f.write(MINIMAL_HOST)
    shared_host = os.path.join(home, "lua-shared")
    subprocess.run(["gcc", "-O2", host_c, "-o", shared_host, "-llua5.4"], check=True)
    runs = max(3, RUNS)
    subprocess.run(["hyperfine", "-N", "--warmup", "1", "--runs", str(runs), "--export-json", out,
                    "%s run %s --sim" % (ZDSH, nbody_zdsh), "lua5.4 %s" % nbody],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    z_wall, l_wall = [r["median"] for r in json.load(open(out))["results"]]
    z_cpu, l_cpu, h_cpu, s_cpu = [], [], [], []
    for _ in range(runs):
        _, p = timed([ZDSH, "run", nbody_zdsh, "--sim"], env=env)
        z_cpu.append(float(re.search(r"cpu ([0-9.]+)", p.stdout).group(1)))
        if "-0.169075164" not in p.stdout:
            raise SystemExit("wrong n-body output from zdsh: " + p.stdout)
        _, p = timed(["lua5.4", nbody])
        l_cpu.append(float(re.search(r"cpu ([0-9.]+)", p.stdout).group(1)))
        # Attribution: plain lua5.4 with the sandbox's kind of count hook.
        _, p = timed(["lua5.4", os.path.join(HERE, "lua", "nbody_hooked.lua")])
        h_cpu.append(float(re.search(r"cpu ([0-9.]+)", p.stdout).group(1)))
        _, p = timed([shared_host, nbody])
        s_cpu.append(float(re.search(r"cpu ([0-9.]+)", p.stdout).group(1)))
    shutil.rmtree(home, ignore_errors=True)
    zc, lc = median(z_cpu), median(l_cpu)
    print("sandbox: n-body 1,000,000 steps (median of %d) — %s" % (runs, machine()))
    print("  zdsh run nbody.lua --sim   wall %6.3f s   loop cpu %6.3f s" % (z_wall, zc))
    print("  lua5.4 nbody.lua           wall %6.3f s   loop cpu %6.3f s" % (l_wall, lc))
    print("  C host on liblua5.4.so                          loop cpu %6.3f s" % median(s_cpu))
    print("  lua5.4 + empty count hook (every 1,000 instructions)   loop cpu %6.3f s" % median(h_cpu))
    print("  ratios: loop cpu zdsh / lua5.4 = %.3f (target < 1.10)   wall = %.3f" % (ratio(zc, lc), ratio(z_wall, l_wall)))
    print("          loop cpu zdsh / C host on the same liblua5.4.so = %.3f" % ratio(zc, median(s_cpu)))
    print("  a count hook (--max-instructions) costs lua5.4 %.2f×" % ratio(median(h_cpu), lc))


if __name__ == "__main__":
    main()
