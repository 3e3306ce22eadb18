#!/bin/sh
# fixtures.t - import every tests/data/*.dat (real zap traces recorded in
# the VM) and check zapd against an independent oracle: trace-cmd report's
# text, counted with awk (zapd itself never reads text), and the workload
# facts in the sidecar tests/data/NAME.facts (KEY=VALUE: pid=, addr=,
# len=, pages=, or per thread tidN=, addrN=, pagesN=).
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh

set -- tests/data/*.dat
if [ ! -e "$1" ]; then
	echo "1..0 # SKIP no fixtures"
	exit 0
fi

for dat in "$@"; do
	name=$(basename "$dat" .dat)
	facts=tests/data/$name.facts
	db=$T/$name.db
	"$ZAPD" import "$dat" --db $db > $T/out 2> $T/err
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 3 ]
	ok $? "$name: import exit $rc"
	[ $rc -eq 0 ] || sed 's/^/# /' $T/err

	report_counts "$dat" > $T/want
	db_counts $db > $T/got
	cmp -s $T/want $T/got
	ok $? "$name: per-event per-CPU counts equal trace-cmd report's"
	[ $? -eq 0 ] || diff $T/want $T/got | head -20 | sed 's/^/# /'
	awk '{ n[$2] += $3 } END { for (c in n) print c, n[c] }' $T/want |
		sort > $T/wcpu
	sqlite3 -separator ' ' $db "SELECT cpu, sum(count) FROM event_counts
		GROUP BY cpu" | sort > $T/gcpu
	cmp -s $T/wcpu $T/gcpu
	ok $? "$name: per-CPU totals equal trace-cmd report's"

	dones=$(awk '$1 == "zap_present_ptes_done" { n += $3 } END { print n + 0 }' $T/want)
	ivs=$(sqlite3 $db "SELECT count(*) FROM intervals WHERE kind = 'zap'
		AND finished")
	orph=$(sqlite3 $db "SELECT count(*) FROM orphans
		WHERE event = 'zap_present_ptes_done'")
	is $((ivs + orph)) "$dones" "$name: finished intervals + orphan dones = done events"
	lost=$(sqlite3 $db "SELECT count(*) FROM lost WHERE source = 'marker'")
	if [ "$lost" -eq 0 ] && [ "$orph" -eq 0 ]; then
		is "$ivs" "$dones" "$name: intervals = done events (no loss)"
	fi
	is "$(sqlite3 $db "SELECT count(*) FROM intervals WHERE finished AND
		dur_ns != done_ns - start_ns")" 0 "$name: durations consistent"

	# The workload's pages: what it touched in the region(s) it printed
	# (addr=, len=, pages=, or addrN=/tidN=/pagesN= per thread); the
	# rest of its address space is zapped by exit_mmap() too.
	if [ -r "$facts" ]; then
		fact() { sed -n "s/^$1=//p" "$facts" | head -1; }
		len=$(fact len)
		if [ -n "$(fact addr0)" ]; then
			i=0
			while [ -n "$(fact addr$i)" ]; do
				lo=$(($(fact addr$i)))
				got=$(sqlite3 $db "SELECT coalesce(sum(nr), 0)
					FROM intervals WHERE kind = 'zap' AND
					finished AND pid = $(fact tid$i) AND
					addr >= $lo AND addr < $lo + $len")
				is "$got" "$(fact pages$i)" "$name: thread $i: sum(nr) in its region = pages$i"
				i=$((i + 1))
			done
		elif [ -n "$(fact addr)" ]; then
			lo=$(($(fact addr)))
			got=$(sqlite3 $db "SELECT coalesce(sum(nr), 0) FROM
				intervals WHERE kind = 'zap' AND finished AND
				addr >= $lo AND addr < $lo + $len")
			is "$got" "$(fact pages)" "$name: sum(nr) in [addr, addr+len) = pages from facts"
		fi
		pid=$(fact pid)
		if [ -z "$(fact threads)" ]; then
			all=$(sqlite3 $db "SELECT coalesce(sum(nr), 0) FROM
				intervals WHERE kind = 'zap' AND finished AND
				pid = $pid")
			[ "$all" -ge "$(fact pages)" ]
			ok $? "$name: sum(nr) for pid $pid ($all) >= pages (exit_mmap zaps the rest)"
		fi
	fi
	for f in queries/*.sql; do
		"$ZAPD" query $(basename $f .sql) --db $db > /dev/null 2> $T/err
		ok $? "$name: query $(basename $f .sql)"
	done
	integrity $db
done

done_testing
