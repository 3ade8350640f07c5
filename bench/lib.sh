#!/usr/bin/env bash
# bench/lib.sh: helpers shared by the benchmark scripts (core.sh, store.sh). Source it, do not run it:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# What it gives: messages (step, note, warn, die); Debian packages installed when missing
# (require_command, install_missing_packages); the machine's description (describe_host,
# describe_toolchain); servers started in their own session pinned to cores, waited for by polling
# their port against a deadline, and stopped on exit (start_server, wait_listening, stop_server,
# cleanup, install_traps); a process group's CPU ticks from /proc (group_cpu_ticks); free loopback
# ports; load generators run in the background (run_load); redis-server from a generated config
# (start_redis) and a RESP sanity check (check_resp); the background-load check; the A B A B
# alternation (alternate); medians, ratios and verdicts.
#
# The caller may set ADDRESS (default 127.0.0.1: only loopback is used), BACKGROUND_MAX [10] and
# WAIT_IDLE [0] before calling check_background_load, and SKIP_INSTALL=1 to refuse installing.

: "${ADDRESS:=127.0.0.1}"
BACKGROUND_MAX=${BACKGROUND_MAX:-10}
WAIT_IDLE=${WAIT_IDLE:-0}
CLK_TCK=$(getconf CLK_TCK)

# MARK: - Messages and numbers

step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# The median of the numbers on stdin ("nan" when there are none). mawk has no asort: sort does it.
median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ours/peer, or "-" when either is missing.
ratio() {
    awk -v o="$1" -v p="$2" 'BEGIN {
        if (o == "nan" || p == "nan" || o == "" || p == "" || p + 0 == 0) print "-"; else printf "%.2f", o / p }'
}

# "ok" when the ratio meets the goal ($2 is ">=" or "<="), "MISS" otherwise, "" without a ratio.
verdict() {
    awk -v r="$1" -v op="$2" 'BEGIN {
        if (r == "-") print ""; else if ((op == ">=" && r + 0 >= 1) || (op == "<=" && r + 0 <= 1)) print "ok";
        else print "MISS" }'
}

# The ratio with its verdict, for the Markdown table.
judged() {
    local v
    v=$(verdict "$1" "$2")
    echo "$1${v:+ $v}"
}

fmt() { # value printf-format
    if [ "$1" = nan ]; then echo "-"; else awk -v v="$1" -v f="$2" 'BEGIN { printf f, v }'; fi
}

# Calls "$fn side rep args..." for rep in 1..$1 and every side in $2, alternating the sides within a
# round (A B A B): slow drifts of a shared machine then spread over both sides instead of one.
alternate() {
    local repeats=$1 sides=$2 fn=$3 rep side
    shift 3
    for rep in $(seq 1 "$repeats"); do
        for side in $sides; do "$fn" "$side" "$rep" "$@"; done
    done
}

# MARK: - Debian packages

MISSING_PACKAGES=() # packages to install, collected by require_command

# Notes the Debian package $2 for installation when the command $1 is missing.
require_command() {
    command -v "$1" >/dev/null 2>&1 || MISSING_PACKAGES+=("$2")
}

# Installs MISSING_PACKAGES, if any. Another apt may hold the dpkg lock (unattended upgrades, a
# colleague's install): wait for it instead of failing.
install_missing_packages() {
    local need=("${MISSING_PACKAGES[@]}")
    [ ${#need[@]} -gt 0 ] || return 0
    [ "${SKIP_INSTALL:-0}" != 1 ] || die "missing ${need[*]} and SKIP_INSTALL=1"
    step "installing ${need[*]} (waits up to 10 min for another apt to finish)"
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    # `apt-get update` takes the lists lock, which DPkg::Lock::Timeout does not cover: retry it.
    local try
    for try in $(seq 1 60); do
        "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq && break
        [ "$try" -lt 60 ] || die "apt-get update kept failing"
        note "apt-get update failed (lock held?), retrying in 10 s"
        sleep 10
    done
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}"
    MISSING_PACKAGES=()
}

# MARK: - Machine description

# CPU model (lscpu, else /proc/cpuinfo), cores, memory, kernel and distribution.
describe_host() {
    local cpu virt="" memory
    cpu=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')
    [ -n "$cpu" ] || cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    grep -qw hypervisor /proc/cpuinfo && virt=" (virtual machine)"
    memory=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    echo "machine:   ${cpu:-unknown CPU}$virt, $(nproc) cores online ($(cat /sys/devices/system/cpu/online)), $memory"
    echo "kernel:    $(uname -srm); $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")"
}

