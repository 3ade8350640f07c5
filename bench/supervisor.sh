#!/usr/bin/env bash
# bench/supervisor.sh: our supervisor (`stackd`, started by `stack up`) side by side with supervisord, in one run.
#
# Both supervise the same program, /bin/sleep 3600 (killable, and gone at once on SIGTERM), and are
# measured from outside through /proc:
#   - crash-to-respawn: kill -9 one instance, time until a new child of the supervisor exists and
#     runs the program (its /proc/PID/comm is "sleep", i.e. it has exec'd). RESPAWN_KILLS instances
#     per side, each killed once, alternating A B A B between the two supervisors (both running);
#     median and p99.
#   - start of INSTANCES instances, cold: from launching the supervisor (supervisord -n with
#     numprocs=N autostart; `stack up -d` with replicas: N) until N children run the program.
#   - stop of INSTANCES instances: from SIGTERM to the supervisor (both stop every instance, then
#     exit) until every instance process is gone. (`stack down` does the same through the control
#     socket; the signal keeps CLI start-up, ours or supervisorctl's, out of the comparison.)
#   - with INSTANCES running: the supervisor's RSS (VmRSS, and its private part RssAnon) and its CPU
#     use over IDLE_SECONDS of idling.
# Start/stop/idle run REPEATS times per side, alternating A B A B; medians are reported.
# Goals: respawn >= 20x faster, start/stop >= 5x faster, our RSS <= 15 MB, our idle CPU < 0.5% of a core.
#
# Usage:
#   bench/supervisor.sh                  full run (about 3 minutes on 2 cores, plus the release build)
#   QUICK=1 bench/supervisor.sh          smoke test: 1 repeat, 10 kills, 3 s idle
#
# Environment (default in brackets):
#   INSTANCES [100]        instances for start, stop and idle
#   RESPAWN_KILLS [50]     instances killed (once each) per side for the respawn latency
#   REPEATS [3]            start/stop/idle runs per side
#   IDLE_SECONDS [10]      how long the idle CPU is measured
#   SUBNET [127.77.0.0/24] our instances' subnet (a /24 fits 253 instances)
#   SKIP_INSTALL=1         do not apt-get install supervisor when missing
#   SKIP_BUILD=1           use the existing .build/release/stack
#   STACK_BIN              our `stack` executable [.build/release/stack], e.g. one built with
#                          --static-swift-stdlib
#   OUT                    where the Markdown table goes [a new /tmp/evergreen-supervisor-DATE-XXXXXX.md]
#
# Only loopback is used (our instances' subnet; supervisord's control socket is a Unix socket). Every
# process started is stopped on exit, on error and on Ctrl-C; every wait is bounded.
set -euo pipefail

readonly REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ "${QUICK:-0}" = 1 ]; then
    REPEATS=${REPEATS:-1}
    RESPAWN_KILLS=${RESPAWN_KILLS:-10}
    IDLE_SECONDS=${IDLE_SECONDS:-3}
fi
INSTANCES=${INSTANCES:-100}
RESPAWN_KILLS=${RESPAWN_KILLS:-50}
REPEATS=${REPEATS:-3}
IDLE_SECONDS=${IDLE_SECONDS:-10}
SUBNET=${SUBNET:-127.77.0.0/24}

step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }

RUN_DIR=$(mktemp -d /tmp/evergreen-supervisor-bench.XXXXXX)
OUT=${OUT:-$(mktemp /tmp/evergreen-supervisor-"$(date +%Y%m%d)"-XXXXXX.md)}

