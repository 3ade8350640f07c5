"""The reply shapes of our sentinels (store --sentinel) as redis-py parses them, in RESP2 and RESP3.

Usage: sentinel_replies.py <master-name> <replica-count> host:port [host:port ...]
Asks the first sentinel SENTINEL MASTERS / MASTER / SLAVES (what sentinel_slaves sends) / SENTINELS /
CKQUORUM / IS-MASTER-DOWN-BY-ADDR / GET-MASTER-ADDR-BY-NAME through redis-py's own methods and checks
the types redis-py gives back (numbers parsed as int, flags with the roles Redis reports). Prints one JSON
line with what it saw; exits non-zero on any mismatch.
"""
import json
import sys

import redis


def flags(state):
    """The flags as a set: redis-py gives a string in some modes and a set in others."""
    value = state["flags"]
    return set(value.split(",")) if isinstance(value, str) else set(value)


def check_state(state, role, integers):
    assert role in flags(state), state
    for name in integers:
        assert isinstance(state[name], int), (name, state)
    assert isinstance(state["ip"], str) and isinstance(state["runid"], str), state


def main():
    name, replica_count = sys.argv[1], int(sys.argv[2])
    addresses = [(a.split(":")[0], int(a.split(":")[1])) for a in sys.argv[3:]]
    host, port = addresses[0]
    seen = {}
    for protocol in (2, 3):
        client = redis.Redis(host=host, port=port, protocol=protocol, socket_timeout=2, decode_responses=True)
        masters = client.sentinel_masters()
        assert list(masters) == [name], masters
        master = client.sentinel_master(name)
        check_state(master, "master", ["port", "quorum", "num-slaves", "num-other-sentinels", "config-epoch",
                                       "down-after-milliseconds", "failover-timeout", "parallel-syncs"])
        assert master["is_master"] and not master["is_sdown"] and not master["is_odown"], master
        assert master["num-slaves"] == replica_count, master
        assert master["num-other-sentinels"] == len(addresses) - 1, master
        assert masters[name]["ip"] == master["ip"] and masters[name]["port"] == master["port"], masters

        replicas = client.sentinel_slaves(name)
        assert len(replicas) == replica_count, replicas
        for replica in replicas:
            check_state(replica, "slave", ["port", "slave-priority", "slave-repl-offset", "master-port"])
            assert replica["master-host"] == master["ip"] and replica["master-port"] == master["port"], replica
            assert replica["master-link-status"] == "ok", replica

        sentinels = client.sentinel_sentinels(name)
        assert len(sentinels) == len(addresses) - 1, sentinels
        for sentinel in sentinels:
            check_state(sentinel, "sentinel", ["port", "last-hello-message", "voted-leader-epoch"])
            assert (sentinel["ip"], sentinel["port"]) in addresses[1:], sentinel

        # Sentinel answers +OK <n> usable Sentinels...; redis-py's sentinel_ckquorum compares the whole
        # status with "OK" (so it says False against Redis too): read the status itself.
        quorum = client.execute_command("SENTINEL", "CKQUORUM", name)
        assert quorum.startswith("OK %d usable Sentinels" % len(addresses)), quorum
        assert client.sentinel_get_master_addr_by_name(name) == (master["ip"], master["port"])
        down, leader, epoch = client.execute_command(
            "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", master["ip"], master["port"], 0, "*")
        assert (down, leader, epoch) == (0, "*", 0), (down, leader, epoch)
        try:
            client.sentinel_master("no-such-master")
            raise AssertionError("SENTINEL MASTER of an unknown name did not fail")
        except redis.ResponseError as error:
            assert "No such master" in str(error), error
        seen["resp%d" % protocol] = {
            "master": "%s:%d" % (master["ip"], master["port"]), "replicas": len(replicas),
            "sentinels": len(sentinels), "epoch": master["config-epoch"],
        }
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
