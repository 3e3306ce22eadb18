#!/usr/bin/python3 -B
"""corpus.t - the fuzzers' crashing inputs, kept as regression tests
(tests/fuzz/corpus/, tests/fuzz/README.md).

read/: trace.dat inputs on which fuzz-read crashed (inside libtracecmd or
libtraceevent: the reader process's crash is expected; or in zapd's code,
since fixed), as files (*.dat) or byte patches of a fixture (*.patch). Each goes through the real zapd import into one database
(holding a complete run first): exit 0, 1 or 3 only, one stderr line
unless 0, nothing if 0, PRAGMA integrity_check ok after each (hostile.py).

wire/: frames as a compromised reader process could send them, on which
fuzz-wire found a zapd bug (since fixed), and hand-made hostile streams.
Each goes through the import process's side (wire-replay, built like
zapd): it must not crash, its result is 0, 1 or 3, and it says at most
one line, none from a sanitizer.
"""

import glob
import os
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from hostile import Checker, Tap  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
REPLAY = os.path.abspath(os.path.join(BUILD, "tests", "wire-replay"))
tap = Tap()
tmp = tempfile.mkdtemp(prefix="zapd-corpus.")


def patched(f):
    """the input a .patch file describes: "base FILE", then "OFFSET BYTE"
    lines (decimal, hex) changing bytes of FILE; a file of its own"""
    data = None
    for line in open(f):
        w = line.split()
        if not w or w[0].startswith("#"):
            continue
        if w[0] == "base":
            data = bytearray(open(w[1], "rb").read())
        else:
            data[int(w[0])] = int(w[1], 16)
    path = os.path.join(tmp, os.path.basename(f)[:-6] + ".dat")
    with open(path, "wb") as out:
        out.write(data)
    return path


def read_corpus():
    """every read/ input through zapd import into one database"""
    files = sorted(f for f in glob.glob("tests/fuzz/corpus/read/*")
                   if f.endswith(".dat") or f.endswith(".patch"))
    tap.ok(len(files) > 0, "read corpus: %d inputs" % len(files))
    db = os.path.join(tmp, "corpus.db")
    chk = Checker(tmp)
    chk.run("tests/data/two-threads.dat", "first run", db)
    for f in files:
        n = len(chk.failures)
        path = patched(f) if f.endswith(".patch") else f
        rc = chk.run(path, os.path.basename(f), db)
        tap.ok(len(chk.failures) == n, "read/%s: exit %s" %
               (os.path.basename(f), rc), chk.failures[n:])
    tap.ok(os.path.exists(db), "read corpus: " + chk.summary())


def wire_one(f):
    """one wire/ input through wire-replay: the problems found"""
    name = os.path.basename(f)
    try:
        p = subprocess.run([REPLAY, f], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
    except subprocess.TimeoutExpired:
        return ["no exit in 60 s"]
    out, err = p.stdout.decode(errors="replace"), p.stderr
    bad = []
    if p.returncode != 0:
        bad.append("exit %d: %r" % (p.returncode, err[-600:]))
    elif out.strip().rsplit(" ", 1)[-1] not in ("0", "1", "3"):
        bad.append("result %r" % out.strip())
    if err.count(b"\n") > 1:
        bad.append("%d stderr lines: %r" % (err.count(b"\n"), err[:600]))
    if b"Sanitizer" in err or b"runtime error" in err:
        bad.append("sanitizer: %r" % err[:600])
    return ["%s: %s" % (name, b) for b in bad]


def wire_corpus():
    """every wire/ input through the import side"""
    files = sorted(glob.glob("tests/fuzz/corpus/wire/*"))
    tap.ok(len(files) > 0 and os.access(REPLAY, os.X_OK),
           "wire corpus: %d inputs, %s" % (len(files), REPLAY))
    for f in files:
        bad = wire_one(f)
        tap.ok(not bad, "wire/%s" % os.path.basename(f), bad)


try:
    null0 = os.stat("/dev/null").st_rdev
    read_corpus()
    wire_corpus()
    # a failed decompression (lib-tracecmd_close-copy.patch) once made
    # tracecmd_copy() unlink its output path, then "/dev/null"
    st = os.stat("/dev/null")
    tap.ok(__import__("stat").S_ISCHR(st.st_mode) and st.st_rdev == null0,
           "/dev/null is still the null device")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(tap.done())
