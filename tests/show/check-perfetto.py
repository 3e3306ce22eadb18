#!/usr/bin/python3
"""check-perfetto.py - structural check of a zapd export --perfetto file.

usage: check-perfetto.py TRACE.json DB RUN [MIN_NS]

Prints "ok - ..." / "not ok - ..." lines; the calling .t numbers
them (tests/show/lib.sh: tap_lines). Checks, against
the database (the oracle: SQL written here, read with Python's sqlite3):
  - the file is valid JSON: {"traceEvents": [...], "otherData": {...}};
  - every ts/dur is written with exactly three decimals (ns exact);
  - ph is M, X or i; pid/tid are integers in [0, 2^32); X has name, cat,
    ts >= 0, dur >= 0; i has s in t/g;
  - every tid belongs to one pid; every track used has a thread_name,
    every pid a process_name;
  - the complete events of each track nest (sorted by ts, longest first);
  - the intervals on the task tracks are exactly the database's (start,
    duration, pid, as a multiset), and again on the CPU tracks (start cpu);
    stages, stage tails, lock waits and holds, extra events and loss
    markers are as many as the database has (with MIN_NS: only those at
    least that long, events inside them).
"""
import decimal
import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict

from taplib import failed, ok


def ns(v):
    return int(decimal.Decimal(v) * 1000)


def db_expect(db, run, min_ns):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    t1 = c.execute("SELECT coalesce(last_ts, 0) FROM runs WHERE id = ?",
                   (run,)).fetchone()[0]
    dur = "coalesce(dur_ns, coalesce(end_ns, %d) - start_ns)" % t1
    iv = Counter(c.execute(
        "SELECT start_ns, %s, pid FROM intervals WHERE run_id = ? AND %s >= ?"
        % (dur, dur), (run, min_ns)))
    ivcpu = Counter(c.execute(
        "SELECT start_ns, %s, cpu FROM intervals WHERE run_id = ? AND %s >= ?"
        % (dur, dur), (run, min_ns)))
    q = lambda sql, *a: c.execute(sql, a).fetchone()[0]
    e = {
        "stages": q("SELECT count(*) FROM stages s JOIN intervals i ON "
                    "i.id = s.interval_id WHERE i.run_id = ? AND %s >= ?"
                    % dur, run, min_ns),
        "tails": q("SELECT count(DISTINCT s.interval_id) FROM stages s JOIN "
                   "intervals i ON i.id = s.interval_id WHERE i.run_id = ? "
                   "AND i.finished AND i.dur_ns >= ?", run, min_ns),
        "wait": q("SELECT count(*) FROM ranges WHERE run_id = ? AND wait_ns "
                  "IS NOT NULL AND (wait_ns >= ? OR coalesce(hold_ns, 0) >= ?)",
                  run, min_ns, min_ns),
        "hold": q("SELECT count(*) FROM ranges WHERE run_id = ? AND hold_ns "
                  "IS NOT NULL AND (wait_ns >= ? OR hold_ns >= ?)",
                  run, min_ns, min_ns),
        "lost": q("SELECT count(*) FROM lost WHERE run_id = ? AND source = "
                  "'marker' AND ts_ns IS NOT NULL", run),
    }
    if min_ns == 0:
        e["events"] = q("SELECT count(*) FROM events WHERE run_id = ?", run)
    else:
        seen = set()
        for a, d, cpu, dcpu in c.execute(
                "SELECT start_ns, %s, cpu, coalesce(done_cpu, cpu) FROM "
                "intervals WHERE run_id = ? AND %s >= ?" % (dur, dur),
                (run, min_ns)).fetchall():
            seen.update(c.execute(
                "SELECT rowid FROM event_rows WHERE run_id = ? AND ts_ns "
                "BETWEEN ? AND ? AND cpu IN (?, ?)",
                (run, a, a + d, cpu, dcpu)).fetchall())
        e["events"] = len(seen)
    return iv, ivcpu, e


def nests(slices):
    """slices: [(ts, dur)] of one track; None if they nest, else the pair"""
    stack = []
    for ts, dur in sorted(slices, key=lambda s: (s[0], -s[1])):
        end = ts + dur
        while stack and stack[-1] <= ts:
            stack.pop()
        if stack and end > stack[-1]:
            return (ts, dur, stack[-1])
        stack.append(end)
    return None


