-- lost: lost events per run and CPU (ring-buffer gaps and kernel overrun counts)
-- gaps = missed-events markers (count NULL = unknown); overrun = the
-- kernel's per-CPU stats saved by trace-cmd. :n rows (default 100).
SELECT run_id AS run, coalesce(buffer, '') AS buffer, cpu,
       sum(source = 'marker') AS gaps,
       sum(CASE WHEN source = 'marker' THEN count END) AS gap_events_known,
       sum(source = 'marker' AND count IS NULL) AS gaps_unknown,
       sum(CASE WHEN source = 'stats' THEN count END) AS overrun,
       min(ts_ns) AS first_gap_ns
FROM lost
GROUP BY run_id, buffer, cpu
ORDER BY run_id, cpu
LIMIT coalesce(:n, 100);
