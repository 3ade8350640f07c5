#!/usr/bin/env python3
"""bench/failover-client.py: the purchase loop of bench/failover.sh, and its checks.

    failover-client.py run --url http://A:P --token T --email E --kill-pid PID [options]
        A few threads send POST /v1/purchases (quantity 1 of one product, a unique Idempotency-Key each)
        through the balancer on keep-alive connections. After --kill-after seconds the master store
        (--kill-pid) gets SIGKILL; the loop goes on for --after seconds more (longer when no purchase has
        succeeded since the kill: until one has, plus a second, at most --timeout seconds after the kill).
        Then every acknowledged (2xx) order id is read back (GET /v1/purchases/{id} as the buyer), the
        product's stock and the buyer's order listing too. Prints one JSON object (see `summary`).

    failover-client.py events --kill-ts T --format ours|redis LOG...
        The first time (seconds after T) each sentinel event (+sdown, +odown, +try-failover, +elected-leader,
        +promoted-slave, +switch-master, +failover-end) appears in any of the sentinels' logs. Prints JSON.

Times are wall-clock (time.time(), CLOCK_REALTIME), so that the sentinels' log timestamps compare.
Standard library only.
"""

import argparse
import http.client
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone


# MARK: - HTTP

class Client:
    """One keep-alive connection; reopened after any error."""

    def __init__(self, url, timeout):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn = None

    def request(self, method, path, headers, body=None):
        """(status, body bytes) or raises."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, data
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None


# MARK: - The purchase loop

class Loop:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.acked = []      # (order id, start, end, replicated)
        self.failures = []   # (start, end, reason)
        self.kill_ts = None
        self.recovered_at = None  # end of the first 2xx purchase started after the kill
        self.stop_at = time.time() + args.kill_after + args.after + args.timeout  # replaced at the kill
        self.run_id = "%d-%d" % (os.getpid(), int(time.time() * 1000))

    def worker(self, index):
        args = self.args
        client = Client(args.url, args.request_timeout)
        headers = {"Authorization": "Bearer " + args.token, "Content-Type": "application/json"}
        body = json.dumps({"items": [{"product_id": args.product, "quantity": 1}]})
        seq = 0
        while time.time() < self.stop_at:
            seq += 1
            headers["Idempotency-Key"] = "fo-%s-%d-%d" % (self.run_id, index, seq)
            start = time.time()
            try:
                status, data = client.request("POST", "/v1/purchases", headers, body)
            except Exception as error:  # connection refused, reset, timeout...
                end = time.time()
                with self.lock:
                    self.failures.append((start, end, type(error).__name__))
                time.sleep(args.backoff)
                continue
            end = time.time()
            if 200 <= status < 300:
                try:
                    order = json.loads(data)
                    order_id, replicated = int(order["id"]), bool(order.get("replicated", False))
                except Exception:
                    with self.lock:
                        self.failures.append((start, end, "bad-body-%d" % status))
                    continue
                with self.lock:
                    self.acked.append((order_id, start, end, replicated))
                    if self.kill_ts is not None and start >= self.kill_ts and self.recovered_at is None:
                        self.recovered_at = end
                        self.stop_at = max(self.stop_at, end + 1.0)
            else:
                with self.lock:
                    self.failures.append((start, end, "http-%d" % status))
                time.sleep(args.backoff)
        client.close()

    def run(self):
        args = self.args
        threads = [threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(args.threads)]
        for thread in threads:
            thread.start()
        time.sleep(args.kill_after)
        with self.lock:
            self.kill_ts = time.time()
            self.stop_at = self.kill_ts + args.after
        try:
            os.kill(args.kill_pid, signal.SIGKILL)
        except ProcessLookupError:
            print("warning: the master (pid %d) was already gone" % args.kill_pid, file=sys.stderr)
        # Past --after without a recovery: wait for one (checked twice a second), at most --timeout.
        while True:
            time.sleep(0.1)
            with self.lock:
                now = time.time()
                if self.recovered_at is None and now >= self.stop_at and now < self.kill_ts + args.timeout:
                    self.stop_at = min(now + 0.5, self.kill_ts + args.timeout)
                if now >= self.stop_at:
                    break
        for thread in threads:
            thread.join(args.request_timeout + 5)


# MARK: - The checks

def read_back(args, acked_ids):
    """The acknowledged ids not found (404) after retries, and how many needed a retry."""
    headers = {"Authorization": "Bearer " + args.token}
    pending = list(acked_ids)
    retried = set()
    deadline = time.time() + args.verify_timeout
    errors = {}
    while pending:
        missing = []
        lock = threading.Lock()
        chunks = [pending[i::4] for i in range(4)]

        def check(ids):
            client = Client(args.url, args.request_timeout)
            for order_id in ids:
                try:
                    status, data = client.request("GET", "/v1/purchases/%d" % order_id, headers)
                except Exception as error:
                    status, data = type(error).__name__, b""
                ok = status == 200 and json.loads(data).get("id") == order_id
                if not ok:
                    with lock:
                        missing.append(order_id)
                        errors[order_id] = status
            client.close()

        threads = [threading.Thread(target=check, args=(chunk,)) for chunk in chunks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if not missing or time.time() >= deadline:
            return sorted(missing), len(retried), {str(k): str(errors[k]) for k in missing[:20]}
        retried.update(missing)
        pending = missing
        time.sleep(1.0)
    return [], len(retried), {}


def get_json(client, path, headers, tries=20):
    """GET path until 200 (the store may still be settling), at most `tries` times, 0.5 s apart."""
    last = None
    for _ in range(tries):
        try:
            status, data = client.request("GET", path, headers)
            if status == 200:
                return json.loads(data)
            last = "http-%d" % status
        except Exception as error:
            last = type(error).__name__
        time.sleep(0.5)
    raise RuntimeError("GET %s kept failing: %s" % (path, last))


def listed_orders(args, client):
    """Every order id in the buyer's listing (GET /v1/users/{email}/purchases, paged)."""
    headers = {"Authorization": "Bearer " + args.token}
    ids, cursor = [], None
    email = urllib.parse.quote(args.email, safe="")
    for _ in range(100000):
        path = "/v1/users/%s/purchases?limit=100" % email
        if cursor is not None:
            path += "&cursor=" + urllib.parse.quote(str(cursor), safe="")
        page = get_json(client, path, headers)
        ids.extend(int(item["id"]) for item in page["items"])
        cursor = page.get("next_cursor")
        if cursor is None:
            break
    return ids


