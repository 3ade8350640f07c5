#!/usr/bin/env bash
# bench/store.sh: our Redis-compatible `store` side by side with redis-server 7.0, in one run.
#
# Both servers run with the same settings (no persistence: --save '' --appendonly no, unless a part
# says otherwise; 127.0.0.1 on free ports), pinned to core 1; redis-benchmark and redis-cli run on
# core 0. Six parts:
#   suite       the whole default redis-benchmark suite (`redis-benchmark -q -n SUITE_N`, no -t)
#               against each server: which tests complete on ours. redis-benchmark stops at the first
#               error reply, so when ours fails one, every remaining test is run alone to find the rest.
#   throughput  TESTS with -c CLIENTS -n REQUESTS, plain and -P PIPELINE, A B A B for ROUNDS rounds:
#               requests/s and server CPU per command (utime+stime of the server's process group from
#               /proc/PID/stat before and after the run, divided by the requests); medians, ours/redis.
#   memory      exactly KEYS string keys (`SET key:<n> v<9 digits>`, a 10-byte value) loaded with
#               `redis-cli --pipe` from a generated file into a fresh server of each side; then VmRSS
#               (and RssAnon) from /proc/PID/status. Goal: ours <= 1.2x redis-server's.
#   bgsave      KEYS keys `key:<n as 12 digits>` (the names `redis-benchmark -r` asks for) loaded as in
#               memory into a fresh server of each side; then, A B A B for ROUNDS rounds: GET latency
#               without a save (`redis-benchmark -t get -r KEYS -c CLIENTS -n LATENCY_REQUESTS
#               --precision 3`), a BGSAVE alone (timed from the command until INFO persistence says
#               rdb_bgsave_in_progress:0, polled every 10 ms), and GET latency during saves (the same
#               run, with BGSAVEs back to back from 0.1 s after its start until it ends); p50/p99/max,
#               the saves' seconds, medians, ours/redis.
#   fullsync    a master of each side with the KEYS keys of bgsave; A B A B for ROUNDS rounds, a new
#               replica of the same software (ours -> ours, redis -> redis) on REPLICA_ADDRESS, pinned to
#               core 0, started with --replicaof: seconds from its start until INFO replication says
#               master_link_status:up and DBSIZE is KEYS (polled every 10 ms). Disk-based sync on both
#               (redis-server: repl-diskless-sync no, as ours). Goal: ours no slower than redis-server.
#   aof         --appendonly yes --appendfsync everysec (auto-aof-rewrite-percentage 0) on both: SET and
#               INCR as in throughput (-P 1 and -P PIPELINE); then CONFIG SET appendfsync always and SET
#               -P 1 with -n ALWAYS_REQUESTS. req/s and server CPU per command, medians, ours/redis.
#
# Usage:
#   bench/store.sh                        all six parts (about 10 minutes on 2 cores, plus the build)
#   PARTS=memory bench/store.sh           one or more parts ("suite throughput memory bgsave fullsync aof")
#   bench/store.sh bgsave fullsync        the same: parts as arguments
#   ROUNDS=5 TESTS="set get" bench/store.sh
#   OURS=peer bench/store.sh              test the script: "ours" is a second redis-server
#
# Environment (default in brackets):
#   PARTS ["suite throughput memory bgsave fullsync aof"] (arguments, when given, take its place)
#   SUITE_N [20000]        redis-benchmark -n of the whole-suite run
#   TESTS ["set get incr lpush hset mset"]  redis-benchmark -t of the throughput part, one at a time
#   CLIENTS [50]           redis-benchmark -c
#   REQUESTS [200000]      redis-benchmark -n of every throughput run
#   PIPELINE [16]          redis-benchmark -P of the pipelined throughput runs
#   ROUNDS [3]             measured runs per side, test and pipeline
#   KEYS [1000000]         keys loaded by the memory, bgsave and fullsync parts
#   LATENCY_REQUESTS [200000]  redis-benchmark -n of the bgsave part's GET runs without a save
#   ALWAYS_REQUESTS [20000]    redis-benchmark -n of the aof part's appendfsync-always SET run
#   REPLICA_ADDRESS [127.0.0.2]  where the fullsync part's replicas listen (masters: 127.0.0.1)
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
# Not readonly: the fullsync part starts its replicas with a local ADDRESS (lib.sh's helpers use it).
ADDRESS=127.0.0.1
# shellcheck source=bench/lib.sh
source "$REPO_ROOT/bench/lib.sh"

