#!/usr/bin/env python3
"""End-to-end test of a newsdex cluster (issue 15), label e2e.

  tests/cluster_e2e.py BUILD_DIR SOURCE_DIR SHARED_DIR [--files N] [--measure]

1. scripts/cluster.sh starts 3 shards x 2 replicas on loopback; the Reuters
   dev files (all 14, 14,000 articles; --files N takes the first N) are
   indexed through `newsdex-index --cluster` and into one local index; the
   replicas converge (document counts).
2. newsdexd --cluster and newsdexd --db answer at least 200 requests (words,
   phrases, filters by country/actor/date, sorts, all facets, paging) alike:
   same totals, facet counts and hits in the same order (tied hits compared
   as sets).
3. While a query loop runs: one replica killed -> zero errors; both replicas
   of that shard killed -> answers are partial naming it; one restarted ->
   full answers again. A replica that hangs (SIGSTOP: it accepts connections
   and never answers) -> zero errors and no partial answer, each request
   bounded by the read timeouts, whichever replica of the shard was in use.
4. A primary's writer (its xapian-tcpsrv --writable) is killed with -9 while
   newsdex-index writes (two Reuters holdout files): after a restart nothing committed is lost, and once
   indexing is rerun the replicas converge (document counts and a checksum of
   the ids).
--measure also prints the latency of the cluster vs the local index (p50/p99
of the server's elapsed_ms over the request set) and the extra latency of the
first request after its replica was killed.
Exit 77 (skip) when the corpora or scripts/cluster.sh are absent.
"""
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SHARDS, REPLICAS = 3, 2


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def skip(msg):
    print(f"SKIP: {msg}")
    sys.exit(77)


def wait_until(cond, timeout, poll=0.05):
    """Polls `cond` until it holds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            return value
        time.sleep(poll)


def listen_port_base():
    """A random base for the cluster's ports, below Linux's ephemeral range (32768-60999):
    there, the outgoing connections of tests running beside this one (thousands in the
    chaos and browser tests) hold ports a server then cannot bind."""
    return random.randrange(10000, 32000, 100)


class Env:
    def __init__(self, build, src, shared, files):
        self.build, self.src, self.shared = build, src, shared
        self.tmp = tempfile.mkdtemp(prefix="cluster_e2e.")
        self.cdir = os.path.join(self.tmp, "cluster")
        self.conf = os.path.join(self.cdir, "cluster.conf")
        self.base_port = listen_port_base()
        reuters = os.path.join(shared, "corpora", "reuters21578")
        dev, holdout = os.path.join(reuters, "dev"), os.path.join(reuters, "holdout")
        self.files = sorted(os.path.join(dev, f) for f in os.listdir(dev))[:files]
        self.more = sorted(os.path.join(holdout, f) for f in os.listdir(holdout))[:2]
        self.daemons = []

    def script(self, *args, check=True):
        cmd = ["bash", os.path.join(self.src, "scripts", "cluster.sh"), *args]
        env = dict(os.environ, NEWSDEX_INDEX=os.path.join(self.build, "indexer", "newsdex-index"))
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if check and r.returncode != 0:
            fail(f"{' '.join(cmd)} -> {r.returncode}\n{r.stdout}\n{r.stderr}")
        return r

    def index(self, target, files, check=True):
        cmd = [os.path.join(self.build, "indexer", "newsdex-index"), *target, "--quiet", *files]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if check and r.returncode != 0:
            fail(f"{' '.join(cmd)} -> {r.returncode}\n{r.stderr}")
        return r

    def daemon(self, *args):
        port = free_port()
        p = subprocess.Popen([os.path.join(self.build, "server", "newsdexd"), *args,
                              "--listen", f"127.0.0.1:{port}", "--access-log", "off",
                              "--threads", "4"],
                             stdout=subprocess.PIPE, stderr=open(os.path.join(
                                 self.tmp, f"newsdexd-{port}.log"), "w"), text=True)
        self.daemons.append(p)
        base = f"http://127.0.0.1:{port}"
        if not wait_until(lambda: get(base + "/health")[0] in (200, 503), 20):
            fail(f"newsdexd {' '.join(args)} did not start")
        return base

    def close(self):
        for p in self.daemons:
            p.terminate()
            p.wait()
        if os.path.exists(self.conf):
            self.script("stop", self.cdir, check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=30):
    """(status, parsed JSON or text); status 0 when the connection failed."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read().decode()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read().decode(), e.code
    except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
        return 0, str(e)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def read_conf(path):
    """{shard: {"primary": addr, "replicas": [addr...]}} in file order."""
    shards, cur = {}, None
    for line in open(path):
        words = line.split("#")[0].split()
        if len(words) != 2:
            continue
        if words[0] == "shard":
            cur = shards.setdefault(words[1], {"primary": None, "replicas": []})
        elif words[0] == "primary":
            cur["primary"] = words[1]
        elif words[0] == "replica":
            cur["replicas"].append(words[1])
    return shards


