"""Benchmark 1 — bulk: remove 2,000 users from a label, one call per user,
against `zdsh sim serve --latency 20`, 10 calls in flight.

Compares, in one run: zdsh (`desk.each`, concurrency 10, the client's
limiter at 10), the physical limit (2,000 × 20 ms / 10), curl making the
same 2,000 requests 10 at a time (a C client: what this server and machine
allow any client, since the simulator's own work and the machine's wake-ups
come on top of the 20 ms), a Python client making one `requests` call at a
time, and an asyncio/httpx client capped at 10. Prints medians and ratios."""
import json, os, re, shutil, subprocess, sys, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *

N, LATENCY_MS, CAP = 2000, 20, 10
LABEL = "1892000000190001"
PHYSICAL = N * LATENCY_MS / 1000 / CAP


def label_count(sim):
    req = urllib.request.Request("%s/api/v1/labels/%s" % (sim.base, LABEL),
                                 headers={"Authorization": "Zoho-oauthtoken " + sim.token, "orgId": sim.org})
    return int(json.load(urllib.request.urlopen(req, timeout=10))["count"])


def serve():
    return SimServer("--latency", str(LATENCY_MS), "--concurrency", "25", "--credits", "1000000",
                     "--bulk-label-users", str(N))


def measure(name, runs, command_for):
    """Runs a client `runs` times against one fresh server; the first run
    must empty the label (later runs repeat the same 2,000 requests, which
    the simulator answers the same way)."""
    times, extra = [], []
    with serve() as sim:
        before = label_count(sim)
        for i in range(runs):
            cmd, env = command_for(sim)
            t, p = timed(cmd, env=env)
            if "%d removed, 0 failed" % N not in p.stdout:
                raise SystemExit("%s: unexpected output: %s %s" % (name, p.stdout, p.stderr[-1000:]))
            if i == 0:
                after = label_count(sim)
                if before - after != N:
                    raise SystemExit("%s: label went from %d to %d users" % (name, before, after))
            m = re.search(r"calls .* in ([0-9.]+)s", p.stderr)
            if m:
                extra.append(float(m.group(1)))
            times.append(t)
    return times, extra


def curl_command(sim):
    """curl --parallel over the same 2,000 POSTs, from a config file."""
    path = os.path.join(tempdir("zdsh-bench-curl-"), "requests.cfg")
    with open(path, "w") as f:
        for k in range(N):
            if k:
                f.write("next\n")
            f.write('url = "%s/api/v1/labels/%s/users/remove"\nrequest = "POST"\n' % (sim.base, LABEL))
            f.write('header = "Authorization: Zoho-oauthtoken %s"\nheader = "orgId: %s"\n' % (sim.token, sim.org))
            f.write('header = "Content-Type: application/json"\ndata = "{\\"userIds\\":[\\"%d\\"]}"\n' % (1892100000000000 + k))
            f.write('output = "/dev/null"\nwrite-out = "%{http_code}\\n"\n')
    script = "n=$(curl -s --no-progress-meter --parallel --parallel-max %d -K %s | grep -c '^204$'); echo \"$n removed, $((%d - n)) failed\"" % (CAP, path, N)
    return ["sh", "-c", script], None


def main():
    ensure_release_build()
    home = tempdir("zdsh-bench-")
    script = os.path.join(HERE, "lua", "bulk_remove.lua")

    def zdsh(state_home):
        # Audit log and journal go to their default places under state_home.
        def command(sim):
            return ([ZDSH, "run", script, "--profile", "bench", "--allow", "helpcenter.labels.remove_users", "--yes",
                     "--max-destructive", str(N), "--concurrency", str(CAP)], sim.zdsh_env(state_home))
        return command

    def python(client):
        def command(sim):
            return ([sys.executable, os.path.join(HERE, client), sim.base, sim.token, sim.org, LABEL, str(N)], None)
        return command

    print("bulk: %d label removals, one call each, %d ms latency, cap %d — %s" % (N, LATENCY_MS, CAP, machine()))
    # Audit log (an fsync'd line before and after each call) and journal on
    # tmpfs, so the figure is about concurrency; the on-disk variant follows.
    z, zin = measure("zdsh", RUNS, zdsh(home))
    a, _ = measure("asyncio", RUNS, python("bulk_async.py"))
    c, _ = measure("curl", RUNS, curl_command) if shutil.which("curl") else ([], None)
    sync_runs = int(os.environ.get("BENCH_SYNC_RUNS", "1"))
    s, _ = measure("sync", sync_runs, python("bulk_sync.py"))
    disk_home = tempfile.mkdtemp(prefix="bench-home-", dir=os.path.join(ROOT, ".build"))
    zd, zdin = measure("zdsh (state on disk)", int(os.environ.get("BENCH_DISK_RUNS", "1")), zdsh(disk_home))
    shutil.rmtree(disk_home, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)

    zm, am, sm = median(z), median(a), median(s)
    print("  physical limit (%d × %d ms / %d)   %7.2f s" % (N, LATENCY_MS, CAP, PHYSICAL))
    print("  zdsh run (desk.each, 10)           %7.2f s   median of %d, whole process; %.2f s inside the run" % (zm, len(z), median(zin) if zin else float("nan")))
    if c:
        print("  curl --parallel-max 10 (C client)  %7.2f s   median of %d: the floor here (%.3f × physical)" % (median(c), len(c), ratio(median(c), PHYSICAL)))
    print("  python asyncio + httpx (cap 10)    %7.2f s   median of %d" % (am, len(a)))
    print("  python requests, one at a time     %7.2f s   median of %d" % (sm, len(s)))
    print("  zdsh, audit + journal on disk      %7.2f s   median of %d (each audit line on disk before its call goes on; group commit)" % (median(zd), len(zd)))
    print("  ratios: zdsh / physical = %.3f (target ≤ 1.10)   zdsh / curl = %s   zdsh / asyncio = %.3f (target ≤ 1.00)   sync / zdsh = %.1f×"
          % (ratio(zm, PHYSICAL), "%.3f" % ratio(zm, median(c)) if c else "n/a", ratio(zm, am), ratio(sm, zm)))


if __name__ == "__main__":
    main()
