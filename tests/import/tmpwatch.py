#!/usr/bin/python3 -B
"""tmpwatch.py - kill -9 a zapd import while its temporary files exist.

usage: tmpwatch.py DIR DELAY_MS -- ZAPD import ...

DIR is the TMPDIR of the import (a tmpfs of its own). Starts the command,
waits until DIR's file system holds more than it did before (the reader
process's nameless files: they never show in a listing), waits DELAY_MS
more, then SIGKILLs the import process (not the reader: it must die with
its parent). Then waits up to 5 s for the space to come back. Prints
"seen=0|1 used0=N peak=N after=N" (KiB) and exits 0; the caller judges.
"""
import os
import signal
import subprocess
import sys
import time


def used(d):
    s = os.statvfs(d)
    return (s.f_blocks - s.f_bfree) * s.f_frsize // 1024


def main():
    d, delay = sys.argv[1], int(sys.argv[2])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    env = dict(os.environ, TMPDIR=d)
    u0 = used(d)
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    seen, peak, t0 = 0, u0, time.monotonic()
    while p.poll() is None and time.monotonic() - t0 < 20:
        u = used(d)
        peak = max(peak, u)
        if u > u0:
            seen = 1
            time.sleep(delay / 1000.0)
            peak = max(peak, used(d))
            p.send_signal(signal.SIGKILL)
            break
    p.wait()
    t1 = time.monotonic()
    while used(d) > u0 and time.monotonic() - t1 < 5:
        time.sleep(0.01)
    print("seen=%d used0=%d peak=%d after=%d" % (seen, u0, peak, used(d)))
    return 0


sys.exit(main())
