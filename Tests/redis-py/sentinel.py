"""redis-py's Sentinel client against our sentinels (store --sentinel), unmodified.

Usage: sentinel.py <master-name> <password> host:port [host:port ...]
Discovers the master and the replicas through the sentinels in RESP2 and RESP3, writes through
master_for, reads back through slave_for (polling: the replica may lag), and prints one JSON line with
what it saw. Exits non-zero on any mismatch.
"""
import json
import sys
import time

from redis.sentinel import Sentinel


def main():
    name, password = sys.argv[1], sys.argv[2] or None
    sentinels = [(address.split(":")[0], int(address.split(":")[1])) for address in sys.argv[3:]]
    seen = {}
    for protocol in (2, 3):
        sentinel = Sentinel(sentinels, socket_timeout=2, protocol=protocol, password=password,
                            sentinel_kwargs={"protocol": protocol})
        master_address = sentinel.discover_master(name)
        replicas = sentinel.discover_slaves(name)
        state = sentinel.sentinels[0].sentinel_master(name)
        assert state["is_master"] and not state["is_sdown"] and not state["is_odown"], state
        assert state["num-other-sentinels"] == len(sentinels) - 1, state
        master = sentinel.master_for(name, socket_timeout=2)
        key = "redis-py-sentinel-%d" % protocol
        master.set(key, "v%d" % protocol)
        replica = sentinel.slave_for(name, socket_timeout=2)
        deadline = time.time() + 5
        value = replica.get(key)
        while value != b"v%d" % protocol and time.time() < deadline:
            time.sleep(0.05)
            value = replica.get(key)
        assert value == b"v%d" % protocol, value
        seen["resp%d" % protocol] = {"master": "%s:%d" % master_address, "replicas": len(replicas)}
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
