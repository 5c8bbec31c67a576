"""Benchmark 4 — sandbox overhead: n-body (1,000,000 steps) under zdsh's
default limits (memory cap, instruction/interrupt hook, wall-clock watchdog)
against plain lua5.4. Whole-process wall time (hyperfine) and the CPU time
of the simulation loop alone (os.clock inside the script)."""
import json, os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *


def main():
    ensure_release_build()
    home = tempdir("zdsh-sandbox-")
    env = dict(os.environ, HOME=home, XDG_STATE_HOME=home, XDG_CONFIG_HOME=home)
    nbody = os.path.join(HERE, "lua", "nbody.lua")
    nbody_zdsh = os.path.join(HERE, "lua", "nbody_zdsh.lua")
    out = os.path.join(home, "hf.json")
    runs = max(3, RUNS)
    subprocess.run(["hyperfine", "-N", "--warmup", "1", "--runs", str(runs), "--export-json", out,
                    "%s run %s --sim" % (ZDSH, nbody_zdsh), "lua5.4 %s" % nbody],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    z_wall, l_wall = [r["median"] for r in json.load(open(out))["results"]]
    z_cpu, l_cpu, h_cpu = [], [], []
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
    shutil.rmtree(home, ignore_errors=True)
    zc, lc = median(z_cpu), median(l_cpu)
    print("sandbox: n-body 1,000,000 steps (median of %d) — %s" % (runs, machine()))
    print("  zdsh run nbody.lua --sim   wall %6.3f s   loop cpu %6.3f s" % (z_wall, zc))
    print("  lua5.4 nbody.lua           wall %6.3f s   loop cpu %6.3f s" % (l_wall, lc))
    print("  lua5.4 + empty count hook (every 1,000 instructions)   loop cpu %6.3f s" % median(h_cpu))
    print("  ratios: loop cpu zdsh / lua5.4 = %.3f (target < 1.10)   wall = %.3f" % (ratio(zc, lc), ratio(z_wall, l_wall)))
    print("  the count hook alone costs lua5.4 %.2f×" % ratio(median(h_cpu), lc))


if __name__ == "__main__":
    main()