# Swift's version and the repository's commit (marked when the tree has uncommitted changes).
describe_toolchain() {
    local root=$1
    echo "swift:     $(swift --version 2>&1 | grep -m1 -o 'Swift version [^ ]*' || echo 'not found')"
    echo "commit:    $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(
        git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
}

# redis-server's and redis-benchmark's versions.
describe_redis() {
    echo "redis:     $(redis-server --version | awk '{ print $3 }' | sed 's/^v=//') (redis-server)," \
        "$(redis-benchmark --version 2>&1 | head -1)"
}

# MARK: - Processes
# Every server runs in its own session (setsid), so its pid is also its process group id: the group
# is what we sum CPU time over and what we kill. Nothing a run starts outlives the script.

STARTED_GROUPS=()  # pids (= process group ids) of the servers started, for cleanup
LOADGEN_PID=""     # the load generator currently running, for cleanup
SERVER_PID=""      # set by start_server: the newest server's pid
CLEANED_UP=0

cleanup() {
    [ "$CLEANED_UP" = 0 ] || return 0
    CLEANED_UP=1
    if [ -n "$LOADGEN_PID" ]; then kill -TERM "$LOADGEN_PID" 2>/dev/null || true; fi
    local pid
    for pid in "${STARTED_GROUPS[@]}"; do stop_server "$pid"; done
}

# Starts "$@" in a new session pinned to the CPU list $2, output to the log $1; sets SERVER_PID.
start_server() {
    local log=$1 cpus=$2
    shift 2
    # In a script, background jobs are not process group leaders, so setsid execs without forking
    # and $! is the server itself (setsid -> taskset -> server, all exec).
    setsid taskset -c "$cpus" "$@" >"$log" 2>&1 </dev/null &
    SERVER_PID=$!
    STARTED_GROUPS+=("$SERVER_PID")
}

# Stops the process group $1: SIGTERM, then SIGKILL after 5 s. A group is stopped once only, so
# that the exit trap cannot signal a later process that reused the id.
STOPPED_GROUPS=" "
stop_server() {
    local pgid=$1 i
    [[ "$STOPPED_GROUPS" != *" $pgid "* ]] || return 0
    STOPPED_GROUPS+="$pgid "
    kill -TERM -- "-$pgid" 2>/dev/null || kill -TERM "$pgid" 2>/dev/null || return 0
    for i in $(seq 1 50); do
        pgrep -g "$pgid" >/dev/null 2>&1 || break
        sleep 0.1
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    wait "$pgid" 2>/dev/null || true
}

