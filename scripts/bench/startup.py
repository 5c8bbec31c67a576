"""Benchmark 2 — start-up of the zdsh users install (scripts/install), side by
side with `lua5.4 -e 'return 1'` and a bare Swift program that prints a line
(built here with the flags zdsh ships with: -O, static Swift runtime).

Three zdsh commands: `--version`, `eval 'return 1'`, `run noop.lua --sim`.
Rounds alternate: each round runs every command once, in turn, so a change in
the machine's speed touches all of them alike. Each run is one fork and exec
timed from outside (wall clock) with its peak RSS from wait4; medians are
quoted, and ratios of medians.

Usage: scripts/bench/startup [PREFIX]
  PREFIX: an installed zdsh (PREFIX/bin/zdsh); without it the script installs
  into .build-release/bench-prefix first (scripts/install).
  BENCH_STARTUP_RUNS (default 40) sets the rounds; 5 warm-up rounds come first.
"""
import os, shutil, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, ROOT, machine, median, tempdir

TARGETS = {"--version": 5.0, "eval 'return 1'": 10.0, "run noop.lua --sim": 15.0}


def installed_zdsh():
    if len(sys.argv) > 1:
        prefix = os.path.abspath(sys.argv[1])
    else:
        prefix = os.path.join(ROOT, ".build-release", "bench-prefix")
        subprocess.run([os.path.join(ROOT, "scripts", "install"), prefix], check=True, stdout=subprocess.DEVNULL)
    zdsh = os.path.join(prefix, "bin", "zdsh")
    if not os.access(zdsh, os.X_OK):
        raise SystemExit("startup: no zdsh at %s (install it with scripts/install %s)" % (zdsh, prefix))
    return zdsh


def bare_swift_hello(work):
    """print("hello"), compiled as zdsh is: optimised, Swift runtime linked in."""
    src = os.path.join(work, "hello.swift")
    with open(src, "w") as f:
        f.write('print("hello")\n')
    exe = os.path.join(work, "hello")
    subprocess.run(["swiftc", "-O", "-static-stdlib", src, "-o", exe], check=True)
    return exe


def run_once(argv, env):
    """One run: (wall seconds, CPU seconds, peak RSS in MiB, exit status)."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, null.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, null.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def measure(commands, rounds, warmup, env):
    """Alternating rounds over every command; median wall and CPU ms and the peak of each."""
    walls = {name: [] for name in commands}
    cpus = {name: [] for name in commands}
    peaks = {name: [] for name in commands}
    for r in range(warmup + rounds):
        for name, argv in commands.items():
            wall, cpu, peak, code = run_once(argv, env)
            if code != 0:
                raise SystemExit("startup: %s exited %d" % (" ".join(argv), code))
            if r >= warmup:
                walls[name].append(wall)
                cpus[name].append(cpu)
                peaks[name].append(peak)
    return ({n: median(v) * 1000 for n, v in walls.items()},
            {n: median(v) * 1000 for n, v in cpus.items()},
            {n: max(v) for n, v in peaks.items()})


def main():
    zdsh = installed_zdsh()
    lua = shutil.which("lua5.4") or raise_missing("lua5.4 (apt-get install lua5.4)")
    work = tempdir("zdsh-startup-")
    hello = bare_swift_hello(work)
    noop = os.path.join(HERE, "lua", "noop.lua")
    env = dict(os.environ, HOME=work, XDG_STATE_HOME=os.path.join(work, "state"),
               XDG_CONFIG_HOME=os.path.join(work, "config"))
    commands = {
        "--version": [zdsh, "--version"],
        "eval 'return 1'": [zdsh, "eval", "return 1"],
        "run noop.lua --sim": [zdsh, "run", noop, "--sim"],
        "lua5.4 -e 'return 1'": [lua, "-e", "return 1"],
        "bare Swift hello": [hello],
    }
    rounds = int(os.environ.get("BENCH_STARTUP_RUNS", "40"))
    ms, cpu, peak = measure(commands, rounds, 5, env)
    shutil.rmtree(work, ignore_errors=True)
    lua_ms, hello_ms = ms["lua5.4 -e 'return 1'"], ms["bare Swift hello"]
    print("startup — %s" % machine())
    print("  %s (medians of %d alternating rounds: wall clock, and CPU time"
          " (user + sys), which a busy machine inflates less; largest peak RSS)" % (zdsh, rounds))
    print("  %-24s %9s %8s %9s %9s %9s %10s" % ("", "wall", "target", "/ lua5.4", "/ hello", "CPU", "peak RSS"))
    for name, target in TARGETS.items():
        print("  zdsh %-19s %6.1f ms %5.0f ms %8.1fx %8.1fx %6.1f ms %6.1f MiB"
              % (name, ms[name], target, ms[name] / lua_ms, ms[name] / hello_ms, cpu[name], peak[name]))
    for name in ("lua5.4 -e 'return 1'", "bare Swift hello"):
        print("  %-24s %6.1f ms %8s %9s %9s %6.1f ms %6.1f MiB" % (name, ms[name], "", "", "", cpu[name], peak[name]))
    met = all(ms[n] <= t for n, t in TARGETS.items())
    print("  targets (≤ 5 / 10 / 15 ms): %s" % ("met" if met else "missed"))


def raise_missing(what):
    raise SystemExit("startup: needs %s" % what)


if __name__ == "__main__":
    main()
