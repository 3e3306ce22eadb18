-- 005-why.sql - schema version 5: why was it slow.
--
-- Attribution (daemon/src/attr.c): for each interval and PTE lock range
-- of a run that recorded the handler, switch or stack events (trace-cmd
-- record -e irq_vectors -e irq -e sched:sched_switch ..., zapd live
-- --why; docs/events.md), the time inside it that the task spent in hard
-- IRQs, softirqs and NMIs on its CPU (self time: a handler nested in
-- another counts once, as itself) and switched out (sched_switch away and
-- back; runnable_ns of it while still runnable, i.e. preempted). The
-- components are disjoint and each is at most the duration; the rest,
-- unexplained_ns, is time no traced event accounts for (under a
-- hypervisor: steal time) and is never attributed to a cause.
--
-- Caller (daemon/src/kstack.c): the kernel path that zapped, from the
-- kernel stack the stacktrace trigger on zap:zap_pte_lock writes once per
-- page table: munmap, madvise, exit, oom_reaper, truncate, other; the
-- symbolized stack itself is kept (strings, one row per distinct stack).
--
-- interval_why has a row per interval of such a run (rowid = interval
-- id, so a run's rows are its interval id range); ranges get columns.
-- Counts are packed in `n` (16 bits each, saturating): nirq | nsoftirq <<
-- 16 | nnmi << 32 | nswitch << 48. The view `why` decodes everything,
-- derives unexplained_ns and the dominant cause, and shows NULL for a
-- component whose events the run did not record (run_stats why_*_events).
-- See docs/schema.md.

CREATE TABLE interval_why (
	interval_id	INTEGER PRIMARY KEY,	-- interval_rows.id
	irq_ns		INTEGER NOT NULL,
	softirq_ns	INTEGER NOT NULL,
	nmi_ns		INTEGER NOT NULL,
	sched_ns	INTEGER NOT NULL,	-- switched out
	runnable_ns	INTEGER NOT NULL,	-- of sched_ns: preempted
	n		INTEGER NOT NULL,	-- packed counts, see above
	caller		INTEGER,		-- strings.id, NULL: no stack
	stack		INTEGER,		-- strings.id: "func+0xoff\n..."
	range_lock_ns	INTEGER,		-- its lock range: ranges.lock_ns
	range_wait_ns	INTEGER			-- that range's wait_ns
);

ALTER TABLE ranges ADD COLUMN irq_ns INTEGER;
ALTER TABLE ranges ADD COLUMN softirq_ns INTEGER;
ALTER TABLE ranges ADD COLUMN nmi_ns INTEGER;
ALTER TABLE ranges ADD COLUMN sched_ns INTEGER;
ALTER TABLE ranges ADD COLUMN runnable_ns INTEGER;
ALTER TABLE ranges ADD COLUMN n INTEGER;
ALTER TABLE ranges ADD COLUMN spin_ns INTEGER;	-- wait_ns minus what
						-- interrupted the wait
ALTER TABLE ranges ADD COLUMN caller INTEGER;	-- strings.id
ALTER TABLE ranges ADD COLUMN stack INTEGER;	-- strings.id

-- an interval's lock range: WHERE run_id = i.run_id AND pid = i.pid AND
-- lock_ns = w.range_lock_ns
CREATE INDEX ranges_lock ON ranges(lock_ns);

-- deleting through the view `intervals` deletes the attribution too
DROP TRIGGER intervals_delete;
CREATE TRIGGER intervals_delete INSTEAD OF DELETE ON intervals
BEGIN
	DELETE FROM stages WHERE interval_id = OLD.id;
	DELETE FROM interval_why WHERE interval_id = OLD.id;
	DELETE FROM interval_rows WHERE id = OLD.id;
END;

-- the components a run measured: 1 if it recorded the events of @name
CREATE VIEW why_measured AS
SELECT r.id AS run_id,
       coalesce((SELECT value > 0 FROM run_stats
		 WHERE run_id = r.id AND name = 'why_irq_events'), 0) AS irq,
       coalesce((SELECT value > 0 FROM run_stats
		 WHERE run_id = r.id AND name = 'why_softirq_events'), 0)
	       AS softirq,
       coalesce((SELECT value > 0 FROM run_stats
		 WHERE run_id = r.id AND name = 'why_nmi_events'), 0) AS nmi,
       coalesce((SELECT value > 0 FROM run_stats
		 WHERE run_id = r.id AND name = 'why_switch_events'), 0)
	       AS sched,
       coalesce((SELECT value > 0 FROM run_stats
		 WHERE run_id = r.id AND name = 'why_stack_events'), 0)
	       AS stack
FROM runs AS r;

-- one row per interval with attribution: its components, the remainder,
-- the dominant cause, the caller and its stack, its lock range
CREATE VIEW why AS
SELECT t.id AS interval_id, t.run_id AS run_id,
       (SELECT s FROM strings WHERE id = t.kind) AS kind,
       t.cpu AS cpu, t.done_cpu AS done_cpu, t.pid AS pid,
       (SELECT s FROM strings WHERE id = t.comm) AS comm,
       t.start_ns AS start_ns, t.dur_ns AS dur_ns,
       coalesce(t.dur_ns, t.end_ns - t.start_ns) AS span_ns,
       t.finished AS finished, t.f & 1 AS tainted,
       CASE WHEN m.irq THEN w.irq_ns END AS irq_ns,
       CASE WHEN m.softirq THEN w.softirq_ns END AS softirq_ns,
       CASE WHEN m.nmi THEN w.nmi_ns END AS nmi_ns,
       CASE WHEN m.sched THEN w.sched_ns END AS sched_ns,
       CASE WHEN m.sched THEN w.runnable_ns END AS runnable_ns,
       coalesce(t.dur_ns, t.end_ns - t.start_ns) - w.irq_ns - w.softirq_ns
	       - w.nmi_ns - w.sched_ns AS unexplained_ns,
       CASE WHEN m.irq THEN w.n & 65535 END AS nirq,
       CASE WHEN m.softirq THEN w.n >> 16 & 65535 END AS nsoftirq,
       CASE WHEN m.nmi THEN w.n >> 32 & 65535 END AS nnmi,
       CASE WHEN m.sched THEN w.n >> 48 & 65535 END AS nswitch,
       CASE max(w.irq_ns, w.softirq_ns, w.nmi_ns, w.sched_ns,
		coalesce(t.dur_ns, t.end_ns - t.start_ns) - w.irq_ns
		- w.softirq_ns - w.nmi_ns - w.sched_ns)
	    WHEN 0 THEN NULL
	    WHEN w.irq_ns THEN 'irq'
	    WHEN w.softirq_ns THEN 'softirq'
	    WHEN w.nmi_ns THEN 'nmi'
	    WHEN w.sched_ns THEN
		CASE WHEN w.runnable_ns * 2 >= w.sched_ns THEN 'preempted'
		     ELSE 'blocked' END
	    ELSE 'unexplained' END AS cause,
       (SELECT s FROM strings WHERE id = w.caller) AS caller,
       (SELECT s FROM strings WHERE id = w.stack) AS stack,
       w.range_lock_ns AS range_lock_ns, w.range_wait_ns AS range_wait_ns
FROM interval_why AS w
JOIN interval_rows AS t ON t.id = w.interval_id
JOIN why_measured AS m ON m.run_id = t.run_id;

-- one row per lock range with attribution: the same for the whole range
-- (lock -> unlock), plus spin_ns: the wait for the lock minus the handlers
-- and switches inside the wait (cause 'lock'); span and remainder only
-- when it finished (unlock seen)
CREATE VIEW range_why AS
SELECT r.id AS range_id, r.run_id AS run_id, r.cpu AS cpu, r.pid AS pid,
       r.comm AS comm, r.mm AS mm, r.addr AS addr, r.lock_ns AS lock_ns,
       r.wait_ns AS wait_ns, r.hold_ns AS hold_ns,
       r.wait_ns + r.hold_ns AS span_ns, r.finished AS finished,
       r.tainted AS tainted,
       CASE WHEN m.irq THEN r.irq_ns END AS irq_ns,
       CASE WHEN m.softirq THEN r.softirq_ns END AS softirq_ns,
       CASE WHEN m.nmi THEN r.nmi_ns END AS nmi_ns,
       CASE WHEN m.sched THEN r.sched_ns END AS sched_ns,
       CASE WHEN m.sched THEN r.runnable_ns END AS runnable_ns,
       r.spin_ns AS spin_ns,
       r.wait_ns + r.hold_ns - r.irq_ns - r.softirq_ns - r.nmi_ns
	       - r.sched_ns - r.spin_ns AS unexplained_ns,
       CASE WHEN m.irq THEN r.n & 65535 END AS nirq,
       CASE WHEN m.softirq THEN r.n >> 16 & 65535 END AS nsoftirq,
       CASE WHEN m.nmi THEN r.n >> 32 & 65535 END AS nnmi,
       CASE WHEN m.sched THEN r.n >> 48 & 65535 END AS nswitch,
       CASE max(r.irq_ns, r.softirq_ns, r.nmi_ns, r.sched_ns, r.spin_ns,
		coalesce(r.wait_ns + r.hold_ns - r.irq_ns - r.softirq_ns
			 - r.nmi_ns - r.sched_ns - r.spin_ns, 0))
	    WHEN 0 THEN NULL
	    WHEN r.irq_ns THEN 'irq'
	    WHEN r.softirq_ns THEN 'softirq'
	    WHEN r.nmi_ns THEN 'nmi'
	    WHEN r.sched_ns THEN
		CASE WHEN r.runnable_ns * 2 >= r.sched_ns THEN 'preempted'
		     ELSE 'blocked' END
	    WHEN r.spin_ns THEN 'lock'
	    ELSE 'unexplained' END AS cause,
       (SELECT s FROM strings WHERE id = r.caller) AS caller,
       (SELECT s FROM strings WHERE id = r.stack) AS stack
FROM ranges AS r
JOIN why_measured AS m ON m.run_id = r.run_id
WHERE r.irq_ns IS NOT NULL;
