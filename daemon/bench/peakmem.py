#!/usr/bin/python3 -B
"""peakmem.py - peak memory of a command and of its child processes.

usage: peakmem.py CMD [ARGS...]

Runs CMD (stdout, stderr to /dev/null) and samples /proc every 10 ms:
RssAnon (anonymous memory) and VmRSS of CMD's process and, separately, of
its descendants (zapd import's reader process). Prints one line:
"seconds=S parent_anon_kb=A parent_rss_kb=R child_anon_kb=A child_rss_kb=R
rc=N" and exits 0.
"""
import os
import subprocess
import sys
import time


def status(pid):
    """RssAnon and VmRSS of pid in kB (0, 0 if gone)"""
    anon = rss = 0
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    anon = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return anon, rss


def children(pid):
    """every descendant of pid"""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for t in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    for c in f.read().split():
                        out.append(int(c))
                        todo.append(int(c))
        except OSError:
            pass
    return out


def main():
    t0 = time.monotonic()
    p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    peak = [0, 0, 0, 0]
    while p.poll() is None:
        a, r = status(p.pid)
        peak[0], peak[1] = max(peak[0], a), max(peak[1], r)
        for c in children(p.pid):
            a, r = status(c)
            peak[2], peak[3] = max(peak[2], a), max(peak[3], r)
        time.sleep(0.01)
    print("seconds=%.2f parent_anon_kb=%d parent_rss_kb=%d child_anon_kb=%d "
          "child_rss_kb=%d rc=%d" % (time.monotonic() - t0, peak[0], peak[1],
                                     peak[2], peak[3], p.returncode))
    return 0


sys.exit(main())