# MARK: - Configuration

readonly ALL_PARTS="suite throughput memory bgsave fullsync aof"
PARTS=${PARTS:-$ALL_PARTS}
[ $# -eq 0 ] || PARTS="$*"
SUITE_N=${SUITE_N:-20000}
TESTS=${TESTS:-set get incr lpush hset mset}
CLIENTS=${CLIENTS:-50}
REQUESTS=${REQUESTS:-200000}
PIPELINE=${PIPELINE:-16}
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-1000000}
LATENCY_REQUESTS=${LATENCY_REQUESTS:-200000}
ALWAYS_REQUESTS=${ALWAYS_REQUESTS:-20000}
REPLICA_ADDRESS=${REPLICA_ADDRESS:-127.0.0.2}
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
        "ROUNDS=$ROUNDS KEYS=$KEYS LATENCY_REQUESTS=$LATENCY_REQUESTS ALWAYS_REQUESTS=$ALWAYS_REQUESTS"
}

# MARK: - Servers

declare -A PORT=() PGID=() HOST=()

# Starts the store binary $1 with its files in $2 on port $3 pinned to $4, with redis-server's
# settings; further arguments (`--appendonly yes`, ...) come last and override them.
start_store() {
    local bin=$1 dir=$2 port=$3 cpus=$4
    shift 4
    start_server "$dir/server.log" "$cpus" "$bin" --port "$port" --bind "$ADDRESS" \
        --save '' --appendonly no --dir "$dir" --metrics-port -1 "$@"
}

# Whether side $1 runs redis-server (peer, unless PEER_STORE_BIN; ours with OURS=peer).
is_redis() {
    if [ "$1" = peer ]; then [ -z "$PEER_STORE_BIN" ]; else [ "$OURS" = peer ]; fi
}

# Starts the software of side $1 (peer: redis-server, ours: store) with its files in $2 on port $3 of
# ADDRESS, pinned to $4, without waiting; sets SERVER_PID. Further arguments go to both servers.
launch_side() {
    local side=$1 dir=$2 port=$3 cpus=$4
    shift 4
    mkdir -p "$dir"
    if [ "$side" = peer ] && [ -n "$PEER_STORE_BIN" ]; then
        start_store "$PEER_STORE_BIN" "$dir" "$port" "$cpus" "$@"
    elif is_redis "$side"; then
        start_redis "$dir" "$port" "$cpus" "$@"
    else
        start_store "$STORE_BIN" "$dir" "$port" "$cpus" "$@"
    fi
}

# Starts a fresh server of side $1 pinned to SERVER_CPUS, with its files in $RUN_DIR/$2-$1 and the
# further arguments; sets PORT[$1], HOST[$1] and PGID[$1] once it answers PING.
start_side() {
    local side=$1 dir="$RUN_DIR/$2-$1"
    shift 2
    PORT[$side]=$(free_port)
    HOST[$side]=$ADDRESS
    launch_side "$side" "$dir" "${PORT[$side]}" "$SERVER_CPUS" "$@"
    PGID[$side]=$SERVER_PID
    wait_listening "$SERVER_PID" "${PORT[$side]}" "$dir/server.log"
    check_resp "$side (port ${PORT[$side]})" "${PORT[$side]}"
}

start_sides() { # name [args...]: both sides, the same arguments
    local side
    for side in $SIDES; do start_side "$side" "$@"; done
}

stop_sides() {
    local side
    for side in $SIDES; do stop_server "${PGID[$side]}"; done
}

cli() { # side args...: redis-cli against the side's server
    local side=$1
    shift
    timeout 60 redis-cli -h "${HOST[$side]:-$ADDRESS}" -p "${PORT[$side]}" "$@"
}

# The configuration parameter $2 of side $1 must be $3 (the same settings on both sides, checked).
expect_config() {
    local value
    value=$(cli "$1" CONFIG GET "$2" | sed -n 2p)
    [ "$value" = "$3" ] || die "$1: CONFIG GET $2 is '$value', expected '$3'"
}

# MARK: - A RESP probe
# The bgsave and fullsync parts poll a server every 10 ms: one connection kept open on fd 4, no
# redis-cli process per poll.

