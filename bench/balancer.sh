#!/usr/bin/env bash
# bench/balancer.sh: our HTTP/1.1 load balancer (`balancer`) side by side with nginx (`upstream` with
# keepalive) and HAProxy (`http-reuse always`), in one run, in front of the same two backends.
#
# Setup (every address is 127.0.0.1):
#   - two backends: two nginx instances (one worker each) answering every path, /health included,
#     200 with the fixed 12-byte body {"ok":true}\n, plus a header X-Backend: b1 / b2 that tells which
#     one answered (used by the readiness check only);
#   - three proxies in front of both, one worker each (WORKERS): nginx (worker_processes, `upstream`
#     round robin with `keepalive 256`, HTTP/1.1 and `Connection ""` towards the backends), HAProxy
#     (nbthread, balance roundrobin, http-reuse always, active checks GET /health every 1 s, rise 2
#     fall 3, retries 2 with redispatch and retry-on all-retryable-errors) and ours (--threads; its
#     default active checks are GET /health every 1 s, rise 2, fall 3). Nothing is logged per request:
#     access_log off (nginx), no `log` (HAProxy), LOG_LEVEL=warn (ours);
#   - every proxy does the same job on every request, ours's defaults: the client's Host passed on,
#     X-Forwarded-For/-Proto/-Host added, an X-Request-ID generated, sent upstream and echoed in the
#     answer, and the answering upstream named in it (X-Served-By): nginx with proxy_set_header and
#     add_header, HAProxy with option forwardfor, unique-id-header and http-response set-header;
#   - wrk -t1 with 50 and 200 keep-alive connections.
#
# Pinning on 2 cores: the proxy under test owns core 0 (PROXY_CPUS); wrk and both backends share
# core 1 (LOAD_CPUS). The proxy is what we measure, so it gets a core to itself, and the same one
# for every side; the client and the backends are the same for every side, so sharing core 1 costs
# every side alike. When core 1 saturates before the proxy does, the req/s of the three sides
# converge (the bound is then the client and backends, not the proxy): the proxy's CPU per request
# still separates them, and the table shows how busy core 0 was (proxy CPU % of one core).
#
# For every scenario the sides run alternately, A B C A B C, REPEATS times each, and the report has
# the medians of requests/s, p99 latency (wrk --latency) and the proxy's CPU time per request
# (utime+stime of the proxy's process group from /proc, before and after the run, / requests).
# Goals for ours, against the better peer (the one with the higher median req/s; its p99 and CPU
# are the references too): req/s >= 1.0x, p99 <= 1.0x, and (reported) CPU us/req.
#
# Failover: for each side, REPEATS (FAILOVER_REPEATS) runs of wrk -c50 for DURATION; after a third
# of the run, backend b2 is killed with SIGKILL (its whole process group). wrk's summary gives the
# non-2xx answers ("Non-2xx or 3xx responses", which counts statuses >= 400) and the socket errors
# (connect/read/write/timeout: a client connection closed or stalled without an answer). Goal for
# ours: zero of both. b2 is restarted on the same port after each run, and every failover run first
# waits until both backends answer through the side under test.
#
# Usage:
#   bench/balancer.sh                     full run (about 6 minutes on 2 cores)
#   QUICK=1 bench/balancer.sh             smoke test: 3 s runs, 2 repeats
#   SKIP_BUILD=1 bench/balancer.sh        use the existing .build/release/balancer
#
# Environment (default in brackets):
#   DURATION [10]           seconds per wrk run; QUICK=1 makes it 3
#   REPEATS [3]             measured runs per side and scenario; QUICK=1 makes it 2
#   FAILOVER_REPEATS [REPEATS]  failover runs per side (0: no failover scenario)
#   WARMUP [2]              seconds of unmeasured wrk load per proxy before the first scenario
#   CONNECTIONS ["50 200"]  wrk keep-alive connections, one scenario each
#   FAILOVER_CONNECTIONS [50]  wrk connections during the failover runs
#   WRK_THREADS [1]         wrk -t
#   WORKERS [1]             nginx worker_processes = HAProxy nbthread = balancer --threads
#   PROXY_CPUS [0]          the proxies' CPU list (taskset -c)
#   LOAD_CPUS [1]           wrk's and the backends' CPU list
#   KEEPALIVE [256]         nginx `keepalive` (idle upstream connections kept per worker): at least
#                           the largest CONNECTIONS, or nginx closes and reopens upstream connections
#   SIDES ["nginx haproxy ours"]  the sides to run (the report needs ours and at least one peer)
#   OURS_CMD                the command that starts ours, with {address} {port} {threads} {upstreams}
#                           ("--upstream A --upstream B") replaced
#                           [env LOG_LEVEL=warn .build/release/balancer --bind {address} --port {port}
#                            --threads {threads} {upstreams}]
#   SKIP_INSTALL=1          do not apt-get install nginx, haproxy, wrk
#   SKIP_BUILD=1            do not build; use the existing .build/release/balancer
#   BACKGROUND_MAX [10]     warn when, before a scenario, the machine is busier than this (% of one core)
#   WAIT_IDLE [0]           before each scenario, wait up to this many seconds for the machine to be idle
#   OUT                     where the Markdown goes [a new /tmp/evergreen-balancer-DATE-XXXXXX.md]
#
# Only loopback is used. Every load run is bounded in time (wrk -d, and `timeout` around wrk), and
# every server started here is stopped on exit (bench/lib.sh's traps).
set -euo pipefail

