"""Benchmark 2 — start-up: `zdsh run noop.lua --sim` against `lua5.4 noop.lua`
and a bare Swift program that prints a line (swiftc -O). hyperfine medians."""
import json, os, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *


def hyperfine(commands, runs, env=None):
    out = os.path.join(tempdir("zdsh-hf-"), "hf.json")
    subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", str(runs), "--export-json", out, *commands],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    results = json.load(open(out))["results"]
    shutil.rmtree(os.path.dirname(out), ignore_errors=True)
    return [r["median"] for r in results]


def main():
    ensure_release_build()
    work = tempdir("zdsh-startup-")
    hello_src = os.path.join(work, "hello.swift")
    with open(hello_src, "w") as f:
        f.write('print("hello")\n')
    hello = os.path.join(work, "hello")
    subprocess.run(["swiftc", "-O", hello_src, "-o", hello], check=True)
    noop = os.path.join(HERE, "lua", "noop.lua")
    env = dict(os.environ, HOME=work, XDG_STATE_HOME=os.path.join(work, "state"), XDG_CONFIG_HOME=os.path.join(work, "config"))
    runs = int(os.environ.get("BENCH_STARTUP_RUNS", "30"))
    z, l, s = hyperfine(["%s run %s --sim" % (ZDSH, noop), "lua5.4 %s" % noop, hello], runs, env)
    ze, = hyperfine(["%s eval 'return nil'" % ZDSH], runs, env)
    shutil.rmtree(work, ignore_errors=True)
    print("startup — %s" % machine())
    print("  zdsh run noop.lua --sim        %7.1f ms   (median of %d, hyperfine -N)" % (z * 1000, runs))
    print("  zdsh eval 'return nil'         %7.1f ms   (no backend, no simulator)" % (ze * 1000))
    print("  bare Swift (swiftc -O) hello   %7.1f ms" % (s * 1000))
    print("  lua5.4 noop.lua                %7.1f ms" % (l * 1000))
    print("  ratios: zdsh run / bare Swift = %.2f (target ≤ 1.5)   zdsh eval / bare Swift = %.2f   zdsh run / lua5.4 = %.1f"
          % (ratio(z, s), ratio(ze, s), ratio(z, l)))


if __name__ == "__main__":
    main()
