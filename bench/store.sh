#!/usr/bin/env bash
# bench/store.sh: our Redis-compatible `store` side by side with redis-server 7.0, in one run.
#
# Both servers run with the same settings (no persistence: --save '' --appendonly no; 127.0.0.1 on
# free ports), pinned to core 1; redis-benchmark and redis-cli run on core 0. Three parts:
#   suite       the whole default redis-benchmark suite (`redis-benchmark -q -n SUITE_N`, no -t)
#               against each server: which tests complete on ours. redis-benchmark stops at the first
#               error reply, so when ours fails one, every remaining test is run alone to find the rest.
#   throughput  TESTS with -c CLIENTS -n REQUESTS, plain and -P PIPELINE, A B A B for ROUNDS rounds:
#               requests/s and server CPU per command (utime+stime of the server's process group from
#               /proc/PID/stat before and after the run, divided by the requests); medians, ours/redis.
#   memory      exactly KEYS string keys (`SET key:<n> v<9 digits>`, a 10-byte value) loaded with
#               `redis-cli --pipe` from a generated file into a fresh server of each side; then VmRSS
#               (and RssAnon) from /proc/PID/status. Goal: ours <= 1.2x redis-server's.
#
# Usage:
#   bench/store.sh                        all three parts (about 5 minutes on 2 cores, plus the build)
#   PARTS=memory bench/store.sh           one or more parts ("suite throughput memory")
#   ROUNDS=5 TESTS="set get" bench/store.sh
#   OURS=peer bench/store.sh              test the script: "ours" is a second redis-server
#
# Environment (default in brackets):
#   PARTS ["suite throughput memory"]
#   SUITE_N [20000]        redis-benchmark -n of the whole-suite run
#   TESTS ["set get incr lpush hset mset"]  redis-benchmark -t of the throughput part, one at a time
#   CLIENTS [50]           redis-benchmark -c
#   REQUESTS [200000]      redis-benchmark -n of every throughput run
#   PIPELINE [16]          redis-benchmark -P of the pipelined throughput runs
#   ROUNDS [3]             measured runs per side, test and pipeline
#   KEYS [1000000]         keys loaded by the memory part
#   OURS                   "peer" for a second redis-server instead of ours
#   PEER_STORE_BIN         a store binary to run instead of redis-server as the "redis" column: compares
#                          two builds of ours (say, before and after a change) A B A B
#   STORE_BIN              our binary [the one `swift build -c release --product store` builds]
#   SKIP_BUILD=1           use STORE_BIN or the existing .build/release/store
#   SKIP_INSTALL=1         do not apt-get install redis-server / redis-tools when missing
#   BACKGROUND_MAX [10], WAIT_IDLE [0]   see bench/core.sh
#   OUT                    where the Markdown goes [a new /tmp/evergreen-store-DATE-XXXXXX.md]
#
# Only loopback is used. Every load run is bounded by `timeout`; every server is stopped on exit.
set -euo pipefail

readonly REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ADDRESS=127.0.0.1
# shellcheck source=bench/lib.sh
source "$REPO_ROOT/bench/lib.sh"

# MARK: - Configuration

PARTS=${PARTS:-suite throughput memory}
SUITE_N=${SUITE_N:-20000}
TESTS=${TESTS:-set get incr lpush hset mset}
CLIENTS=${CLIENTS:-50}
REQUESTS=${REQUESTS:-200000}
PIPELINE=${PIPELINE:-16}
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-1000000}
OURS=${OURS:-}
PEER_STORE_BIN=${PEER_STORE_BIN:-}
STORE_BIN=${STORE_BIN:-}
readonly SIDES="peer ours"
readonly SERVER_CPUS=1 LOAD_CPUS=0

wants() { [[ " $PARTS " == *" $1 "* ]]; }

# MARK: - Tools and our build

ensure_tools() {
    require_command redis-server redis-server
    require_command redis-benchmark redis-tools
    require_command redis-cli redis-tools
    require_command taskset util-linux
    install_missing_packages
}

build_store() {
    [ "$OURS" != peer ] || return 0
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        step "building store (swift build -c release --product store)"
        (cd "$REPO_ROOT" && swift build -c release --product store)
        STORE_BIN="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/store"
    fi
    STORE_BIN=${STORE_BIN:-$REPO_ROOT/.build/release/store}
    [ -x "$STORE_BIN" ] || die "no store binary at $STORE_BIN"
}

