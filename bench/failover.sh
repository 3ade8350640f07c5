#!/usr/bin/env bash
# bench/failover.sh: automatic failover of the data tier under purchases (issue 7): `kill -9` of the master
# store while purchases flow through the balancer; the time until purchases succeed again, and whether
# any purchase the API acknowledged is gone afterwards. Ours (`store` + `store --sentinel`) side by side
# with stock redis-server + redis-sentinel 7.0 (the Debian packages), configured alike, in one run.
#
# Each run builds a fresh deployment on its own loopback subnet (ours on SUBNET_OURS, the peer on
# SUBNET_PEER), every process started directly (not through `stack`, whose restart policy would bring the
# killed master straight back):
#   - 3 stores: .1 the master, .2 and .3 `--replicaof` it; every one with services/store/store.conf's
#     directives (appendonly yes, appendfsync always, min-replicas-to-write 1, min-replicas-max-lag 2, ...)
#     and a requirepass, from a copy of that file per instance (redis-sentinel makes the replicas it
#     re-points CONFIG REWRITE theirs). Ours: `store store.conf --bind --port --dir --requirepass
#     --metrics-port -1`; peer: `redis-server store.conf` with the same overrides plus masterauth and
#     replica-announce-ip (a redis replica otherwise reports the address it connects from, 127.0.0.1);
#   - 3 sentinels on .11-.13: master name evergreen, quorum 2, down-after-milliseconds 1000,
#     failover-timeout 10000, parallel-syncs 1, the store password as auth-pass. Ours: `store --sentinel
#     services/store/sentinel.conf` with SENTINEL_MASTER, STACK_ADDRESS/STACK_PORT, STACK_DATA_DIR (a fresh
#     directory per sentinel), STORE_PASSWORD; peer: `redis-sentinel` with a generated sentinel.conf (the
#     same settings plus `sentinel announce-ip`, for the same reason);
#   - 2 `api` on .21 and .22 (STORE_MASTER = .1, STORE_SENTINELS = the three, API_THREADS=1,
#     LOG_LEVEL=warn) and one `balancer --upstream api1 --upstream api2 --threads 1` on .30. The api and the
#     balancer are ours on both sides: the api speaks to redis-server unchanged.
# The script waits until the master has both replicas and every sentinel knows both replicas and the two
# other sentinels, then seeds one product (stock 10^9) with the admin token, registers a buyer and logs in.
#
# Then bench/failover-client.py (Python, stdlib) runs CLIENT_THREADS threads of POST /v1/purchases through
# the balancer (keep-alive, quantity 1, a unique Idempotency-Key each, 10 ms pause after a failure), and
# KILL_AFTER seconds in sends SIGKILL to the master store. Recovery = from the kill to the end of the first
# purchase that started after the kill and was answered 2xx. The loop goes on AFTER seconds after the kill
# (longer if it has not recovered yet: until it has, at most RECOVERY_TIMEOUT). Then every acknowledged
# order id is read back (GET /v1/purchases/{id} as the buyer; a 404 is retried for up to 10 s, a replica
# may lag), and the stock and the buyer's order listing are compared with what was acknowledged:
# missing = acknowledged ids not found; sold = initial stock - stock left, which must be at least the
# acknowledged count (above it by purchases committed whose answer was an error or never came).
# The sentinels' logs give the times of +sdown, +odown, +switch-master and +failover-end after the kill.
#
# The sides alternate (ours, peer, ours, peer...), RUNS runs each. Goals (ours): median recovery at most
# 1.5 s, worst at most 3 s, zero acknowledged purchases missing.
#
# Usage:
#   bench/failover.sh                  full run: 10 runs per side (about 8 minutes after the build)
#   QUICK=1 bench/failover.sh          smoke test: 3 runs per side
#   SIDES=ours bench/failover.sh       one side only
#
# Environment (default in brackets):
#   RUNS [10]               runs per side; QUICK=1 makes it 3
#   SIDES ["ours peer"]     the sides, in the order they alternate
#   KILL_AFTER [2]          seconds of purchases before the kill
#   AFTER [5]               seconds of purchases after the kill
#   RECOVERY_TIMEOUT [30]   longest wait for the first successful purchase after the kill
#   CLIENT_THREADS [4]      concurrent purchase loops (one keep-alive connection each)
#   SUBNET_OURS [127.0.72], SUBNET_PEER [127.0.73]   the sides' loopback /24s
#   CPUS [0-(nproc-1)]      the CPU list every process runs on (all share the machine)
#   SKIP_BUILD=1            use the existing release binaries
#   SKIP_INSTALL=1          do not apt-get install redis-server, redis-sentinel, redis-tools, curl
#   BACKGROUND_MAX [10], WAIT_IDLE [0]   see bench/lib.sh (checked before every run)
#   OUT                     where the Markdown goes [a new /tmp/evergreen-failover-DATE-XXXXXX.md]
#
# Only loopback is used; every run is bounded in time (the client's own deadlines and `timeout` around
# it, deadlines on every wait), and every process started is stopped after its run and on exit.
set -euo pipefail

