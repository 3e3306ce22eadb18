#!/usr/bin/python3
"""check-report.py - the numbers of a zapd report against the database.

usage: check-report.py PAGE.html DOM.html DB RUN

PAGE.html is the file zapd wrote, DOM.html what Chromium made of it
(--dump-dom). Prints "ok - ..." / "not ok - ..." lines; the calling .t numbers
them (tests/show/lib.sh: tap_lines).
The oracle is computed here: the run's rows read with plain SQL (Python's
sqlite3), bucketed, ranked and summed in Python, never with zapd's SQL:
  - the page loads nothing (no script, no external URL) and every
    section is in the DOM with its title;
  - the key figures (data-k) equal the counts of the run's rows;
  - the percentile table (nearest rank), the log2 bucket counts, the
    slowest intervals, the stage split of the slowest, hung and tainted
    counts and lists, the PTE lock figures, the timeline's caption and
    the runs table equal what the rows say.
"""
import re
import sqlite3
import sys
from collections import defaultdict
from html.parser import HTMLParser

from taplib import failed, ok


SECTIONS = ["runs", "latency", "slowest", "stages", "timeline", "lock",
            "hung", "why", "callers", "context"]
PCTS = [(50, 100), (90, 100), (99, 100), (999, 1000)]


class Dom(HTMLParser):
    """tables by id (rows of data-v), data-k figures, sections, titles"""

    def __init__(self):
        super().__init__()
        self.tables = {}
        self.kv = {}
        self.sections = {}
        self.attrs = {}
        self.table = None
        self.row = None
        self.section = None
        self.h2 = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.attrs[a["id"]] = a
        if "data-k" in a:
            self.kv[a["data-k"]] = a.get("data-v")
        if tag == "section":
            self.section = a.get("id")
        if tag == "h2" and self.section:
            self.h2 = ""
        if tag == "table":
            self.table = a.get("id")
            self.tables[self.table] = []
        if tag == "tr" and self.table:
            self.row = []
        if tag == "td" and self.row is not None:
            self.row.append(a.get("data-v"))

    def handle_endtag(self, tag):
        if tag == "tr" and self.row is not None:
            if self.row:
                self.tables[self.table].append(self.row)
            self.row = None
        if tag == "table":
            self.table = None
        if tag == "h2" and self.h2 is not None:
            self.sections[self.section] = self.h2
            self.h2 = None

    def handle_data(self, data):
        if self.h2 is not None:
            self.h2 += data


def rank(sorted_d, num, den):
    k = (len(sorted_d) * num + den - 1) // den
    return sorted_d[k - 1]


def bucket(d):
    return 0 if d < 2 else d.bit_length() - 1


def check_static(page):
    bad = [p for p in (r"<script", r"<link", r"<img", r"<iframe", r"@import",
                       r"url\(", r"src=", r"href=\"(?!#)")
           if re.search(p, page, re.I)]
    ok(not bad, "the page loads nothing (no script, link, src, url())", bad)
    ok("Content-Security-Policy" in page and "default-src 'none'" in page,
       "Content-Security-Policy forbids every fetch")


def check_sections(dom):
    missing = [s for s in SECTIONS if s not in dom.sections]
    ok(not missing, "every section is in the DOM with its title", missing)


def check_figures(dom, c, run, lo, hi):
    q = lambda sql, *a: c.execute(sql, a).fetchone()[0]
    rows = c.execute("SELECT finished, tainted, migrated FROM intervals WHERE "
                     "run_id = ?", (run,)).fetchall()
    want = {
        "intervals": len(rows),
        "finished": sum(r[0] for r in rows),
        "hung": sum(1 for r in rows if not r[0] and not r[1]),
        "tainted": sum(r[1] for r in rows),
        "migrated": sum(r[2] for r in rows),
        "ranges": q("SELECT count(*) FROM ranges WHERE run_id = ?", run),
        "orphans": q("SELECT count(*) FROM orphans WHERE run_id = ?", run),
        "loss_markers": q("SELECT count(*) FROM lost WHERE run_id = ? AND "
                          "source = 'marker'", run),
        "lost_known": q("SELECT coalesce(sum(count), 0) FROM lost WHERE "
                        "run_id = ? AND source = 'marker'", run),
        "gaps_unknown": q("SELECT count(*) FROM lost WHERE run_id = ? AND "
                          "source = 'marker' AND count IS NULL", run),
        "overrun": q("SELECT coalesce(sum(count), 0) FROM lost WHERE "
                     "run_id = ? AND source = 'stats'", run),
        "extra_events": q("SELECT count(*) FROM events WHERE run_id = ?", run),
    }
    got = {k: int(dom.kv.get(k, -1)) for k in want}
    ok(got == want, "key figures equal the run's rows: %s" %
       ", ".join("%s %d" % kv for kv in sorted(want.items())),
       {k: (got[k], want[k]) for k in want if got[k] != want[k]})
    return want


