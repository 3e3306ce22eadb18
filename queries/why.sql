-- why: the slowest intervals, where their time went (IRQs, softirqs, NMIs, switched out, unexplained), their caller and cause; then that slow time by cause and by caller
-- The :n slowest finished intervals (default 20, any kind), three tables:
-- 1. each interval: its components (the task's own hard IRQ, softirq and
--    NMI time on its CPU, time switched out), unexplained_ns (the rest:
--    no traced event accounts for it), cause (the largest of these),
--    caller (the kernel path that zapped: munmap, madvise, exit,
--    oom_reaper, truncate, other), the stage that took longest
--    (stages.sql's split) and the wait and hold of its PTE lock range.
--    NULL: not measured (the run did not record those events:
--    docs/events.md).
-- 2. their time summed by cause: each component's share of the slow
--    time, and the intervals whose dominant cause it is.
-- 3. their time by caller.
-- Uses indexes intervals_dur and ranges_lock; interval_why by rowid
-- (schema/004-why.sql); the view `why` is joined, never LEFT JOINed
-- (that would materialize it).
WITH slow AS (
	SELECT id, run_id, kind, cpu, pid, comm, start_ns, dur_ns
	FROM interval_rows
	WHERE dur_ns IS NOT NULL
	ORDER BY dur_ns DESC
	LIMIT coalesce(:n, 20)
), st AS (
	-- the stage that took longest: stages.sql's split
	SELECT s.*, (SELECT p.step FROM (
		SELECT g.stage AS step, g.since_prev_ns AS ns
		FROM stages AS g WHERE g.interval_id = s.id
		UNION ALL
		SELECT 'done', s.start_ns + s.dur_ns - max(g.ts_ns)
		FROM stages AS g WHERE g.interval_id = s.id
		HAVING count(*) > 0) AS p
	ORDER BY p.ns DESC LIMIT 1) AS stage
	FROM slow AS s
)
SELECT s.run_id AS run, s.id AS interval,
       (SELECT k.s FROM strings AS k WHERE k.id = s.kind) AS kind,
       s.dur_ns, s.cpu, s.pid,
       (SELECT c.s FROM strings AS c WHERE c.id = s.comm) AS comm,
       w.caller, w.cause, w.irq_ns, w.softirq_ns, w.nmi_ns, w.sched_ns,
       w.unexplained_ns, w.nirq, w.nsoftirq, w.nswitch,
       s.stage,
       w.range_wait_ns AS lock_wait_ns,
       (SELECT r.hold_ns FROM ranges AS r WHERE r.lock_ns = w.range_lock_ns
	AND r.pid = s.pid AND r.run_id = s.run_id) AS lock_hold_ns
FROM st AS s
JOIN why AS w ON w.interval_id = s.id
UNION ALL
-- those without attribution (not recorded): the interval alone
SELECT s.run_id, s.id, (SELECT k.s FROM strings AS k WHERE k.id = s.kind),
       s.dur_ns, s.cpu, s.pid,
       (SELECT c.s FROM strings AS c WHERE c.id = s.comm), NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, s.stage, NULL, NULL
FROM st AS s
WHERE NOT EXISTS (SELECT 1 FROM interval_why AS x WHERE x.interval_id = s.id)
ORDER BY 4 DESC, 2;

WITH slow AS (
	SELECT id, dur_ns FROM interval_rows
	WHERE dur_ns IS NOT NULL
	ORDER BY dur_ns DESC
	LIMIT coalesce(:n, 20)
), w AS (
	SELECT s.dur_ns, y.* FROM slow AS s
	JOIN why AS y ON y.interval_id = s.id
), parts AS (
	SELECT 'irq' AS cause, sum(irq_ns) AS ns FROM w
	UNION ALL SELECT 'softirq', sum(softirq_ns) FROM w
	UNION ALL SELECT 'nmi', sum(nmi_ns) FROM w
	UNION ALL SELECT 'preempted', sum(runnable_ns) FROM w
	UNION ALL SELECT 'blocked', sum(sched_ns - runnable_ns) FROM w
	UNION ALL SELECT 'unexplained', sum(unexplained_ns) FROM w
)
SELECT p.cause, p.ns AS slow_ns,
       printf('%5.1f', 100.0 * p.ns / (SELECT sum(dur_ns) FROM w))
	      AS pct_of_slow_time,
       (SELECT count(*) FROM w WHERE w.cause = p.cause) AS dominant_in,
       (SELECT sum(dur_ns) FROM w WHERE w.cause = p.cause) AS dominant_ns
FROM parts AS p
WHERE p.ns IS NOT NULL
ORDER BY p.ns DESC;

WITH slow AS (
	SELECT id, dur_ns FROM interval_rows
	WHERE dur_ns IS NOT NULL
	ORDER BY dur_ns DESC
	LIMIT coalesce(:n, 20)
), c AS (
	SELECT coalesce(w.caller, '-') AS caller, s.dur_ns, w.irq_ns,
	       w.softirq_ns, w.sched_ns, w.unexplained_ns
	FROM slow AS s JOIN why AS w ON w.interval_id = s.id
	UNION ALL
	SELECT '-', s.dur_ns, NULL, NULL, NULL, NULL FROM slow AS s
	WHERE NOT EXISTS (SELECT 1 FROM interval_why AS x
			  WHERE x.interval_id = s.id)
)
SELECT caller, count(*) AS intervals, sum(dur_ns) AS slow_ns,
       printf('%5.1f', 100.0 * sum(dur_ns) /
	      (SELECT sum(dur_ns) FROM slow)) AS pct_of_slow_time,
       max(dur_ns) AS max_ns, sum(irq_ns) AS irq_ns,
       sum(softirq_ns) AS softirq_ns, sum(sched_ns) AS sched_ns,
       sum(unexplained_ns) AS unexplained_ns
FROM c
GROUP BY 1
ORDER BY slow_ns DESC;
