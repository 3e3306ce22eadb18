-- histogram: log2 latency buckets of finished zap intervals
-- bucket b holds durations in [2^b, 2^(b+1)) ns; bar is scaled to the
-- largest bucket. :n limits the number of buckets shown (default 64).
WITH b AS (
	SELECT CASE WHEN dur_ns < 1 THEN 0
		    ELSE CAST(log2(dur_ns) AS INTEGER) END AS bucket
	FROM intervals
	WHERE finished = 1 AND kind = 'zap'
), h AS (
	SELECT bucket, count(*) AS n FROM b GROUP BY bucket
)
SELECT (1 << bucket) AS from_ns, (1 << (bucket + 1)) AS to_ns, n AS count,
       printf('%5.1f', 100.0 * n / (SELECT sum(n) FROM h)) AS pct,
       substr('##################################################', 1,
	      CAST(50.0 * n / (SELECT max(n) FROM h) + 0.999 AS INTEGER))
	      AS bar
FROM h
ORDER BY bucket
LIMIT coalesce(:n, 64);
