#!/bin/sh
# json.t - zapd query --json: for every canned query on the fixtures and
# a lossy zapd live run on this host (losses, tainted intervals, extra
# events), the
# array equals what sqlite3's own JSON mode (the oracle) makes of the same
# queries/NAME.sql, value for value, with integers as JSON integers; -n
# applies; text is byte-safe: a run label holding control bytes, quotes,
# backslashes and bytes that are not UTF-8 comes back byte for byte
# (json.loads, then encode('utf-8', 'surrogateescape')).
cd "$(dirname "$0")/../.." || exit 1
. tests/show/lib.sh

DB=$T/all.db
import_fixtures $DB
ok $? "fixtures imported"
# hung, tainted, lost and inside need losses and extra events: a live run
lossy_live_run $DB "lossy live run" ||
	echo "# SKIP lossy live run: cannot trace on this host"

cmp_json() {	# cmp_json GOT WANT - the same objects: one array per statement,
		# compared row for row (sqlite3 prints nothing for no rows)
	$PY - "$1" "$2" <<'PYEOF'
import json, sys
def rows(path):
    text, dec, pos, out = open(path).read(), json.JSONDecoder(), 0, []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return out
        arr, pos = dec.raw_decode(text, pos)
        assert type(arr) is list, "not an array of objects"
        out += arr
got = rows(sys.argv[1])
want = rows(sys.argv[2])
if got != want:
    print("#   got  %s" % str(got[:2])[:300])
    print("#   want %s" % str(want[:2])[:300])
    sys.exit(1)
types = {type(v).__name__ for row in got for v in row.values()}
print("#   %d rows; value types %s" % (len(got), ", ".join(sorted(types))))
PYEOF
}

for q in $("$ZAPD" query --list | awk '{ print $1 }'); do
	"$ZAPD" query $q --json --db $DB > $T/$q.json 2> $T/err
	is "$?:$(cat $T/err)" "0:" "$q --json: exit 0, quiet"
	grep -v '^--' queries/$q.sql | sqlite3 -json $DB > $T/$q.want
	cmp_json $T/$q.json $T/$q.want
	ok $? "$q: equal to sqlite3 -json of queries/$q.sql"
done

"$ZAPD" query slowest -n 3 --json --db $DB > $T/s3.json
$PY -c 'import json,sys; a = json.load(open(sys.argv[1]));
assert len(a) == 3 and all(type(r["dur_ns"]) is int for r in a)' $T/s3.json
ok $? "-n 3: three rows, dur_ns a JSON integer"

LABEL=$(printf 'a\001"\\\n\t\377\376\303\251\355\240\200z')
"$ZAPD" import tests/data/munmap-4k.dat --db $T/l.db --run-label "$LABEL" \
	> /dev/null
"$ZAPD" query hung --json --db $T/l.db > $T/h.json
is "$(cat $T/h.json)" "[
]" "no rows: an empty array"
"$ZAPD" query runs --json --db $T/l.db > $T/l.json
printf '%s' "$LABEL" > $T/label.want
$PY -c 'import json,sys; r = json.load(open(sys.argv[1]))[0];
sys.stdout.buffer.write(r["what"].encode("utf-8", "surrogateescape"))' \
	$T/l.json > $T/label.got
cmp -s $T/label.got $T/label.want
ok $? "label bytes (control, quote, backslash, not UTF-8) round-trip exactly"
grep -q '\\udcff\\udcfe' $T/l.json && grep -q 'é' $T/l.json &&
	grep -q '\\udced\\udca0\\udc80' $T/l.json
ok $? "invalid bytes as \\udcXX, valid UTF-8 as is, an encoded surrogate is invalid"

"$ZAPD" query slowest --csv --json --db $DB 2> $T/err
is "$?:$(lines $T/err)" "2:1" "--csv --json: exit 2, one line"
done_testing