def command_run(args):
    loop = Loop(args)
    loop.run()
    kill = loop.kill_ts
    acked_ids = [a[0] for a in loop.acked]
    missing, retried, missing_detail = read_back(args, acked_ids)
    client = Client(args.url, args.request_timeout)
    product = get_json(client, "/v1/products/%d" % args.product, {})
    listed = listed_orders(args, client)
    client.close()
    after_kill = [f for f in loop.failures if f[1] >= kill]
    in_outage = [f for f in after_kill if loop.recovered_at is None or f[0] < loop.recovered_at]
    reasons = {}
    for failure in after_kill:
        reasons[failure[2]] = reasons.get(failure[2], 0) + 1
    acked_set = set(acked_ids)
    summary = {
        "kill_ts": kill,
        "recovery_s": None if loop.recovered_at is None else round(loop.recovered_at - kill, 3),
        "acked": len(acked_ids),
        "acked_before_kill": sum(1 for a in loop.acked if a[2] < kill),
        "acked_unreplicated": sum(1 for a in loop.acked if not a[3]),
        "missing": len(missing),
        "missing_ids": missing[:20],
        "unreplicated_acks_s": [[round(a[1] - kill, 3), round(a[2] - kill, 3)] for a in loop.acked if not a[3]][:10],
        "missing_unreplicated": sum(1 for a in loop.acked if a[0] in set(missing) and not a[3]),
        "missing_detail": missing_detail,
        "reads_retried": retried,
        "errors_after_kill": len(after_kill),
        "errors_in_outage": len(in_outage),
        "errors_after_recovery": len(after_kill) - len(in_outage),
        "errors_before_kill": len(loop.failures) - len(after_kill),
        "error_kinds": reasons,
        "last_ack_before_kill_s": max([a[2] - kill for a in loop.acked if a[2] < kill], default=None),
        "stock": product.get("stock"),
        "sold": args.initial_stock - int(product.get("stock", 0)),
        "listed": len(listed),
        "acked_not_listed": len(acked_set - set(listed)),
        "loop_s": round(max([a[2] for a in loop.acked] + [f[1] for f in loop.failures] + [kill]) - kill, 3),
    }
    print(json.dumps(summary))


