-- stages: which step of zap_present_folio_ptes dominates the slowest intervals
-- Takes the :n slowest finished zap intervals that have stages (default
-- 100) and splits their time: 'cleared' = start..cleared, 'rmap' =
-- cleared..rmap, 'tlb' = rmap..tlb, 'done' = last stage..done. Reads
-- interval_rows (nstages is f bits 12-15, schema/002) to use the partial
-- index intervals_staged: only intervals that have stages are in it.
WITH slow AS (
	SELECT id, dur_ns, start_ns + dur_ns AS done_ns FROM interval_rows
	WHERE dur_ns IS NOT NULL AND (f >> 12 & 15) > 0
	  AND kind = (SELECT id FROM strings WHERE s = 'zap')
	ORDER BY dur_ns DESC
	LIMIT coalesce(:n, 100)
), parts AS (
	SELECT s.stage AS step, s.since_prev_ns AS ns
	FROM stages AS s JOIN slow ON s.interval_id = slow.id
	UNION ALL
	SELECT 'done', slow.done_ns - max(s.ts_ns)
	FROM slow JOIN stages AS s ON s.interval_id = slow.id
	GROUP BY slow.id
)
SELECT step, count(*) AS intervals, sum(ns) AS total_ns,
       CAST(avg(ns) AS INTEGER) AS avg_ns, max(ns) AS max_ns,
       printf('%5.1f', 100.0 * sum(ns) / (SELECT sum(ns) FROM parts))
	      AS pct_of_time
FROM parts
GROUP BY step
ORDER BY total_ns DESC;