probe_open() { # host port: connects fd 4, or fails
    exec 4<>"/dev/tcp/$1/$2"
} 2>/dev/null

probe_close() {
    exec 4<&- 2>/dev/null || true
}

# Sends the command "$@" on fd 4 and reads one reply: REPLY_TYPE is its first byte (+ - : $), REPLY_TEXT
# the rest of the line, or a bulk string's content. Fails on a timeout (5 s) or a closed connection.
probe_command() {
    local LC_ALL=C word line length request="*$#\r\n"
    for word in "$@"; do request+="\$${#word}\r\n$word\r\n"; done
    printf '%b' "$request" >&4 2>/dev/null || return 1
    IFS= read -r -t 5 line <&4 || return 1
    line=${line%$'\r'}
    REPLY_TYPE=${line:0:1}
    REPLY_TEXT=${line:1}
    if [ "$REPLY_TYPE" = '$' ] && [ "$REPLY_TEXT" != -1 ]; then
        length=$REPLY_TEXT
        IFS= read -r -d '' -N "$((length + 2))" -t 5 REPLY_TEXT <&4 || return 1
        REPLY_TEXT=${REPLY_TEXT%$'\r\n'}
    fi
}

seconds_since() { # an $EPOCHREALTIME: the seconds since, to the millisecond
    awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
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

# alternate's callback: one redis-benchmark run of test $3 with -P $4 against side $1, repeat $2; -n
# $5 [REQUESTS]; results under the key "$6$3-P$4" ($6 a prefix such as "always-", default none).
throughput_run() {
    local side=$1 rep=$2 test=$3 pipeline=$4 requests=${5:-$REQUESTS} key="${6:-}$3-P$4" out before after rps cpu_us
    out="$RUN_DIR/throughput-$key-$side-$rep.txt"
    before=$(group_cpu_ticks "${PGID[$side]}")
    run_load "$out" timeout 300 taskset -c "$LOAD_CPUS" redis-benchmark -h "$ADDRESS" -p "${PORT[$side]}" \
        -c "$CLIENTS" -n "$requests" -P "$pipeline" -t "$test" ||
        die "redis-benchmark failed ($out): $(tr '\r' '\n' <"$out" | tail -5)"
    after=$(group_cpu_ticks "${PGID[$side]}")
    [ -z "$(first_error "$out")" ] || die "error reply from $side ($out): $(first_error "$out")"
    rps=$(tr '\r' '\n' <"$out" | awk '/throughput summary:/ && !done { print $3; done = 1 }')
    [ -n "$rps" ] || die "cannot parse redis-benchmark output $out"
    cpu_us=$(awk -v t="$((after - before))" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.3f", t * 1e6 / hz / n }')
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

# The RESP commands `SET key:<n> v<n as 9 digits>` for n in 0..KEYS-1, into the file $1; the key's
# number formatted with $2 [%d] (bgsave and fullsync: %012d, the names `redis-benchmark -r` asks for).
generate_keys() {
    awk -v n="$KEYS" -v f="key:${2:-%d}" 'BEGIN {
        for (i = 0; i < n; i++) {
            k = sprintf(f, i); v = sprintf("v%09d", i)
            printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
        }
    }' >"$1"
}

# Loads the commands of the file $2 into side $1 with redis-cli --pipe and checks that KEYS keys
# arrived; its output goes to the file $3.
load_keys() {
    local side=$1 file=$2 out=$3 count
    # Not through run_load: bash gives a background command /dev/null as its stdin.
    timeout 300 taskset -c "$LOAD_CPUS" redis-cli -h "${HOST[$side]}" -p "${PORT[$side]}" --pipe <"$file" >"$out" 2>&1 ||
        die "redis-cli --pipe failed against $side: $(tail -3 "$out")"
    grep -q "errors: 0, replies: $KEYS" "$out" || die "redis-cli --pipe against $side: $(tail -2 "$out")"
    count=$(cli "$side" DBSIZE)
    [ "$count" = "$KEYS" ] || die "$side holds $count keys after the load, expected $KEYS"
}

run_memory() {
    step "memory: $KEYS keys (SET key:<n> <10 bytes>) through redis-cli --pipe into a fresh server each"
    local file="$RUN_DIR/keys.resp" side empty rss anon count
    generate_keys "$file"
    note "generated $(wc -c <"$file") bytes of commands"
    start_sides memory
    for side in $SIDES; do
        empty=$(status_kib "${PGID[$side]}" VmRSS)
        load_keys "$side" "$file" "$RUN_DIR/memory-$side.txt"
        count=$KEYS
        sleep 1
        rss=$(status_kib "${PGID[$side]}" VmRSS)
        anon=$(status_kib "${PGID[$side]}" RssAnon)
        record memory "$side" 1 "$empty" "$rss" "$anon"
        note "$side: VmRSS $((empty / 1024)) MiB empty, $((rss / 1024)) MiB with $count keys (RssAnon $((anon / 1024)) MiB)"
    done
    rm -f "$file" # ~47 MB, and regenerated in seconds
    stop_sides
}

# MARK: - Part (d): GET latency during a BGSAVE

# The commands of KEYS keys named as `redis-benchmark -r` asks for them (key:<n as 12 digits>), into a
# file generated once per run for the bgsave and fullsync parts; prints its path.
padded_keys_file() {
    local file="$RUN_DIR/keys-padded.resp"
    [ -s "$file" ] || generate_keys "$file" %012d
    echo "$file"
}

# "p50 p99 max" in ms from the latency summary redis-benchmark printed in the file $1.
latency_summary() {
    # The summary's second line names the columns: avg min p50 p95 p99 max.
    tr '\r' '\n' <"$1" | awk '/latency summary/ { row = NR + 2 } NR == row { print $3, $5, $6 }'
}

# The requests/s redis-benchmark printed in the file $1.
benchmark_rps() {
    tr '\r' '\n' <"$1" | awk '/throughput summary:/ && !done { print $3; done = 1 }'
}

# Sends BGSAVE to side $1 and polls INFO persistence every 10 ms until rdb_bgsave_in_progress is 0;
# sets SAVE_SECONDS, from the command to that INFO reply. Both servers notice their child's exit in a
# timer that runs hz (10) times a second: the figure includes up to 0.1 s of that wait.
timed_bgsave() {
    local side=$1 start deadline=$((SECONDS + 600))
    probe_open "${HOST[$side]}" "${PORT[$side]}" || die "$side: cannot connect to poll its BGSAVE"
    start=$EPOCHREALTIME
    probe_command BGSAVE || die "$side: no reply to BGSAVE"
    [ "$REPLY_TYPE" = + ] || die "$side: BGSAVE answered $REPLY_TYPE$REPLY_TEXT"
    while :; do
        sleep 0.01
        probe_command INFO persistence || die "$side: no reply to INFO persistence"
        [[ "$REPLY_TEXT" != *$'rdb_bgsave_in_progress:0\r'* ]] || break
        [ "$SECONDS" -lt "$deadline" ] || die "$side: BGSAVE still running after 10 minutes"
    done
    SAVE_SECONDS=$(seconds_since "$start")
    probe_close
    [[ "$REPLY_TEXT" == *$'rdb_last_bgsave_status:ok\r'* ]] || die "$side: BGSAVE failed (INFO persistence)"
}

# alternate's callback: GET latency without a save, a BGSAVE alone, GET latency during a BGSAVE.
bgsave_run() {
    local side=$1 rep=$2 out rps p50 p99 max idle start bench_seconds saves save_median
    local get=(redis-benchmark -h "${HOST[$side]}" -p "${PORT[$side]}" -t get -r "$KEYS" -c "$CLIENTS" --precision 3)
    out="$RUN_DIR/bgsave-nosave-$side-$rep.txt"
    run_load "$out" timeout 300 taskset -c "$LOAD_CPUS" "${get[@]}" -n "$LATENCY_REQUESTS" ||
        die "redis-benchmark failed ($out)"
    rps=$(benchmark_rps "$out")
    read -r p50 p99 max <<<"$(latency_summary "$out")"
    [ -n "$max" ] && [ -n "$rps" ] || die "cannot parse redis-benchmark output $out"
    record bgsave-nosave "$side" "$rep" "$rps" "$p50" "$p99" "$max"
    printf '    %-5s #%s  no save:     %8.0f GET/s  p50 %6.3f  p99 %6.3f  max %7.3f ms\n' "$side" "$rep" "$rps" "$p50" "$p99" "$max"

    timed_bgsave "$side"
    idle=$SAVE_SECONDS
    record bgsave-idle "$side" "$rep" "$idle" "$(stat -c %s "$RUN_DIR/bgsave-$side/dump.rdb")"
    printf '    %-5s #%s  BGSAVE alone: %.3f s\n' "$side" "$rep" "$idle"

    # A save of 1M keys lasts less than a second: one save would cover part of a GET run only, and a
    # run that short has few samples above p99. So the same GET run as without a save, and BGSAVEs back
    # to back from 0.1 s after its start until it ends (the last one may outlast it).
    out="$RUN_DIR/bgsave-save-$side-$rep.txt"
    start=$EPOCHREALTIME
    timeout 600 taskset -c "$LOAD_CPUS" "${get[@]}" -n "$LATENCY_REQUESTS" >"$out" 2>&1 &
    LOADGEN_PID=$!
    sleep 0.1
    saves=()
    while kill -0 "$LOADGEN_PID" 2>/dev/null; do
        timed_bgsave "$side"
        saves+=("$SAVE_SECONDS")
    done
    wait "$LOADGEN_PID" || die "redis-benchmark failed ($out)"
    LOADGEN_PID=""
    bench_seconds=$(seconds_since "$start")
    rps=$(benchmark_rps "$out")
    read -r p50 p99 max <<<"$(latency_summary "$out")"
    [ -n "$max" ] && [ -n "$rps" ] || die "cannot parse redis-benchmark output $out"
    save_median=$(printf '%s\n' "${saves[@]}" | median)
    record bgsave-save "$side" "$rep" "$rps" "$p50" "$p99" "$max" "$save_median" "$bench_seconds" "${#saves[@]}"
    printf '    %-5s #%s  during saves: %7.0f GET/s  p50 %6.3f  p99 %6.3f  max %7.3f ms  (GET run %.3f s, %d saves, median %.3f s)\n' \
        "$side" "$rep" "$rps" "$p50" "$p99" "$max" "$bench_seconds" "${#saves[@]}" "$save_median"
}

run_bgsave() {
    step "bgsave: GET latency (-c $CLIENTS -r $KEYS) with and without a BGSAVE of $KEYS keys, $ROUNDS rounds A B A B"
    local file side
    file=$(padded_keys_file)
    start_sides bgsave
    for side in $SIDES; do
        expect_config "$side" rdbcompression yes
        load_keys "$side" "$file" "$RUN_DIR/bgsave-load-$side.txt"
        [ "$(cli "$side" GET key:000000000042)" = v000000042 ] || die "$side: GET key:000000000042 misses"
    done
    check_background_load
    alternate "$ROUNDS" "$SIDES" bgsave_run
    stop_sides
}

# MARK: - Part (e): full sync of KEYS keys to a new replica

# alternate's callback: a new replica of side $1's software for side $1's master, on REPLICA_ADDRESS and
# pinned to LOAD_CPUS (the master keeps SERVER_CPUS: two machines' worth); seconds from its start until
# its link is up with every key.
fullsync_run() {
    local side=$1 rep=$2 ADDRESS=$REPLICA_ADDRESS dir port pid start seconds deadline=$((SECONDS + 600))
    dir="$RUN_DIR/fullsync-$side-replica-$rep"
    port=$(free_port)
    start=$EPOCHREALTIME
    launch_side "$side" "$dir" "$port" "$LOAD_CPUS" --replicaof "${HOST[$side]}" "${PORT[$side]}"
    pid=$SERVER_PID
    until probe_open "$ADDRESS" "$port"; do
        is_alive "$pid" || die "$side replica exited: $(tail -5 "$dir/server.log")"
        [ "$SECONDS" -lt "$deadline" ] || die "$side replica did not listen on $ADDRESS:$port"
        sleep 0.01
    done
    while :; do
        probe_command INFO replication || die "$side replica: no reply to INFO replication"
        if [[ "$REPLY_TEXT" == *$'master_link_status:up\r'* ]]; then
            probe_command DBSIZE || die "$side replica: no reply to DBSIZE"
            [ "$REPLY_TYPE$REPLY_TEXT" != ":$KEYS" ] || break
        fi
        [ "$SECONDS" -lt "$deadline" ] || die "$side replica: no full sync within 10 minutes"
        sleep 0.01
    done
    seconds=$(seconds_since "$start")
    probe_close
    record fullsync "$side" "$rep" "$seconds"
    printf '    %-5s #%s  replica up with %s keys after %.3f s\n' "$side" "$rep" "$KEYS" "$seconds"
    stop_server "$pid"
    rm -rf "$dir" # its copy of the snapshot
}

run_fullsync() {
    step "fullsync: a new replica of a master with $KEYS keys, $ROUNDS rounds A B A B" \
        "(masters on $ADDRESS, CPU $SERVER_CPUS; replicas on $REPLICA_ADDRESS, CPU $LOAD_CPUS)"
    local file side
    file=$(padded_keys_file)
    for side in $SIDES; do
        # Disk-based on both: redis-server 7.0 defaults to a diskless sync that waits 5 s for more replicas.
        if is_redis "$side"; then start_side "$side" fullsync --repl-diskless-sync no; else start_side "$side" fullsync; fi
        load_keys "$side" "$file" "$RUN_DIR/fullsync-load-$side.txt"
    done
    check_background_load
    alternate "$ROUNDS" "$SIDES" fullsync_run
    stop_sides
}

# MARK: - Part (f): write throughput with an append-only file

AOF_KEYS=() # "aof-test-Pn" and "always-set-P1", in the order they ran

run_aof() {
    step "aof: SET and INCR with --appendonly yes --appendfsync everysec, then SET -P 1 with appendfsync always"
    local side test pipeline
    start_sides aof --appendonly yes --appendfsync everysec --auto-aof-rewrite-percentage 0
    for side in $SIDES; do
        expect_config "$side" appendonly yes
        expect_config "$side" appendfsync everysec
        run_load "$RUN_DIR/aof-warmup-$side.txt" timeout 120 taskset -c "$LOAD_CPUS" \
            redis-benchmark -h "$ADDRESS" -p "${PORT[$side]}" -c "$CLIENTS" -n 50000 -t set,get -q || true
    done
    for pipeline in 1 "$PIPELINE"; do
        for test in set incr; do
            AOF_KEYS+=("aof-$test-P$pipeline")
            check_background_load
            alternate "$ROUNDS" "$SIDES" throughput_run "$test" "$pipeline" "$REQUESTS" aof-
        done
    done
    for side in $SIDES; do
        cli "$side" CONFIG SET appendfsync always >/dev/null
        expect_config "$side" appendfsync always
    done
    AOF_KEYS+=("always-set-P1")
    check_background_load
    alternate "$ROUNDS" "$SIDES" throughput_run set 1 "$ALWAYS_REQUESTS" always-
    stop_sides
}

# MARK: - Report

# The throughput table (console and Markdown $1) of the keys "$2"...: "[prefix-]test-Pn".
throughput_table() {
    local md=$1 key peer_rps ours_rps peer_cpu ours_cpu name base
    shift
    {
        echo "| Test | redis-server req/s | Ours req/s | Ratio | redis-server CPU us/command | Ours CPU us/command | Ratio |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    } >>"$md"
    for key in "$@"; do
        peer_rps=$(median_of "$key" peer 4) ours_rps=$(median_of "$key" ours 4)
        peer_cpu=$(median_of "$key" peer 5) ours_cpu=$(median_of "$key" ours 5)
        base=${key#*-}
        [[ "$key" == *-*-P* ]] || base=$key
        name="$(echo "${base%-P*}" | tr 'a-z' 'A-Z'), -P ${key##*-P}"
        case $key in
        aof-*) name+=", everysec" ;;
        always-*) name+=", always (-n $ALWAYS_REQUESTS)" ;;
        esac
        printf '%-16s %12s %12s %6s | %12s %12s %6s\n' "$key" "$(fmt "$peer_rps" %.0f)" "$(fmt "$ours_rps" %.0f)" \
            "$(ratio "$ours_rps" "$peer_rps")" "$(fmt "$peer_cpu" %.3f)" "$(fmt "$ours_cpu" %.3f)" \
            "$(ratio "$ours_cpu" "$peer_cpu")"
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(fmt "$peer_rps" %.0f)" "$(fmt "$ours_rps" %.0f)" \
            "$(ratio "$ours_rps" "$peer_rps")" "$(fmt "$peer_cpu" %.3f)" "$(fmt "$ours_cpu" %.3f)" \
            "$(ratio "$ours_cpu" "$peer_cpu")" >>"$md"
    done
    echo >>"$md"
}

# One row (console and Markdown $1) of a peer/ours/ratio table: label $2, key $3, column $4, format $5.
compare_row() {
    local md=$1 label=$2 peer ours
    peer=$(median_of "$3" peer "$4") ours=$(median_of "$3" ours "$4")
    printf '%-44s %10s %10s %6s\n' "$label" "$(fmt "$peer" "$5")" "$(fmt "$ours" "$5")" "$(ratio "$ours" "$peer")"
    printf '| %s | %s | %s | %s |\n' "$label" "$(fmt "$peer" "$5")" "$(fmt "$ours" "$5")" "$(ratio "$ours" "$peer")" >>"$md"
}

compare_header() { # md title unit
    printf '%-44s %10s %10s %6s\n' "$2" "redis" "ours" ratio
    {
        echo "| $2 | redis-server $3 | Ours $3 | Ratio |"
        echo "| --- | ---: | ---: | ---: |"
    } >>"$1"
}

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
        throughput_table "$md" "${THROUGHPUT_KEYS[@]}"
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
    if wants bgsave; then
        step "bgsave: GET latency and BGSAVE of $KEYS keys, medians of $ROUNDS (ratio = $label / redis)"
        compare_header "$md" "GET, -c $CLIENTS -r $KEYS, $KEYS keys" ms
        compare_row "$md" "p50 without a save" bgsave-nosave 5 %.3f
        compare_row "$md" "p50 during BGSAVEs" bgsave-save 5 %.3f
        compare_row "$md" "p99 without a save" bgsave-nosave 6 %.3f
        compare_row "$md" "p99 during BGSAVEs" bgsave-save 6 %.3f
        compare_row "$md" "max without a save" bgsave-nosave 7 %.3f
        compare_row "$md" "max during BGSAVEs" bgsave-save 7 %.3f
        compare_row "$md" "GET/s without a save" bgsave-nosave 4 %.0f
        compare_row "$md" "GET/s during BGSAVEs" bgsave-save 4 %.0f
        echo >>"$md"
        compare_header "$md" "BGSAVE, $KEYS keys" s
        compare_row "$md" "BGSAVE alone" bgsave-idle 4 %.3f
        compare_row "$md" "BGSAVE under the GET load" bgsave-save 8 %.3f
        compare_row "$md" "GET run with saves back to back" bgsave-save 9 %.3f
        compare_row "$md" "BGSAVEs during that run" bgsave-save 10 %.0f
        compare_row "$md" "RDB file, bytes" bgsave-idle 5 %.0f
        echo >>"$md"
    fi
    if wants fullsync; then
        step "fullsync: $KEYS keys to a new replica, medians of $ROUNDS (ratio = $label / redis)"
        compare_header "$md" "Full sync, $KEYS keys" s
        local r
        compare_row "$md" "replica start to link up with every key" fullsync 4 %.3f
        r=$(ratio "$(median_of fullsync ours 4)" "$(median_of fullsync peer 4)")
        echo "Goal ours <= redis-server: $(judged "$r" "<=")" | tee -a "$md"
        echo >>"$md"
    fi
    if wants aof; then
        step "aof: medians of $ROUNDS runs per side (ratio = $label / redis)"
        throughput_table "$md" "${AOF_KEYS[@]}"
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

remove_data_files() {
    [ -n "${RUN_DIR:-}" ] && [ -d "$RUN_DIR" ] || return 0
    find "$RUN_DIR" \( -name '*.resp' -o -name '*.rdb' -o -name '*.aof' -o -name '*.manifest' \) -delete 2>/dev/null || true
}

main() {
    local part
    for part in $PARTS; do
        [[ " $ALL_PARTS " == *" $part "* ]] || die "PARTS may hold: $ALL_PARTS"
    done
    [[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive whole number, got '$ROUNDS'"
    [ "$(nproc)" -ge 2 ] || warn "fewer than 2 cores: the pinning (server on CPU 1, load on CPU 0) cannot hold"
    install_traps
    # The data files (command files, snapshots, AOFs: up to hundreds of MB) go when the servers are stopped.
    trap 'cleanup; remove_data_files' EXIT
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
    # This shell polls servers in the bgsave and fullsync parts: keep it off the servers' core.
    taskset -pc "$LOAD_CPUS" $$ >/dev/null
    if wants bgsave; then run_bgsave; fi
    if wants fullsync; then run_fullsync; fi
    if wants aof; then run_aof; fi
    report
}

main "$@"
