-- slowest-per-cpu: per start CPU, interval count, total/avg/max duration and who had the max
-- One row per (run, cpu): intervals, total and max duration, and who
-- had the max. :n limits the rows (default all CPUs: 4096).
SELECT run_id AS run, cpu, count(*) AS intervals, sum(dur_ns) AS total_ns,
       max(dur_ns) AS max_ns, CAST(avg(dur_ns) AS INTEGER) AS avg_ns,
       pid AS max_pid, comm AS max_comm
FROM intervals
WHERE finished = 1 AND kind = 'zap'
GROUP BY run_id, cpu
ORDER BY max_ns DESC
LIMIT coalesce(:n, 4096);
