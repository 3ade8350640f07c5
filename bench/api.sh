#!/usr/bin/env bash
# bench/api.sh: the shop API (`api`, one loop, over one `store`) against the core's trivial HTTP endpoint
# (`benchserver http`), in one run.
#
# It builds release, starts a store (no persistence) and one api (API_THREADS=1) on their own loopback
# addresses, seeds products through the API with the admin token and users with sessions, checks every
# route on the wire, then runs wrk A B A B over four scenarios, REPEATS times each, and reports medians of
# requests/s, p50, p99, non-2xx share and the CPU time per request of the servers involved:
#   trivial    GET / on `benchserver http --threads 1`                        (the reference)
#   get        GET /v1/products/{id}, ids spread over every seeded product
#   list       GET /v1/products?limit=20
#   purchase   POST /v1/purchases, quantity 1 of one product per request, as logged-in users, spread
#              over the products (ample stock), so optimistic conflicts are rare
# Goals: get >= 60% of trivial's req/s; purchases >= 10,000/s.
#
# With STACK=1, three more scenarios run the same requests through the stack: `balancer` (one loop,
# least connections, static upstreams, active checks on /health) in front of two api instances
# (API_THREADS=1 each: the first api above and a second one) over the same store:
#   stack-get, stack-list, stack-purchase   wrk -> balancer -> api x2 -> store
#
# Pinning: wrk on CPU 0; benchserver and the api on CPU 1; the store on STORE_CPUS [1], sharing the
# api's core, so that the API's number includes the store work each request causes (with the store on
# CPU 0 it would steal wrk's core and the client would be the limit).
#
# Pinning through the stack (STACK_CPUS [1]): wrk keeps CPU 0 to itself; the balancer, both apis and
# the store share CPU 1. With 2 cores something must share: giving the balancer or an api CPU 0 would
# put it beside wrk, and a starved client (or a server stealing the client's core) measures the
# client. With the whole server side on CPU 1 it has the same one core as the direct scenarios, so
# the stack rows read against the direct rows as the cost of the extra hop (a proxy parse, a second
# connection, the forwarding headers) in CPU per request and latency. Two api instances on one core
# do not add capacity here: they show the balancer's spreading (the requests each api answered are
# reported), not parallelism, which needs a core per instance. The balancer logs no request lines
# (LOG_LEVEL=warn, as in bench/balancer.sh); the apis log theirs at info as in the direct runs.
#
# Usage:
#   bench/api.sh                 full run (about 3 minutes after the build)
#   QUICK=1 bench/api.sh         smoke test: 3 s runs, 1 repeat, fewer products and users
#   STACK=1 bench/api.sh         plus the three scenarios through the stack (about 2 minutes more)
#
# Environment (default in brackets):
#   DURATION [10]        seconds per wrk run; QUICK=1 makes it 3
#   REPEATS [3]          measured runs per scenario; QUICK=1 makes it 1
#   CONNECTIONS [50]     wrk keep-alive connections
#   PRODUCTS [1000]      products seeded (stock 10^9 each); QUICK=1 makes it 200
#   USERS [20]           users registered, each with one session (yescrypt: ~0.1 s each); QUICK=1 makes it 5
#   STORE_CPUS [1]       where the store runs
#   SUBNET [127.0.71]    loopback addresses: .1 store, .2 api, .3 benchserver, .4 second api, .5 balancer
#   STACK=1              also the three scenarios through balancer + 2 apis (another ~2 minutes)
#   STACK_CPUS [1]       where the balancer and the second api run (the first api is on CPU 1)
#   SKIP_BUILD=1         use the existing release binaries
#   API_BIN              another `api` binary to measure (a baseline build kept aside) [the release build's]
#   PERF=1               after the measured runs, one profiled (perf record -g) unmeasured run per api scenario
#   BACKGROUND_MAX [10], WAIT_IDLE [0]   see bench/lib.sh
#   OUT                  where the Markdown table goes [a new /tmp/evergreen-api-DATE-XXXXXX.md]
#
# Only loopback is used, every load run is bounded (wrk -d and `timeout`), and every process started is
# stopped on exit.
set -euo pipefail

readonly REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDRESS=127.0.0.1 # lib.sh's helpers read it; set to each server's address before using them
# shellcheck source=bench/lib.sh
source "$REPO_ROOT/bench/lib.sh"

