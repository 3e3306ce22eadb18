-- inside: extra events (-e, e.g. sched_switch, irq) on the CPU of each of the slowest intervals while it was open
-- For each of the :n slowest finished intervals (default 10, any kind:
-- zap or --pair), the events recorded between its start and its end on
-- its start or end CPU: what else ran there, why it was slow. at_ns =
-- time from the interval's start. Uses indexes intervals_dur and
-- events_run_ts; needs events (zapd live -e SYS:EVENT, or non-zap events
-- in an imported trace.dat).
WITH slow AS (
	SELECT id, run_id, kind, cpu, done_cpu, pid, comm, start_ns, done_ns,
	       dur_ns
	FROM intervals
	WHERE dur_ns IS NOT NULL
	ORDER BY dur_ns DESC
	LIMIT coalesce(:n, 10)
)
SELECT s.run_id AS run, s.id AS interval, s.kind, s.dur_ns, s.cpu,
       s.done_cpu, s.pid, s.comm, e.ts_ns - s.start_ns AS at_ns,
       e.cpu AS event_cpu, e.event, e.pid AS event_pid, e.args
FROM slow AS s
JOIN events AS e
	ON e.run_id = s.run_id AND e.ts_ns >= s.start_ns
	AND e.ts_ns <= s.done_ns AND (e.cpu = s.cpu OR e.cpu = s.done_cpu)
ORDER BY s.dur_ns DESC, s.id, e.ts_ns;
