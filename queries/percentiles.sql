-- percentiles: p50, p90, p99, p99.9 and max per run, kind, path and metric, from the histograms (every interval, also those without a row)
-- A percentile p is the nearest-rank value (the r-th smallest of the
-- count values, r = ceil(p * count)), estimated inside the log2 bucket
-- that holds rank r from its min, mean and max: ranks 1 .. middle linear
-- from min_ns to the mean, middle .. last from the mean to max_ns. The
-- estimate and the true value are both in [min_ns, max_ns] of that
-- bucket: exact when it holds one distinct value, never off by a factor
-- max_ns/min_ns (< 2) or more (docs/schema.md). avg_ns and max_ns are
-- exact. metric: dur (intervals), wait and hold (kind pte_lock). All
-- windows of a run summed; per window: percentiles-window. :n rows
-- (default 100).
WITH b AS (
	SELECT run_id, kind, path, metric, bucket, sum(count) AS n,
	       sum(total_ns) * 1.0 / sum(count) AS mu, min(min_ns) AS lo,
	       max(max_ns) AS hi
	FROM histograms
	GROUP BY run_id, kind, path, metric, bucket
), c AS (
	SELECT *, sum(n) OVER s - n AS below, sum(n) OVER t AS total
	FROM b
	WINDOW s AS (PARTITION BY run_id, kind, path, metric ORDER BY bucket),
	       t AS (PARTITION BY run_id, kind, path, metric)
), r AS (
	SELECT c.*, p.pm, (total * p.pm + 999) / 1000 - below AS k
	FROM c, (SELECT 500 AS pm UNION ALL SELECT 900 UNION ALL SELECT 990
		 UNION ALL SELECT 999) AS p
	WHERE (total * p.pm + 999) / 1000 > below
	  AND (total * p.pm + 999) / 1000 <= below + n
), v AS (
	SELECT run_id, kind, path, metric, pm,
	       CAST(0.5 + CASE WHEN n = 1 THEN lo
		    WHEN k <= (n + 1) / 2.0
		    THEN lo + (mu - lo) * (k - 1) / ((n + 1) / 2.0 - 1)
		    ELSE mu + (hi - mu) * (k - (n + 1) / 2.0) /
			 (n - (n + 1) / 2.0) END AS INTEGER) AS ns
	FROM r
), s AS (
	SELECT run_id, kind, path, metric, sum(count) AS count,
	       sum(total_ns) / sum(count) AS avg_ns, max(max_ns) AS max_ns
	FROM histograms
	GROUP BY run_id, kind, path, metric
)
SELECT s.run_id AS run, s.kind, s.path, s.metric, s.count, s.avg_ns,
       max(CASE v.pm WHEN 500 THEN v.ns END) AS p50_ns,
       max(CASE v.pm WHEN 900 THEN v.ns END) AS p90_ns,
       max(CASE v.pm WHEN 990 THEN v.ns END) AS p99_ns,
       max(CASE v.pm WHEN 999 THEN v.ns END) AS p999_ns,
       s.max_ns
FROM s JOIN v USING (run_id, kind, path, metric)
GROUP BY s.run_id, s.kind, s.path, s.metric
ORDER BY s.run_id, s.kind, s.path, s.metric
LIMIT coalesce(:n, 100);
