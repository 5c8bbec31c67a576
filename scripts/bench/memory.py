"""Benchmark 5 — memory: stream 100,000 tickets with desk.tickets.each{}
from `zdsh sim serve --bulk-tickets 100000` and report zdsh's peak RSS
(/usr/bin/time -v). The simulator runs in its own process, so its state
does not count."""
import os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *

N = 100_000


def main():
    ensure_release_build()
    if not os.path.exists("/usr/bin/time"):
        subprocess.run(["apt-get", "install", "-y", "-q", "time"], check=True)
    home = tempdir("zdsh-memory-")
    script = os.path.join(HERE, "lua", "stream_tickets.lua")
    rss, secs, cpu = [], [], []
    with SimServer("--bulk-tickets", str(N), "--credits", "1000000") as sim:
        for _ in range(int(os.environ.get("BENCH_MEMORY_RUNS", "1"))):
            t, p = timed(["/usr/bin/time", "-v", ZDSH, "run", script, "--profile", "bench"], env=sim.zdsh_env(home), timeout=1800)
            m = re.search(r"^(\d+) tickets", p.stdout, re.M)
            if not m or int(m.group(1)) < N:   # the demo org's own tickets come on top
                raise SystemExit("unexpected output: " + p.stdout + p.stderr[-2000:])
            rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)))
            secs.append(t)
            cpu.append(float(re.search(r"User time \(seconds\): ([0-9.]+)", p.stderr).group(1))
                       + float(re.search(r"System time \(seconds\): ([0-9.]+)", p.stderr).group(1)))
            count = p.stdout.strip()
    # For scale: the same process doing nothing.
    _, p = timed(["/usr/bin/time", "-v", ZDSH, "run", os.path.join(HERE, "lua", "noop.lua"), "--sim"],
                 env=dict(os.environ, HOME=home, XDG_STATE_HOME=home, XDG_CONFIG_HOME=home))
    idle = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    shutil.rmtree(home, ignore_errors=True)
    peak = max(rss) / 1024
    print("memory: stream %d tickets (%s) — %s" % (N, count, machine()))
    print("  zdsh peak RSS %.1f MB (max of %d runs; %.1f s wall, %.1f s zdsh CPU)   noop run --sim: %.1f MB"
          % (peak, len(rss), median(secs), median(cpu), idle / 1024))
    print("  ratio: peak / 64 MB budget = %.2f (target < 1.00)" % (peak / 64))


if __name__ == "__main__":
    main()