def check_latency(dom, c, run):
    groups = defaultdict(list)
    for kind, path, d in c.execute("SELECT kind, path, dur_ns FROM intervals "
                                   "WHERE run_id = ? AND finished", (run,)):
        groups[(kind, path or "")].append(d)
    want = {}
    for g, ds in groups.items():
        ds.sort()
        want[g] = [len(ds)] + [rank(ds, a, b) for a, b in PCTS] + \
            [ds[-1], sum(ds) // len(ds), sum(ds)]
    got = {(r[0], r[1]): [int(v) for v in r[2:]]
           for r in dom.tables.get("lat-pct", [])}
    ok(got == want, "percentiles (nearest rank), max, mean, total of %d "
       "kind/path groups" % len(want),
       {g: (got.get(g), want.get(g)) for g in set(got) | set(want)
        if got.get(g) != want.get(g)})
    hw = defaultdict(int)
    for g, ds in groups.items():
        for d in ds:
            hw[(g[0], g[1], bucket(d))] += 1
    hg = {(r[0], r[1], int(r[2])): int(r[4])
          for r in dom.tables.get("lat-hist", [])}
    ok(hg == dict(hw), "log2 bucket counts: %d buckets" % len(hw),
       sorted(set(hg.items()) ^ set(hw.items()))[:5])


def check_slowest(dom, c, run):
    want = [list(r) for r in c.execute(
        "SELECT dur_ns, pid FROM intervals WHERE run_id = ? AND dur_ns IS NOT "
        "NULL ORDER BY dur_ns DESC, id DESC LIMIT 20", (run,))]
    got = [[int(r[0]), int(r[4])] for r in dom.tables.get("slowest-table", [])]
    ok(got == want, "slowest intervals: %d rows, durations and pids" % len(want),
       (got[:3], want[:3]))


def check_stages(dom, c, run):
    slow = c.execute(
        "SELECT id, done_ns FROM intervals WHERE run_id = ? AND dur_ns IS NOT "
        "NULL AND nstages > 0 AND kind = 'zap' ORDER BY dur_ns DESC, id DESC "
        "LIMIT 40", (run,)).fetchall()
    parts = defaultdict(list)
    for iv, done in slow:
        st = c.execute("SELECT stage, since_prev_ns, ts_ns FROM stages WHERE "
                       "interval_id = ? ORDER BY seq", (iv,)).fetchall()
        for s, ns, _ in st:
            parts[s].append(ns)
        parts["done"].append(done - st[-1][2])
    want = {s: [len(v), sum(v), sum(v) // len(v), max(v)]
            for s, v in parts.items()}
    got = {r[0]: [int(x) for x in r[1:5]]
           for r in dom.tables.get("stages-table", [])}
    ok(got == want, "stage split of the %d slowest: count, total, mean, max "
       "per step" % len(slow), (got, want))


def check_unfinished(dom, c, run, fig):
    ok(int(dom.kv.get("hung", -1)) == fig["hung"] and
       len(dom.tables.get("hung-table", [])) == min(50, fig["hung"]),
       "hung: %d, listed %d" % (fig["hung"], min(50, fig["hung"])))
    ok(len(dom.tables.get("tainted-table", [])) == min(50, fig["tainted"]),
       "tainted: listed %d" % min(50, fig["tainted"]))
    want = [r[0] for r in c.execute(
        "SELECT end_ns - start_ns FROM intervals WHERE run_id = ? AND "
        "finished = 0 AND tainted = 0 ORDER BY end_ns - start_ns DESC, id "
        "LIMIT 50", (run,))]
    got = [int(r[0]) if r[0] else None for r in dom.tables.get("hung-table", [])]
    ok(got == want, "hung list: open times, longest first", (got[:3], want[:3]))


def check_lock(dom, c, run, fig):
    if not fig["ranges"]:
        ok("lock-table" not in dom.tables, "no lock ranges: no lock table")
        return
    r = c.execute("SELECT max(wait_ns), max(hold_ns), sum(wait_ns), "
                  "sum(hold_ns) FROM ranges WHERE run_id = ?", (run,)).fetchone()
    got = [int(dom.kv[k]) for k in ("lock_wait_max", "lock_hold_max",
                                    "lock_wait_total", "lock_hold_total")]
    ok(got == [v or 0 for v in r], "PTE lock: longest and total wait, hold",
       (got, r))
    want = [x[0] for x in c.execute(
        "SELECT wait_ns FROM ranges WHERE run_id = ? AND wait_ns IS NOT NULL "
        "ORDER BY wait_ns DESC, id DESC LIMIT 20", (run,))]
    got = [int(x[0]) for x in dom.tables.get("lock-table", [])]
    ok(got == want, "longest lock waits: %d rows" % len(want))


def check_timeline(dom, fig):
    if not fig["intervals"] and not fig["ranges"] and not fig["loss_markers"]:
        ok("tl-caption" not in dom.attrs, "nothing to draw: no timeline")
        return
    a = dom.attrs.get("tl-caption", {})
    want = min(300, fig["finished"])
    ok(int(a.get("data-intervals", -1)) == want,
       "timeline draws the %d slowest finished intervals" % want)
    ok("timeline-svg" in dom.attrs or not fig["intervals"],
       "timeline SVG is in the DOM")


def check_runs(dom, c):
    want = [[r[0], r[1]] for r in c.execute(
        "SELECT id, events FROM runs ORDER BY id LIMIT 50")]
    got = [[int(r[0]), int(r[6])] for r in dom.tables.get("runs-table", [])]
    ok(got == want, "runs table: every run with its event count", (got, want))


def check_context(dom, c, run, fig):
    if not fig["extra_events"]:
        ok("context-table" not in dom.tables, "no extra events: says so")
        return
    slow = c.execute("SELECT id, cpu, done_cpu, start_ns, done_ns FROM "
                     "intervals WHERE run_id = ? AND dur_ns IS NOT NULL ORDER "
                     "BY dur_ns DESC, id DESC LIMIT 100", (run,)).fetchall()
    ivs, recs = defaultdict(set), defaultdict(int)
    for iv, cpu, dcpu, a, b in slow:
        for (ev,) in c.execute("SELECT event FROM events WHERE run_id = ? AND "
                               "ts_ns BETWEEN ? AND ? AND (cpu = ? OR cpu = ?)",
                               (run, a, b, cpu, dcpu)):
            ivs[ev].add(iv)
            recs[ev] += 1
    want = {e: [len(ivs[e]), recs[e]] for e in ivs}
    got = {r[0]: [int(r[1]), int(r[2])]
           for r in dom.tables.get("context-table", [])}
    ok(got == want, "events inside the 100 slowest: per event, intervals and "
       "records", (got, want))


def why_cause(span, irq, soft, nmi, sched, runnable):
    """the dominant cause, as docs/schema.md defines it (ties: the first)"""
    rest = span - irq - soft - nmi - sched
    top = max(irq, soft, nmi, sched, rest)
    if top == 0:
        return None
    for name, v in (("irq", irq), ("softirq", soft), ("nmi", nmi)):
        if v == top:
            return name
    if sched == top:
        return "preempted" if runnable * 2 >= sched else "blocked"
    return "unexplained"


def why_rows(c, run):
    """per interval with attribution: dur_ns, its cause, its caller"""
    q = ("SELECT i.dur_ns, coalesce(i.dur_ns, i.end_ns - i.start_ns), "
         "w.irq_ns, w.softirq_ns, w.nmi_ns, w.sched_ns, w.runnable_ns, "
         "(SELECT s FROM strings WHERE id = w.caller) FROM interval_why AS w "
         "JOIN interval_rows AS i ON i.id = w.interval_id WHERE i.run_id = ?")
    return [(r[0], why_cause(*r[1:7]), r[7]) for r in c.execute(q, (run,))]


def why_table(rows, key):
    """count, total and longest duration per value of @key"""
    t = {}
    for dur, cause, caller in rows:
        k = cause if key == "cause" else caller
        n, tot, mx = t.get(k, (0, 0, None))
        t[k] = (n + 1, tot + (dur or 0),
                dur if mx is None or (dur or 0) > mx else mx)
    return {k: [v[0], v[1], v[2] or 0] for k, v in t.items()}


def check_why(dom, c, run):
    if not c.execute("SELECT count(*) FROM sqlite_master WHERE name = "
                     "'interval_why'").fetchone()[0]:
        return
    st = dict(c.execute("SELECT name, value FROM run_stats WHERE run_id = ? "
                        "AND name LIKE 'why\\_%' ESCAPE '\\'", (run,)))
    measured = any(st.get("why_%s_events" % k, 0) > 0
                   for k in ("irq", "softirq", "nmi", "switch"))
    stacks = st.get("why_stack_events", 0) > 0
    rows = why_rows(c, run) if measured or stacks else []
    for tid, key, on in (("why-table", "cause", measured),
                         ("callers-table", "caller", stacks)):
        if not on:
            ok(tid not in dom.tables, "%s: not recorded in this run, not "
               "drawn" % tid)
            continue
        want = why_table(rows, key)
        got = {(r[0] or None): [int(r[1]), int(r[2]), int(r[3] or 0)]
               for r in dom.tables.get(tid, [])}
        ok(got == want, "%s: per %s, intervals, total and longest time "
           "(%d values)" % (tid, key, len(want)), (got, want))


def main():
    page_f, dom_f, db, run = sys.argv[1], sys.argv[2], sys.argv[3], \
        int(sys.argv[4])
    page = open(page_f, encoding="utf-8", errors="replace").read()
    dom = Dom()
    dom.feed(open(dom_f, encoding="utf-8", errors="replace").read())
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    lo, hi = c.execute("SELECT first_id, last_id FROM runs WHERE id = ?",
                       (run,)).fetchone()
    check_static(page)
    check_sections(dom)
    fig = check_figures(dom, c, run, lo, hi)
    check_latency(dom, c, run)
    check_slowest(dom, c, run)
    check_stages(dom, c, run)
    check_unfinished(dom, c, run, fig)
    check_lock(dom, c, run, fig)
    check_timeline(dom, fig)
    check_runs(dom, c)
    check_context(dom, c, run, fig)
    check_why(dom, c, run)
    return 1 if failed() else 0


sys.exit(main())