# The driver records every process group it starts in $RUN_DIR/pids (supervisord, our supervisor,
# and their instances); on any exit we SIGKILL whatever of them still runs.
cleanup() {
    local pid
    if [ -f "$RUN_DIR/pids" ]; then
        while read -r pid; do
            [ -n "$pid" ] || continue
            kill -KILL -- "-$pid" 2>/dev/null || true
            kill -KILL "$pid" 2>/dev/null || true
        done <"$RUN_DIR/pids"
    fi
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

install_supervisor() {
    command -v supervisord >/dev/null 2>&1 && return 0
    if [ "${SKIP_INSTALL:-0}" = 1 ]; then
        echo "supervisord is missing (apt-get install supervisor)" >&2
        exit 1
    fi
    step "installing supervisor (supervisord)"
    export DEBIAN_FRONTEND=noninteractive
    # Keep the package's init script from starting a system-wide supervisord beside the benchmark.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        created_policy=1
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends supervisor >/dev/null
    [ "$created_policy" = 0 ] || rm -f "$policy"
}

describe_machine() {
    local cpu virt=""
    cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    grep -qw hypervisor /proc/cpuinfo && virt=" (virtual machine)"
    echo "machine:     ${cpu:-unknown CPU}$virt, $(nproc) cores online, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "kernel:      $(uname -srm); $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")"
    echo "supervisord: $(supervisord --version) ($(python3 --version 2>&1))"
    echo "swift:       $(swift --version 2>&1 | grep -m1 -o 'Swift version [^ ]*' || echo 'not found')"
    echo "ours:        ${STACK_BIN:-$REPO_ROOT/.build/release/stack}"
    echo "commit:      $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(
        git -C "$REPO_ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "load:        $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the run"
    echo "settings:    INSTANCES=$INSTANCES RESPAWN_KILLS=$RESPAWN_KILLS REPEATS=$REPEATS IDLE_SECONDS=$IDLE_SECONDS"
}

main() {
    install_supervisor
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        step "building ours (swift build -c release)"
        (cd "$REPO_ROOT" && swift build -c release --product stack 2>&1 | tail -1 && swift build -c release --product stackd 2>&1 | tail -1)
    fi
    local stack=${STACK_BIN:-$REPO_ROOT/.build/release/stack}
    [ -x "$stack" ] || { echo "$stack is missing: run swift build -c release" >&2; exit 1; }
    [ -r /proc/self/task/$$/children ] || { echo "needs /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN)" >&2; exit 1; }

    step "machine"
    describe_machine | tee "$RUN_DIR/machine"

    step "measuring (A = supervisord, B = ours, alternating)"
    python3 - "$RUN_DIR" "$stack" "$INSTANCES" "$RESPAWN_KILLS" "$REPEATS" "$IDLE_SECONDS" "$SUBNET" "$OUT" <<'PYTHON'
import glob, json, os, signal, socket, statistics, subprocess, sys, time

run_dir, stack, instances, kills, repeats, idle_seconds, subnet, out = sys.argv[1:]
instances, kills, repeats, idle_seconds = int(instances), int(kills), int(repeats), float(idle_seconds)
PROGRAM = ["/bin/sleep", "3600"]
TICK = os.sysconf("SC_CLK_TCK")

def log(line):
    print("    " + line, flush=True)

def remember(pid):
    with open(os.path.join(run_dir, "pids"), "a") as f:
        f.write(f"{pid}\n")

def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False

def children(pid):
    """Pids of `pid`'s children, whichever of its threads forked them."""
    result = set()
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(path) as f:
                result.update(int(p) for p in f.read().split())
        except FileNotFoundError:
            pass
    return result

def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""

def running_program(supervisor):
    """The supervisor's children that run the program (exec'd: comm is `sleep`, not a zombie)."""
    return {p for p in children(supervisor) if comm(p) == "sleep" and alive(p)}

def wait_for(what, condition, timeout=60.0, interval=0.0005):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)

def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)

def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0

# MARK: - supervisord