readonly REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDRESS=127.0.0.1 # lib.sh's helpers read it; set to each server's address before using them
# shellcheck source=bench/lib.sh
source "$REPO_ROOT/bench/lib.sh"

# MARK: - Configuration

if [ "${QUICK:-0}" = 1 ]; then RUNS=${RUNS:-3}; fi
RUNS=${RUNS:-10}
SIDES=${SIDES:-ours peer}
KILL_AFTER=${KILL_AFTER:-2}
AFTER=${AFTER:-5}
RECOVERY_TIMEOUT=${RECOVERY_TIMEOUT:-30}
CLIENT_THREADS=${CLIENT_THREADS:-4}
SUBNET_OURS=${SUBNET_OURS:-127.0.72}
SUBNET_PEER=${SUBNET_PEER:-127.0.73}
CPUS=${CPUS:-0-$(($(nproc) - 1))}
readonly GOAL_MEDIAN=1.5 GOAL_WORST=3
readonly INITIAL_STOCK=1000000000
readonly PASSWORD_STORE=bench-store-password-0123456789
readonly ADMIN_TOKEN=bench-admin-token-0123456789
readonly SECRET=bench-secret-key-0123456789
readonly BUYER=buyer@example.com BUYER_PASSWORD=bench-password-1
readonly CLIENT="$REPO_ROOT/bench/failover-client.py"

subnet_of() { if [ "$1" = ours ]; then echo "$SUBNET_OURS"; else echo "$SUBNET_PEER"; fi; }

# MARK: - Tools, build, machine

BIN=""
ensure_tools() {
    require_command redis-server redis-server
    require_command redis-sentinel redis-sentinel
    require_command redis-cli redis-tools
    require_command curl curl
    require_command python3 python3
    require_command taskset util-linux
    install_missing_packages
}

build() {
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        step "building (swift build -c release)"
        (cd "$REPO_ROOT" && swift build -c release)
    fi
    BIN=$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)
    local exe
    for exe in store api balancer; do [ -x "$BIN/$exe" ] || die "no $exe binary in $BIN"; done
}

describe_machine() {
    describe_host
    echo "peer:      redis-server $(redis-server --version | awk '{ print $3 }' | sed 's/^v=//')," \
        "redis-sentinel $(redis-sentinel --version | awk '{ print $3 }' | sed 's/^v=//')" \
        "($(dpkg-query -W -f '${Version}' redis-sentinel 2>/dev/null || echo '?'))"
    echo "python:    $(python3 --version 2>&1)"
    describe_toolchain "$REPO_ROOT"
    echo "settings:  RUNS=$RUNS KILL_AFTER=${KILL_AFTER}s AFTER=${AFTER}s CLIENT_THREADS=$CLIENT_THREADS" \
        "RECOVERY_TIMEOUT=${RECOVERY_TIMEOUT}s CPUS=$CPUS"
    echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (load average at the start)"
}