describe_machine() {
    describe_host
    describe_redis
    describe_toolchain "$REPO_ROOT"
    echo "ours:      $([ "$OURS" = peer ] && echo "redis-server (stand-in)" || echo "$STORE_BIN") --port P" \
        "--bind $ADDRESS --save '' --appendonly no --metrics-port -1"
    echo "settings:  PARTS='$PARTS' SUITE_N=$SUITE_N CLIENTS=$CLIENTS REQUESTS=$REQUESTS PIPELINE=$PIPELINE" \
        "ROUNDS=$ROUNDS KEYS=$KEYS"
}

# MARK: - Servers

declare -A PORT=() PGID=()

# Starts the store binary $1 with its files in $2 on port $3, with redis-server's settings.
start_store() {
    start_server "$2/server.log" "$SERVER_CPUS" "$1" --port "$3" --bind "$ADDRESS" \
        --save '' --appendonly no --dir "$2" --metrics-port -1
}

# Starts a fresh server of side $1 (peer: redis-server, ours: store) pinned to SERVER_CPUS, with its
# files in $RUN_DIR/$2; sets PORT[$1] and PGID[$1] once it answers PING.
start_side() {
    local side=$1 dir="$RUN_DIR/$2-$1"
    mkdir -p "$dir"
    PORT[$side]=$(free_port)
    if [ "$side" = peer ] && [ -n "$PEER_STORE_BIN" ]; then
        start_store "$PEER_STORE_BIN" "$dir" "${PORT[$side]}"
    elif [ "$side" = peer ] || [ "$OURS" = peer ]; then
        start_redis "$dir" "${PORT[$side]}" "$SERVER_CPUS"
    else
        start_store "$STORE_BIN" "$dir" "${PORT[$side]}"
    fi
    PGID[$side]=$SERVER_PID
    wait_listening "$SERVER_PID" "${PORT[$side]}" "$dir/server.log"
    check_resp "$side (port ${PORT[$side]})" "${PORT[$side]}"
}

start_sides() {
    local side
    for side in $SIDES; do start_side "$side" "$1"; done
}

stop_sides() {
    local side
    for side in $SIDES; do stop_server "${PGID[$side]}"; done
}

cli() { # side args...: redis-cli against the side's server
    local side=$1
    shift
    timeout 60 redis-cli -h "$ADDRESS" -p "${PORT[$side]}" "$@"
}

# MARK: - Results
# One line per measurement in $RESULTS: key side rep value... (tab-separated).

record() {
    local IFS=$'\t'
    echo "$*" >>"$RESULTS"
}

mib() { awk -v k="$1" 'BEGIN { if (k == "nan" || k == "") print "-"; else printf "%.1f", k / 1024 }'; }

median_of() { # key side column
    awk -F'\t' -v k="$1" -v s="$2" -v c="$3" '$1 == k && $2 == s { print $c }' "$RESULTS" | median
}

# MARK: - Part (a): the whole default suite

# The test labels redis-benchmark -q printed as completed ("SET", "LRANGE_100 (first 100 elements)").
# (No early `exit` in these awk programs: with pipefail, `tr` killed by SIGPIPE would fail the script.)
completed_tests() {
    tr '\r' '\n' <"$1" | awk -F': ' '/ requests per second/ { print $1 }'
}

# The requests/s redis-benchmark -q printed for the test labelled $2 in the file $1.
suite_rps() {
    tr '\r' '\n' <"$1" | awk -F': ' -v l="$2" '$1 == l && / requests per second/ && !done { print $2 + 0; done = 1 }'
}

# The first line of the file $1 that mentions an error, or nothing.
first_error() {
    tr '\r' '\n' <"$1" | awk 'tolower($0) ~ /error/ && !done { print; done = 1 }'
}

# The -t name of a label: its first word, lower-cased ("LPUSH (needed to benchmark LRANGE)" is the
# first half of every lrange test and is not selectable alone).
test_name() {
    case "$1" in
    *"needed to benchmark"*) echo "" ;;
    *) echo "${1%% *}" | tr 'A-Z' 'a-z' ;;
    esac
}