readonly REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ADDRESS=127.0.0.1
# shellcheck source=bench/lib.sh
source "$REPO_ROOT/bench/lib.sh"
# The body every side must answer with: exactly these 12 bytes.
readonly HTTP_BODY='{"ok":true}'$'\n'

# MARK: - Configuration

if [ "${QUICK:-0}" = 1 ]; then
    DURATION=${DURATION:-3}
    REPEATS=${REPEATS:-2}
    WARMUP=${WARMUP:-1}
fi
DURATION=${DURATION:-10}
DURATION=${DURATION%s}
REPEATS=${REPEATS:-3}
FAILOVER_REPEATS=${FAILOVER_REPEATS:-$REPEATS}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-50 200}
FAILOVER_CONNECTIONS=${FAILOVER_CONNECTIONS:-50}
WRK_THREADS=${WRK_THREADS:-1}
WORKERS=${WORKERS:-1}
PROXY_CPUS=${PROXY_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
KEEPALIVE=${KEEPALIVE:-256}
SIDES=${SIDES:-nginx haproxy ours}
OURS_CMD=${OURS_CMD:-}
RECOVERY_TIMEOUT=${RECOVERY_TIMEOUT:-30}

has_side() { [[ " $SIDES " == *" $1 "* ]]; }
peers() {
    local side
    for side in $SIDES; do [ "$side" = ours ] || echo "$side"; done
}

# MARK: - Peers and our build

ensure_tools() {
    require_command nginx nginx
    require_command haproxy haproxy
    require_command wrk wrk
    require_command curl curl
    require_command taskset util-linux
    install_missing_packages
}

build_ours() {
    has_side ours || return 0
    [ -z "$OURS_CMD" ] || return 0
    local bin="$REPO_ROOT/.build/release/balancer"
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        step "building balancer (swift build -c release --product balancer)"
        (cd "$REPO_ROOT" && swift build -c release --product balancer)
        bin="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/balancer"
    fi
    [ -x "$bin" ] || die "no balancer binary at $bin"
    OURS_CMD="env LOG_LEVEL=warn $(printf '%q' "$bin") --bind {address} --port {port} --threads {threads} {upstreams}"
}

describe_machine() {
    describe_host
    echo "nginx:     $(nginx -v 2>&1 | sed 's/^nginx version: //')"
    echo "haproxy:   $(haproxy -v 2>&1 | head -1 | sed 's/^HAProxy version //')"
    echo "wrk:       $( (wrk -v 2>&1 || true) | head -1 | awk '{ print $2 }')"
    describe_toolchain "$REPO_ROOT"
    echo "settings:  DURATION=${DURATION}s REPEATS=$REPEATS FAILOVER_REPEATS=$FAILOVER_REPEATS WARMUP=${WARMUP}s" \
        "WRK_THREADS=$WRK_THREADS WORKERS=$WORKERS KEEPALIVE=$KEEPALIVE"
    echo "pinning:   proxy under test on CPU $PROXY_CPUS; wrk and both backends (nginx, 1 worker each) on CPU $LOAD_CPUS"
    if has_side ours; then echo "ours:      ${OURS_CMD:-?}"; fi
    return 0
}

# MARK: - Servers

# nginx's config preamble: everything (pid, logs, temp paths) inside the directory $1.
nginx_preamble() {
    local dir=$1 workers=$2
    cat <<EOF
daemon off;
master_process on;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
    worker_connections 4096;
}
EOF
}

