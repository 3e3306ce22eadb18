-- 003-events.sql - schema version 3: extra events, for correlation.
--
-- Every record of an event that zapd does not pair (zapd live -e
-- SYS:EVENT, e.g. sched:sched_switch, irq:irq_handler_entry; in an
-- imported trace.dat every event that is neither a zap event nor part of
-- a --pair) is a row of event_rows: when, where, who, which event, and up
-- to six of its numeric fields, decoded in binary (a0..a5: the event's
-- own integer fields of at most 8 bytes, in format order; strings and
-- arrays are not kept). event_fields names a0..a5 per run and event. The
-- view `events` shows the event's name and its fields as a JSON object
-- (`args`). Find events inside an interval with
--   WHERE run_id = :run AND ts_ns BETWEEN start_ns AND done_ns
-- (index events_run_ts); queries/inside.sql does it for the slowest ones.

CREATE TABLE event_rows (
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	ts_ns		INTEGER NOT NULL,
	cpu		INTEGER NOT NULL,
	pid		INTEGER NOT NULL,	-- common_pid
	event		INTEGER NOT NULL,	-- strings.id of 'system:name'
	a0		INTEGER,
	a1		INTEGER,
	a2		INTEGER,
	a3		INTEGER,
	a4		INTEGER,
	a5		INTEGER
);
CREATE INDEX events_run_ts ON event_rows(run_id, ts_ns);

CREATE TABLE event_fields (
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	event		INTEGER NOT NULL,	-- strings.id of 'system:name'
	idx		INTEGER NOT NULL,	-- 0..5: column a0..a5
	name		TEXT NOT NULL,		-- the event's field
	PRIMARY KEY (run_id, event, idx)
) WITHOUT ROWID;

CREATE VIEW events AS
SELECT r.run_id AS run_id, r.ts_ns AS ts_ns, r.cpu AS cpu, r.pid AS pid,
       (SELECT s FROM strings WHERE id = r.event) AS event,
       (SELECT json_group_object(f.name, CASE f.idx WHEN 0 THEN r.a0
		WHEN 1 THEN r.a1 WHEN 2 THEN r.a2 WHEN 3 THEN r.a3
		WHEN 4 THEN r.a4 ELSE r.a5 END)
	FROM event_fields AS f
	WHERE f.run_id = r.run_id AND f.event = r.event) AS args,
       r.a0 AS a0, r.a1 AS a1, r.a2 AS a2, r.a3 AS a3, r.a4 AS a4,
       r.a5 AS a5
FROM event_rows AS r;