def ids_of(env, address):
    """(document count, sha256 of the sorted ids) of one endpoint, or None."""
    if address.startswith("tcp://"):
        host, port = address[len("tcp://"):].rsplit(":", 1)
        stub = os.path.join(env.tmp, f"stub-{host}-{port}")
        with open(stub, "w") as f:
            f.write(f"remote {host}:{port}\n")
        address = stub
    r = subprocess.run(["xapian-delve", "-a", "-1", address], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    ids = sorted(t for t in r.stdout.split("\n") if t.startswith("Q"))
    return len(ids), hashlib.sha256("\n".join(ids).encode()).hexdigest()


def primary_dir(env, name):
    """A primary's directory (cluster.sh layout): its --writable server takes
    one connection at a time, which newsdex-index holds while it writes."""
    return os.path.join(env.cdir, "primaries", name)


def converged(env, shards):
    """True when every replica holds the ids its primary holds."""
    for name, s in shards.items():
        want = ids_of(env, primary_dir(env, name))
        if want is None or any(ids_of(env, r) != want for r in s["replicas"]):
            return False
    return True


# --- 2. the same answers --------------------------------------------------

WORDS = ["oil", "wheat", "bank", "dollar", "trade", "crude", "gold", "coffee", "sugar",
         "shares", "profit", "rates", "debt", "opec", "tariff", "grain", "loss", "dividend",
         "merger", "yen", "bonds", "inflation", "exports", "strike", "steel"]
PHRASES = ['"interest rates"', '"crude oil"', '"trade deficit"', '"central bank"',
           '"net loss"', '"oil prices"', '"money supply"', '"stock exchange"']
FACETS = "actor,country,about,lang,source,date"


def requests_to_compare(single):
    """At least 200 query strings over the single index's own facet values."""
    _, top = get(single + "/search?" + urllib.parse.urlencode(
        {"q": "", "facets": "country,actor", "facet_limit": 8, "limit": 0}))
    countries = [v["value"] for v in top["facets"]["country"]["values"]]
    actors = [v["value"] for v in top["facets"]["actor"]["values"]]
    out = []
    queries = WORDS + PHRASES + ["oil OR gold", "bank -dollar", "trade AND (japan OR yen)", ""]
    for i, q in enumerate(queries):
        base = {"q": q, "facets": FACETS}
        out.append(base)
        out.append({**base, "sort": "newest", "offset": 10})
        out.append({**base, "sort": "oldest", "limit": 20})
        out.append({**base, "country": countries[i % len(countries)]})
        out.append({**base, "actor": actors[i % len(actors)], "sort": "recency"})
        out.append({**base, "from": "1987-03-01", "to": "1987-03-15", "offset": 5})
        out.append({**base, "country": countries[(i + 1) % len(countries)],
                    "about": countries[i % len(countries)], "offset": 20, "limit": 5})
    return out


def sort_key(hit, sort):
    key = round(hit["score"], 6)
    return (hit["date"], key) if sort in ("newest", "oldest") else key


def compare(params, one, cl):
    where = urllib.parse.urlencode(params)
    for k in ("total", "total_exact", "facets", "dates", "suggestion"):
        if one[k] != cl[k]:
            fail(f"{where}: {k} differs:\n one index: {one[k]}\n cluster:   {cl[k]}")
    if "partial" in cl:
        fail(f"{where}: cluster answer is partial: {cl['missing_shards']}")
    a, b = one["hits"], cl["hits"]
    if len(a) != len(b):
        fail(f"{where}: {len(a)} hits vs {len(b)}")
    sort, n, i = params.get("sort", "relevance"), len(a), 0
    limit, offset = int(params.get("limit", 10)), int(params.get("offset", 0))
    while i < n:
        end = i
        while end < n and sort_key(a[end], sort) == sort_key(a[i], sort):
            if sort_key(b[end], sort) != sort_key(a[end], sort):
                fail(f"{where}: rank {end}: {sort_key(a[end], sort)} vs {sort_key(b[end], sort)}")
            end += 1
        cut = (i == 0 and offset > 0) or (end == n and n == limit)
        if not cut and {h["id"] for h in a[i:end]} != {h["id"] for h in b[i:end]}:
            fail(f"{where}: tied hits {i}..{end} differ")
        i = end


def same_answers(single, cluster):
    reqs = requests_to_compare(single)
    if len(reqs) < 200:
        fail(f"only {len(reqs)} requests")
    hits = 0
    for params in reqs:
        qs = urllib.parse.urlencode(params)
        s1, one = get(f"{single}/search?{qs}")
        s2, cl = get(f"{cluster}/search?{qs}")
        if s1 != 200 or s2 != 200:
            fail(f"{qs}: status {s1} / {s2}: {one} / {cl}")
        compare(params, one, cl)
        hits += len(one["hits"])
    if hits < 1000:
        fail(f"the requests found only {hits} hits: the comparison says little")
    print(f"ok: {len(reqs)} requests answered alike ({hits} hits)")
    return reqs


def percentiles(values):
    v = sorted(values)
    return v[len(v) // 2], v[min(len(v) - 1, int(len(v) * 0.99))]


def measure(single, cluster, reqs, rounds=3):
    """p50/p99 over the requests of each request's fastest of `rounds` runs
    (the machine is shared: the minimum drops other jobs' interference),
    local and cluster asked in turn, request by request."""
    best = {"local": [], "cluster": []}
    for params in reqs:
        qs = urllib.parse.urlencode(params)
        for name, base in (("local", single), ("cluster", cluster)):
            times = []
            for _ in range(rounds):
                t = time.perf_counter()
                _, r = get(f"{base}/search?{qs}")
                times.append((r["elapsed_ms"], (time.perf_counter() - t) * 1000))
            best[name].append((min(e for e, _ in times), min(w for _, w in times)))
    for name, values in best.items():
        p50, p99 = percentiles([e for e, _ in values])
        w50, w99 = percentiles([w for _, w in values])
        print(f"measure: {name}: search p50 {p50:.2f} ms p99 {p99:.2f} ms; HTTP round trip "
              f"p50 {w50:.2f} ms p99 {w99:.2f} ms ({len(values)} requests, best of {rounds})")


# --- 3. failures while queries run -----------------------------------------

class QueryLoop:
    """Searches `base` on two threads until stopped; records every answer."""

    def __init__(self, base):
        self.base, self.stop, self.answers = base, threading.Event(), []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(w,)) for w in WORDS[:2]]
        for t in self.threads:
            t.start()

    def run(self, word):
        qs = urllib.parse.urlencode({"q": word, "facets": "country,date", "limit": 5})
        while not self.stop.is_set():
            start = time.monotonic()
            status, body = get(f"{self.base}/search?{qs}")
            now = time.monotonic()
            with self.lock:
                self.answers.append((now, status, body, now - start))

    def since(self, t):
        with self.lock:
            return [a for a in self.answers if a[0] >= t]

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join()