# MARK: - Configuration

if [ "${QUICK:-0}" = 1 ]; then
    DURATION=${DURATION:-3}
    REPEATS=${REPEATS:-1}
    PRODUCTS=${PRODUCTS:-200}
    USERS=${USERS:-5}
fi
DURATION=${DURATION:-10}
DURATION=${DURATION%s}
REPEATS=${REPEATS:-3}
CONNECTIONS=${CONNECTIONS:-50}
PRODUCTS=${PRODUCTS:-1000}
USERS=${USERS:-20}
STORE_CPUS=${STORE_CPUS:-1}
SUBNET=${SUBNET:-127.0.71}
PERF=${PERF:-0}
STACK=${STACK:-0}
STACK_CPUS=${STACK_CPUS:-1}
readonly STORE_ADDRESS=$SUBNET.1 API_ADDRESS=$SUBNET.2 TRIVIAL_ADDRESS=$SUBNET.3
readonly API2_ADDRESS=$SUBNET.4 BALANCER_ADDRESS=$SUBNET.5
readonly ADMIN_TOKEN=bench-admin-token-0123456789
readonly SECRET=bench-secret-key-0123456789
readonly PASSWORD=bench-password-1
SCENARIOS=(trivial get list purchase)
if [ "$STACK" = 1 ]; then SCENARIOS+=(stack-get stack-list stack-purchase); fi
readonly SCENARIOS
declare -A LABEL=(
    [trivial]="GET / (benchserver http, the reference)"
    [get]="GET /v1/products/{id}"
    [list]="GET /v1/products?limit=20"
    [purchase]="POST /v1/purchases (quantity 1)"
    [stack-get]="GET /v1/products/{id}, through the stack"
    [stack-list]="GET /v1/products?limit=20, through the stack"
    [stack-purchase]="POST /v1/purchases, through the stack"
)

# MARK: - Build and machine

BIN=""
build() {
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        step "building (swift build -c release)"
        (cd "$REPO_ROOT" && swift build -c release)
    fi
    BIN=$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)
    local exe
    for exe in api store benchserver balancer; do [ -x "$BIN/$exe" ] || die "no $exe binary in $BIN"; done
    API_BIN=${API_BIN:-$BIN/api}
    [ -x "$API_BIN" ] || die "no api binary at $API_BIN"
}

describe_machine() {
    describe_host
    echo "wrk:       $( (wrk -v 2>&1 || true) | head -1 | awk '{ print $2 }')"
    describe_toolchain "$REPO_ROOT"
    echo "settings:  DURATION=${DURATION}s REPEATS=$REPEATS CONNECTIONS=$CONNECTIONS PRODUCTS=$PRODUCTS" \
        "USERS=$USERS STORE_CPUS=$STORE_CPUS"
    echo "api:       $API_BIN"
    echo "pinning:   wrk -t1 on CPU 0; benchserver and api (API_THREADS=1) on CPU 1; store on CPU $STORE_CPUS"
    if [ "$STACK" = 1 ]; then
        echo "stack:     balancer (--threads 1, LOG_LEVEL=warn) and a second api (API_THREADS=1) on CPU $STACK_CPUS"
    fi
}

# MARK: - Servers

declare -A PORT=() PGID=()

start_servers() {
    step "servers: store on $STORE_ADDRESS, api on $API_ADDRESS, benchserver on $TRIVIAL_ADDRESS"
    ADDRESS=$STORE_ADDRESS
    PORT[store]=$(free_port)
    mkdir -p "$RUN_DIR/store/data"
    start_server "$RUN_DIR/store/server.log" "$STORE_CPUS" "$BIN/store" --bind "$STORE_ADDRESS" \
        --port "${PORT[store]}" --metrics-port "$(free_port)" --dir "$RUN_DIR/store/data" \
        --save '' --appendonly no
    PGID[store]=$SERVER_PID
    wait_listening "$SERVER_PID" "${PORT[store]}" "$RUN_DIR/store/server.log"

    ADDRESS=$API_ADDRESS
    PORT[api]=$(free_port)
    mkdir -p "$RUN_DIR/api"
    start_server "$RUN_DIR/api/server.log" 1 env API_THREADS=1 API_ADMIN_TOKEN="$ADMIN_TOKEN" \
        SECRET_KEY="$SECRET" API_HASH_THREADS=1 "$API_BIN" --bind "$API_ADDRESS" --port "${PORT[api]}" \
        --store "$STORE_ADDRESS:${PORT[store]}"
    PGID[api]=$SERVER_PID
    wait_listening "$SERVER_PID" "${PORT[api]}" "$RUN_DIR/api/server.log"

    ADDRESS=$TRIVIAL_ADDRESS
    PORT[trivial]=$(free_port)
    mkdir -p "$RUN_DIR/trivial"
    start_server "$RUN_DIR/trivial/server.log" 1 "$BIN/benchserver" http --address "$TRIVIAL_ADDRESS" \
        --port "${PORT[trivial]}" --threads 1
    PGID[trivial]=$SERVER_PID
    wait_listening "$SERVER_PID" "${PORT[trivial]}" "$RUN_DIR/trivial/server.log"
    if [ "$STACK" = 1 ]; then start_stack; fi
}