nginx_temp_paths() {
    local dir=$1
    cat <<EOF
    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
EOF
}

declare -A BACKEND_PORT=() BACKEND_PGID=()

# Starts backend b$1 (nginx, one worker) on its port, pinned to LOAD_CPUS, and waits for it.
start_backend() {
    local name=b$1 dir="$RUN_DIR/backend-b$1"
    mkdir -p "$dir/tmp"
    {
        echo "# Generated by bench/balancer.sh: backend $name, one fixed 12-byte JSON answer on every path."
        nginx_preamble "$dir" 1
        echo "http {"
        echo "    access_log off;"
        echo "    keepalive_requests 1000000;"
        echo "    keepalive_timeout 75s;"
        nginx_temp_paths "$dir"
        cat <<EOF
    server {
        listen $ADDRESS:${BACKEND_PORT[$1]};
        location / {
            default_type application/json;
            add_header X-Backend $name always;
            return 200 '{"ok":true}\n';
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    start_server "$dir/server.log" "$LOAD_CPUS" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
    BACKEND_PGID[$1]=$SERVER_PID
    wait_listening "$SERVER_PID" "${BACKEND_PORT[$1]}" "$dir/server.log"
}

# SIGKILL to every process of backend $1 at once (nothing gets to close its connections cleanly).
kill_backend() {
    local pgid=${BACKEND_PGID[$1]}
    kill -KILL -- "-$pgid" 2>/dev/null || true
    STOPPED_GROUPS+="$pgid " # bench/lib.sh: never signal this id again (it may be reused)
    wait "$pgid" 2>/dev/null || true
}

start_nginx_proxy() {
    local dir=$1 port=$2
    mkdir -p "$dir/tmp"
    {
        echo "# Generated by bench/balancer.sh: nginx as the load balancer in front of b1 and b2."
        nginx_preamble "$dir" "$WORKERS"
        echo "http {"
        echo "    access_log off;"
        echo "    keepalive_requests 1000000;"
        echo "    keepalive_timeout 75s;"
        nginx_temp_paths "$dir"
        cat <<EOF
    upstream backends {
        # Round robin; passive health (max_fails=1 fail_timeout=10s, the defaults); a failed request
        # goes to the next server (proxy_next_upstream error timeout, the default, for GET).
        server $ADDRESS:${BACKEND_PORT[1]};
        server $ADDRESS:${BACKEND_PORT[2]};
        # Idle upstream connections kept per worker: sized to the client concurrency, so that
        # nginx does not close and reopen upstream connections at 200 clients (64 would).
        keepalive $KEEPALIVE;
        keepalive_requests 1000000;
        keepalive_timeout 75s;
    }
    server {
        listen $ADDRESS:$port;
        location / {
            proxy_pass http://backends;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # The same job as ours: the client's Host, the forwarding headers, a request id both ways and
            # the answering upstream named in the answer.
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$host;
            proxy_set_header X-Request-ID \$request_id;
            add_header X-Request-ID \$request_id;
            add_header X-Served-By \$upstream_addr;
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    start_server "$dir/server.log" "$PROXY_CPUS" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
}

start_haproxy() {
    local dir=$1 port=$2
    mkdir -p "$dir"
    cat >"$dir/haproxy.cfg" <<EOF
# Generated by bench/balancer.sh: HAProxy as the load balancer in front of b1 and b2. No logging.
global
    nbthread $WORKERS
    maxconn 4096
    pidfile $dir/haproxy.pid

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 75s
    timeout http-request 10s
    retries 2
    option redispatch 1
    retry-on all-retryable-errors
    http-reuse always

frontend fe
    bind $ADDRESS:$port
    # The same job as ours: forwarding headers, a request id both ways, the answering server named.
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    unique-id-format %{+X}o%ci%cp%fp%Ts%rt%pid
    unique-id-header X-Request-ID
    http-response set-header X-Request-ID %[unique-id]
    default_backend backends

backend backends
    balance roundrobin
    http-response set-header X-Served-By %[srv_name]
    option httpchk GET /health
    server b1 $ADDRESS:${BACKEND_PORT[1]} check inter 1s rise 2 fall 3
    server b2 $ADDRESS:${BACKEND_PORT[2]} check inter 1s rise 2 fall 3
EOF
    haproxy -c -q -f "$dir/haproxy.cfg" >"$dir/check.log" 2>&1 || die "haproxy rejects $dir/haproxy.cfg: $(cat "$dir/check.log")"
    # -db: foreground, one process (no master-worker), output to server.log.
    start_server "$dir/server.log" "$PROXY_CPUS" haproxy -db -f "$dir/haproxy.cfg"
}

start_ours() {
    local dir=$1 port=$2 cmd
    mkdir -p "$dir"
    cmd=${OURS_CMD//\{address\}/$ADDRESS}
    cmd=${cmd//\{port\}/$port}
    cmd=${cmd//\{threads\}/$WORKERS}
    cmd=${cmd//\{upstreams\}/--upstream $ADDRESS:${BACKEND_PORT[1]} --upstream $ADDRESS:${BACKEND_PORT[2]}}
    start_server "$dir/server.log" "$PROXY_CPUS" bash -c "exec $cmd"
}

declare -A PORT=() PGID=()

start_proxy() {
    local side=$1 dir="$RUN_DIR/proxy-$1"
    PORT[$side]=$(free_port)
    case $side in
    nginx) start_nginx_proxy "$dir" "${PORT[$side]}" ;;
    haproxy) start_haproxy "$dir" "${PORT[$side]}" ;;
    ours) start_ours "$dir" "${PORT[$side]}" ;;
    *) die "unknown side $side" ;;
    esac
    PGID[$side]=$SERVER_PID
    wait_listening "$SERVER_PID" "${PORT[$side]}" "$dir/server.log"
}

# MARK: - Sanity checks

# Waits (RECOVERY_TIMEOUT) until requests through side $1 reach both backends with a 200: the proxy
# has found both healthy (our balancer and HAProxy check first, nginx retries a failed server after
# fail_timeout).
wait_both_backends() {
    local side=$1 deadline=$((SECONDS + RECOVERY_TIMEOUT)) seen i headers
    while :; do
        seen=" "
        for i in 1 2 3 4 5 6; do
            headers=$(curl -sS -m 2 -D - -o /dev/null "http://$ADDRESS:${PORT[$side]}/" 2>/dev/null || true)
            if [[ "$headers" == "HTTP/1.1 200"* ]]; then
                seen+="$(awk -F': *' 'tolower($1) == "x-backend" { sub(/\r$/, "", $2); print $2 }' <<<"$headers") "
            fi
        done
        [[ "$seen" == *" b1 "* && "$seen" == *" b2 "* ]] && return 0
        [ "$SECONDS" -lt "$deadline" ] || {
            warn "$side: requests did not reach both backends within ${RECOVERY_TIMEOUT} s (saw:$seen)"
            return 1
        }
        sleep 0.5
    done
}

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
# Each run appends one line to $RESULTS:
#   scenario  side  repeat  requests/s  p99(us)  requests  cpu(us/request)  cpu(% of a core)  non-2xx
#   connect  read  write  timeout

RESULTS=""
SCENARIOS=()        # throughput scenario keys, in the order they ran
declare -A LABEL=() # scenario key -> human label

wrk_us() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /m$/) print n * 60e6;
        else print n * 1e6 }'
}

wrk_command() { # port connections seconds
    echo "timeout $(($3 + 30)) taskset -c $LOAD_CPUS wrk -t$WRK_THREADS -c$2 -d${3}s --latency http://$ADDRESS:$1/"
}

# Parses the wrk output $1 of a run of side $3 in scenario $2, repeat $4, with $5 CPU ticks of the
# proxy over $6 seconds of wall time, and records it.
record() {
    local out=$1 key=$2 side=$3 rep=$4 ticks=$5 wall=$6
    local requests rps p99 non2xx errors cpu_us cpu_pct errs
    requests=$(awk '/ requests in / { print $1; exit }' "$out")
    rps=$(awk '/^Requests\/sec:/ { print $2; exit }' "$out")
    p99=$(awk '$1 == "99%" { print $2; exit }' "$out")
    [ -n "$requests" ] && [ -n "$rps" ] && [ -n "$p99" ] || die "cannot parse wrk output $out"
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF; exit }' "$out")
    # "Socket errors: connect 0, read 12, write 0, timeout 0" -> "0 12 0 0"
    errors=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4, $6, $8, $10; exit }' "$out")
    cpu_us=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.3f", (n > 0 ? t * 1e6 / hz / n : 0) }')
    cpu_pct=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? 100 * t / hz / w : 0) }')
    read -r -a errs <<<"${errors:-0 0 0 0}"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$side" "$rep" "$rps" "$(wrk_us "$p99")" \
        "$requests" "$cpu_us" "$cpu_pct" "${non2xx:-0}" "${errs[@]}" >>"$RESULTS"
    printf '    %-10s %-7s #%s  %9.0f req/s  p99 %7.3f ms  CPU %6.2f us/req (%3s%% of a core)  non-2xx %s  socket errors %s\n' \
        "$key" "$side" "$rep" "$rps" "$(awk -v u="$(wrk_us "$p99")" 'BEGIN { print u / 1000 }')" "$cpu_us" "$cpu_pct" \
        "${non2xx:-0}" "$(printf 'c%s r%s w%s t%s' "${errs[@]}")"
}

