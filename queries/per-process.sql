-- per-process: zap intervals, PTEs and time per task (comm, pid), busiest first
-- From task_stats (every closed interval, also those below --slower-than
-- that have no row): pages = sum(nr) of the finished intervals, total_ns
-- and max_ns over the finished ones; tainted and hung (unfinished, not
-- tainted) counted apart. :n rows (default 50).
SELECT nullif(comm, '') AS comm, pid, sum(intervals) AS intervals,
       sum(finished) AS finished, sum(pages) AS pages,
       CASE WHEN sum(finished) THEN sum(total_ns) END AS total_ns,
       CASE WHEN sum(finished) THEN max(max_ns) END AS max_ns,
       sum(tainted) AS tainted, sum(hung) AS hung
FROM task_stats
WHERE kind = 'zap'
GROUP BY comm, pid
ORDER BY total_ns DESC
LIMIT coalesce(:n, 50);