# The second api (same store, same settings) and the balancer in front of both.
start_stack() {
    step "stack: a second api on $API2_ADDRESS, the balancer on $BALANCER_ADDRESS"
    ADDRESS=$API2_ADDRESS
    PORT[api2]=$(free_port)
    mkdir -p "$RUN_DIR/api2"
    start_server "$RUN_DIR/api2/server.log" "$STACK_CPUS" env API_THREADS=1 API_ADMIN_TOKEN="$ADMIN_TOKEN" \
        SECRET_KEY="$SECRET" API_HASH_THREADS=1 "$API_BIN" --bind "$API2_ADDRESS" --port "${PORT[api2]}" \
        --store "$STORE_ADDRESS:${PORT[store]}"
    PGID[api2]=$SERVER_PID
    wait_listening "$SERVER_PID" "${PORT[api2]}" "$RUN_DIR/api2/server.log"

    ADDRESS=$BALANCER_ADDRESS
    PORT[balancer]=$(free_port)
    local admin_port dir="$RUN_DIR/balancer"
    admin_port=$(free_port)
    mkdir -p "$dir"
    # Its own file (the repository's services/balancer/balancer.json follows the stack's discovery file):
    # the default stack's algorithm and checks, static upstreams, the admin listener on a port of ours.
    cat >"$dir/balancer.json" <<JSON
{
  "upstreams": { "static": [
    { "address": "$API_ADDRESS:${PORT[api]}", "name": "api-1" },
    { "address": "$API2_ADDRESS:${PORT[api2]}", "name": "api-2" }
  ] },
  "algorithm": "least_connections",
  "admin": { "address": "$BALANCER_ADDRESS:$admin_port" },
  "threads": 1
}
JSON
    start_server "$dir/server.log" "$STACK_CPUS" env LOG_LEVEL=warn "$BIN/balancer" --config "$dir/balancer.json" \
        --bind "$BALANCER_ADDRESS" --port "${PORT[balancer]}" --threads 1
    PGID[balancer]=$SERVER_PID
    wait_listening "$SERVER_PID" "${PORT[balancer]}" "$dir/server.log"
    # Both upstreams must be up (active checks: rise 2 at 1 s) before the balancer spreads over them.
    local i served
    for i in $(seq 1 50); do
        served=$(for _ in 1 2 3 4 5 6; do
            curl -sS -o /dev/null -D - "http://$BALANCER_ADDRESS:${PORT[balancer]}/health" | tr -d '\r' |
                awk -F': ' 'tolower($1) == "x-served-by" { print $2 }'
        done | sort -u | paste -sd' ')
        [ "$served" = "api-1 api-2" ] && break
        sleep 0.2
    done
    [ "$served" = "api-1 api-2" ] || die "the balancer does not spread over both apis (served by: $served); log $dir/server.log"
    note "the balancer answers from api-1 and api-2"
}

# MARK: - Seeding

API_URL=""
TOKENS=""

# Runs the curl config $1 (many requests on one connection, `next` between them) and checks that every
# status is $2.
run_curl_config() {
    local config=$1 expected=$2 codes bad
    codes=$(curl -sS -K "$config") || die "curl failed on $config"
    bad=$(grep -cv "^$expected\$" <<<"$codes" || true)
    [ "$bad" = 0 ] || die "$bad of the requests in $config did not answer $expected: $(sort <<<"$codes" | uniq -c | tr -s ' ' | paste -sd';')"
}

