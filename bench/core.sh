#!/usr/bin/env bash
# bench/core.sh: our server core (`benchserver`) side by side with nginx and redis-server, in one run.
#
# For every scenario it runs the peer (A) and ours (B) alternately, A B A B, REPEATS times each, and
# reports the medians of:
#   - requests/s and p99 latency, as the load generator (wrk, redis-benchmark) reports them;
#   - server CPU time per request: utime+stime of every process of the server (its process group:
#     nginx master + workers, or one multi-threaded process), read from /proc/PID/stat before and
#     after the run, divided by the number of requests completed.
# Goals: ours req/s >= peer, p99 <= peer, CPU us/request <= peer.
#
# Usage:
#   bench/core.sh                         full run (about 10 minutes on 2 cores)
#   QUICK=1 bench/core.sh                 smoke test: 3 s runs, 2 repeats, fewer RESP requests
#   OURS_HTTP_CMD=peer OURS_RESP_CMD=peer QUICK=1 bench/core.sh
#                                         test the script itself: "ours" is a second nginx/redis
#
# Environment (default in brackets):
#   DURATION [10]          seconds per wrk run ("10" or "10s"); QUICK=1 makes it 3
#   REPEATS [3]            measured runs per side and scenario; QUICK=1 makes it 2
#   WARMUP [2]             seconds of unmeasured wrk load per server before its first HTTP scenario
#   WORKERS ["1 2"]        nginx worker_processes = benchserver --threads
#   CONNECTIONS ["50 200"] wrk keep-alive connections
#   WRK_THREADS [1]        wrk -t
#   PING_N [500000]        redis-benchmark -n without pipelining; QUICK=1 makes it 100000
#   PIPELINE [16]          redis-benchmark -P for the pipelined scenarios
#   PING_PIPELINED_N [2000000]  redis-benchmark -n with -P; QUICK=1 makes it 500000
#   RESP_CLIENTS [50]      redis-benchmark -c
#   RESP_THREADS [1]       benchserver resp --threads (redis-server runs its commands on one thread)
#   ONLY [both]            "http" or "resp" to run one half
#   SIDES ["peer ours"]    "peer" measures the peers alone (no build)
#   OURS_HTTP_CMD, OURS_RESP_CMD
#                          the command that starts our side, with {address} {port} {threads} replaced;
#                          "peer" starts a second nginx / redis-server instead (a stand-in for debugging)
#   SKIP_INSTALL=1         do not apt-get install missing peers
#   SKIP_BUILD=1           use the existing .build/release/benchserver
#   PERF=1                 after the measured runs of each scenario, one extra unmeasured run of ours
#                          under `perf record -g`; the top of `perf report` is written to the run dir
#   BACKGROUND_MAX [10]    warn when, before a scenario, the machine is busier than this (% of one core)
#   WAIT_IDLE [0]          before each scenario, wait up to this many seconds for the machine to be idle
#   OUT                    where the Markdown table goes [a new /tmp/evergreen-core-DATE-XXXXXX.md]
#
# Only loopback is used: every server binds 127.0.0.1 and every load generator connects there.
# Every load run is bounded in time (wrk -d, and `timeout` around both load generators).
set -euo pipefail

readonly REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ADDRESS=127.0.0.1
# shellcheck source=bench/lib.sh
source "$REPO_ROOT/bench/lib.sh"
# The body both HTTP servers must answer with: exactly these 12 bytes.
readonly HTTP_BODY='{"ok":true}'$'\n'

# MARK: - Configuration

if [ "${QUICK:-0}" = 1 ]; then
    DURATION=${DURATION:-3}
    REPEATS=${REPEATS:-2}
    WARMUP=${WARMUP:-1}
    PING_N=${PING_N:-100000}
    PING_PIPELINED_N=${PING_PIPELINED_N:-500000}
fi
DURATION=${DURATION:-10}
DURATION=${DURATION%s}
REPEATS=${REPEATS:-3}
WARMUP=${WARMUP:-2}
WORKERS=${WORKERS:-1 2}
CONNECTIONS=${CONNECTIONS:-50 200}
WRK_THREADS=${WRK_THREADS:-1}
PING_N=${PING_N:-500000}
PIPELINE=${PIPELINE:-16}
PING_PIPELINED_N=${PING_PIPELINED_N:-2000000}
RESP_CLIENTS=${RESP_CLIENTS:-50}
RESP_THREADS=${RESP_THREADS:-1}
ONLY=${ONLY:-}
SIDES=${SIDES:-peer ours}
OURS_HTTP_CMD=${OURS_HTTP_CMD:-}
OURS_RESP_CMD=${OURS_RESP_CMD:-}
PERF=${PERF:-0}
BACKGROUND_MAX=${BACKGROUND_MAX:-10}
WAIT_IDLE=${WAIT_IDLE:-0}

