# bench: a munmap storm recorded with zap_present_ptes_start/done only.
# args: ROUNDS PAGES (default 2560 1024: 2.62M done + 2.62M start events).
# Records into the guest's tmpfs (fast), then copies the file to /results.
set -eu
rounds=${1:-2560}
pages=${2:-1024}
[ -d /sys/kernel/tracing/events/zap ] || { echo "no events/zap: kernel not patched?" >&2; exit 3; }
cmd="trace-cmd record -b 65536 -e zap:zap_present_ptes_start -e zap:zap_present_ptes_done -o /tmp/zap-5m.dat -F munmap-storm $rounds $pages"
echo "$cmd" > bench.cmd
$cmd > bench.out 2> bench.err
# lost events are counted on the host (trace-cmd report: LOST markers)
grep -E '^(workload|pid|rounds|pages)=' bench.out
ls -l /tmp/zap-5m.dat
cp /tmp/zap-5m.dat /results/zap-5m.dat