seed() {
    API_URL="http://$API_ADDRESS:${PORT[api]}"
    step "seeding $PRODUCTS products (stock 10^9) and $USERS users with a session each"
    local config="$RUN_DIR/seed-products.curl" id
    {
        for id in $(seq 1 "$PRODUCTS"); do
            [ "$id" = 1 ] || echo next
            echo "url = \"$API_URL/v1/products\""
            echo 'request = "POST"'
            echo "header = \"Authorization: Bearer $ADMIN_TOKEN\""
            echo 'header = "Content-Type: application/json"'
            printf 'data = "{\\"id\\":%d,\\"name\\":\\"Product %d\\",\\"category\\":\\"cat%d\\",' "$id" "$id" $((id % 10))
            printf '\\"company\\":\\"Acme\\",\\"is_sold\\":false,\\"date_manufactured\\":\\"2024-02-29\\",'
            printf '\\"cost\\":\\"12.5\\",\\"price\\":%d,\\"stock\\":1000000000}"\n' $((100 + id))
            echo 'output = "/dev/null"'
            echo 'write-out = "%{http_code}\n"'
        done
    } >"$config"
    run_curl_config "$config" 201

    config="$RUN_DIR/seed-users.curl"
    local user
    {
        for user in $(seq 1 "$USERS"); do
            [ "$user" = 1 ] || echo next
            echo "url = \"$API_URL/v1/users\""
            echo 'header = "Content-Type: application/json"'
            printf 'data = "{\\"email\\":\\"buyer%d@example.com\\",\\"password\\":\\"%s\\",' "$user" "$PASSWORD"
            printf '\\"first_name\\":\\"Buyer\\",\\"last_name\\":\\"Number %d\\"}"\n' "$user"
            echo 'output = "/dev/null"'
            echo 'write-out = "%{http_code}\n"'
        done
    } >"$config"
    run_curl_config "$config" 201

    TOKENS="$RUN_DIR/tokens.txt"
    : >"$TOKENS"
    for user in $(seq 1 "$USERS"); do
        curl -sS -f -H 'Content-Type: application/json' \
            -d "{\"email\":\"buyer$user@example.com\",\"password\":\"$PASSWORD\"}" "$API_URL/v1/sessions" |
            { grep -o '"token":"[0-9a-f]*"' || die "log-in of buyer$user failed"; } | cut -d'"' -f4 >>"$TOKENS"
    done
    [ "$(grep -c . "$TOKENS")" = "$USERS" ] || die "expected $USERS session tokens in $TOKENS"
    note "$PRODUCTS products, $USERS users, $USERS sessions"
}

# Every scenario's request once on the wire, with its status and body shape.
check_routes() {
    local body
    body=$(curl -sS -f "http://$TRIVIAL_ADDRESS:${PORT[trivial]}/") || die "benchserver: GET / failed"
    [ "$body" = '{"ok":true}' ] || die "benchserver: GET / answered $body"
    body=$(curl -sS -f "$API_URL/v1/products/1") || die "api: GET /v1/products/1 failed"
    [[ "$body" == *'"stock":'* ]] || die "api: GET /v1/products/1 answered $body"
    body=$(curl -sS -f "$API_URL/v1/products?limit=20") || die "api: GET /v1/products?limit=20 failed"
    [[ "$body" == *'"next_cursor":"20"'* ]] || die "api: the listing answered $(head -c 300 <<<"$body")"
    body=$(curl -sS -f -H "Authorization: Bearer $(head -1 "$TOKENS")" -H 'Content-Type: application/json' \
        -d '{"items":[{"product_id":1,"quantity":1}]}' "$API_URL/v1/purchases") || die "api: a purchase failed"
    [[ "$body" == *'"total":101'* ]] || die "api: the purchase answered $body"
    note "GET /, GET /v1/products/1, the listing and one purchase answer as expected"
    if [ "$STACK" = 1 ]; then
        local stack_url="http://$BALANCER_ADDRESS:${PORT[balancer]}"
        body=$(curl -sS -f "$stack_url/v1/products/1") || die "stack: GET /v1/products/1 failed"
        [[ "$body" == *'"stock":'* ]] || die "stack: GET /v1/products/1 answered $body"
        body=$(curl -sS -f "$stack_url/v1/products?limit=20") || die "stack: the listing failed"
        [[ "$body" == *'"next_cursor":"20"'* ]] || die "stack: the listing answered $(head -c 300 <<<"$body")"
        body=$(curl -sS -f -H "Authorization: Bearer $(head -1 "$TOKENS")" -H 'Content-Type: application/json' \
            -d '{"items":[{"product_id":1,"quantity":1}]}' "$stack_url/v1/purchases") || die "stack: a purchase failed"
        [[ "$body" == *'"total":101'* ]] || die "stack: the purchase answered $body"
        note "the same three answer as expected through the balancer"
    fi
}

