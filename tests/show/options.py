#!/usr/bin/python3
"""options.py - every option zapd takes is in its --help, its man page
and its bash completion, and nothing else is.

usage: options.py ZAPD MAN.8 COMPLETION SRCDIR

Prints "ok - ..." / "not ok - ..." lines (tests/show/lib.sh: tap_lines).
The option lists are derived, never written here:
  - the getopt tables of SRCDIR/*.c: every `{ "name", ..._argument` and
    every letter of the getopt_long() option string, per file, and the
    file's command from its cli_bad_option("CMD", ...) call;
  - `ZAPD CMD --help`: every -x / --word token of the text;
  - the man page: the item lines (after .TP) of `.SS CMD`;
  - the completion: what _zapd offers after `zapd CMD -` (bash runs it).
The commands themselves come from `ZAPD --help` (zapd [-v] CMD ...).
"""
import re
import subprocess
import sys
from collections import defaultdict

from taplib import failed, ok

OPT = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")
HELP = {"--help", "-h"}


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True,
                          errors="replace").stdout


def commands(zapd):
    return sorted(set(re.findall(r"zapd (?:\[-v\] )?([a-z]+)\b",
                                 run(zapd, "--help"))) - {"query"} |
                  {"query"})


def from_source(srcdir):
    """command -> options of its getopt table (long and short)"""
    import glob
    got = defaultdict(set)
    for path in glob.glob(srcdir + "/*.c"):
        text = open(path, errors="replace").read()
        cmd = re.findall(r'cli_bad_option\("([a-z]+)"', text)
        longs = re.findall(r'\{\s*"([a-z][a-z0-9-]*)",\s*'
                           r'(?:no|required|optional)_argument', text)
        shorts = re.findall(r'getopt_long\(argc,\s*argv,\s*"([^"]*)"', text)
        if not longs and not shorts:
            continue
        if len(set(cmd)) != 1:
            got["?" + path] |= set(longs)
            continue
        got[cmd[0]] |= {"--" + o for o in longs}
        for s in shorts:
            got[cmd[0]] |= {"-" + c for c in s if c.isalpha()}
    return got


def from_help(zapd, cmd):
    """the options of CMD --help; "zapd [-v] CMD" names a global option"""
    return set(OPT.findall(run(zapd, cmd, "--help").replace("zapd [-v] ",
                                                             "zapd ")))


def from_man(man, cmd):
    text = open(man).read()
    m = re.search(r"^\.SS %s\n(.*?)(?=^\.S[SH] )" % re.escape(cmd), text,
                  re.M | re.S)
    if not m:
        return None
    lines = m.group(1).split("\n")
    items = [lines[i + 1] for i, l in enumerate(lines[:-1]) if l == ".TP"]
    opts = set()
    for it in items:
        it = re.sub(r"\\f[BIRP]", "", it.replace("\\-", "-"))
        opts |= set(OPT.findall(it))
    return opts


def from_completion(comp, line):
    script = ('. "$1"; COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}; '
              '_zapd; printf "%s\\n" "${COMPREPLY[@]}"')
    return set(run("bash", "-c", script, "x", comp, line).split())


def check_cmd(zapd, man, comp, cmd, src):
    helped = from_help(zapd, cmd) - HELP
    ok(bool(helped), "%s: --help lists options (%d)" % (cmd, len(helped)))
    missing = src.get(cmd, set()) - HELP - helped
    ok(not missing, "%s: every option of its getopt table is in --help"
       % cmd, sorted(missing))
    inman = from_man(man, cmd)
    ok(inman is not None and inman - HELP == helped,
       "%s: man page .SS %s has exactly the --help options" % (cmd, cmd),
       inman is not None and ("missing %s, extra %s" % (
           sorted(helped - inman), sorted(inman - HELP - helped))))
    offered = from_completion(comp, "zapd %s -" % cmd)
    ok(offered - HELP == helped and "--help" in offered,
       "%s: completion offers exactly the --help options" % cmd,
       "missing %s, extra %s" % (sorted(helped - offered),
                                 sorted(offered - HELP - helped)))


def main():
    zapd, man, comp, srcdir = sys.argv[1:5]
    cmds = commands(zapd)
    src = from_source(srcdir)
    ok(not [k for k in src if k.startswith("?")],
       "every getopt table belongs to one command (cli_bad_option)",
       [k for k in src if k.startswith("?")])
    ok(set(src) <= set(cmds), "every command with a getopt table is in "
       "zapd --help: %s" % " ".join(cmds), sorted(set(src) - set(cmds)))
    for cmd in cmds:
        check_cmd(zapd, man, comp, cmd, src)
    offered = from_completion(comp, "zapd ")
    ok(set(cmds) <= offered, "completion offers every command", offered)
    glob_help = set(OPT.findall(run(zapd, "--help").split("\n\n")[-1]))
    ok({"-v", "--help", "--version"} <= offered and
       {"-v", "--help", "--version"} <= glob_help,
       "global options in --help and the completion")
    text = open(man).read().replace("\\-", "-")
    ok(all(re.search(r"^\.B(R)? %s\b" % o, text, re.M)
           for o in ("-v", "--version")) and "--help" in text,
       "global options in the man page")
    queries = [l.split()[0] for l in run(zapd, "query", "--list").splitlines()]
    ok(all(re.search(r"^\.B %s$" % re.escape(q), text, re.M)
           for q in queries), "every canned query is in the man page: %s"
       % " ".join(queries))
    offered = from_completion(comp, "%s query " % zapd)
    ok(set(queries) == offered, "completion offers every query name",
       sorted(set(queries) ^ offered))


main()
sys.exit(1 if failed() else 0)