# Dies when the proxy of side $1 is gone (after run $2), with its exit status and its log's tail: the
# load generator's "connection refused" would hide the cause.
check_proxy_alive() {
    local side=$1 what=$2 pid=${PGID[$1]} status=0 how
    is_alive "$pid" && return 0
    wait "$pid" 2>/dev/null || status=$?
    how="exit status $status"
    if [ "$status" -gt 128 ]; then how+=" (signal $(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128))))"; fi
    STOPPED_GROUPS+="$pid "
    die "$side (pid $pid) died during $what: $how; log $RUN_DIR/proxy-$side/server.log:
$(tail -20 "$RUN_DIR/proxy-$side/server.log")"
}

# `alternate` callback: one measured throughput run of side $1, repeat $2, scenario $3 (connections $4).
throughput_run() {
    local side=$1 rep=$2 key=$3 conns=$4 out before after start
    out="$RUN_DIR/$key-$side-$rep.wrk.txt"
    check_proxy_alive "$side" "the runs before $key #$rep"
    before=$(group_cpu_ticks "${PGID[$side]}")
    start=$(date +%s.%N)
    # shellcheck disable=SC2046 # split on purpose (no value holds a space)
    run_load "$out" $(wrk_command "${PORT[$side]}" "$conns" "$DURATION") || {
        check_proxy_alive "$side" "$key #$rep"
        die "wrk failed ($out): $(tail -5 "$out")"
    }
    check_proxy_alive "$side" "$key #$rep"
    after=$(group_cpu_ticks "${PGID[$side]}")
    record "$out" "$key" "$side" "$rep" "$((after - before))" "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')"
}