def failures(env, cluster, shards, do_measure):
    name = list(shards)[1]
    loop = QueryLoop(cluster)
    try:
        wait_until(lambda: len(loop.since(0)) > 20, 10)
        t0 = time.monotonic()
        env.script("kill", env.cdir, f"{name}-r0")
        wait_until(lambda: len(loop.since(t0)) > 50, 20)
        bad = [a for a in loop.since(t0) if a[1] != 200 or "partial" in a[2]]
        if bad:
            fail(f"one replica of {name} killed: {len(bad)} failed answers, first {bad[0][1:]}")
        print(f"ok: one replica of {name} killed, {len(loop.since(t0))} answers, no error")

        t1 = time.monotonic()
        env.script("kill", env.cdir, f"{name}-r1")
        partial = wait_until(lambda: [a for a in loop.since(t1)
                                      if a[1] == 200 and a[2].get("partial")], 20)
        if not partial or partial[-1][2]["missing_shards"] != [name]:
            fail(f"both replicas of {name} killed: no partial answer naming it")
        errors = [a for a in loop.since(t1) if a[1] != 200]
        if errors:
            fail(f"both replicas of {name} killed: {len(errors)} errors, first {errors[0][1:]}")
        print(f"ok: both replicas of {name} killed: partial answers naming it")
        check_health(env, cluster, name)

        t2 = time.monotonic()
        env.script("restart", env.cdir, f"{name}-r0")
        full = wait_until(lambda: [a for a in loop.since(t2)
                                   if a[1] == 200 and "partial" not in a[2]], 30)
        if not full:
            fail(f"replica of {name} restarted: answers stayed partial")
        print(f"ok: replica of {name} back: full answers after "
              f"{full[0][0] - t2:.1f} s (down marks last 10 s)")
    finally:
        loop.finish()
    env.script("restart", env.cdir, f"{name}-r1")
    if do_measure:
        measure_failover(env, cluster, name)