is_alive() {
    local state
    state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# Waits until the server $1 accepts connections on port $2 (10 s), or dies with its log ($3).
wait_listening() {
    local pid=$1 port=$2 log=$3 i
    for i in $(seq 1 100); do
        is_alive "$pid" || die "server (pid $pid) exited before listening on $ADDRESS:$port; log $log:
$(tail -20 "$log")"
        if (exec 3<>"/dev/tcp/$ADDRESS/$port") 2>/dev/null; then
            local pgrp
            pgrp=$(awk '{ sub(/.*\) /, ""); print $3 }' "/proc/$pid/stat")
            [ "$pgrp" = "$pid" ] || die "server pid $pid is not its own process group ($pgrp)"
            return 0
        fi
        sleep 0.1
    done
    die "server (pid $pid) did not listen on $ADDRESS:$port within 10 s; log $log:
$(tail -20 "$log")"
}

# Sum of utime+stime (clock ticks) over every process of the group $1. /proc/PID/stat of a process
# already covers all its threads, live and exited.
group_cpu_ticks() {
    local pid line total=0 fields
    for pid in $(pgrep -g "$1"); do
        read -r line <"/proc/$pid/stat" 2>/dev/null || continue
        # The command name (field 2) may hold spaces: split after its closing parenthesis.
        read -r -a fields <<<"${line##*) }"
        # fields[0] is stat field 3, so utime (14) and stime (15) are fields[11] and fields[12].
        total=$((total + fields[11] + fields[12]))
    done
    echo "$total"
}

# A free port in 20000-59999 on the loopback address: nothing listens on it, and nothing we
# already picked in this run.
PICKED_PORTS=" "
free_port() {
    local port i
    for i in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        [[ "$PICKED_PORTS" != *" $port "* ]] || continue
        if [ -z "$(ss -Htan "sport = :$port" 2>/dev/null)" ] &&
            ! (exec 3<>"/dev/tcp/$ADDRESS/$port") 2>/dev/null; then
            PICKED_PORTS+="$port "
            echo "$port"
            return 0
        fi
    done
    die "no free port found"
}

# Runs a load generator in the background and waits for it, so that Ctrl-C reaches our trap at
# once rather than when the load generator ends. Output goes to the file $1.
run_load() {
    local out=$1
    shift
    "$@" >"$out" 2>&1 &
    LOADGEN_PID=$!
    local status=0
    wait "$LOADGEN_PID" || status=$?
    LOADGEN_PID=""
    return "$status"
}

# Traps that stop every server started on exit, error and Ctrl-C.
install_traps() {
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# MARK: - redis-server and RESP

# Starts redis-server with a config in the directory $1 on port $2, pinned to $3; any further
# arguments (`--appendonly yes`, ...) follow the config file on the command line and override it.
start_redis() {
    local dir=$1 port=$2 cpus=$3
    shift 3
    mkdir -p "$dir"
    cat >"$dir/redis.conf" <<EOF
# Generated by bench/lib.sh: no persistence, loopback only, foreground.
port $port
bind $ADDRESS
save ""
appendonly no
daemonize no
dir $dir
logfile $dir/redis.log
EOF
    start_server "$dir/server.log" "$cpus" redis-server "$dir/redis.conf" "$@"
}

# PING as RESP array and inline (redis-benchmark's PING_INLINE sends "PING\r\n"); ECHO as a warning.
check_resp() {
    local name=$1 port=$2 reply
    exec 3<>"/dev/tcp/$ADDRESS/$port" || die "$name: cannot connect to $ADDRESS:$port"
    printf '*1\r\n$4\r\nPING\r\n' >&3
    IFS= read -r -t 5 reply <&3 || die "$name: no reply to PING"
    [ "$reply" = $'+PONG\r' ] || die "$name: PING answered $(printf %q "$reply"), expected +PONG"
    printf 'PING\r\n' >&3
    IFS= read -r -t 5 reply <&3 || die "$name: no reply to inline PING"
    [ "$reply" = $'+PONG\r' ] || die "$name: inline PING answered $(printf %q "$reply"), expected +PONG"
    printf '*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n' >&3
    if IFS= read -r -t 5 reply <&3 && [ "$reply" = $'$5\r' ] && IFS= read -r -t 5 reply <&3 &&
        [ "$reply" = $'hello\r' ]; then
        note "$name: PING (array and inline) and ECHO ok"
    else
        warn "$name: ECHO hello did not answer \$5 hello"
    fi
    exec 3<&-
}

# MARK: - Background load
# Two cores leave no room for anyone else: a compile running beside the benchmark moves req/s by
# tens of percent. Before each scenario, while our servers idle, measure what the machine is doing.

MAX_BACKGROUND=0 # the highest background load seen, in percent of one core

# Busy clock ticks of the whole machine so far (everything but idle and iowait; steal counts, it is
# time the hypervisor gave to someone else).
machine_busy_ticks() {
    awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# Measures the machine's CPU use over one second; warns above BACKGROUND_MAX percent of one core.
# With WAIT_IDLE=N, first waits up to N seconds for the machine to become idle (a shared machine).
check_background_load() {
    local before after percent waited=0
    while :; do
        before=$(machine_busy_ticks)
        sleep 1
        after=$(machine_busy_ticks)
        percent=$(((after - before) * 100 / CLK_TCK))
        [ "$percent" -gt "$BACKGROUND_MAX" ] && [ "$waited" -lt "$WAIT_IDLE" ] || break
        [ "$waited" -gt 0 ] || note "waiting up to ${WAIT_IDLE} s for the machine to become idle (now ${percent}%)"
        waited=$((waited + 1))
    done
    [ "$percent" -le "$MAX_BACKGROUND" ] || MAX_BACKGROUND=$percent
    if [ "$percent" -gt "$BACKGROUND_MAX" ]; then
        warn "the machine is busy with something else: ${percent}% of one core over the last second" \
            "(busiest by lifetime %CPU: $(ps -eo pcpu=,comm= --sort=-pcpu | head -3 | awk '{ printf "%s %s%% ", $2, $1 }'))"
    fi
}