# `alternate` callback: one failover run of side $1, repeat $2: wrk, b2 killed after a third of the
# run, then b2 restarted.
failover_run() {
    local side=$1 rep=$2 key=failover out before after start kill_after
    out="$RUN_DIR/$key-$side-$rep.wrk.txt"
    check_proxy_alive "$side" "the runs before $key #$rep"
    wait_both_backends "$side" || warn "$side: failover run $rep starts with one backend missing"
    kill_after=$(awk -v d="$DURATION" 'BEGIN { printf "%.1f", d / 3 }')
    before=$(group_cpu_ticks "${PGID[$side]}")
    start=$(date +%s.%N)
    # shellcheck disable=SC2046
    $(wrk_command "${PORT[$side]}" "$FAILOVER_CONNECTIONS" "$DURATION") >"$out" 2>&1 &
    LOADGEN_PID=$!
    sleep "$kill_after"
    kill_backend 2
    local status=0
    wait "$LOADGEN_PID" || status=$?
    LOADGEN_PID=""
    check_proxy_alive "$side" "$key #$rep"
    [ "$status" = 0 ] || die "wrk failed ($out): $(tail -5 "$out")"
    after=$(group_cpu_ticks "${PGID[$side]}")
    record "$out" "$key" "$side" "$rep" "$((after - before))" "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')"
    start_backend 2
}

# MARK: - Report

# Median of column $3 (4 req/s, 5 p99 us, 7 CPU us/req, 8 CPU %) for scenario $1, side $2.
median_of() {
    awk -F'\t' -v k="$1" -v s="$2" -v c="$3" '$1 == k && $2 == s { print $c }' "$RESULTS" | median
}