def hung_replica(env, cluster, shards):
    """A replica that stops answering but keeps its port (SIGSTOP) costs time, never answers.

    Each replica of one shard in turn, so the one the daemon reads is among them."""
    name = list(shards)[2]
    # A request may wait out the read timeout twice (the hung read, then the reconnect).
    bound = 2 * 5.0 + 1.0 + 3.0
    for replica in ("r0", "r1"):
        pid = int(open(os.path.join(env.cdir, "run", f"{name}-{replica}.pid")).read())
        loop = QueryLoop(cluster)
        try:
            wait_until(lambda: len(loop.since(0)) > 10, 10)
            t0 = time.monotonic()
            os.killpg(pid, signal.SIGSTOP)
            try:
                wait_until(lambda: len(loop.since(t0)) > 40, 40)
            finally:
                os.killpg(pid, signal.SIGCONT)
            answers = loop.since(t0)
        finally:
            loop.finish()
        bad = [a for a in answers if a[1] != 200 or "partial" in a[2]]
        if bad or len(answers) <= 40:
            fail(f"replica {name}-{replica} hung: {len(answers)} answers, {len(bad)} failed"
                 + (f", first {bad[0][1:3]}" if bad else ""))
        slowest = max(a[3] for a in answers)
        if slowest > bound:
            fail(f"replica {name}-{replica} hung: a request took {slowest:.1f} s (bound {bound} s)")
        print(f"ok: replica {name}-{replica} hung: {len(answers)} answers, no error, "
              f"slowest {slowest:.2f} s")


def check_health(env, cluster, name):
    """/health and /metrics name the missing shard; --require-all-shards: 503."""
    status, health = get(f"{cluster}/health")
    shard = [s for s in health.get("shards", []) if s["name"] == name] if status == 200 else []
    if not shard or shard[0]["up"] or health["missing_shards"] != [name]:
        fail(f"/health with {name} down: {status} {health}")
    _, metrics = get(f"{cluster}/metrics")
    for line in (f'newsdex_shard_up{{shard="{name}"}} 0',
                 f'newsdex_shard_replicas_down{{shard="{name}"}} 2'):
        if line not in metrics:
            fail(f"/metrics with {name} down lacks {line!r}")
    strict = env.daemon("--cluster", env.conf, "--require-all-shards")
    status, body = get(f"{strict}/search?q=oil")
    if status != 503 or name not in body.get("detail", ""):
        fail(f"--require-all-shards with {name} down: {status} {body}")
    print(f"ok: /health and /metrics show {name} down; --require-all-shards answers 503")


def measure_failover(env, cluster, name):
    """Extra latency of one request whose replica was just killed."""
    qs = urllib.parse.urlencode({"q": "oil", "facets": "country", "limit": 10})
    time.sleep(11)  # the restarted replicas' down marks expire (10 s): timing is the subject
    base = []
    for _ in range(30):
        t = time.perf_counter()
        get(f"{cluster}/search?{qs}")
        base.append((time.perf_counter() - t) * 1000)
    extra = []
    for replica in ("0", "1"):
        env.script("kill", env.cdir, f"{name}-r{replica}")
        t = time.perf_counter()
        status, body = get(f"{cluster}/search?{qs}")
        extra.append((time.perf_counter() - t) * 1000)
        if status != 200:
            fail(f"request after killing replica {replica}: {status}")
        env.script("restart", env.cdir, f"{name}-r{replica}")
        time.sleep(11)
    print(f"measure: failover: first request after a kill {max(extra):.2f} ms "
          f"(all 4 threads: the first request on each thread pays it) vs "
          f"median {percentiles(base)[0]:.2f} ms")