SUITE_TABLE="" # Markdown rows of part (a)

run_suite() {
    step "suite: redis-benchmark -q -n $SUITE_N (every default test) against each side"
    start_sides suite
    local side out status
    declare -A failed=()
    for side in $SIDES; do
        out="$RUN_DIR/suite-$side.txt"
        status=0
        run_load "$out" timeout 600 taskset -c "$LOAD_CPUS" \
            redis-benchmark -h "$ADDRESS" -p "${PORT[$side]}" -q -n "$SUITE_N" || status=$?
        failed[$side]=$status
        note "$side: $(completed_tests "$out" | wc -l) tests completed, exit status $status $(first_error "$out")"
    done
    [ "${failed[peer]}" = 0 ] || die "redis-benchmark failed against redis-server: $RUN_DIR/suite-peer.txt"
    local label name rps_peer rps_ours result
    SUITE_TABLE="| Test | redis-server req/s | Ours req/s | Result |"$'\n'"| --- | ---: | ---: | --- |"$'\n'
    printf '    %-36s %12s %12s  %s\n' test "redis req/s" "ours req/s" result
    while IFS= read -r label; do
        rps_peer=$(suite_rps "$RUN_DIR/suite-peer.txt" "$label")
        rps_ours=$(suite_rps "$RUN_DIR/suite-ours.txt" "$label")
        result=ok
        if [ -z "$rps_ours" ]; then
            # The whole-suite run stopped before this test: run it alone on a clean keyspace.
            name=$(test_name "$label")
            out="$RUN_DIR/suite-ours-$name.txt"
            result="FAIL"
            if [ -n "$name" ]; then
                cli ours FLUSHALL >/dev/null || true
                run_load "$out" timeout 120 taskset -c "$LOAD_CPUS" \
                    redis-benchmark -h "$ADDRESS" -p "${PORT[ours]}" -q -n "$SUITE_N" -t "$name" || true
                rps_ours=$(suite_rps "$out" "$label")
                if [ -n "$rps_ours" ]; then
                    result="ok (alone)"
                else
                    result="FAIL: $(first_error "$out")"
                fi
            fi
        fi
        printf '    %-36s %12s %12s  %s\n' "$label" "$(fmt "$rps_peer" %.0f)" "$(fmt "${rps_ours:-nan}" %.0f)" "$result"
        SUITE_TABLE+="| $label | $(fmt "$rps_peer" %.0f) | $(fmt "${rps_ours:-nan}" %.0f) | $result |"$'\n'
    done < <(completed_tests "$RUN_DIR/suite-peer.txt")
    stop_sides
}

# MARK: - Part (b): throughput and CPU per command

THROUGHPUT_KEYS=() # "test-Pn" in the order they ran

# alternate's callback: one redis-benchmark run of test $3 with -P $4 against side $1, repeat $2.
throughput_run() {
    local side=$1 rep=$2 test=$3 pipeline=$4 key="$3-P$4" out before after rps cpu_us
    out="$RUN_DIR/throughput-$key-$side-$rep.txt"
    before=$(group_cpu_ticks "${PGID[$side]}")
    run_load "$out" timeout 300 taskset -c "$LOAD_CPUS" redis-benchmark -h "$ADDRESS" -p "${PORT[$side]}" \
        -c "$CLIENTS" -n "$REQUESTS" -P "$pipeline" -t "$test" ||
        die "redis-benchmark failed ($out): $(tr '\r' '\n' <"$out" | tail -5)"
    after=$(group_cpu_ticks "${PGID[$side]}")
    [ -z "$(first_error "$out")" ] || die "error reply from $side ($out): $(first_error "$out")"
    rps=$(tr '\r' '\n' <"$out" | awk '/throughput summary:/ && !done { print $3; done = 1 }')
    [ -n "$rps" ] || die "cannot parse redis-benchmark output $out"
    cpu_us=$(awk -v t="$((after - before))" -v hz="$CLK_TCK" -v n="$REQUESTS" 'BEGIN { printf "%.3f", t * 1e6 / hz / n }')
    record "$key" "$side" "$rep" "$rps" "$cpu_us"
    printf '    %-10s %-5s #%s  %10.0f req/s  CPU %6.3f us/command\n' "$key" "$side" "$rep" "$rps" "$cpu_us"
}