# MARK: - Sentinel events

EVENTS = ["+sdown", "+odown", "+try-failover", "+elected-leader", "+selected-slave", "+promoted-slave",
          "+switch-master", "+failover-end"]


def event_times(path, fmt):
    """(wall-clock time, event type, detail) of the sentinel events in one log."""
    out = []
    with open(path, errors="replace") as handle:
        for line in handle:
            if fmt == "ours":
                # time=2026-11-25T16:40:00.123Z level=info program=sentinel msg=event type=+odown detail="..."
                if "msg=event" not in line:
                    continue
                m = re.search(r"time=(\S+)Z .*type=(\S+)", line)
                if not m:
                    continue
                ts = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()
                out.append((ts, m.group(2), line.strip()))
            else:
                # 1234:X 25 Nov 2026 22:42:18.123 # +odown master evergreen 127.0.73.1 6379 #quorum 2/2
                m = re.match(r"\d+:X (\d+ \w+ \d+ [\d:.]+) [#*.-] (\S+)", line)
                if not m:
                    continue
                ts = time.mktime(datetime.strptime(m.group(1), "%d %b %Y %H:%M:%S.%f").timetuple())
                ts += int(m.group(1).rsplit(".", 1)[1]) / 1000.0
                out.append((ts, m.group(2), line.strip()))
    return out


def command_events(args):
    first = {}
    for path in args.logs:
        try:
            entries = event_times(path, args.format)
        except OSError:
            continue
        for ts, kind, _ in entries:
            if kind in EVENTS and ts >= args.kill_ts - 0.5 and (kind not in first or ts < first[kind]):
                first[kind] = ts
    print(json.dumps({kind: round(first[kind] - args.kill_ts, 3) for kind in EVENTS if kind in first}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--url", required=True, help="the balancer, http://host:port")
    run.add_argument("--token", required=True, help="the buyer's session token")
    run.add_argument("--email", required=True, help="the buyer's email")
    run.add_argument("--kill-pid", type=int, required=True, help="the master store's pid")
    run.add_argument("--product", type=int, default=1)
    run.add_argument("--initial-stock", type=int, required=True)
    run.add_argument("--threads", type=int, default=4)
    run.add_argument("--kill-after", type=float, default=2.0)
    run.add_argument("--after", type=float, default=5.0)
    run.add_argument("--timeout", type=float, default=30.0, help="longest wait for a recovery after the kill")
    run.add_argument("--request-timeout", type=float, default=5.0)
    run.add_argument("--backoff", type=float, default=0.01, help="pause after a failed purchase (s)")
    run.add_argument("--verify-timeout", type=float, default=10.0)
    events = sub.add_parser("events")
    events.add_argument("--kill-ts", type=float, required=True)
    events.add_argument("--format", choices=["ours", "redis"], required=True)
    events.add_argument("logs", nargs="+")
    args = parser.parse_args()
    if args.command == "run":
        command_run(args)
    else:
        command_events(args)


if __name__ == "__main__":
    main()
