"""hostile.py - zapd import on damaged trace.dat files, and what must hold.

Shared by tests/import/hostile.t (truncations, byte flips) and
tests/import/corpus.t (the fuzzers' crashing inputs). For every input:
zapd exits 0, 1 or 3 (never killed by a signal, never another code),
prints exactly one line on stderr when it does not exit 0 and nothing when
it does, within a time limit (the reader's hang watchdog is 10 s), and the
database it wrote to passes PRAGMA integrity_check.
"""

import os
import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ZAPD = os.path.abspath(os.environ.get("ZAPD") or os.path.join(
    os.environ.get("BUILD", "build"), "zapd"))
LIMIT_S = 60


class Checker:
    """Runs zapd import on inputs and collects what went wrong."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.failures = []
        self.codes = {}
        self.runs = 0
        self.seconds = 0.0
        self.lock = threading.Lock()

    def run(self, path, label, db=None):
        """One import (--decode-only unless db); its exit code or None."""
        args = [ZAPD, "import", "-q", os.path.abspath(path)]
        args += ["--db", os.path.abspath(db)] if db else ["--decode-only"]
        t0 = time.monotonic()
        try:
            p = subprocess.run(args, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=LIMIT_S,
                               cwd=self.tmp)
        except subprocess.TimeoutExpired:
            self.failures.append("%s: no exit in %d s" % (label, LIMIT_S))
            return None
        rc, err = p.returncode, p.stderr
        with self.lock:
            self.seconds += time.monotonic() - t0
            self.runs += 1
            self.codes[rc] = self.codes.get(rc, 0) + 1
        lines = err.count(b"\n") + (0 if err.endswith(b"\n") or not err
                                    else 1)
        if rc < 0 or rc not in (0, 1, 3):
            self.failures.append("%s: exit %d: %r" % (label, rc, err[:300]))
        elif rc == 0 and err:
            self.failures.append("%s: exit 0 with stderr %r" %
                                 (label, err[:300]))
        elif rc != 0 and lines != 1:
            self.failures.append("%s: exit %d with %d stderr lines: %r" %
                                 (label, rc, lines, err[:300]))
        if db and os.path.exists(db):
            self.integrity(db, label)
        return rc

    def run_all(self, cases, db, sample):
        """cases: (label, bytes) inputs, written to files and imported two
        at a time (--decode-only); every sample-th goes into db instead,
        one at a time, in order"""
        def one(i, label, data):
            path = os.path.join(self.tmp, "in-%d.dat" % i)
            with open(path, "wb") as f:
                f.write(data)
            self.run(path, label)
            os.unlink(path)

        with ThreadPoolExecutor(max_workers=2) as pool:
            futs = []
            for i, (label, data) in enumerate(cases):
                if len(futs) >= 4:	# a few inputs in memory at once
                    futs.pop(0).result()
                if i % sample != sample - 1:
                    futs.append(pool.submit(one, i, label, data))
                    continue
                path = os.path.join(self.tmp, "db-in.dat")
                with open(path, "wb") as f:
                    f.write(data)
                self.run(path, label, db)
            for f in futs:
                f.result()

    def integrity(self, db, label):
        """PRAGMA integrity_check of db must say ok."""
        try:
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            res = con.execute("PRAGMA integrity_check").fetchall()
            con.close()
        except sqlite3.Error as e:
            res = [(str(e),)]
        if res != [("ok",)]:
            self.failures.append("%s: integrity_check: %r" % (label, res[:3]))

    def summary(self):
        """exit codes seen and the time per import, for the TAP comment"""
        codes = ", ".join("exit %d: %d" % (k, v)
                          for k, v in sorted(self.codes.items()))
        per = 1000 * self.seconds / self.runs if self.runs else 0
        return "%d imports (%s), %.0f ms each" % (self.runs, codes, per)


class Tap:
    """TAP lines, numbered, with the plan at the end."""

    def __init__(self):
        self.n = 0
        self.fails = 0

    def ok(self, cond, what, diag=()):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, what))
        if not cond:
            self.fails += 1
            for line in list(diag)[:10]:
                print("#   " + line[:400])
        return cond

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.fails else 0