# The apis' shop_purchases_total lines, "result count" per line (summed over both apis with STACK=1).
purchase_counts() {
    local urls=("$API_URL")
    if [ "$STACK" = 1 ]; then urls+=("http://$API2_ADDRESS:${PORT[api2]}"); fi
    local url
    for url in "${urls[@]}"; do curl -sS "$url/metrics"; done | awk '/^shop_purchases_total\{/ {
        match($0, /result="[^"]*"/); count[substr($0, RSTART + 8, RLENGTH - 9)] += $NF }
        END { for (result in count) print result, count[result] }'
}

# Requests the api at $1 has answered so far (its http_request_duration_seconds counts, summed).
api_answered() {
    curl -sS "$1/metrics" | awk '/^http_request_duration_seconds_count\{/ { n += $NF } END { printf "%d\n", n }'
}

# "api-1 api-2": requests each api answered so far.
api_answered_pair() {
    echo "$(api_answered "$API_URL") $(api_answered "http://$API2_ADDRESS:${PORT[api2]}")"
}

# MARK: - Measurements
# Each measured run appends a line to $RESULTS:
#   scenario  repeat  requests/s  p50(us)  p99(us)  requests  non-2xx  cpu(us/request)

RESULTS=""
SPREAD="" # with STACK=1: "scenario api-1 api-2" requests answered per measured stack run

wrk_us() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /m$/) print n * 60e6;
        else print n * 1e6 }'
}

# The wrk command line of scenario $1 (without -d).
wrk_command() {
    local common=(taskset -c 0 wrk -t1 -c"$CONNECTIONS" --latency)
    case $1 in
    trivial) echo "${common[*]} http://$TRIVIAL_ADDRESS:${PORT[trivial]}/" ;;
    get) echo "${common[*]} -s $REPO_ROOT/bench/api-get.lua $API_URL" ;;
    list) echo "${common[*]} $API_URL/v1/products?limit=20" ;;
    purchase) echo "${common[*]} -s $REPO_ROOT/bench/api-purchase.lua $API_URL" ;;
    stack-get) echo "${common[*]} -s $REPO_ROOT/bench/api-get.lua http://$BALANCER_ADDRESS:${PORT[balancer]}" ;;
    stack-list) echo "${common[*]} http://$BALANCER_ADDRESS:${PORT[balancer]}/v1/products?limit=20" ;;
    stack-purchase)
        echo "${common[*]} -s $REPO_ROOT/bench/api-purchase.lua http://$BALANCER_ADDRESS:${PORT[balancer]}"
        ;;
    *) die "unknown scenario $1" ;;
    esac
}

# The process groups whose CPU time scenario $1 costs.
scenario_groups() {
    case $1 in
    trivial) echo "${PGID[trivial]}" ;;
    stack-*) echo "${PGID[balancer]} ${PGID[api]} ${PGID[api2]} ${PGID[store]}" ;;
    *) echo "${PGID[api]} ${PGID[store]}" ;;
    esac
}

groups_cpu_ticks() {
    local total=0 pgid
    for pgid in "$@"; do total=$((total + $(group_cpu_ticks "$pgid"))); done
    echo "$total"
}