# MARK: - Scope

wants() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }
has_side() { [[ " $SIDES " == *" $1 "* ]]; }

# MARK: - Peers and our build

# Installs whatever peer is missing (bench/lib.sh waits for another apt's lock).
ensure_peers() {
    require_command nginx nginx
    require_command redis-server redis-server
    require_command redis-benchmark redis-tools
    require_command wrk wrk
    require_command taskset util-linux
    if [ "$PERF" = 1 ]; then require_command perf linux-perf; fi
    install_missing_packages
}

# Builds benchserver in release mode (with SwiftPM's progress) unless every "ours" side is overridden.
build_ours() {
    has_side ours || return 0
    local needs_binary=0
    if wants http && [ -z "$OURS_HTTP_CMD" ]; then needs_binary=1; fi
    if wants resp && [ -z "$OURS_RESP_CMD" ]; then needs_binary=1; fi
    [ "$needs_binary" = 1 ] || return 0
    local bin="$REPO_ROOT/.build/release/benchserver"
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        step "building benchserver (swift build -c release --product benchserver)"
        (cd "$REPO_ROOT" && swift build -c release --product benchserver)
        bin="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/benchserver"
    fi
    [ -x "$bin" ] || die "no benchserver binary at $bin"
    local quoted
    quoted=$(printf '%q' "$bin")
    [ -n "$OURS_HTTP_CMD" ] || OURS_HTTP_CMD="$quoted http --address {address} --port {port} --threads {threads}"
    [ -n "$OURS_RESP_CMD" ] || OURS_RESP_CMD="$quoted resp --address {address} --port {port} --threads {threads}"
}

# MARK: - Machine description

describe_machine() {
    describe_host
    echo "nginx:     $(nginx -v 2>&1 | sed 's/^nginx version: //')"
    describe_redis
    echo "wrk:       $( (wrk -v 2>&1 || true) | head -1 | awk '{ print $2 }')"
    describe_toolchain "$REPO_ROOT"
    echo "settings:  DURATION=${DURATION}s REPEATS=$REPEATS WARMUP=${WARMUP}s WRK_THREADS=$WRK_THREADS" \
        "PING_N=$PING_N PIPELINE=$PIPELINE PING_PIPELINED_N=$PING_PIPELINED_N RESP_CLIENTS=$RESP_CLIENTS"
    if has_side ours; then
        wants http && echo "ours/http: ${OURS_HTTP_CMD:-?}"
        wants resp && echo "ours/resp: ${OURS_RESP_CMD:-?}"
    fi
    return 0
}

# MARK: - Servers

# Writes an nginx config into the directory $1 (pid, logs and temp paths all inside it, nothing in
# /etc or /var) and starts nginx on port $2 with $3 workers pinned to $4.
start_nginx() {
    local dir=$1 port=$2 workers=$3 cpus=$4
    mkdir -p "$dir/tmp"
    cat >"$dir/nginx.conf" <<EOF
# Generated by bench/core.sh: one fixed 12-byte JSON answer, nothing logged per request.
daemon off;
master_process on;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
    worker_connections 4096;
}
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        # reuseport: one listening socket per worker, as benchserver has one per thread.
        listen $ADDRESS:$port reuseport;
        location / {
            default_type application/json;
            return 200 '{"ok":true}\n';
        }
    }
}
EOF
    # -e: the startup error log, which nginx opens before it reads the config, stays in $dir too.
    start_server "$dir/server.log" "$cpus" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
}