run_throughput() {
    step "throughput: -c $CLIENTS -n $REQUESTS, -P 1 and -P $PIPELINE, $ROUNDS rounds A B A B" \
        "(server on CPU $SERVER_CPUS, redis-benchmark on CPU $LOAD_CPUS)"
    start_sides throughput
    local side test pipeline
    for side in $SIDES; do
        run_load "$RUN_DIR/throughput-warmup-$side.txt" timeout 120 taskset -c "$LOAD_CPUS" \
            redis-benchmark -h "$ADDRESS" -p "${PORT[$side]}" -c "$CLIENTS" -n 50000 -t set,get -q || true
    done
    for pipeline in 1 "$PIPELINE"; do
        for test in $TESTS; do
            THROUGHPUT_KEYS+=("$test-P$pipeline")
            check_background_load
            alternate "$ROUNDS" "$SIDES" throughput_run "$test" "$pipeline"
        done
    done
    stop_sides
}

# MARK: - Part (c): memory for KEYS string keys

# VmRSS or another /proc/PID/status field ($2) of the pid $1, in KiB.
status_kib() { awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status"; }

# The RESP commands `SET key:<n> v<n as 9 digits>` for n in 0..KEYS-1, into the file $1.
generate_keys() {
    awk -v n="$KEYS" 'BEGIN {
        for (i = 0; i < n; i++) {
            k = "key:" i; v = sprintf("v%09d", i)
            printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
        }
    }' >"$1"
}

run_memory() {
    step "memory: $KEYS keys (SET key:<n> <10 bytes>) through redis-cli --pipe into a fresh server each"
    local file="$RUN_DIR/keys.resp" side out empty rss anon count
    generate_keys "$file"
    note "generated $(wc -c <"$file") bytes of commands"
    start_sides memory
    for side in $SIDES; do
        empty=$(status_kib "${PGID[$side]}" VmRSS)
        out="$RUN_DIR/memory-$side.txt"
        # Not through run_load: bash gives a background command /dev/null as its stdin.
        timeout 300 taskset -c "$LOAD_CPUS" redis-cli -h "$ADDRESS" -p "${PORT[$side]}" --pipe <"$file" >"$out" 2>&1 ||
            die "redis-cli --pipe failed against $side: $(tail -3 "$out")"
        grep -q "errors: 0, replies: $KEYS" "$out" || die "redis-cli --pipe against $side: $(tail -2 "$out")"
        count=$(cli "$side" DBSIZE)
        [ "$count" = "$KEYS" ] || die "$side holds $count keys after the load, expected $KEYS"
        sleep 1
        rss=$(status_kib "${PGID[$side]}" VmRSS)
        anon=$(status_kib "${PGID[$side]}" RssAnon)
        record memory "$side" 1 "$empty" "$rss" "$anon"
        note "$side: VmRSS $((empty / 1024)) MiB empty, $((rss / 1024)) MiB with $count keys (RssAnon $((anon / 1024)) MiB)"
    done
    rm -f "$file" # ~47 MB, and regenerated in seconds
    stop_sides
}

# MARK: - Report

