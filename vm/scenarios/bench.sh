# bench: a munmap storm recorded with zap_present_ptes_start/done only.
# args: ROUNDS PAGES NAME (default 2560 1024 zap-5m: 2.62M done + 2.62M
# start events, NAME.dat).
# Records into the guest's tmpfs (fast), then copies the file to /results.
set -eu
rounds=${1:-2560}
pages=${2:-1024}
name=${3:-zap-5m}
[ -d /sys/kernel/tracing/events/zap ] || { echo "no events/zap: kernel not patched?" >&2; exit 3; }
cmd="trace-cmd record -b 65536 -e zap:zap_present_ptes_start -e zap:zap_present_ptes_done -o /tmp/$name.dat -F munmap-storm $rounds $pages"
echo "$cmd" > bench.cmd
$cmd > bench.out 2> bench.err
# lost events are counted on the host (trace-cmd report: LOST markers)
grep -E '^(workload|pid|rounds|pages)=' bench.out
ls -l /tmp/$name.dat
cp /tmp/$name.dat /results/$name.dat
