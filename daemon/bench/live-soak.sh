#!/bin/sh
# live-soak.sh - a long zapd live run under a steady storm: its memory and
# its database over time.
# usage: live-soak.sh ZAPD MUNMAP_N [MINUTES [RATE]]
# zapd live (default mode, --pair munmap, --pid of the load) traces
# munmap-n doing RATE munmaps per second (default 100000, paced) for
# MINUTES (default 10); every 30 s: zapd's RSS (VmRSS), the database's
# size (page_count * page_size: what is committed, WAL included), the WAL
# file's bytes (reused, bounded by the checkpoints), its interval rows and
# histogram rows, and the events so far. Prints the samples, RSS growth
# after the first minute and the database's growth in bytes per minute.
# SOAK_ARGS: more zapd live options (e.g. --slower-than 1s: no rows, to
# tell zapd's own memory from SQLite's cache of a growing database).
# Needs root; skips otherwise.
set -eu
zapd=$1 mn=$2
min=${3:-10}
rate=${4:-100000}
if [ "$(id -u)" != 0 ] || [ ! -e /sys/kernel/tracing/events/syscalls/sys_enter_munmap ]; then
	echo "bench-live-soak: needs root and syscalls events: skipped"
	exit 0
fi
tmp=$(mktemp -d /tmp/zapd-soak.XXXXXX)
trap 'kill $wl 2>/dev/null; rm -rf "$tmp"' EXIT
db=$tmp/soak.db
(until [ -e "$tmp/start" ]; do sleep 0.01; done; echo go) |
	"$mn" $((rate * (min * 60 + 30))) --wait --rate $rate > "$tmp/pid" &
wl=$!
until [ -s "$tmp/pid" ]; do sleep 0.01; done
"$zapd" live --db "$db" --instance zapdsoak$$ --pid "$(cat "$tmp/pid")" \
	--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap \
	${SOAK_ARGS:-} > "$tmp/out" 2> "$tmp/err" &
zp=$!
until [ -s "$db" ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM runs
	WHERE state = 'importing'" 2>/dev/null)" = 1 ]; do sleep 0.05; done
touch "$tmp/start"
echo "bench-live-soak: zapd live --pair munmap ${SOAK_ARGS:-(default mode)} for $min min, munmap-n at $rate munmaps/s"
printf '  %6s %9s %12s %12s %10s %10s %12s\n' t_s rss_kb db_bytes wal_bytes rows hist_rows events
sample() {
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/$zp/status)
	bytes=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT page_count * page_size
		FROM pragma_page_count(), pragma_page_size()")
	wal=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
	rows=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT count(*) FROM interval_rows")
	hrows=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT count(*) FROM histograms")
	ev=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT value FROM run_stats WHERE name = 'events'")
	printf '  %6s %9s %12s %12s %10s %10s %12s\n' $1 $rss $bytes $wal $rows $hrows ${ev:-0}
	echo "$1 $rss $bytes" >> "$tmp/samples"
}
t=0
while [ $t -le $((min * 60)) ]; do
	sample $t
	sleep 30
	t=$((t + 30))
done
kill -INT $zp
wait $zp || true
kill $wl 2>/dev/null || true
echo "  lost: $(sqlite3 "$db" "SELECT coalesce(sum(count), 0) || ' events in ' || count(*) || ' rows' FROM lost")"
awk 'NR == 3 { r0 = $2; b0 = $3; t0 = $1 }
	{ r1 = $2; b1 = $3; t1 = $1 }
	END { printf "  RSS after 1 min %d kB, at the end %d kB (%+d kB); database +%.0f bytes/min after 1 min\n",
	      r0, r1, r1 - r0, (b1 - b0) / ((t1 - t0) / 60) }' "$tmp/samples"