report() {
    local md="$OUT" label="ours"
    [ "$OURS" != peer ] || label="ours*"
    : >"$md"
    if wants suite; then
        step "suite (redis-benchmark -q -n $SUITE_N, every default test)"
        {
            echo "Whole default suite, \`redis-benchmark -q -n $SUITE_N\`:"
            echo
            printf '%s' "$SUITE_TABLE"
            echo
        } | tee -a "$md"
    fi
    if wants throughput; then
        step "throughput: medians of $ROUNDS runs per side (ratio = $label / redis)"
        printf '%-10s %12s %12s %6s | %12s %12s %6s\n' test "redis req/s" "$label req/s" ratio \
            "redis us/cmd" "$label us/cmd" ratio
        {
            echo "| Test | redis-server req/s | Ours req/s | Ratio | redis-server CPU us/command | Ours CPU us/command | Ratio |"
            echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
        } >>"$md"
        local key peer_rps ours_rps peer_cpu ours_cpu name
        for key in "${THROUGHPUT_KEYS[@]}"; do
            peer_rps=$(median_of "$key" peer 4) ours_rps=$(median_of "$key" ours 4)
            peer_cpu=$(median_of "$key" peer 5) ours_cpu=$(median_of "$key" ours 5)
            name="$(echo "${key%-P*}" | tr 'a-z' 'A-Z'), -P ${key##*-P}"
            printf '%-10s %12s %12s %6s | %12s %12s %6s\n' "$key" "$(fmt "$peer_rps" %.0f)" "$(fmt "$ours_rps" %.0f)" \
                "$(ratio "$ours_rps" "$peer_rps")" "$(fmt "$peer_cpu" %.3f)" "$(fmt "$ours_cpu" %.3f)" \
                "$(ratio "$ours_cpu" "$peer_cpu")"
            printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(fmt "$peer_rps" %.0f)" "$(fmt "$ours_rps" %.0f)" \
                "$(ratio "$ours_rps" "$peer_rps")" "$(fmt "$peer_cpu" %.3f)" "$(fmt "$ours_cpu" %.3f)" \
                "$(ratio "$ours_cpu" "$peer_cpu")" >>"$md"
        done
        echo >>"$md"
    fi
    if wants memory; then
        step "memory: $KEYS keys"
        local column what peer ours r
        {
            echo "| Memory, $KEYS keys | redis-server MiB | Ours MiB | Ratio |"
            echo "| --- | ---: | ---: | ---: |"
        } >>"$md"
        for column in 5 6 4; do
            case $column in
            5) what="VmRSS with the keys" ;;
            6) what="RssAnon with the keys" ;;
            4) what="VmRSS empty" ;;
            esac
            peer=$(median_of memory peer $column) ours=$(median_of memory ours $column)
            r=$(ratio "$ours" "$peer")
            [ "$column" != 5 ] || r="$r $(awk -v r="$r" 'BEGIN { print (r != "-" && r + 0 <= 1.2) ? "ok (goal <= 1.2)" : "MISS (goal <= 1.2)" }')"
            printf '%-24s %10s %10s  %s\n' "$what" "$(mib "$peer")" "$(mib "$ours")" "$r"
            printf '| %s | %s | %s | %s |\n' "$what" "$(mib "$peer")" "$(mib "$ours")" "$r" >>"$md"
        done
        echo >>"$md"
    fi
    {
        echo "Background load measured before each throughput test: at most ${MAX_BACKGROUND}% of one core" \
            "$([ "$MAX_BACKGROUND" -le "$BACKGROUND_MAX" ] && echo "(idle enough)" || echo "(NOT idle: numbers unreliable)")."
        [ "$label" = ours ] || echo "*Stand-in: the \"ours\" column is a second redis-server (OURS=peer)."
        [ -z "$PEER_STORE_BIN" ] || echo "The \"redis-server\" columns are another build of ours: $PEER_STORE_BIN."
        echo
        echo '```'
        echo "$MACHINE"
        echo '```'
    } >>"$md"
    step "Markdown (for docs/BENCHMARKS.md)"
    cat "$md"
    echo
    note "raw outputs: $RUN_DIR"
    note "Markdown: $md"
}

# MARK: - Main

main() {
    local part
    for part in $PARTS; do
        [[ " suite throughput memory " == *" $part "* ]] || die "PARTS may hold suite, throughput and memory only"
    done
    [[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive whole number, got '$ROUNDS'"
    [ "$(nproc)" -ge 2 ] || warn "fewer than 2 cores: the pinning (server on CPU 1, load on CPU 0) cannot hold"
    install_traps
    ensure_tools
    build_store
    RUN_DIR=$(mktemp -d /tmp/evergreen-store.XXXXXX)
    RESULTS="$RUN_DIR/results.tsv"
    : >"$RESULTS"
    OUT=${OUT:-$(mktemp --suffix=.md "/tmp/evergreen-store-$(date +%Y%m%d-%H%M%S)-XXXXXX")}

    step "machine"
    # Described once, before anything runs: the commit and settings are those of the measured build.
    MACHINE=$(describe_machine)
    echo "$MACHINE"

    if wants suite; then run_suite; fi
    if wants throughput; then run_throughput; fi
    if wants memory; then run_memory; fi
    report
}

main "$@"
