-- why-stacks: the kernel stacks of the slowest intervals (who zapped them), one row per frame
-- The :n slowest finished intervals that have a stack (default 5): their
-- caller and the kernel stack the stacktrace trigger on zap:zap_pte_lock
-- took for their page table, symbolized (trace.dat: its saved kallsyms;
-- zapd live: /proc/kallsyms), innermost frame first. Needs the trigger
-- (docs/events.md). Uses index intervals_dur.
WITH RECURSIVE slow AS (
	SELECT t.id, t.run_id, t.dur_ns, w.caller, w.stack
	FROM interval_rows AS t
	JOIN interval_why AS w ON w.interval_id = t.id
	WHERE t.dur_ns IS NOT NULL AND w.stack IS NOT NULL
	ORDER BY t.dur_ns DESC
	LIMIT coalesce(:n, 5)
), frames(id, depth, frame, rest) AS (
	SELECT slow.id, 0, NULL, s.s || char(10)
	FROM slow JOIN strings AS s ON s.id = slow.stack
	UNION ALL
	SELECT id, depth + 1, substr(rest, 1, instr(rest, char(10)) - 1),
	       substr(rest, instr(rest, char(10)) + 1)
	FROM frames WHERE rest != ''
)
SELECT s.run_id AS run, s.id AS interval, s.dur_ns,
       (SELECT c.s FROM strings AS c WHERE c.id = s.caller) AS caller,
       f.depth, f.frame
FROM slow AS s
JOIN frames AS f ON f.id = s.id
WHERE f.depth > 0
ORDER BY s.dur_ns DESC, s.id, f.depth;