# MARK: - Redis-protocol helpers (redis-cli speaks to ours and the peer alike)

rcli() { # address port [password] -- command...
    local host=$1 port=$2
    shift 2
    timeout 5 redis-cli --no-auth-warning -h "$host" -p "$port" "$@" 2>/dev/null
}

# Waits (deadline $4 s) until the master $1:$2 has 2 connected replicas and they report their link up.
wait_replication() {
    local host=$1 port=$2 replicas=$3 deadline=$((SECONDS + $4)) info ok r
    while [ "$SECONDS" -lt "$deadline" ]; do
        info=$(rcli "$host" "$port" -a "$PASSWORD_STORE" INFO replication | tr -d '\r' || true)
        if grep -q '^connected_slaves:2$' <<<"$info"; then
            ok=1
            for r in $replicas; do
                rcli "${r%:*}" "${r#*:}" -a "$PASSWORD_STORE" INFO replication | tr -d '\r' |
                    grep -q '^master_link_status:up$' || ok=0
            done
            [ "$ok" = 0 ] || return 0
        fi
        sleep 0.2
    done
    return 1
}

# A field of `SENTINEL MASTER evergreen` from the sentinel $1:$2.
sentinel_field() {
    rcli "$1" "$2" SENTINEL MASTER evergreen | tr -d '\r' | awk -v f="$3" 'NR % 2 == 1 && $0 == f { getline; print; exit }'
}