# `alternate` callback: one measured run of scenario $1, repeat $2.
measure() {
    local key=$1 rep=$2 out before after groups
    out="$RUN_DIR/$key-$rep.wrk.txt"
    read -r -a groups <<<"$(scenario_groups "$key")"
    local spread_before=""
    if [[ "$key" == stack-* ]]; then spread_before=$(api_answered_pair); fi
    before=$(groups_cpu_ticks "${groups[@]}")
    # shellcheck disable=SC2046 # the command line is split on purpose (no value holds a space)
    run_load "$out" timeout $((DURATION + 30)) $(wrk_command "$key") -d"${DURATION}s" ||
        die "wrk failed ($out): $(tail -5 "$out")"
    after=$(groups_cpu_ticks "${groups[@]}")
    if [ -n "$spread_before" ]; then
        # The balancer's spread over the two apis in this run (their own counts; the metrics scrapes are 2).
        paste -d' ' <(echo "$spread_before") <(api_answered_pair) |
            awk -v k="$key" '{ print k, $3 - $1 - 1, $4 - $2 - 1 }' >>"$SPREAD"
    fi
    local requests rps p50 p99 non2xx cpu_us
    requests=$(awk '/ requests in / { print $1; exit }' "$out")
    rps=$(awk '/^Requests\/sec:/ { print $2; exit }' "$out")
    p50=$(awk '$1 == "50%" { print $2; exit }' "$out")
    p99=$(awk '$1 == "99%" { print $2; exit }' "$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF; exit }' "$out")
    [ -n "$requests" ] && [ -n "$rps" ] && [ -n "$p50" ] && [ -n "$p99" ] || die "cannot parse wrk output $out"
    if grep -q 'Socket errors' "$out"; then warn "$key #$rep: $(grep 'Socket errors' "$out" | tr -s ' ')"; fi
    cpu_us=$(awk -v t="$((after - before))" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.2f", (n > 0 ? t * 1e6 / hz / n : 0) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$rep" "$rps" "$(wrk_us "$p50")" "$(wrk_us "$p99")" \
        "$requests" "${non2xx:-0}" "$cpu_us" >>"$RESULTS"
    printf '    %-9s #%s  %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  non-2xx %s  CPU %6.2f us/req\n' "$key" "$rep" \
        "$rps" "$(awk -v u="$(wrk_us "$p50")" 'BEGIN { print u / 1000 }')" \
        "$(awk -v u="$(wrk_us "$p99")" 'BEGIN { print u / 1000 }')" "${non2xx:-0}" "$cpu_us"
}

# One unmeasured run of each api scenario under `perf record -g` (PERF=1); the report's top in the run dir.
profile_api() {
    local key data pids
    pids=$(pgrep -g "${PGID[api]}" | paste -sd,)
    for key in get list purchase; do
        data="$RUN_DIR/$key.perf.data"
        perf record -q -F 499 -g -o "$data" -p "$pids" -- sleep "$DURATION" >/dev/null 2>&1 &
        local perf_pid=$!
        sleep 0.5
        # shellcheck disable=SC2046
        run_load "$RUN_DIR/$key.perf-load.txt" timeout $((DURATION + 30)) $(wrk_command "$key") -d"${DURATION}s" || true
        wait "$perf_pid" || true
        perf report -i "$data" --stdio --no-children -g none --percent-limit 0.5 2>/dev/null | grep -v '^$' |
            head -60 >"$RUN_DIR/$key.perf.txt" || true
        note "profile: $RUN_DIR/$key.perf.txt"
    done
}

# MARK: - Report

median_of() { # scenario column (3 rps, 4 p50, 5 p99, 8 cpu)
    awk -F'\t' -v k="$1" -v c="$2" '$1 == k { print $c }' "$RESULTS" | median
}

report() {
    step "results: medians of $REPEATS runs (A B A B over the scenarios)"
    local md="$OUT" key rps p50 p99 cpu requests non2xx share trivial_rps
    trivial_rps=$(median_of trivial 3)
    {
        echo "| Scenario | req/s | p50 ms | p99 ms | non-2xx | CPU us/req | vs trivial req/s |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    } >"$md"
    for key in "${SCENARIOS[@]}"; do
        rps=$(median_of "$key" 3)
        p50=$(awk -v u="$(median_of "$key" 4)" 'BEGIN { printf "%.3f", u / 1000 }')
        p99=$(awk -v u="$(median_of "$key" 5)" 'BEGIN { printf "%.3f", u / 1000 }')
        cpu=$(median_of "$key" 8)
        requests=$(awk -F'\t' -v k="$key" '$1 == k { n += $6 } END { print n + 0 }' "$RESULTS")
        non2xx=$(awk -F'\t' -v k="$key" '$1 == k { n += $7 } END { print n + 0 }' "$RESULTS")
        share=$(awk -v b="$non2xx" -v n="$requests" 'BEGIN { printf "%.3f%%", (n > 0 ? 100 * b / n : 0) }')
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$key]}" "$(fmt "$rps" %.0f)" "$p50" "$p99" \
            "$share" "$(fmt "$cpu" %.2f)" "$(ratio "$rps" "$trivial_rps")" | tee -a "$md"
    done
    local get_ratio purchase_rps
    get_ratio=$(ratio "$(median_of get 3)" "$trivial_rps")
    purchase_rps=$(median_of purchase 3)
    {
        echo
        echo "Goals: GET /v1/products/{id} >= 0.60 of the trivial endpoint's req/s: $get_ratio" \
            "($(awk -v r="$get_ratio" 'BEGIN { print (r != "-" && r >= 0.6) ? "met" : "MISSED" }'));" \
            "purchases >= 10,000/s: $(fmt "$purchase_rps" %.0f)" \
            "($(awk -v r="$purchase_rps" 'BEGIN { print (r >= 10000) ? "met" : "MISSED" }'))."
        echo "Purchase results over all runs (shop_purchases_total): $(paste -sd' ' <<<"$PURCHASES")."
        echo "Medians of $REPEATS runs, $(date -u +%Y-%m-%d), release build; wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency."
        echo "CPU us/req: utime+stime of benchserver (trivial), of api + store (direct) or of balancer + both apis +" \
            "store (through the stack) / requests completed."
        if [ "$STACK" = 1 ]; then
            echo "Spread through the stack (requests each api answered in the measured stack runs):" \
                "$(awk '{ a[$1] += $2; b[$1] += $3 } END { for (k in a) printf "%s api-1 %d, api-2 %d; ", k, a[k], b[k] }' "$SPREAD" |
                    sed 's/; $//')."
        fi
        echo "Background load measured before each round: at most ${MAX_BACKGROUND}% of one core" \
            "$([ "$MAX_BACKGROUND" -le "$BACKGROUND_MAX" ] && echo "(idle enough)" || echo "(NOT idle: numbers unreliable)")."
        echo
        echo '```'
        describe_machine
        echo '```'
    } | tee -a "$md"
    note "raw outputs: $RUN_DIR"
    note "Markdown table: $md"
}

