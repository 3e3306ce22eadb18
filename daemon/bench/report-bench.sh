#!/bin/sh
# report-bench.sh - zapd report of a big trace: time to write it, its size,
# and how long headless Chromium takes to open it.
# usage: report-bench.sh ZAPD FILE.dat [DB]
# Imports FILE.dat into DB (default: a temporary one; an existing DB with
# the run is reused), then, BENCH_REPEAT times (default 3, medians
# reported): zapd report (wall time and max RSS, /usr/bin/time -v); the
# page opened in an iframe of a small opener page (the iframe's load
# event, in ms, from the opener's own clock: parse + layout of the
# report); and chromium --screenshot of the report against the same of
# an empty page (whole-process wall times, paired: report - empty is the
# cost of the page). Targets: under 2 MB, opens in under 2 s. Skips
# (exit 0) if FILE.dat is absent.
set -eu
zapd=$1 dat=$2
reps=${BENCH_REPEAT:-3}
if [ ! -r "$dat" ]; then
	echo "bench-report: $dat not found: skipped (make bench-trace)"
	exit 0
fi
tmp=$(mktemp -d /tmp/zapd-rbench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
db=${3:-$tmp/bench.db}
now() { date +%s.%N; }
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
chrome() {
	ud=$(mktemp -d "$tmp/ud.XXXXXX")
	chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars \
		--user-data-dir="$ud" "$@" 2> /dev/null
	rm -rf "$ud"
}

t0=$(now)
"$zapd" import "$dat" --db "$db" > "$tmp/imp" 2>&1
echo "import: $(echo "$(now) - $t0" | bc -l | cut -c1-6) s: $(cat "$tmp/imp")"
cat > "$tmp/open.html" <<'HTML'
<!DOCTYPE html><html><body><script>var t0 = performance.now();</script>
<iframe src="report.html" width="1280" height="900" onload="document.body.
setAttribute('data-ms', (performance.now() - t0).toFixed(0))"></iframe>
</body></html>
HTML
echo '<!DOCTYPE html><html><body></body></html>' > "$tmp/empty.html"
i=0
while [ $i -lt "$reps" ]; do
	/usr/bin/time -f "%e %M" -o "$tmp/time" \
		"$zapd" report --db "$db" -o "$tmp/report.html"
	awk '{ print $1 }' "$tmp/time" >> "$tmp/wall"
	awk '{ print $2 }' "$tmp/time" >> "$tmp/rss"
	chrome --dump-dom "file://$tmp/open.html" |
		sed -n 's/.*data-ms="\([0-9]*\)".*/\1/p' >> "$tmp/iframe"
	t0=$(now)
	chrome --window-size=1280,900 --screenshot="$tmp/r.png" \
		"file://$tmp/report.html" > /dev/null
	t1=$(now)
	chrome --window-size=1280,900 --screenshot="$tmp/e.png" \
		"file://$tmp/empty.html" > /dev/null
	t2=$(now)
	echo "$t1 - $t0" | bc -l >> "$tmp/shot"
	echo "$t2 - $t1" | bc -l >> "$tmp/blank"
	i=$((i + 1))
done
size=$(wc -c < "$tmp/report.html")
echo "report: $(median "$tmp/wall") s to write, max RSS $(median "$tmp/rss") KB," \
     "$size bytes (target < 2000000)"
echo "open: iframe load $(median "$tmp/iframe") ms (target < 2000);" \
     "chromium --screenshot $(median "$tmp/shot") s vs empty page" \
     "$(median "$tmp/blank") s (medians of $reps)"
