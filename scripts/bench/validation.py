"""Validation's cost on the bulk job, side by side: the bulk benchmark's
2,000 label removals (one call each, 20 ms latency, 10 in flight) run by two
zdsh binaries in alternating rounds against one served simulator — one
binary as built, one built with the body check against the spec switched
off (BENCHMARKS.md says how). Prints each binary's median and the ratio."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *
from bulk import N, CAP, LABEL, serve, label_count


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: scripts/bench/validation ZDSH_WITH_VALIDATION ZDSH_WITHOUT")
    binaries = {"with validation": sys.argv[1], "without": sys.argv[2]}
    rounds = int(os.environ.get("BENCH_RUNS", "5"))
    script = os.path.join(HERE, "lua", "bulk_remove.lua")
    home = tempdir("zdsh-bench-validation-")
    times = {name: [] for name in binaries}
    with serve() as sim:
        before = label_count(sim)
        for r in range(rounds):
            for name, binary in (binaries.items() if r % 2 == 0 else reversed(list(binaries.items()))):
                cmd = [binary, "run", script, "--profile", "bench", "--allow", "helpcenter.labels.remove_users", "--yes",
                       "--max-destructive", str(N), "--concurrency", str(CAP)]
                t, p = timed(cmd, env=sim.zdsh_env(home))
                if "%d removed, 0 failed" % N not in p.stdout:
                    raise SystemExit("%s: unexpected output: %s %s" % (name, p.stdout, p.stderr[-1000:]))
                times[name].append(t)
        if before - label_count(sim) != N:
            raise SystemExit("the label did not lose its %d users" % N)
    print("validation: %d label removals, %d rounds alternating — %s" % (N, rounds, machine()))
    for name in binaries:
        print("  zdsh %-16s %7.2f s   median of %d (min %.2f, max %.2f)" % (name, median(times[name]), rounds, min(times[name]), max(times[name])))
    print("  ratio with / without = %.3f (target ≤ 1.02)" % ratio(median(times["with validation"]), median(times["without"])))


if __name__ == "__main__":
    main()
