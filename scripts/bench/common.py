"""Shared helpers for the zdsh benchmarks: the release binary, a simulator
server on 127.0.0.1, timing, medians and the machine description."""
import os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
ZDSH = os.environ.get("ZDSH_BIN", os.path.join(ROOT, ".build", "release", "zdsh"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def ensure_release_build():
    """Builds the release binary unless ZDSH_BIN points at one (or SKIP_BUILD=1)."""
    if os.environ.get("ZDSH_BIN") or os.environ.get("SKIP_BUILD") == "1":
        return
    # The Swift runtime and Foundation linked in, as a shipped binary would be:
    # no dynamic loading of libFoundation and ICU at every start.
    subprocess.run(["swift", "build", "-c", "release", "--product", "zdsh", "--static-swift-stdlib"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = "%.0f GB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    load = os.getloadavg()[0]
    return "%s, %d cores, %s RAM, Linux %s, load %.1f" % (cpu, os.cpu_count(), mem, os.uname().release, load)


def median(xs):
    return statistics.median(xs)


def timed(cmd, env=None, cwd=None, check=True, timeout=600):
    """Runs cmd once; returns (seconds, completed process)."""
    start = time.perf_counter()
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - start
    if check and p.returncode != 0:
        sys.stderr.write("command failed (%d): %s\n%s\n%s\n" % (p.returncode, " ".join(cmd), p.stdout[-2000:], p.stderr[-2000:]))
        raise SystemExit(1)
    return elapsed, p


class SimServer:
    """`zdsh sim serve` on a free 127.0.0.1 port, with its tokens parsed."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([ZDSH, "sim", "serve", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        text = ""
        deadline = time.time() + 60
        while "refresh token:" not in text or "client:" not in text:
            line = self.proc.stdout.readline()
            if not line:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise SystemExit("sim serve did not start: " + text + self.proc.stderr.read())
                continue
            text += line
        self.base = re.search(r"listening on (http://127\.0\.0\.1:\d+)", text).group(1)
        self.org = re.search(r"orgId:\s+(\S+)", text).group(1)
        self.token = re.search(r"access token:\s+(\S+)", text).group(1)
        self.refresh = re.search(r"refresh token:\s+(\S+)", text).group(1)
        m = re.search(r"client:\s+(\S+) / (\S+)", text)
        self.client_id, self.client_secret = m.group(1), m.group(2)

    def zdsh_env(self, home):
        """Environment for `zdsh run --profile bench` against this server,
        with config and state in a throwaway folder."""
        env = dict(os.environ)
        env.update({
            "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, "config"), "XDG_STATE_HOME": os.path.join(home, "state"),
            "ZOHO_CLIENT_ID": self.client_id, "ZOHO_CLIENT_SECRET": self.client_secret,
            "ZOHO_REFRESH_TOKEN": self.refresh, "ZOHO_DESK_ORG_ID": self.org,
            "ZDSH_API_URL": self.base, "ZDSH_ACCOUNTS_URL": self.base,
        })
        env.pop("ZDSH_DEBUG", None)
        return env

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def tempdir(prefix):
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    return tempfile.mkdtemp(prefix=prefix, dir=base)


def ratio(a, b):
    return a / b if b else float("inf")
