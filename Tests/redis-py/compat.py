"""redis-py against our store and redis-server side by side: every call's result (or exception) must
be the same on both, in RESP2 and in RESP3 (redis-py 8 speaks RESP3 with HELLO 3).

Usage: compat.py <redis-host:port> <our-host:port> <password>   (loopback addresses)
Exits 1 and prints each difference when the two disagree.
"""
import sys

import redis

REDIS, OURS, PASSWORD = sys.argv[1].split(":"), sys.argv[2].split(":"), sys.argv[3]

def run(address, proto):
    r = redis.Redis(host=address[0], port=int(address[1]), password=PASSWORD, protocol=proto, decode_responses=True)
    r.flushall()
    out = []
    def t(f):
        try: out.append(repr(f()))
        except Exception as e: out.append("EXC " + type(e).__name__ + " " + str(e))
    t(lambda: r.set("a", "1")); t(lambda: r.get("a")); t(lambda: r.incr("a")); t(lambda: r.incrbyfloat("f", 1.5))
    t(lambda: r.hset("h", mapping={"x": "1"})); t(lambda: r.hgetall("h")); t(lambda: r.hincrbyfloat("h", "x", 0.5))
    t(lambda: r.rpush("l", "a", "b", "c")); t(lambda: r.lrange("l", 0, -1)); t(lambda: r.lpop("l", 2)); t(lambda: r.blpop(["l"], 1))
    t(lambda: r.sadd("s", "m")); t(lambda: r.smembers("s")); t(lambda: r.smismember("s", ["m", "n"])); t(lambda: r.spop("s", 1))
    t(lambda: r.zadd("z", {"m": 1.5, "n": 2})); t(lambda: r.zrange("z", 0, -1, withscores=True)); t(lambda: r.zscore("z", "m"))
    t(lambda: r.zincrby("z", 1, "m")); t(lambda: r.zpopmin("z")); t(lambda: r.zrangebyscore("z", 0, 10, withscores=True)); t(lambda: r.zrank("z", "n"))
    t(lambda: r.zrange("z", 0, -1, desc=True, withscores=True)); t(lambda: r.zcount("z", 0, 10)); t(lambda: r.zpopmax("z", 2))
    t(lambda: r.xadd("st", {"f": "v"}, id="1-1")); t(lambda: r.xrange("st")); t(lambda: r.xlen("st"))
    t(lambda: r.expire("a", 100)); t(lambda: r.ttl("a")); t(lambda: r.pttl("a") > 0); t(lambda: r.persist("a"))
    t(lambda: r.type("h")); t(lambda: r.exists("a", "b")); t(lambda: r.keys("*") and sorted(r.keys("*")))
    t(lambda: r.mset({"k1": "v1", "k2": "v2"})); t(lambda: r.mget(["k1", "k2", "zz"])); t(lambda: r.getdel("k1")); t(lambda: r.getrange("k2", 0, 0))
    t(lambda: r.set("k3", "v", nx=True, get=False)); t(lambda: r.set("k3", "w", get=True)); t(lambda: r.set("k4", "v", ex=10))
    t(lambda: r.dbsize()); t(lambda: r.client_setname("me")); t(lambda: r.client_getname()); t(lambda: r.echo("hi")); t(lambda: r.ping())
    t(lambda: r.config_get("maxmemory")); t(lambda: r.time() and True); t(lambda: r.wait(0, 0)); t(lambda: r.role())
    t(lambda: r.execute_command("COMMAND", "COUNT") > 0)
    t(lambda: r.scan(0, match="k*", count=100)[1] and sorted(r.scan(0, match="k*", count=100)[1]))
    t(lambda: r.hscan("h")); t(lambda: r.sscan("s")); t(lambda: r.zscan("z"))
    t(lambda: r.lpush("q", 1)); t(lambda: r.brpop(["q"], 1)); t(lambda: r.rename("k2", "k5")); t(lambda: r.randomkey() is not None)
    t(lambda: r.pubsub_channels()); t(lambda: r.pubsub_numsub("c")); t(lambda: r.publish("c", "x"))
    t(lambda: r.get("h")); t(lambda: r.lastsave() and True); t(lambda: r.info("replication")["role"])
    return out
differences = 0
for proto in (2, 3):
    theirs, ours = run(REDIS, proto), run(OURS, proto)
    for index, (expected, actual) in enumerate(zip(theirs, ours)):
        if expected != actual:
            differences += 1
            print(f"RESP{proto} call {index}: redis-server {expected} | store {actual}")
    print(f"RESP{proto}: {len(theirs)} calls compared")
sys.exit(1 if differences else 0)
