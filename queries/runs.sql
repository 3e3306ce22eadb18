-- runs: every run: source, file or label, kernel, time span, events, intervals, losses, state
-- span_ns = last - first event time; intervals/unfinished/tainted are the
-- engine's counters (run_stats); loss_markers = ring-buffer gaps seen.
-- zapd report --run N and zapd export --run N take these ids. :n rows
-- (default 1000).
SELECT r.id AS run, r.source, coalesce(r.label, r.path) AS what, r.kernel,
       r.clock, r.last_ts - r.first_ts AS span_ns, r.events, r.zap_events,
       (SELECT value FROM run_stats WHERE run_id = r.id
	AND name = 'intervals') AS intervals,
       (SELECT value FROM run_stats WHERE run_id = r.id
	AND name = 'unfinished') AS unfinished,
       (SELECT value FROM run_stats WHERE run_id = r.id
	AND name = 'tainted') AS tainted,
       (SELECT count(*) FROM lost WHERE run_id = r.id
	AND source = 'marker') AS loss_markers,
       r.complete, r.state, r.imported_at
FROM runs AS r
ORDER BY r.id
LIMIT coalesce(:n, 1000);