# --- 4. a primary's writer killed during indexing --------------------------

def kill_primary_during_indexing(env, shards):
    name = list(shards)[0]
    primary = primary_dir(env, name)
    before = ids_of(env, primary)[0]
    log = open(os.path.join(env.tmp, "index-killed.log"), "w+")
    proc = subprocess.Popen([os.path.join(env.build, "indexer", "newsdex-index"),
                             "--cluster", env.conf, "--quiet", "--batch", "100", *env.more],
                            stdout=subprocess.DEVNULL, stderr=log, text=True)
    wait_until(lambda: (ids_of(env, primary) or (0,))[0] > before or proc.poll() is not None,
               120, poll=0.02)
    if (ids_of(env, primary) or (0,))[0] <= before:
        proc.wait()
        log.seek(0)
        fail(f"indexing committed nothing to the primary (newsdex-index exit "
             f"{proc.returncode}): {log.read()[-2000:]}")
    seen = ids_of(env, primary)  # committed: a reader saw it
    env.script("kill", env.cdir, f"{name}-primary")
    proc.wait()
    env.script("restart", env.cdir, f"{name}-primary")
    after = wait_until(lambda: ids_of(env, primary), 20)
    if not after or after[0] < seen[0]:
        fail(f"primary of {name}: {seen[0]} documents seen committed, {after} after restart")
    print(f"ok: primary of {name} killed during indexing (newsdex-index exit {proc.returncode}): "
          f"{seen[0]} committed, {after[0]} after restart")
    env.index(["--cluster", env.conf], env.more)
    if not wait_until(lambda: converged(env, shards), 60, poll=0.5):
        fail("replicas did not converge to their primaries after the restart")
    print("ok: replicas converged (document counts and id checksums)")


def start_cluster(env, attempts=8):
    """Starts the cluster on a random port range, another if one is taken."""
    for attempt in range(attempts):
        r = env.script("start", env.cdir, "--shards", str(SHARDS), "--replicas", str(REPLICAS),
                       "--base-port", str(env.base_port), check=attempt == attempts - 1)
        if r.returncode == 0:
            return
        print(f"note: ports from {env.base_port} taken, trying others: {r.stderr.strip()}")
        env.script("stop", env.cdir, check=False)
        shutil.rmtree(env.cdir, ignore_errors=True)
        env.base_port = listen_port_base()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    build, src, shared = (os.path.abspath(a) for a in args[:3])
    files = 1000  # all of dev
    for a in sys.argv[1:]:
        if a.startswith("--files="):
            files = int(a.split("=", 1)[1])
    if not os.path.isdir(os.path.join(shared, "corpora", "reuters21578", "dev")):
        skip(f"{shared}/corpora/reuters21578/dev not found (shared corpora absent)")
    if not os.path.exists(os.path.join(src, "scripts", "cluster.sh")):
        skip("scripts/cluster.sh not found")
    env = Env(build, src, shared, files)
    try:
        start_cluster(env)
        shards = read_conf(env.conf)
        if len(shards) != SHARDS or any(len(s["replicas"]) != REPLICAS for s in shards.values()):
            fail(f"{env.conf}: expected {SHARDS} shards x {REPLICAS} replicas: {shards}")
        env.index(["--cluster", env.conf], env.files)
        env.index(["--db", os.path.join(env.tmp, "single")], env.files)
        if not wait_until(lambda: converged(env, shards), 60, poll=0.5):
            fail("replicas did not converge after indexing")
        print(f"ok: {len(env.files)} Reuters dev files indexed, replicas converged")
        single = env.daemon("--db", os.path.join(env.tmp, "single"))
        cluster = env.daemon("--cluster", env.conf)
        reqs = same_answers(single, cluster)
        if "--measure" in sys.argv:
            measure(single, cluster, reqs)
        failures(env, cluster, shards, "--measure" in sys.argv)
        hung_replica(env, cluster, shards)
        kill_primary_during_indexing(env, shards)
    finally:
        env.close()
    print("PASS")


if __name__ == "__main__":
    main()