class Supervisord:
    name = "supervisord"

    def __init__(self, label, count):
        self.dir = os.path.join(run_dir, f"supervisord-{label}")
        os.makedirs(os.path.join(self.dir, "logs"), exist_ok=True)
        self.conf = os.path.join(self.dir, "supervisord.conf")
        with open(self.conf, "w") as f:
            f.write(f"""[unix_http_server]
file={self.dir}/supervisor.sock

[supervisord]
nodaemon=true
user=root
logfile={self.dir}/supervisord.log
pidfile={self.dir}/supervisord.pid
childlogdir={self.dir}/logs

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{self.dir}/supervisor.sock

[program:sleeper]
command={" ".join(PROGRAM)}
process_name=%(program_name)s_%(process_num)03d
numprocs={count}
autostart=true
autorestart=true
stopsignal=TERM
stopwaitsecs=10
""")
        self.count = count
        self.pid = None

    def start(self):
        process = subprocess.Popen(["supervisord", "-n", "-c", self.conf], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        self.process = process
        self.pid = process.pid
        remember(self.pid)

    def started(self):
        pass

    def stop(self):
        os.kill(self.pid, signal.SIGTERM)

    def finish(self):
        self.process.wait(timeout=60)

# MARK: - ours

class Ours:
    name = "ours"

    def __init__(self, label, count):
        self.dir = os.path.join(run_dir, f"ours-{label}")
        os.makedirs(self.dir, exist_ok=True)
        manifest = {"name": f"bench{label}", "network": {"subnet": subnet},
                    "services": {"sleeper": {"command": PROGRAM, "port": 9000, "replicas": count,
                                             "restart": "always", "stop_grace_period": "10s"}}}
        with open(os.path.join(self.dir, "stack.json"), "w") as f:
            json.dump(manifest, f)
        self.count = count
        self.pid = None

    def cli(self, *arguments):
        return subprocess.run([stack, "--project-directory", self.dir, *arguments], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=120, text=True)

    def daemon_pid(self):
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(5)
        client.connect(os.path.join(self.dir, ".stack/run/stack.sock"))
        client.sendall(b"GET /v1/health HTTP/1.1\r\nHost: stack\r\nConnection: close\r\n\r\n")
        answer = b""
        while True:
            chunk = client.recv(65536)
            if not chunk:
                break
            answer += chunk
            if b"}" in answer:
                break
        client.close()
        return json.loads(answer.split(b"\r\n\r\n", 1)[1])["pid"]

    def start(self):
        # `stack up -d` returns once its 100 ms progress poll has seen every instance started; the
        # measurement must not include that poll, so the CLI runs in the background and the driver
        # finds the daemon it launches among its children.
        cli = subprocess.Popen([stack, "--project-directory", self.dir, "up", "-d"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
        self.cli_process = cli
        self.pid = wait_for("our supervisor to start", self.find_daemon, interval=0.001)
        remember(self.pid)

    def find_daemon(self):
        # The daemon is the CLI's child (in its own session) until the CLI exits.
        for pid in children(self.cli_process.pid):
            if comm(pid) in ("stack", "stackd"):
                return pid
        return None

    def started(self):
        _, errors = self.cli_process.communicate(timeout=120)
        if self.cli_process.returncode != 0:
            raise SystemExit(f"stack up failed: {errors}")
        if self.daemon_pid() != self.pid:
            raise SystemExit("stack up: the daemon found in /proc is not the one answering")

    def stop(self):
        os.kill(self.pid, signal.SIGTERM)

    def finish(self):
        wait_for("our supervisor to exit", lambda: not alive(self.pid), timeout=30)

# MARK: - measurements

def measure_start_stop_idle(side, label):
    """Cold start of `instances`, idle RSS and CPU, then stop; returns (start s, stop s, RSS KiB, CPU %)."""
    t0 = time.perf_counter()
    side.start()
    programs = wait_for(f"{side.name}: {instances} instances running",
                        lambda: (lambda s: s if len(s) == instances else None)(running_program(side.pid)))
    started = time.perf_counter() - t0
    for pid in programs:
        remember(pid)
    side.started()
    time.sleep(2)  # let start-up work (logs, health of nothing, discovery file) settle
    ticks = cpu_ticks(side.pid)
    time.sleep(idle_seconds)
    cpu = (cpu_ticks(side.pid) - ticks) / TICK / idle_seconds * 100
    rss, private = status_kib(side.pid, "VmRSS"), status_kib(side.pid, "RssAnon")
    t0 = time.perf_counter()
    side.stop()
    wait_for(f"{side.name}: every instance gone", lambda: not any(alive(p) for p in programs))
    stopped = time.perf_counter() - t0
    side.finish()
    log(f"{side.name:12} start {started * 1000:8.1f} ms   stop {stopped * 1000:8.1f} ms   "
        f"RSS {rss / 1024:6.1f} MiB (private {private / 1024:5.1f})   idle CPU {cpu:5.2f}%")
    return started, stopped, rss, cpu, private

def respawn_once(side, victim):
    """Kills `victim` (one of side's instances) and returns the seconds until its replacement runs."""
    before = children(side.pid)
    t0 = time.perf_counter()
    os.kill(victim, signal.SIGKILL)
    while True:
        fresh = [p for p in children(side.pid) - before if comm(p) == "sleep"]
        if fresh:
            elapsed = time.perf_counter() - t0
            remember(fresh[0])
            return elapsed, fresh[0]
        if time.perf_counter() - t0 > 30:
            raise SystemExit(f"{side.name}: no respawn within 30 s")

def measure_respawn():
    a, b = Supervisord("respawn", kills), Ours("respawn", kills)
    a.start()
    b.start()
    try:
        victims = {}
        for side in (a, b):
            victims[side.name] = sorted(wait_for(
                f"{side.name}: {kills} instances running",
                lambda: (lambda s: s if len(s) == kills else None)(running_program(side.pid))))
            for pid in victims[side.name]:
                remember(pid)
            side.started()
        # supervisord counts a process that ran less than startsecs (1 s) as a failed start and backs
        # off; ours backs off only a second crash within 10 s. Every victim has run > 1 s and dies once.
        time.sleep(1.5)
        times = {a.name: [], b.name: []}
        for index in range(kills):
            for side in (a, b):
                elapsed, _ = respawn_once(side, victims[side.name][index])
                times[side.name].append(elapsed)
                time.sleep(0.02)
        return times
    finally:
        a.stop()
        b.stop()
        a.finish()
        b.finish()

def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

log(f"respawn: {kills} kills per side, alternating")
respawn = measure_respawn()
for name, values in respawn.items():
    log(f"{name:12} respawn median {statistics.median(values) * 1000:7.2f} ms   "
        f"p99 {percentile(values, 99) * 1000:7.2f} ms   max {max(values) * 1000:7.2f} ms")

log(f"start/stop/idle: {instances} instances, {repeats} runs per side, alternating")
results = {"supervisord": [], "ours": []}
for run in range(repeats):
    results["supervisord"].append(measure_start_stop_idle(Supervisord(f"run{run}", instances), f"run{run}"))
    results["ours"].append(measure_start_stop_idle(Ours(f"run{run}", instances), f"run{run}"))

def med(name, index):
    return statistics.median(r[index] for r in results[name])

rows = []
def row(label, peer, ours, unit, goal, ok):
    ratio = peer / ours if ours > 0 else float("inf")
    rows.append((label, peer, ours, unit, ratio, goal, "" if ok is None else "ok" if ok else "MISS"))

def add_latency(label, peer, ours, goal):
    row(label, peer * 1000, ours * 1000, "ms", f">= {goal}x faster", peer / ours >= goal)

add_latency("crash-to-respawn, median", statistics.median(respawn["supervisord"]),
            statistics.median(respawn["ours"]), 20)
add_latency("crash-to-respawn, p99", percentile(respawn["supervisord"], 99), percentile(respawn["ours"], 99), 20)
add_latency(f"start {instances} instances", med("supervisord", 0), med("ours", 0), 5)
add_latency(f"stop {instances} instances", med("supervisord", 1), med("ours", 1), 5)
row(f"supervisor RSS, {instances} running", med("supervisord", 2) / 1024, med("ours", 2) / 1024, "MiB",
    "ours <= 15 MB", med("ours", 2) * 1024 <= 15_000_000)
row(f"  of which private (RssAnon)", med("supervisord", 4) / 1024, med("ours", 4) / 1024, "MiB", "-", None)
row(f"supervisor idle CPU, {instances} running", med("supervisord", 3), med("ours", 3), "% of a core",
    "ours < 0.5%", med("ours", 3) < 0.5)

def fmt(value):
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"

print()
print(f"{'measure':40} {'supervisord':>12} {'ours':>12} {'unit':>12} {'ratio':>8}  goal")
for label, peer, ours, unit, ratio, goal, ok in rows:
    print(f"{label:40} {fmt(peer):>12} {fmt(ours):>12} {unit:>12} {ratio:7.1f}x  {goal} {ok}")

with open(out, "w") as f:
    f.write("| Measure | supervisord | Ours | Unit | supervisord / ours | Goal |\n")
    f.write("| --- | ---: | ---: | --- | ---: | --- |\n")
    for label, peer, ours, unit, ratio, goal, ok in rows:
        f.write(f"| {label} | {fmt(peer)} | {fmt(ours)} | {unit} | {ratio:.1f}x | {goal}{': ' + ok if ok else ''} |\n")
print(f"\nMarkdown table: {out}")
PYTHON
}

main "$@"
