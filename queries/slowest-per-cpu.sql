-- slowest-per-cpu: per start CPU, interval count, total/avg/max duration and who had the max
-- One row per (run, cpu) from cpu_stats: the finished zap intervals
-- started on that CPU (every one, also those below --slower-than), their
-- total and max duration, and who had the max. :n limits the rows
-- (default all CPUs: 4096).
SELECT run_id AS run, cpu, finished AS intervals, total_ns, max_ns,
       total_ns / finished AS avg_ns, max_pid, max_comm
FROM cpu_stats
WHERE kind = 'zap'
ORDER BY max_ns DESC
LIMIT coalesce(:n, 4096);
