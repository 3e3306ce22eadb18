-- 004-histograms.sql - schema version 4: outlier mode.
--
-- zapd counts every finished interval (zap, --pair kinds) and every
-- finished PTE lock range in log2 latency histograms, per run, kind, path,
-- metric and time window; a row in interval_rows/ranges is written only
-- for those at or above the run's --slower-than (runs.slower_than_ns,
-- NULL: every interval has a row, `zapd import` and `zapd live --all`).
-- Unfinished, tainted, hung and watchdog rows are always written. The
-- per-task and per-CPU totals behind `per-process` and `slowest-per-cpu`
-- are kept the same way, over every interval. zapd adds to these rows as
-- it goes (upserts: a live run's rows grow at each commit), so a bucket's
-- row is the sum of what zapd saw in it. See docs/schema.md.

ALTER TABLE runs ADD COLUMN slower_than_ns INTEGER;	-- NULL: all rows
ALTER TABLE runs ADD COLUMN window_ns INTEGER;		-- histogram window

-- One row per run, kind, path, metric, window and log2 bucket.
CREATE TABLE histograms (
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	kind		TEXT NOT NULL,		-- 'zap', a --pair kind, 'pte_lock'
	path		TEXT NOT NULL,		-- zap: done path; '' otherwise
	metric		TEXT NOT NULL CHECK (metric IN ('dur', 'wait', 'hold')),
	win_ns		INTEGER NOT NULL,	-- window start: end - end % window_ns
	bucket		INTEGER NOT NULL,	-- [2^bucket, 2^(bucket+1)) ns; 0: [0, 2)
	count		INTEGER NOT NULL,
	total_ns	INTEGER NOT NULL,	-- sum of the values
	min_ns		INTEGER NOT NULL,	-- smallest value in the bucket
	max_ns		INTEGER NOT NULL,	-- largest
	PRIMARY KEY (run_id, kind, path, metric, win_ns, bucket)
) WITHOUT ROWID;

-- Per task: every closed interval of a kind, finished or not.
CREATE TABLE task_stats (
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	kind		TEXT NOT NULL,
	pid		INTEGER NOT NULL,
	comm		TEXT NOT NULL,		-- '' if unknown
	intervals	INTEGER NOT NULL,
	finished	INTEGER NOT NULL,
	tainted		INTEGER NOT NULL,
	hung		INTEGER NOT NULL,	-- unfinished, not tainted
	pages		INTEGER NOT NULL,	-- zap: sum(nr) of the finished
	total_ns	INTEGER NOT NULL,	-- finished: sum of dur_ns
	max_ns		INTEGER NOT NULL,	-- finished: max dur_ns
	PRIMARY KEY (run_id, kind, pid, comm)
) WITHOUT ROWID;

-- Per start CPU: the finished intervals of a kind.
CREATE TABLE cpu_stats (
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	kind		TEXT NOT NULL,
	cpu		INTEGER NOT NULL,
	finished	INTEGER NOT NULL,
	total_ns	INTEGER NOT NULL,
	max_ns		INTEGER NOT NULL,
	max_pid		INTEGER NOT NULL,	-- who had max_ns
	max_comm	TEXT,
	PRIMARY KEY (run_id, kind, cpu)
) WITHOUT ROWID;

-- `zapd query stages` wants the slowest intervals that have stages: a
-- partial index on them (the view's nstages > 0, same expression)
CREATE INDEX intervals_staged ON interval_rows(dur_ns)
	WHERE (f >> 12 & 15) > 0;

-- The runs of older schemas had a row for every interval: the same
-- histograms and totals from their rows, in 60 s windows (grouped on
-- interval_rows' string ids, named afterwards). The bucket is
-- floor(log2(d)), corrected where the float log2 rounds up.
UPDATE runs SET window_ns = 60000000000;

WITH v(run_id, kind, path, metric, e, d) AS (
	SELECT run_id, kind, path, 'dur', start_ns + dur_ns, dur_ns
	FROM interval_rows WHERE finished
	UNION ALL
	SELECT run_id, NULL, NULL, 'wait', lock_ns + wait_ns +
	       coalesce(hold_ns, 0), wait_ns
	FROM ranges WHERE finished AND wait_ns IS NOT NULL
	UNION ALL
	SELECT run_id, NULL, NULL, 'hold', lock_ns + wait_ns + hold_ns,
	       hold_ns
	FROM ranges WHERE finished AND hold_ns IS NOT NULL
), l AS (
	SELECT *, CASE WHEN d < 2 THEN 0 ELSE CAST(log2(d) AS INTEGER) END
		  AS b
	FROM v
), g AS (
	SELECT run_id, kind, path, metric, e - e % 60000000000 AS w,
	       b - ((1 << b) > d) + (b < 62 AND (1 << (b + 1)) <= d) AS b,
	       count(*) AS n, sum(d) AS t, min(d) AS lo, max(d) AS hi
	FROM l
	GROUP BY 1, 2, 3, 4, 5, 6
)
INSERT INTO histograms
SELECT g.run_id, coalesce(k.s, 'pte_lock'), coalesce(p.s, ''), g.metric,
       g.w, g.b, g.n, g.t, g.lo, g.hi
FROM g LEFT JOIN strings AS k ON k.id = g.kind
LEFT JOIN strings AS p ON p.id = g.path
ORDER BY 1, 2, 3, 4, 5, 6;

INSERT INTO task_stats
SELECT g.run_id, k.s, g.pid, coalesce(c.s, ''), sum(g.n), sum(g.fin),
       sum(g.tnt), sum(g.hung), sum(g.pages), sum(g.t), max(g.hi)
FROM (SELECT run_id, kind, pid, comm, count(*) AS n, sum(finished) AS fin,
	     sum(f & 1) AS tnt, sum(finished = 0 AND f & 1 = 0) AS hung,
	     coalesce(sum(CASE WHEN finished THEN nr END), 0) AS pages,
	     coalesce(sum(dur_ns), 0) AS t, coalesce(max(dur_ns), 0) AS hi
      FROM interval_rows
      GROUP BY run_id, kind, pid, comm) AS g
JOIN strings AS k ON k.id = g.kind
LEFT JOIN strings AS c ON c.id = g.comm
GROUP BY g.run_id, k.s, g.pid, coalesce(c.s, '');

INSERT INTO cpu_stats
SELECT g.run_id, k.s, g.cpu, g.n, g.t, g.hi, g.pid, c.s
FROM (SELECT run_id, kind, cpu, count(*) AS n, sum(dur_ns) AS t,
	     max(dur_ns) AS hi, pid, comm
      FROM interval_rows WHERE finished
      GROUP BY run_id, kind, cpu) AS g
JOIN strings AS k ON k.id = g.kind
LEFT JOIN strings AS c ON c.id = g.comm;