# Waits (deadline $2 s) until every sentinel in $1 ("host:port ...") knows 2 replicas and 2 other sentinels.
wait_sentinels() {
    local sentinels=$1 deadline=$((SECONDS + $2)) ok s
    while [ "$SECONDS" -lt "$deadline" ]; do
        ok=1
        for s in $sentinels; do
            [ "$(sentinel_field "${s%:*}" "${s#*:}" num-slaves)" = 2 ] &&
                [ "$(sentinel_field "${s%:*}" "${s#*:}" num-other-sentinels)" = 2 ] || {
                ok=0
                break
            }
        done
        [ "$ok" = 0 ] || return 0
        sleep 0.2
    done
    return 1
}

# MARK: - One deployment

RUN_PIDS=()      # this run's servers, in start order
declare -A ADDR=() PORT=()

start_one() { # name address log command...
    local name=$1 address=$2 log=$3
    shift 3
    start_server "$log" "$CPUS" "$@"
    RUN_PIDS+=("$SERVER_PID")
    ADDRESS=$address
    wait_listening "$SERVER_PID" "${PORT[$name]}" "$log"
}

# Stops this run's servers, the front first (balancer, apis, sentinels, stores).
stop_run() {
    local i pid
    for ((i = ${#RUN_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${RUN_PIDS[$i]}
        stop_server "$pid"
    done
    RUN_PIDS=()
}

start_deployment() { # side dir
    local side=$1 dir=$2 net i name
    net=$(subnet_of "$side")
    for i in 1 2 3; do ADDR[store$i]=$net.$i ADDR[sentinel$i]=$net.$((10 + i)); done
    ADDR[api1]=$net.21 ADDR[api2]=$net.22 ADDR[balancer]=$net.30
    for name in store1 store2 store3 sentinel1 sentinel2 sentinel3 api1 api2 balancer; do
        ADDRESS=${ADDR[$name]}
        PORT[$name]=$(free_port)
    done
    local master="${ADDR[store1]}:${PORT[store1]}"

    # Stores: the master first, then its two replicas.
    for i in 1 2 3; do
        name=store$i
        mkdir -p "$dir/$name/data"
        local replicaof=()
        # A copy: redis-sentinel makes the replicas it re-points CONFIG REWRITE their config file.
        cp "$REPO_ROOT/services/store/store.conf" "$dir/$name/store.conf"
        [ "$i" = 1 ] || replicaof=(--replicaof "${ADDR[store1]}" "${PORT[store1]}")
        if [ "$side" = ours ]; then
            start_one "$name" "${ADDR[$name]}" "$dir/$name/server.log" "$BIN/store" \
                "$dir/$name/store.conf" --bind "${ADDR[$name]}" --port "${PORT[$name]}" \
                --dir "$dir/$name/data" --requirepass "$PASSWORD_STORE" --metrics-port -1 "${replicaof[@]}"
        else
            start_one "$name" "${ADDR[$name]}" "$dir/$name/server.log" redis-server \
                "$dir/$name/store.conf" --bind "${ADDR[$name]}" --port "${PORT[$name]}" \
                --dir "$dir/$name/data" --requirepass "$PASSWORD_STORE" --masterauth "$PASSWORD_STORE" \
                --replica-announce-ip "${ADDR[$name]}" "${replicaof[@]}"
        fi
    done
    wait_replication "${ADDR[store1]}" "${PORT[store1]}" \
        "${ADDR[store2]}:${PORT[store2]} ${ADDR[store3]}:${PORT[store3]}" 20 ||
        die "$side: the replicas did not sync with the master within 20 s; logs in $dir/store*"

    # Sentinels.
    local sentinels=""
    for i in 1 2 3; do
        name=sentinel$i
        mkdir -p "$dir/$name"
        if [ "$side" = ours ]; then
            cp "$REPO_ROOT/services/store/sentinel.conf" "$dir/$name/sentinel.conf"
            start_one "$name" "${ADDR[$name]}" "$dir/$name/server.log" env SENTINEL_MASTER="$master" \
                STACK_ADDRESS="${ADDR[$name]}" STACK_PORT="${PORT[$name]}" STACK_DATA_DIR="$dir/$name/data" \
                STORE_PASSWORD="$PASSWORD_STORE" "$BIN/store" --sentinel "$dir/$name/sentinel.conf"
        else
            cat >"$dir/$name/sentinel.conf" <<EOF
# Generated by bench/failover.sh: services/store/sentinel.conf's settings for redis-sentinel 7.0.
port ${PORT[$name]}
bind ${ADDR[$name]}
daemonize no
dir $dir/$name
sentinel announce-ip ${ADDR[$name]}
sentinel monitor evergreen ${ADDR[store1]} ${PORT[store1]} 2
sentinel auth-pass evergreen $PASSWORD_STORE
sentinel down-after-milliseconds evergreen 1000
sentinel failover-timeout evergreen 10000
sentinel parallel-syncs evergreen 1
EOF
            start_one "$name" "${ADDR[$name]}" "$dir/$name/server.log" redis-sentinel "$dir/$name/sentinel.conf"
        fi
        sentinels+="${sentinels:+ }${ADDR[$name]}:${PORT[$name]}"
    done
    wait_sentinels "$sentinels" 30 ||
        die "$side: the sentinels did not discover the replicas and each other within 30 s; logs in $dir/sentinel*"

    # Two apis and the balancer.
    for i in 1 2; do
        name=api$i
        mkdir -p "$dir/$name"
        start_one "$name" "${ADDR[$name]}" "$dir/$name/server.log" env STACK_ADDRESS="${ADDR[$name]}" \
            STACK_PORT="${PORT[$name]}" STORE_MASTER="$master" STORE_SENTINELS="${sentinels// /,}" \
            STORE_PASSWORD="$PASSWORD_STORE" API_ADMIN_TOKEN="$ADMIN_TOKEN" SECRET_KEY="$SECRET" API_THREADS=1 \
            LOG_LEVEL=warn "$BIN/api"
    done
    mkdir -p "$dir/balancer"
    start_one balancer "${ADDR[balancer]}" "$dir/balancer/server.log" env LOG_LEVEL=warn "$BIN/balancer" \
        --bind "${ADDR[balancer]}" --port "${PORT[balancer]}" --upstream "${ADDR[api1]}:${PORT[api1]}" \
        --upstream "${ADDR[api2]}:${PORT[api2]}" --threads 1
}

# Waits (deadline $2 s) until both apis answer GET /health through the balancer $1.
wait_both_apis() {
    local url=$1 deadline=$((SECONDS + $2)) seen=" " who
    while [ "$SECONDS" -lt "$deadline" ]; do
        who=$(curl -sS -m 2 -o /dev/null -D - "$url/health" 2>/dev/null | tr -d '\r' |
            awk -F': ' 'tolower($1) == "x-served-by" { print $2 }') || true
        [ -z "$who" ] || [[ "$seen" == *" $who "* ]] || seen+="$who "
        [ "$(wc -w <<<"$seen")" -lt 2 ] || return 0
        sleep 0.1
    done
    return 1
}

TOKEN=""
seed() { # url
    local url=$1 code body
    code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOKEN" \
        -H 'Content-Type: application/json' \
        -d "{\"id\":1,\"name\":\"Failover widget\",\"category\":\"bench\",\"company\":\"Acme\",\"is_sold\":false,\"date_manufactured\":\"2024-02-29\",\"cost\":\"12.5\",\"price\":100,\"stock\":$INITIAL_STOCK}" \
        "$url/v1/products") || die "seeding the product failed"
    [ "$code" = 201 ] || die "POST /v1/products answered $code"
    code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        -d "{\"email\":\"$BUYER\",\"password\":\"$BUYER_PASSWORD\",\"first_name\":\"Buyer\",\"last_name\":\"One\"}" \
        "$url/v1/users") || die "registering the buyer failed"
    [ "$code" = 201 ] || die "POST /v1/users answered $code"
    body=$(curl -sS -m 10 -f -H 'Content-Type: application/json' \
        -d "{\"email\":\"$BUYER\",\"password\":\"$BUYER_PASSWORD\"}" "$url/v1/sessions") || die "log-in failed"
    TOKEN=$(grep -o '"token":"[0-9a-f]*"' <<<"$body" | cut -d'"' -f4)
    [ -n "$TOKEN" ] || die "log-in answered $body"
}

# MARK: - One run
# Each run appends one line to $RESULTS:
#   side rep recovery(s|none) acked missing sold listed acked_not_listed errors_outage errors_after_recovery
#   unreplicated background(%) sdown odown switch failover_end missing_unreplicated

RESULTS=""

# The machine's CPU use over one second, in % of one core, while nothing of ours runs (updates
# MAX_BACKGROUND; warns above BACKGROUND_MAX, like lib.sh's check_background_load).
background_percent() {
    local before after percent
    before=$(machine_busy_ticks)
    sleep 1
    after=$(machine_busy_ticks)
    percent=$(((after - before) * 100 / CLK_TCK))
    [ "$percent" -le "$MAX_BACKGROUND" ] || MAX_BACKGROUND=$percent
    if [ "$percent" -gt "$BACKGROUND_MAX" ]; then
        warn "the machine is busy with something else: ${percent}% of one core over the last second" \
            "(busiest now: $(ps -eo pcpu=,comm= --sort=-pcpu | head -3 | awk '{ printf "%s %s%% ", $2, $1 }'))"
    fi
    echo "$percent"
}

failover_run() { # side rep
    local side=$1 rep=$2 dir url background
    dir="$RUN_DIR/$side-$rep"
    mkdir -p "$dir"
    background=$(background_percent)
    [ "$background" -le "$MAX_BACKGROUND" ] || MAX_BACKGROUND=$background
    start_deployment "$side" "$dir"
    url="http://${ADDR[balancer]}:${PORT[balancer]}"
    wait_both_apis "$url" 20 || die "$side: the balancer does not reach both apis within 20 s; logs in $dir"
    seed "$url"

    local master_pid=${RUN_PIDS[0]} client_status=0
    # The client kills the master (disowned: bash then does not report "Killed" when it reaps it).
    disown "$master_pid" 2>/dev/null || true
    run_load "$dir/client.out" timeout $((KILL_AFTER + AFTER + RECOVERY_TIMEOUT + 120)) python3 "$CLIENT" run \
        --url "$url" --token "$TOKEN" --email "$BUYER" --kill-pid "$master_pid" --initial-stock "$INITIAL_STOCK" \
        --threads "$CLIENT_THREADS" --kill-after "$KILL_AFTER" --after "$AFTER" --timeout "$RECOVERY_TIMEOUT" ||
        client_status=$?
    # Gone now (or the client failed first: then stopped here); either way never signalled again.
    stop_server "$master_pid"
    local summary
    summary=$(grep '^{' "$dir/client.out" | tail -1)
    [ "$client_status" = 0 ] && [ -n "$summary" ] || {
        stop_run
        die "$side #$rep: the client failed (status $client_status): $(tail -5 "$dir/client.out")"
    }
    echo "$summary" >"$dir/summary.json"
    local kill_ts events
    kill_ts=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["kill_ts"])' <<<"$summary")
    local format=ours
    [ "$side" = ours ] || format=redis
    events=$(python3 "$CLIENT" events --kill-ts "$kill_ts" --format "$format" "$dir"/sentinel*/server.log)
    echo "$events" >"$dir/events.json"
    stop_run

    python3 - "$side" "$rep" "$background" "$summary" "$events" >>"$RESULTS" <<'EOF'
import json, sys
side, rep, background = sys.argv[1:4]
s, e = json.loads(sys.argv[4]), json.loads(sys.argv[5])
def t(v): return "-" if v is None else "%.3f" % v
print("\t".join(str(x) for x in [side, rep, "none" if s["recovery_s"] is None else "%.3f" % s["recovery_s"],
    s["acked"], s["missing"], s["sold"], s["listed"], s["acked_not_listed"], s["errors_in_outage"],
    s["errors_after_recovery"], s["acked_unreplicated"], background, t(e.get("+sdown")), t(e.get("+odown")),
    t(e.get("+switch-master")), t(e.get("+failover-end")), s["missing_unreplicated"]]))
EOF
    tail -1 "$RESULTS" | awk -F'\t' '{
        printf "    %-4s #%-2s  recovery %6s s  acked %5d  missing %d  sold-acked %d  errors %4d (+%d after)  unreplicated %d  +odown %s +switch-master %s s  (background %s%%)\n",
            $1, $2, $3, $4, $5, $6 - $4, $9, $10, $11, $14, $15, $12 }'
}

# MARK: - Report

# Recovery times of side $1, a run that never recovered counting as RECOVERY_TIMEOUT.
recoveries() {
    awk -F'\t' -v s="$1" -v t="$RECOVERY_TIMEOUT" '$1 == s { print ($3 == "none" ? t : $3) }' "$RESULTS"
}
sum_col() { awk -F'\t' -v s="$1" -v c="$2" '$1 == s { n += $c } END { print n + 0 }' "$RESULTS"; }
median_col() { awk -F'\t' -v s="$1" -v c="$2" '$1 == s && $c != "-" { print $c }' "$RESULTS" | median; }

summary_table() {
    local side runs med worst none acked missing sold errors after unrep verdict odown switch label
    echo "| Side | runs | recovery median s | recovery worst s | not recovered | acknowledged | missing | sold - acknowledged | errors in outage (median per run) | errors after recovery | +odown median s | +switch-master median s | goal |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    for side in $SIDES; do
        runs=$(awk -F'\t' -v s="$side" '$1 == s { n++ } END { print n + 0 }' "$RESULTS")
        [ "$runs" -gt 0 ] || continue
        med=$(recoveries "$side" | median)
        worst=$(recoveries "$side" | sort -g | tail -1)
        none=$(awk -F'\t' -v s="$side" '$1 == s && $3 == "none" { n++ } END { print n + 0 }' "$RESULTS")
        acked=$(sum_col "$side" 4) missing=$(sum_col "$side" 5) sold=$(sum_col "$side" 6)
        errors=$(sum_col "$side" 9) after=$(sum_col "$side" 10)
        odown=$(median_col "$side" 14) switch=$(median_col "$side" 15)
        verdict=$(awk -v m="$med" -v w="$worst" -v x="$missing" -v n="$none" -v gm="$GOAL_MEDIAN" -v gw="$GOAL_WORST" 'BEGIN {
            r = ""
            if (m > gm) r = r " median"
            if (w > gw || n > 0) r = r " worst"
            if (x > 0) r = r " lost"
            print (r == "" ? "ok" : "MISS:" r) }')
        [ "$side" = ours ] || verdict="($verdict)"
        label=$side
        [ "$side" = ours ] && label="ours (store + store --sentinel)" ||
            label="peer (redis-server + redis-sentinel $(redis-server --version | awk '{ print $3 }' | sed 's/^v=//'))"
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s |\n' "$label" "$runs" \
            "$(fmt "$med" %.2f)" "$(fmt "$worst" %.2f)" "$none" "$acked" "$missing" "$((sold - acked))" "$errors" \
            "$(median_col "$side" 9)" "$after" "$(fmt "$odown" %.2f)" "$(fmt "$switch" %.2f)" "$verdict"
    done
}

runs_table() {
    echo "| Run | side | recovery s | acknowledged | missing | sold - acknowledged | errors in outage | acknowledged without replica ack | +sdown s | +odown s | +switch-master s | +failover-end s | background % |"
    echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F'\t' '{ printf "| %d | %s | %s | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s |\n",
        NR, $1, $3, $4, $5, $6 - $4, $9, $11, $13, $14, $15, $16, $12 }' "$RESULTS"
}

report() {
    local md="$OUT"
    {
        echo "Goal (ours, issue 7): median recovery <= ${GOAL_MEDIAN} s, worst <= ${GOAL_WORST} s, 0 acknowledged" \
            "purchases missing. The peer's verdict is in parentheses."
        echo
        summary_table
        echo
        echo "Per run, in the order they ran (times after the kill; sentinel events: the first in any of the three logs):"
        echo
        runs_table
        echo
        echo "$RUNS run(s) per side alternating $(echo "$SIDES" | sed 's/ / → /g'), $(date -u +%Y-%m-%d), release build." \
            "Purchases: $CLIENT_THREADS client threads (keep-alive, quantity 1, unique Idempotency-Key) through the balancer;" \
            "SIGKILL to the master store after ${KILL_AFTER} s; ${AFTER} s more of purchases."
        echo "Recovery: from the kill to the answer of the first 2xx purchase that started after it. Missing:" \
            "acknowledged order ids that GET /v1/purchases/{id} does not find. Sold - acknowledged: units gone from" \
            "the stock beyond the acknowledged purchases (committed, but answered with an error or cut off; never negative" \
            "unless a sale was lost)."
        echo "Background load (machine CPU use before each run, % of one core): at most ${MAX_BACKGROUND}%" \
            "$([ "$MAX_BACKGROUND" -le "$BACKGROUND_MAX" ] && echo "(idle enough)" || echo "(NOT idle: times stretched)")."
        echo
        echo '```'
        describe_machine
        echo '```'
    } >"$md"
    step "Markdown"
    cat "$md"
    echo
    note "raw outputs (logs, client summaries, sentinel events): $RUN_DIR"
    note "Markdown: $md"
}

# MARK: - Main

main() {
    local side
    for side in $SIDES; do
        case $side in ours | peer) ;; *) die "SIDES may hold ours and peer only" ;; esac
    done
    [[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] || die "RUNS must be a positive number, got '$RUNS'"
    install_traps
    ensure_tools
    build
    RUN_DIR=$(mktemp -d /tmp/evergreen-failover-bench.XXXXXX)
    RESULTS="$RUN_DIR/results.tsv"
    : >"$RESULTS"
    OUT=${OUT:-$(mktemp --suffix=.md "/tmp/evergreen-failover-$(date +%Y%m%d-%H%M%S)-XXXXXX")}

    step "machine"
    describe_machine

    step "failover: $RUNS run(s) per side, alternating $SIDES"
    alternate "$RUNS" "$SIDES" failover_run

    report
}

main "$@"