# MARK: - Main

PURCHASES=""

round() { # repeat: one A B A B round over the scenarios, after a background check
    check_background_load
    local key
    for key in "${SCENARIOS[@]}"; do measure "$key" "$1"; done
}

main() {
    [[ "$DURATION" =~ ^[0-9]+$ ]] || die "DURATION must be whole seconds, got '$DURATION'"
    [ "$(nproc)" -ge 2 ] || warn "fewer than 2 cores: the pinning (servers on CPU 1, wrk on CPU 0) cannot hold"
    install_traps
    require_command wrk wrk
    require_command curl curl
    require_command taskset util-linux
    if [ "$PERF" = 1 ]; then require_command perf linux-perf; fi
    install_missing_packages
    build
    RUN_DIR=$(mktemp -d /tmp/evergreen-api-bench.XXXXXX)
    RESULTS="$RUN_DIR/results.tsv"
    : >"$RESULTS"
    SPREAD="$RUN_DIR/spread.txt"
    : >"$SPREAD"
    OUT=${OUT:-$(mktemp --suffix=.md "/tmp/evergreen-api-$(date +%Y%m%d-%H%M%S)-XXXXXX")}
    export API_BENCH_PRODUCTS=$PRODUCTS

    step "machine"
    describe_machine
    start_servers
    seed
    export API_BENCH_TOKENS=$TOKENS
    check_routes

    step "warm-up (2 s per scenario, unmeasured)"
    local key
    for key in "${SCENARIOS[@]}"; do
        # shellcheck disable=SC2046
        run_load "$RUN_DIR/$key-warmup.txt" timeout 60 $(wrk_command "$key") -d2s || true
    done
    local before_purchases
    before_purchases=$(purchase_counts)

    step "measuring: ${SCENARIOS[*]}, $REPEATS round(s)"
    local rep
    for rep in $(seq 1 "$REPEATS"); do round "$rep"; done
    PURCHASES=$(join -a2 -e0 -o '0,1.2,2.2' <(sort <<<"$before_purchases") <(purchase_counts | sort) |
        awk '$3 - $2 > 0 { print $1 "=" $3 - $2 }')

    if [ "$PERF" = 1 ]; then profile_api; fi
    report
}

main "$@"
