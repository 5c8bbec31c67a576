"""Benchmark 1 — bulk: remove 2,000 users from a label, one call per user,
against `zdsh sim serve --latency 20`, 10 calls in flight.

Compares, in one run: zdsh (`desk.each`, concurrency 10, the client's
limiter at 10), the physical limit (2,000 × 20 ms / 10), curl making the
same 2,000 requests 10 at a time (a C client: what this server and machine
allow any client, since the simulator's own work and the machine's wake-ups
come on top of the 20 ms), a Python client making one `requests` call at a
time, and an asyncio/httpx client capped at 10. zdsh with its state on
tmpfs, zdsh with its state on disk and curl run side by side: one server,
each round running the three in turn (BENCH_RUNS rounds, 5 by default).
Prints medians and ratios."""
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


def run_client(name, sim, command_for, check_label=None):
    """One run of a client against `sim`; its time and, for zdsh, the time
    it reports inside the run. `check_label` (the count before) checks that
    this run emptied the label."""
    cmd, env = command_for(sim)
    t, p = timed(cmd, env=env)
    if "%d removed, 0 failed" % N not in p.stdout:
        raise SystemExit("%s: unexpected output: %s %s" % (name, p.stdout, p.stderr[-1000:]))
    if check_label is not None:
        after = label_count(sim)
        if check_label - after != N:
            raise SystemExit("%s: label went from %d to %d users" % (name, check_label, after))
    m = re.search(r"calls .* in ([0-9.]+)s", p.stderr)
    return t, (float(m.group(1)) if m else None)


def measure(name, runs, command_for):
    """Runs a client `runs` times against one fresh server; the first run
    must empty the label (later runs repeat the same 2,000 requests, which
    the simulator answers the same way)."""
    times, extra = [], []
    with serve() as sim:
        before = label_count(sim)
        for i in range(runs):
            t, inside = run_client(name, sim, command_for, before if i == 0 else None)
            times.append(t)
            if inside is not None:
                extra.append(inside)
    return times, extra


def alternating(rounds, clients):
    """`rounds` rounds against one server, each running every client once in
    turn, so that what the machine does meanwhile falls on all of them alike.
    The first client's first run must empty the label. Returns each
    client's times, by name."""
    times = {name: [] for name, _ in clients}
    with serve() as sim:
        before = label_count(sim)
        for r in range(rounds):
            for i, (name, command_for) in enumerate(clients):
                t, _ = run_client(name, sim, command_for, before if r == 0 and i == 0 else None)
                times[name].append(t)
    return times


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
    # Side by side, alternating in each round: zdsh with its audit log (an
    # fsync'd line before and after each call) and journal on tmpfs, the same
    # with them on disk (the state users have), and curl.
    disk_home = tempfile.mkdtemp(prefix="bench-home-", dir=os.path.join(ROOT, ".build"))
    clients = [("zdsh", zdsh(home)), ("zdsh (state on disk)", zdsh(disk_home))]
    if shutil.which("curl"):
        clients.append(("curl", curl_command))
    rounds = alternating(RUNS, clients)
    z, zd, c = rounds["zdsh"], rounds["zdsh (state on disk)"], rounds.get("curl", [])
    a, _ = measure("asyncio", int(os.environ.get("BENCH_ASYNC_RUNS", str(RUNS))), python("bulk_async.py"))
    sync_runs = int(os.environ.get("BENCH_SYNC_RUNS", "1"))
    s, _ = measure("sync", sync_runs, python("bulk_sync.py")) if sync_runs else ([], None)
    shutil.rmtree(disk_home, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)

    zm, zdm, am = median(z), median(zd), median(a)
    sm = median(s) if s else float("nan")
    cm = median(c) if c else None
    print("  physical limit (%d × %d ms / %d)   %7.2f s" % (N, LATENCY_MS, CAP, PHYSICAL))
    print("  zdsh run (desk.each, 10)           %7.2f s   median of %d alternating rounds, whole process, state on tmpfs" % (zm, len(z)))
    print("  zdsh, audit + journal on disk      %7.2f s   median of %d, same rounds (each audit line on disk before its call goes on)" % (zdm, len(zd)))
    if c:
        print("  curl --parallel-max 10 (C client)  %7.2f s   median of %d, same rounds: the floor here (%.3f × physical)" % (cm, len(c), ratio(cm, PHYSICAL)))
    print("  python asyncio + httpx (cap 10)    %7.2f s   median of %d" % (am, len(a)))
    if s:
        print("  python requests, one at a time     %7.2f s   median of %d" % (sm, len(s)))
    print("  rounds (s): " + "; ".join("%s %s" % (name, " ".join("%.2f" % t for t in rounds[name])) for name, _ in clients))
    print("  ratios: disk / tmpfs = %.3f (target ≤ 1.05)   zdsh / curl = %s (target ≤ 1.03)   curl / physical = %s (target → 1.05)"
          % (ratio(zdm, zm), "%.3f" % ratio(zm, cm) if c else "n/a", "%.3f" % ratio(cm, PHYSICAL) if c else "n/a"))
    print("          zdsh / physical = %.3f   zdsh / asyncio = %.3f (target ≤ 1.00)   sync / zdsh = %.1f×"
          % (ratio(zm, PHYSICAL), ratio(zm, am), ratio(sm, zm)))


if __name__ == "__main__":
    main()
