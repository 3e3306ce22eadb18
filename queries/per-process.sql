-- per-process: zap intervals, PTEs and time per task (comm, pid), busiest first
-- pages = sum(nr) of finished intervals; unfinished/tainted counted apart.
SELECT comm, pid, count(*) AS intervals, sum(finished) AS finished,
       sum(CASE WHEN finished THEN nr ELSE 0 END) AS pages,
       sum(dur_ns) AS total_ns, max(dur_ns) AS max_ns,
       sum(tainted) AS tainted, sum(finished = 0 AND tainted = 0) AS hung
FROM intervals
WHERE kind = 'zap'
GROUP BY comm, pid
ORDER BY total_ns DESC
LIMIT coalesce(:n, 50);
