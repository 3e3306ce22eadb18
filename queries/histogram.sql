-- histogram: log2 latency buckets of finished zap intervals, from the histograms
-- bucket b holds durations in [2^b, 2^(b+1)) ns (bucket 0: [0, 2)); every
-- finished interval is counted, also those below --slower-than that have
-- no row; all runs, paths and windows summed. bar is scaled to the
-- largest bucket. :n limits the number of buckets shown (default 64).
-- Per run, path or time range: sum(count) FROM histograms WHERE ...
-- GROUP BY bucket (docs/schema.md).
WITH h AS (
	SELECT bucket, sum(count) AS n
	FROM histograms
	WHERE kind = 'zap' AND metric = 'dur'
	GROUP BY bucket
)
SELECT CASE WHEN bucket THEN 1 << bucket ELSE 0 END AS from_ns,
       (1 << (bucket + 1)) AS to_ns, n AS count,
       printf('%5.1f', 100.0 * n / (SELECT sum(n) FROM h)) AS pct,
       substr('##################################################', 1,
	      CAST(50.0 * n / (SELECT max(n) FROM h) + 0.999 AS INTEGER))
	      AS bar
FROM h
ORDER BY bucket
LIMIT coalesce(:n, 64);
