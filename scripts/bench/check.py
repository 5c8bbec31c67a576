"""Benchmark — `zdsh check stdlib/examples` (the runbooks and their scenario files): the whole
command, median of BENCH_RUNS runs, with luacheck (when installed) and without. Goal: under 1 s."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *


def main():
    ensure_release_build()
    examples = os.path.join(ROOT, "stdlib", "examples")
    runs = max(RUNS, 5)
    own = median([timed([ZDSH, "check", "--no-luacheck", examples], cwd=ROOT)[0] for _ in range(runs)])
    full = median([timed([ZDSH, "check", examples], cwd=ROOT)[0] for _ in range(runs)])
    luacheck = shutil.which("luacheck") is not None
    print("check — %s" % machine())
    print("  zdsh check --no-luacheck stdlib/examples  %7.1f ms   (median of %d)" % (own * 1000, runs))
    print("  zdsh check stdlib/examples                %7.1f ms   (%s)" % (full * 1000, "with luacheck" if luacheck else "luacheck not installed"))
    print("  goal: under 1000 ms in total — %s" % ("met" if full < 1.0 else "NOT met"))


if __name__ == "__main__":
    main()