# Sum of column $3 for scenario $1, side $2.
sum_of() {
    awk -F'\t' -v k="$1" -v s="$2" -v c="$3" '$1 == k && $2 == s { n += $c } END { print n + 0 }' "$RESULTS"
}

ms() { if [ "$1" = nan ]; then echo "-"; else awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; fi; }

# The peer with the higher median req/s in scenario $1 ("" without peers).
best_peer() {
    local peer best="" best_rps=-1 rps
    for peer in $(peers); do
        rps=$(median_of "$1" "$peer" 4)
        [ "$rps" != nan ] || continue
        if awk -v a="$rps" -v b="$best_rps" 'BEGIN { exit !(a > b) }'; then best=$peer best_rps=$rps; fi
    done
    echo "$best"
}

throughput_table() {
    local key=$1 side best rps p99 cpu pct errors
    best=$(best_peer "$key")
    echo "### ${LABEL[$key]}"
    echo
    echo "| Side | req/s | p99 ms | proxy CPU us/req | proxy CPU % of a core | non-2xx + socket errors |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    for side in $SIDES; do
        rps=$(median_of "$key" "$side" 4) p99=$(median_of "$key" "$side" 5)
        cpu=$(median_of "$key" "$side" 7) pct=$(median_of "$key" "$side" 8)
        errors=$(awk -F'\t' -v k="$key" -v s="$side" '$1 == k && $2 == s { n += $9 + $10 + $11 + $12 + $13 } END { print n + 0 }' "$RESULTS")
        printf '| %s%s | %s | %s | %s | %s | %s |\n' "$side" "$([ "$side" != "$best" ] || echo ' (better peer)')" \
            "$(fmt "$rps" %.0f)" "$(ms "$p99")" "$(fmt "$cpu" %.2f)" "$(fmt "$pct" %.0f)" "$errors"
    done
    if has_side ours && [ -n "$best" ]; then
        local r_rps r_p99 r_cpu
        r_rps=$(ratio "$(median_of "$key" ours 4)" "$(median_of "$key" "$best" 4)")
        r_p99=$(ratio "$(median_of "$key" ours 5)" "$(median_of "$key" "$best" 5)")
        r_cpu=$(ratio "$(median_of "$key" ours 7)" "$(median_of "$key" "$best" 7)")
        printf '| **ours / %s** | %s (goal >= 1) | %s (goal <= 1) | %s | | |\n' "$best" \
            "$(judged "$r_rps" '>=')" "$(judged "$r_p99" '<=')" "$r_cpu"
    fi
    echo
}

failover_table() {
    local side runs requests non2xx c r w t verdict
    echo "### Failover: wrk -c$FAILOVER_CONNECTIONS for ${DURATION} s, backend b2 killed (SIGKILL) after a third of each run"
    echo
    echo "| Side | runs | requests | non-2xx | socket errors connect/read/write/timeout | req/s (median) | goal: 0 failures |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
    for side in $SIDES; do
        runs=$(awk -F'\t' -v s="$side" '$1 == "failover" && $2 == s { n++ } END { print n + 0 }' "$RESULTS")
        requests=$(sum_of failover "$side" 6) non2xx=$(sum_of failover "$side" 9)
        c=$(sum_of failover "$side" 10) r=$(sum_of failover "$side" 11)
        w=$(sum_of failover "$side" 12) t=$(sum_of failover "$side" 13)
        if [ $((non2xx + c + r + w + t)) = 0 ]; then verdict=ok; else verdict=MISS; fi
        [ "$side" = ours ] || verdict="($verdict)"
        printf '| %s | %s | %s | %s | %s/%s/%s/%s | %s | %s |\n' "$side" "$runs" "$requests" "$non2xx" "$c" "$r" "$w" "$t" \
            "$(fmt "$(median_of failover "$side" 4)" %.0f)" "$verdict"
    done
    echo
}

