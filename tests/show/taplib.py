"""taplib.py - the result lines of the tests/show checkers.

ok(cond, what, diag) prints "ok - WHAT" or "not ok - WHAT" and up to 8
diagnostic lines; tests/show/lib.sh's tap_lines numbers them. failed()
says whether any check failed (the checker's exit code).
"""

_fails = 0


def ok(cond, what, diag=None):
    global _fails
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        _fails += 1
        if diag is not None:
            for line in str(diag).splitlines()[:8]:
                print("#   " + line[:400])


def failed():
    return _fails > 0