def structure(evs, raw):
    bad = [m.group(0) for m in re.finditer(r'"(ts|dur)":(-?[0-9.eE+-]+)', raw)
           if not re.fullmatch(r'[0-9]+\.[0-9]{3}', m.group(2))]
    ok(not bad, "every ts and dur has exactly three decimals", bad[:3])
    badev = []
    tidpid = {}
    for e in evs:
        ph = e.get("ph")
        pid, tid = e.get("pid"), e.get("tid")
        good = (ph in ("M", "X", "i") and isinstance(pid, int)
                and isinstance(tid, int) and 0 <= pid < 2**32
                and 0 <= tid < 2**32 and isinstance(e.get("name"), str))
        if ph == "X":
            good = good and isinstance(e.get("cat"), str) and \
                ns(e["ts"]) >= 0 and ns(e["dur"]) >= 0
        if ph == "i":
            good = good and e.get("s") in ("t", "g") and ns(e["ts"]) >= 0
        if ph == "M":
            good = good and e["name"] in ("process_name", "thread_name",
                                          "process_sort_index",
                                          "thread_sort_index") \
                and isinstance(e.get("args"), dict)
        if not good:
            badev.append(e)
        if tidpid.setdefault(tid, pid) != pid:
            badev.append(("tid in two pids", e))
    ok(not badev, "ph/pid/tid/ts/dur rules hold for %d events" % len(evs),
       badev[:3])
    named = {(e["pid"], e["tid"]) for e in evs
             if e["ph"] == "M" and e["name"] == "thread_name"}
    pnamed = {e["pid"] for e in evs
              if e["ph"] == "M" and e["name"] == "process_name"}
    used = {(e["pid"], e["tid"]) for e in evs
            if e["ph"] == "X" or (e["ph"] == "i" and e["s"] == "t")}
    ok(used <= named, "every track used has a thread_name",
       sorted(used - named)[:5])
    ok({p for p, _ in used} <= pnamed, "every process has a process_name")
    tracks = defaultdict(list)
    for e in evs:
        if e["ph"] == "X":
            tracks[(e["pid"], e["tid"])].append((ns(e["ts"]), ns(e["dur"])))
    badn = [(k, r) for k, v in tracks.items() for r in [nests(v)] if r]
    ok(not badn, "slices nest on each of %d tracks" % len(tracks), badn[:3])


def counts(evs, other, db, run, min_ns):
    iv, ivcpu, e = db_expect(db, run, min_ns)
    cpus = min(e2["pid"] for e2 in evs if e2["ph"] == "M"
               and e2["name"] == "process_name"
               and e2["args"]["name"] == "zap: CPUs")
    tasks = [e2["pid"] for e2 in evs if e2["ph"] == "M"
             and e2["name"] == "process_name"
             and e2["args"]["name"] == "zap: tasks"][0]
    X = [x for x in evs if x["ph"] == "X"]
    got = Counter((ns(x["ts"]), ns(x["dur"]), x["args"]["pid"]) for x in X
                  if x["pid"] == tasks and x["cat"] == "interval")
    ok(got == iv, "task tracks: the %d intervals are the database's "
       "(start, duration, pid)" % sum(iv.values()),
       (list((got - iv).items())[:3], list((iv - got).items())[:3]))
    got = Counter((ns(x["ts"]), ns(x["dur"]), x["args"]["cpu"]) for x in X
                  if x["pid"] == cpus and x["cat"] == "interval")
    ok(got == ivcpu, "CPU tracks: the same intervals on their start CPU")
    c = Counter((x["pid"], x["cat"], x["name"]) for x in X)
    st = sum(v for (p, cat, name), v in c.items() if p == tasks
             and cat == "stage" and name != "done")
    tl = c[(tasks, "stage", "done")]
    ok(st == e["stages"], "stages: %d = database's %d" % (st, e["stages"]))
    ok(tl == e["tails"], "stage tails (last stage..done): %d = %d"
       % (tl, e["tails"]))
    for who in (tasks, cpus):
        w = sum(v for (p, cat, name), v in c.items() if p == who
                and name.startswith("pte lock wait"))
        h = c[(who, "pte_lock", "pte lock hold")]
        ok(w == e["wait"] and h == e["hold"],
           "%s tracks: lock wait %d/%d, hold %d/%d" %
           ("task" if who == tasks else "CPU", w, e["wait"], h, e["hold"]))
    inst = Counter(x["cat"] for x in evs if x["ph"] == "i")
    ok(inst["event"] == e["events"], "extra events as instants: %d = %d"
       % (inst["event"], e["events"]))
    ok(inst["lost"] == e["lost"], "loss markers: %d = %d"
       % (inst["lost"], e["lost"]))
    ok(other.get("run") == run and other.get("dropped") == 0 and
       other.get("intervals") == sum(iv.values()),
       "otherData: run %s, intervals %s, dropped %s" %
       (other.get("run"), other.get("intervals"), other.get("dropped")))


def main():
    path, db, run = sys.argv[1], sys.argv[2], int(sys.argv[3])
    min_ns = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    raw = open(path, "rb").read().decode("utf-8")
    try:
        top = json.loads(raw, parse_float=decimal.Decimal)
    except ValueError as err:
        ok(False, "valid JSON", err)
        return 1
    ok(isinstance(top, dict) and isinstance(top.get("traceEvents"), list)
       and isinstance(top.get("otherData"), dict),
       "valid JSON object with traceEvents and otherData")
    evs = top["traceEvents"]
    structure(evs, raw)
    counts(evs, top["otherData"], db, run, min_ns)
    return 1 if failed() else 0


sys.exit(main())
