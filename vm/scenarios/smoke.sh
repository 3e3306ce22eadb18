# smoke: the guest boots, sees 2 CPUs, trace-cmd records and the workloads run.
set -eu
echo "cpus=$(grep -c ^processor /proc/cpuinfo)"
echo /sys/kernel/tracing/events/* | tr '\n' ' '; echo
ls /opt/zapd/bin
trace-cmd record -q -o smoke.dat -e sched:sched_process_exec -e sched:sched_process_exit -F munmap-4k 64 > smoke.out
cat smoke.out
ls -l smoke.dat
cat /sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled
