-- percentiles-window: p50, p90, p99, p99.9 and max per run, kind, path, metric and histogram window (zapd --window), from the histograms
-- The same estimate as `percentiles` (nearest rank inside the log2
-- bucket, from its min, mean and max; docs/schema.md), one line per time
-- window: win_ns is the window's start on the trace clock (runs.clock),
-- t_s its start in seconds after the run's first window, the window's
-- length is runs.window_ns. :n rows (default 1000).
WITH b AS (
	SELECT run_id, kind, path, metric, win_ns, bucket, sum(count) AS n,
	       sum(total_ns) * 1.0 / sum(count) AS mu, min(min_ns) AS lo,
	       max(max_ns) AS hi
	FROM histograms
	GROUP BY run_id, kind, path, metric, win_ns, bucket
), c AS (
	SELECT *, sum(n) OVER s - n AS below, sum(n) OVER t AS total
	FROM b
	WINDOW s AS (PARTITION BY run_id, kind, path, metric, win_ns ORDER BY bucket),
	       t AS (PARTITION BY run_id, kind, path, metric, win_ns)
), r AS (
	SELECT c.*, p.pm, (total * p.pm + 999) / 1000 - below AS k
	FROM c, (SELECT 500 AS pm UNION ALL SELECT 900 UNION ALL SELECT 990
		 UNION ALL SELECT 999) AS p
	WHERE (total * p.pm + 999) / 1000 > below
	  AND (total * p.pm + 999) / 1000 <= below + n
), v AS (
	SELECT run_id, kind, path, metric, win_ns, pm,
	       CAST(0.5 + CASE WHEN n = 1 THEN lo
		    WHEN k <= (n + 1) / 2.0
		    THEN lo + (mu - lo) * (k - 1) / ((n + 1) / 2.0 - 1)
		    ELSE mu + (hi - mu) * (k - (n + 1) / 2.0) /
			 (n - (n + 1) / 2.0) END AS INTEGER) AS ns
	FROM r
), s AS (
	SELECT run_id, kind, path, metric, win_ns, sum(count) AS count,
	       sum(total_ns) / sum(count) AS avg_ns, max(max_ns) AS max_ns
	FROM histograms
	GROUP BY run_id, kind, path, metric, win_ns
)
SELECT s.run_id AS run, s.win_ns,
       (s.win_ns - min(s.win_ns) OVER (PARTITION BY s.run_id)) / 1e9
       AS t_s, s.kind, s.path, s.metric, s.count, s.avg_ns,
       max(CASE v.pm WHEN 500 THEN v.ns END) AS p50_ns,
       max(CASE v.pm WHEN 900 THEN v.ns END) AS p90_ns,
       max(CASE v.pm WHEN 990 THEN v.ns END) AS p99_ns,
       max(CASE v.pm WHEN 999 THEN v.ns END) AS p999_ns,
       s.max_ns
FROM s JOIN v USING (run_id, kind, path, metric, win_ns)
GROUP BY s.run_id, s.kind, s.path, s.metric, s.win_ns
ORDER BY s.run_id, s.kind, s.path, s.metric, s.win_ns
LIMIT coalesce(:n, 1000);
