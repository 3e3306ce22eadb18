#!/usr/bin/python3 -B
"""hostile.t - zapd import on damaged trace.dat files (hostile input).

1. Truncation stride over tests/data/munmap-4k.dat (version 7, compressed,
   as trace-cmd records it) and its version 6 copy (trace-cmd convert):
   every prefix of the first 4 KiB (4096 cuts: the headers) and a spread
   of 256 cuts over the rest of each.
2. 1,000 seeded byte flips (1 to 64 random bytes each, the seed fixed:
   reproducible) over every fixture and its uncompressed and version 6
   copies: half of the flipped bytes anywhere, half in the first 64 KiB
   (headers and event formats).

For every input (hostile.py): exit 0, 1 or 3 only (never a signal),
exactly one line on stderr unless it exits 0, nothing on stderr if it
does. Most imports are --decode-only (the same reader and frame checks,
no SQLite), two at a time; every 16th goes into a database of its scenario (one per
scenario, which holds a complete run first; runs accumulate) and PRAGMA
integrity_check runs after each of those and at the end of each
scenario.

3. Two failures of otherwise valid files, one stderr line each: a --pair
   key field the event lacks (the reader's W_FAIL during the read), a
   zap format missing a field (read as 0: exit 3, run incomplete).

HOSTILE_FLIPS=N changes the number of flips, HOSTILE_SEED the seed
(a failure prints the case's seed-derived label: rerun with the same).
"""

import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from hostile import ZAPD, Checker, Tap  # noqa: E402

FIXTURE = "tests/data/munmap-4k.dat"
FIRST = "tests/data/two-threads.dat"	# a run each database holds first
SAMPLE = 16
tap = Tap()
tmp = tempfile.mkdtemp(prefix="zapd-hostile.")


def convert(src, dst, *opts):
    """trace-cmd convert src -> dst with opts"""
    subprocess.run(["trace-cmd", "convert", *opts, "-i", src, "-o", dst],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return dst


def truncations(name, src):
    """every prefix of the first 4 KiB, 256 cuts spread over the rest"""
    data = open(src, "rb").read()
    cuts = list(range(0, min(4096, len(data))))
    rest = len(data) - 4096
    cuts += [4096 + rest * i // 256 for i in range(256)]
    chk = Checker(tmp)
    db = os.path.join(tmp, "trunc-%s.db" % name)
    chk.run(FIRST, "first run", db)
    chk.run_all((("%s cut at %d" % (name, n), data[:n]) for n in cuts),
                db, SAMPLE)
    tap.ok(not chk.failures, "%s: %d truncations: %s" %
           (name, len(cuts), chk.summary()), chk.failures)
    chk.failures = []
    chk.integrity(db, name)
    tap.ok(os.path.exists(db) and not chk.failures,
           "%s: its database passes integrity_check" % name, chk.failures)


def flips(files, count, seed):
    """count inputs, each with 1-64 bytes of one file flipped"""
    rng = random.Random(seed)
    datas = [(os.path.basename(f), open(f, "rb").read()) for f in files]
    chk = Checker(tmp)
    db = os.path.join(tmp, "flips.db")
    chk.run(FIRST, "first run", db)

    def cases():
        for i in range(count):
            name, data = datas[i % len(datas)]
            buf = bytearray(data)
            for _ in range(rng.randint(1, 64)):
                top = len(buf) if rng.random() < 0.5 else \
                    min(len(buf), 65536)
                buf[rng.randrange(top)] ^= rng.randint(1, 255)
            yield ("flip case %d (seed %d, %s)" % (i, seed, name),
                   bytes(buf))
    chk.run_all(cases(), db, SAMPLE)
    tap.ok(not chk.failures, "%d byte-flip inputs over %d files: %s" %
           (count, len(files), chk.summary()), chk.failures)
    chk.failures = []
    chk.integrity(db, "flips")
    tap.ok(os.path.exists(db) and not chk.failures,
           "byte flips: the database passes integrity_check", chk.failures)


def one_line_failures():
    """a reader's failure during the read (a --pair key field the event
    lacks) and a zap format missing a field: one line each"""
    chk = Checker(tmp)
    args = ["--pair", "sched:sched_switch,sched:sched_wakeup,nosuch"]
    p = subprocess.run([ZAPD, "import", "-q", "--decode-only",
                        "tests/data/why-timer.dat"] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tap.ok(p.returncode == 1 and p.stderr.count(b"\n") == 1 and
           b"has no field 'nosuch'" in p.stderr,
           "--pair key field missing: exit 1, one line",
           [repr((p.returncode, p.stderr))])
    data = open(convert(FIXTURE, os.path.join(tmp, "none.dat"),
                        "--compression", "none"), "rb").read()
    at = data.find(b"field:unsigned long end;",
                   data.find(b"name: zap_pte_lock\n"))
    path = os.path.join(tmp, "nofield.dat")
    with open(path, "wb") as f:
        f.write(data[:at] + b"field:unsigned long xnd;" + data[at + 24:])
    db = os.path.join(tmp, "nofield.db")
    rc = chk.run(path, "zap_pte_lock without 'end'", db)
    tap.ok(rc == 3 and not chk.failures,
           "a zap format missing a field: exit 3 (run incomplete), one line",
           chk.failures + ["exit %s" % rc])


try:
    one_line_failures()
    v6 = convert(FIXTURE, os.path.join(tmp, "munmap-4k-v6.dat"),
                 "--file-version", "6")
    truncations("munmap-4k (v7)", FIXTURE)
    truncations("munmap-4k (v6)", v6)
    files = []
    for f in sorted(glob.glob("tests/data/*.dat")):
        n = os.path.basename(f)[:-4]
        files += [f,
                  convert(f, os.path.join(tmp, n + "-none.dat"),
                          "--compression", "none"),
                  convert(f, os.path.join(tmp, n + "-v6.dat"),
                          "--file-version", "6")]
    flips(files, int(os.environ.get("HOSTILE_FLIPS", "1000")),
          int(os.environ.get("HOSTILE_SEED", "20261203")))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(tap.done())