report() {
    local md="$OUT" key
    {
        echo "## Load balancer: ours vs nginx vs HAProxy"
        echo
        for key in "${SCENARIOS[@]}"; do throughput_table "$key"; done
        if [ "$FAILOVER_REPEATS" -gt 0 ]; then failover_table; fi
        echo "Medians of $REPEATS runs per side, alternating $(echo "$SIDES" | sed 's/ / → /g') each round," \
            "$(date -u +%Y-%m-%d), release build. wrk -t$WRK_THREADS -d${DURATION}s --latency, keep-alive."
        echo "Proxies: $WORKERS worker(s) on CPU $PROXY_CPUS; wrk and the two nginx backends (1 worker each," \
            "fixed 12-byte body) on CPU $LOAD_CPUS. No per-request logging on any side (ours: LOG_LEVEL=warn)."
        echo "Ratios: ours / the better peer, the one with the higher median req/s (its p99 and CPU are the" \
            "references too). CPU us/req: utime+stime of the proxy's processes over the run / requests."
        echo "Failover: non-2xx = wrk's \"Non-2xx or 3xx responses\" (statuses >= 400); socket errors = connections" \
            "that failed, closed or stalled (> 2 s) without an answer. The goal (zero of both) applies to ours;" \
            "the peers' verdicts are in parentheses."
        echo "Background load measured before each scenario: at most ${MAX_BACKGROUND}% of one core" \
            "$([ "$MAX_BACKGROUND" -le "$BACKGROUND_MAX" ] && echo "(idle enough)" || echo "(NOT idle: numbers unreliable)")."
        echo
        echo '```'
        describe_machine
        echo '```'
    } >"$md"
    step "Markdown"
    cat "$md"
    echo
    note "raw outputs: $RUN_DIR"
    note "Markdown: $md"
}

# MARK: - Main

main() {
    [[ "$DURATION" =~ ^[0-9]+$ ]] && [ "$DURATION" -ge 3 ] || die "DURATION must be whole seconds, at least 3, got '$DURATION'"
    local side
    for side in $SIDES; do
        case $side in nginx | haproxy | ours) ;; *) die "SIDES may hold nginx, haproxy and ours only" ;; esac
    done
    [ "$(nproc)" -ge 2 ] || warn "fewer than 2 cores: the pinning (proxy on CPU $PROXY_CPUS, load on CPU $LOAD_CPUS) cannot hold"

    install_traps
    ensure_tools
    build_ours
    RUN_DIR=$(mktemp -d /tmp/evergreen-balancer-bench.XXXXXX)
    RESULTS="$RUN_DIR/results.tsv"
    : >"$RESULTS"
    OUT=${OUT:-$(mktemp --suffix=.md "/tmp/evergreen-balancer-$(date +%Y%m%d-%H%M%S)-XXXXXX")}

    step "machine"
    describe_machine

    step "backends b1, b2 (nginx, 1 worker each) on CPU $LOAD_CPUS"
    BACKEND_PORT[1]=$(free_port)
    BACKEND_PORT[2]=$(free_port)
    start_backend 1
    start_backend 2
    check_http "b1 (port ${BACKEND_PORT[1]})" "${BACKEND_PORT[1]}"
    check_http "b2 (port ${BACKEND_PORT[2]})" "${BACKEND_PORT[2]}"

    step "proxies ($SIDES), $WORKERS worker(s) each, on CPU $PROXY_CPUS"
    for side in $SIDES; do
        start_proxy "$side"
        wait_both_backends "$side" || die "$side does not reach both backends; log $RUN_DIR/proxy-$side/server.log"
        check_http "$side (port ${PORT[$side]})" "${PORT[$side]}"
    done
    if [ "$WARMUP" -gt 0 ]; then
        step "warm-up (${WARMUP} s per side, unmeasured)"
        for side in $SIDES; do
            # shellcheck disable=SC2046
            run_load "$RUN_DIR/warmup-$side.txt" $(wrk_command "${PORT[$side]}" 50 "$WARMUP") || true
        done
    fi

    local conns key
    for conns in $CONNECTIONS; do
        key="c$conns"
        SCENARIOS+=("$key")
        LABEL[$key]="wrk -c$conns: requests through the proxy"
        step "${LABEL[$key]} ($REPEATS round(s) of $SIDES)"
        check_background_load
        alternate "$REPEATS" "$SIDES" throughput_run "$key" "$conns"
    done

    if [ "$FAILOVER_REPEATS" -gt 0 ]; then
        step "failover: wrk -c$FAILOVER_CONNECTIONS, b2 killed after $(awk -v d="$DURATION" 'BEGIN { printf "%.1f", d / 3 }') s" \
            "($FAILOVER_REPEATS round(s) of $SIDES)"
        check_background_load
        alternate "$FAILOVER_REPEATS" "$SIDES" failover_run
    fi

    report
}

main "$@"