start_ours() {
    local template=$1 dir=$2 port=$3 threads=$4 cpus=$5 cmd
    mkdir -p "$dir"
    cmd=${template//\{address\}/$ADDRESS}
    cmd=${cmd//\{port\}/$port}
    cmd=${cmd//\{threads\}/$threads}
    start_server "$dir/server.log" "$cpus" bash -c "exec $cmd"
}

# MARK: - Sanity checks before measuring

# Two requests on one connection: both must be 200 with exactly the 12-byte JSON body, and the
# connection must stay open in between (wrk reconnecting would measure connects, not requests).
check_http() {
    local name=$1 port=$2 i line status ctype length body headers_bytes
    exec 3<>"/dev/tcp/$ADDRESS/$port" || die "$name: cannot connect to $ADDRESS:$port"
    for i in 1 2; do
        printf 'GET / HTTP/1.1\r\nHost: %s:%s\r\n\r\n' "$ADDRESS" "$port" >&3 ||
            die "$name: connection closed after response $((i - 1)) (no keep-alive?)"
        IFS= read -r -t 5 status <&3 || die "$name: no response to request $i on one connection (keep-alive?)"
        status=${status%$'\r'}
        ctype="" length="" headers_bytes=$((${#status} + 2))
        while IFS= read -r -t 5 line <&3; do
            headers_bytes=$((headers_bytes + ${#line} + 1))
            line=${line%$'\r'}
            [ -n "$line" ] || break
            case "${line,,}" in
            content-type:*) ctype=${line#*: } ;;
            content-length:*) length=${line#*: } ;;
            esac
        done
        [[ "$status" == "HTTP/1.1 200"* ]] || die "$name: status line '$status', expected HTTP/1.1 200"
        [ "$ctype" = application/json ] || die "$name: Content-Type '$ctype', expected application/json"
        [ "$length" = 12 ] || die "$name: Content-Length '$length', expected 12"
        IFS= read -r -N 12 -t 5 body <&3 || die "$name: short body"
        [ "$body" = "$HTTP_BODY" ] || die "$name: body $(printf %q "$body"), expected $(printf %q "$HTTP_BODY")"
    done
    exec 3<&-
    note "$name: 200 application/json, 12-byte body, keep-alive ok; response $((headers_bytes + 12)) bytes"
}

# MARK: - Measurements
# Each measured run appends one line to $RESULTS:
#   scenario  side  repeat  requests/s  p99(us)  requests  cpu(us/request)

RESULTS=""
SCENARIOS=()            # scenario keys in the order they ran
declare -A LABEL=()     # scenario key -> human label
declare -A PEER_NAME=() # scenario key -> nginx | redis

# Unit-suffixed wrk latency (850.00us, 1.23ms, 1.01s) -> microseconds.
wrk_us() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /m$/) print n * 60e6;
        else print n * 1e6 }'
}

record() { # scenario side rep rps p99us requests ticks
    local cpu_us
    cpu_us=$(awk -v t="$7" -v hz="$CLK_TCK" -v n="$6" 'BEGIN { printf "%.3f", (n > 0 ? t * 1e6 / hz / n : 0) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$cpu_us" >>"$RESULTS"
    printf '    %-24s %-5s #%s  %10.0f req/s  p99 %8.3f ms  CPU %7.2f us/req\n' \
        "$1" "$2" "$3" "$4" "$(awk -v u="$5" 'BEGIN { print u / 1000 }')" "$cpu_us"
}

# One wrk run against the server group $pgid on $port; records requests/s, p99 and CPU/request.
measure_http() {
    local key=$1 side=$2 rep=$3 port=$4 pgid=$5 conns=$6 load_cpus=$7 out before after
    out="$RUN_DIR/$key-$side-$rep.wrk.txt"
    before=$(group_cpu_ticks "$pgid")
    run_load "$out" timeout $((DURATION + 30)) taskset -c "$load_cpus" \
        wrk -t"$WRK_THREADS" -c"$conns" -d"${DURATION}s" --latency "http://$ADDRESS:$port/" ||
        die "wrk failed ($out): $(tail -5 "$out")"
    after=$(group_cpu_ticks "$pgid")
    local requests rps p99
    requests=$(awk '/ requests in / { print $1; exit }' "$out")
    rps=$(awk '/^Requests\/sec:/ { print $2; exit }' "$out")
    p99=$(awk '$1 == "99%" { print $2; exit }' "$out")
    [ -n "$requests" ] && [ -n "$rps" ] && [ -n "$p99" ] || die "cannot parse wrk output $out"
    if grep -qE 'Non-2xx|Socket errors' "$out"; then
        warn "$key $side #$rep: $(grep -E 'Non-2xx|Socket errors' "$out" | tr -s ' ' | paste -sd';')"
    fi
    record "$key" "$side" "$rep" "$rps" "$(wrk_us "$p99")" "$requests" "$((after - before))"
}

# One redis-benchmark run of a single test (PING_INLINE or PING_MBULK); records as measure_http.
measure_resp() {
    local key=$1 side=$2 rep=$3 port=$4 pgid=$5 test=$6 pipeline=$7 n=$8 out before after
    out="$RUN_DIR/$key-$side-$rep.redis-benchmark.txt"
    before=$(group_cpu_ticks "$pgid")
    # Not -q: the full output ends with a summary that has p99, which -q leaves out.
    run_load "$out" timeout 300 taskset -c 0 \
        redis-benchmark -h "$ADDRESS" -p "$port" -c "$RESP_CLIENTS" -n "$n" -P "$pipeline" -t "${test,,}" ||
        die "redis-benchmark failed ($out): $(tail -5 "$out" | tr '\r' '\n' | tail -5)"
    after=$(group_cpu_ticks "$pgid")
    local rps p99
    rps=$(tr '\r' '\n' <"$out" | awk '/throughput summary:/ { print $3; exit }')
    p99=$(tr '\r' '\n' <"$out" | awk '/avg +min +p50/ { getline; print $5; exit }')
    [ -n "$rps" ] && [ -n "$p99" ] || die "cannot parse redis-benchmark output $out"
    record "$key" "$side" "$rep" "$rps" "$(awk -v ms="$p99" 'BEGIN { print ms * 1000 }')" "$n" "$((after - before))"
}

# Profiles ours during one extra, unmeasured load run (PERF=1): `perf record` slows the server.
profile_ours() {
    local key=$1 pgid=$2 seconds=$3
    shift 3
    local pids data="$RUN_DIR/$key-ours.perf.data"
    pids=$(pgrep -g "$pgid" | paste -sd,)
    taskset -c 0 perf record -q -F 499 -g -o "$data" -p "$pids" -- sleep "$seconds" >/dev/null 2>&1 &
    local perf_pid=$!
    sleep 0.5
    run_load "$RUN_DIR/$key-ours.perf-load.txt" "$@" || true
    wait "$perf_pid" || true
    perf report -i "$data" --stdio --no-children -g none --percent-limit 0.5 2>/dev/null | grep -v "^$" | head -60 >"$RUN_DIR/$key-ours.perf.txt" || true
    note "profile: $RUN_DIR/$key-ours.perf.txt"
}

# MARK: - Suites

# `alternate` callbacks: one measured run of side $1, repeat $2. The servers' ports and process groups
# are the calling suite's `port` and `pgid` arrays, visible here through bash's dynamic scope.
http_run() { measure_http "$3" "$1" "$2" "${port[$1]}" "${pgid[$1]}" "$4" "$5"; }
resp_run() { measure_resp "$3" "$1" "$2" "${port[$1]}" "${pgid[$1]}" "$4" "$5" "$6"; }

# For every worker count: nginx and ours up side by side, then wrk at each connection count.
run_http_suite() {
    local workers server_cpus load_cpus
    for workers in $WORKERS; do
        # One worker: server alone on core 1, wrk alone on core 0. Two workers: the server gets
        # both cores and wrk shares them (there are only two), as in production.
        if [ "$workers" = 1 ]; then server_cpus=1 load_cpus=0; else server_cpus=0,1 load_cpus=0,1; fi
        step "HTTP, $workers worker(s): server on CPU $server_cpus, wrk on CPU $load_cpus"
        declare -A port=() pgid=()
        local side
        for side in $SIDES; do
            port[$side]=$(free_port)
            local dir="$RUN_DIR/http-w$workers-$side"
            if [ "$side" = peer ] || [ "$OURS_HTTP_CMD" = peer ]; then
                start_nginx "$dir" "${port[$side]}" "$workers" "$server_cpus"
            else
                start_ours "$OURS_HTTP_CMD" "$dir" "${port[$side]}" "$workers" "$server_cpus"
            fi
            pgid[$side]=$SERVER_PID
            wait_listening "$SERVER_PID" "${port[$side]}" "$dir/server.log"
            check_http "$side (port ${port[$side]})" "${port[$side]}"
            if [ "$WARMUP" -gt 0 ]; then
                run_load "$dir/warmup.txt" timeout $((WARMUP + 30)) taskset -c "$load_cpus" \
                    wrk -t"$WRK_THREADS" -c50 -d"${WARMUP}s" "http://$ADDRESS:${port[$side]}/" || true
            fi
        done
        local conns key
        for conns in $CONNECTIONS; do
            key="http-w$workers-c$conns"
            SCENARIOS+=("$key")
            LABEL[$key]="HTTP, $workers worker$([ "$workers" = 1 ] || echo s), $conns conns"
            PEER_NAME[$key]=nginx
            check_background_load
            alternate "$REPEATS" "$SIDES" http_run "$key" "$conns" "$load_cpus"
            if [ "$PERF" = 1 ] && has_side ours; then
                profile_ours "$key" "${pgid[ours]}" "$DURATION" timeout $((DURATION + 30)) taskset -c "$load_cpus" \
                    wrk -t"$WRK_THREADS" -c"$conns" -d"${DURATION}s" "http://$ADDRESS:${port[ours]}/"
            fi
        done
        for side in $SIDES; do stop_server "${pgid[$side]}"; done
    done
}

# redis-server and ours (one thread) on core 1, redis-benchmark on core 0.
run_resp_suite() {
    step "RESP: server on CPU 1, redis-benchmark on CPU 0, $RESP_CLIENTS clients"
    declare -A port=() pgid=()
    local side
    for side in $SIDES; do
        port[$side]=$(free_port)
        local dir="$RUN_DIR/resp-$side"
        if [ "$side" = peer ] || [ "$OURS_RESP_CMD" = peer ]; then
            start_redis "$dir" "${port[$side]}" 1
        else
            start_ours "$OURS_RESP_CMD" "$dir" "${port[$side]}" "$RESP_THREADS" 1
        fi
        pgid[$side]=$SERVER_PID
        wait_listening "$SERVER_PID" "${port[$side]}" "$dir/server.log"
        check_resp "$side (port ${port[$side]})" "${port[$side]}"
        run_load "$dir/warmup.txt" timeout 60 taskset -c 0 \
            redis-benchmark -h "$ADDRESS" -p "${port[$side]}" -c "$RESP_CLIENTS" -n 50000 -t ping -q || true
    done
    local pipeline test n key
    for pipeline in 1 "$PIPELINE"; do
        if [ "$pipeline" = 1 ]; then n=$PING_N; else n=$PING_PIPELINED_N; fi
        for test in PING_INLINE PING_MBULK; do
            key="resp-${test,,}-P$pipeline"
            SCENARIOS+=("$key")
            LABEL[$key]="RESP $test, -P $pipeline"
            PEER_NAME[$key]=redis
            check_background_load
            alternate "$REPEATS" "$SIDES" resp_run "$key" "$test" "$pipeline" "$n"
            if [ "$PERF" = 1 ] && has_side ours; then
                profile_ours "$key" "${pgid[ours]}" 5 timeout 60 taskset -c 0 redis-benchmark -h "$ADDRESS" \
                    -p "${port[ours]}" -c "$RESP_CLIENTS" -n "$n" -P "$pipeline" -t "${test,,}" -q
            fi
        done
    done
    for side in $SIDES; do stop_server "${pgid[$side]}"; done
}

# MARK: - Report

# Median of column $3 (4 = req/s, 5 = p99 us, 7 = CPU us/request) for scenario $1, side $2.
median_of() {
    awk -F'\t' -v k="$1" -v s="$2" -v c="$3" '$1 == k && $2 == s { print $c }' "$RESULTS" | median
}

report() {
    local ours_label=ours
    if [ "$OURS_HTTP_CMD" = peer ] || [ "$OURS_RESP_CMD" = peer ]; then
        ours_label="ours*"
    fi
    local md="$OUT"
    {
        echo "| Scenario | Peer req/s | Ours req/s | Ratio (goal >= 1) | Peer p99 ms | Ours p99 ms | Ratio (goal <= 1) | Peer CPU us/req | Ours CPU us/req | Ratio (goal <= 1) |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    } >"$md"

    step "results: medians of $REPEATS runs (ratio = ours / peer; goals: req/s >= 1, p99 <= 1, CPU <= 1)"
    printf '%-34s %11s %11s %6s %5s | %8s %8s %6s %5s | %7s %7s %6s %5s\n' \
        scenario "peer req/s" "$ours_label req/s" ratio "" "peer p99" "p99 ms" ratio "" "peer us" "CPU us" ratio ""
    local key peer_rps ours_rps peer_p99 ours_p99 peer_cpu ours_cpu r_rps r_p99 r_cpu label
    for key in "${SCENARIOS[@]}"; do
        label="${LABEL[$key]} (${PEER_NAME[$key]})"
        peer_rps=$(median_of "$key" peer 4) ours_rps=$(median_of "$key" ours 4)
        peer_p99=$(median_of "$key" peer 5) ours_p99=$(median_of "$key" ours 5)
        peer_cpu=$(median_of "$key" peer 7) ours_cpu=$(median_of "$key" ours 7)
        r_rps=$(ratio "$ours_rps" "$peer_rps")
        r_p99=$(ratio "$ours_p99" "$peer_p99")
        r_cpu=$(ratio "$ours_cpu" "$peer_cpu")
        # p99 is kept in microseconds and shown in milliseconds.
        [ "$peer_p99" = nan ] || peer_p99=$(awk -v u="$peer_p99" 'BEGIN { print u / 1000 }')
        [ "$ours_p99" = nan ] || ours_p99=$(awk -v u="$ours_p99" 'BEGIN { print u / 1000 }')
        printf '%-34s %11s %11s %6s %5s | %8s %8s %6s %5s | %7s %7s %6s %5s\n' "$label" \
            "$(fmt "$peer_rps" %.0f)" "$(fmt "$ours_rps" %.0f)" "$r_rps" "$(verdict "$r_rps" '>=')" \
            "$(fmt "$peer_p99" %.3f)" "$(fmt "$ours_p99" %.3f)" "$r_p99" "$(verdict "$r_p99" '<=')" \
            "$(fmt "$peer_cpu" %.2f)" "$(fmt "$ours_cpu" %.2f)" "$r_cpu" "$(verdict "$r_cpu" '<=')"
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
            "$(fmt "$peer_rps" %.0f)" "$(fmt "$ours_rps" %.0f)" "$(judged "$r_rps" '>=')" \
            "$(fmt "$peer_p99" %.3f)" "$(fmt "$ours_p99" %.3f)" "$(judged "$r_p99" '<=')" \
            "$(fmt "$peer_cpu" %.2f)" "$(fmt "$ours_cpu" %.2f)" "$(judged "$r_cpu" '<=')" >>"$md"
    done
    {
        echo
        echo "Medians of $REPEATS runs per side (alternating A B A B when both run), $(date -u +%Y-%m-%d), release build."
        echo "HTTP: wrk -t$WRK_THREADS -d${DURATION}s --latency; 1 worker: server on CPU 1, wrk on CPU 0;" \
            "2 workers: server and wrk share CPUs 0-1."
        echo "RESP: redis-benchmark -c $RESP_CLIENTS, -n $PING_N (-P 1) / $PING_PIPELINED_N (-P $PIPELINE);" \
            "server (one thread) on CPU 1, redis-benchmark on CPU 0."
        echo "CPU us/req: utime+stime of all the server's processes over the run / requests completed."
        echo "Background load measured before each scenario: at most ${MAX_BACKGROUND}% of one core" \
            "$([ "$MAX_BACKGROUND" -le "$BACKGROUND_MAX" ] && echo "(idle enough)" || echo "(NOT idle: numbers unreliable)")."
        if [ "$ours_label" = "ours*" ]; then
            echo "*Stand-in: the \"ours\" column is a second nginx/redis-server (OURS_*_CMD=peer), not benchserver."
        fi
        echo
        echo '```'
        describe_machine
        echo '```'
    } >>"$md"
    if [ "$ours_label" = "ours*" ]; then
        note "* stand-in: \"ours\" is a second nginx/redis-server (OURS_HTTP_CMD/OURS_RESP_CMD=peer)"
    fi

    step "Markdown (for docs/BENCHMARKS.md)"
    cat "$md"
    echo
    note "raw outputs: $RUN_DIR"
    note "Markdown table: $md"
}

# MARK: - Main

main() {
    [[ "$DURATION" =~ ^[0-9]+$ ]] || die "DURATION must be whole seconds, got '$DURATION'"
    [ -z "$ONLY" ] || [ "$ONLY" = http ] || [ "$ONLY" = resp ] || die "ONLY must be http or resp"
    local side
    for side in $SIDES; do [ "$side" = peer ] || [ "$side" = ours ] || die "SIDES may hold peer and ours only"; done
    [ "$(nproc)" -ge 2 ] || warn "fewer than 2 cores: the pinning (server on CPU 1, load on CPU 0) cannot hold"

    install_traps

    ensure_peers
    build_ours
    RUN_DIR=$(mktemp -d /tmp/evergreen-bench.XXXXXX)
    RESULTS="$RUN_DIR/results.tsv"
    : >"$RESULTS"
    OUT=${OUT:-$(mktemp --suffix=.md "/tmp/evergreen-core-$(date +%Y%m%d-%H%M%S)-XXXXXX")}

    step "machine"
    describe_machine

    if wants http; then run_http_suite; fi
    if wants resp; then run_resp_suite; fi
    report
}

main "$@"
