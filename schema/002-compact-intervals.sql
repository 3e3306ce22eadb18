-- 002-compact-intervals.sql - schema version 2: compact interval rows.
--
-- Import throughput: an INSERT costs SQLite about the same per column,
-- stored or VIRTUAL-generated, and the bytes of every row are written
-- twice (WAL, then checkpoint). The 28 columns of 001's intervals table
-- become 17 integers in interval_rows: strings (kind, comm, path,
-- last_stage) are interned in `strings`, the booleans, small numbers and
-- end_reason are packed into `f`, done_ns and (for finished intervals)
-- end_ns are derived. `intervals` becomes a VIEW with exactly 001's
-- columns, names and values, so every query keeps working; INSTEAD OF
-- triggers accept INSERT and DELETE on it. See docs/schema.md.
--
-- f bits (SQL: << and | bind equally, so parenthesise):
-- 0 tainted, 1 migrated, 2 zap (page/anon/order/max_nr valid),
-- 3 page, 4 anon, 5 force_flush, 6 force_break, 7 delay_rmap,
-- 8-10 end_reason (0 done, 1 restart, 2 lost, 3 mismatch, 4 eof, 5 open),
-- 12-15 nstages, 16-23 order, 24-55 max_nr.

CREATE TABLE strings (
	id		INTEGER PRIMARY KEY,
	s		TEXT NOT NULL UNIQUE
);

CREATE TABLE interval_rows (
	id		INTEGER PRIMARY KEY,
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	kind		INTEGER NOT NULL,	-- strings.id
	cpu		INTEGER NOT NULL,
	done_cpu	INTEGER,
	pid		INTEGER NOT NULL,
	comm		INTEGER,		-- strings.id
	mm		INTEGER,
	addr		INTEGER,
	pfn		INTEGER,
	nr		INTEGER,
	path		INTEGER,		-- strings.id
	start_ns	INTEGER NOT NULL,
	dur_ns		INTEGER,		-- NULL unless finished
	end_ns		INTEGER,		-- NULL when start_ns + dur_ns
	last_stage	INTEGER,		-- strings.id
	finished	INTEGER NOT NULL,
	f		INTEGER NOT NULL DEFAULT 0	-- packed, see above
);

-- 001's table moves aside; its rows come back through the view below
ALTER TABLE intervals RENAME TO intervals_v1;

-- stages: same columns, the foreign key now names interval_rows
CREATE TABLE stages_v2 (
	interval_id	INTEGER NOT NULL REFERENCES interval_rows(id)
			ON DELETE CASCADE,
	stage		TEXT NOT NULL,		-- cleared|rmap|tlb
	seq		INTEGER NOT NULL,	-- 0, 1, 2 within the interval
	cpu		INTEGER,
	ts_ns		INTEGER NOT NULL,
	since_prev_ns	INTEGER NOT NULL,	-- since start or previous stage
	nr		INTEGER,
	delay_rmap	INTEGER,
	"full"		INTEGER,
	PRIMARY KEY (interval_id, seq)
) WITHOUT ROWID;
INSERT INTO stages_v2 SELECT * FROM stages;
DROP TABLE stages;
ALTER TABLE stages_v2 RENAME TO stages;

-- 001's intervals, as a view over interval_rows (same columns, same order)
CREATE VIEW intervals AS
SELECT t.id AS id, t.run_id AS run_id,
       (SELECT s FROM strings WHERE id = t.kind) AS kind,
       t.cpu AS cpu, t.done_cpu AS done_cpu, t.pid AS pid,
       (SELECT s FROM strings WHERE id = t.comm) AS comm,
       t.mm AS mm, t.addr AS addr, t.pfn AS pfn,
       CASE WHEN t.f & 4 THEN t.f >> 24 & 4294967295 END AS max_nr,
       t.nr AS nr,
       (SELECT s FROM strings WHERE id = t.path) AS path,
       CASE WHEN t.f & 4 THEN t.f >> 4 & 1 END AS anon,
       CASE WHEN t.f & 4 THEN t.f >> 16 & 255 END AS "order",
       CASE WHEN t.f & 4 THEN t.f >> 3 & 1 END AS page,
       t.start_ns AS start_ns,
       t.start_ns + t.dur_ns AS done_ns,
       t.dur_ns AS dur_ns,
       coalesce(t.end_ns, t.start_ns + t.dur_ns) AS end_ns,
       CASE t.f >> 8 & 7 WHEN 0 THEN 'done' WHEN 1 THEN 'restart'
	    WHEN 2 THEN 'lost' WHEN 3 THEN 'mismatch' WHEN 4 THEN 'eof'
	    ELSE 'open' END AS end_reason,
       CASE WHEN t.f & 4 AND t.finished THEN t.f >> 5 & 1 END AS force_flush,
       CASE WHEN t.f & 4 AND t.finished THEN t.f >> 6 & 1 END AS force_break,
       CASE WHEN t.f & 4 AND t.f & 61440 THEN t.f >> 7 & 1 END AS delay_rmap,
       t.f & 1 AS tainted,
       t.finished AS finished,
       t.f >> 1 & 1 AS migrated,
       (SELECT s FROM strings WHERE id = t.last_stage) AS last_stage,
       t.f >> 12 & 15 AS nstages
FROM interval_rows AS t;

-- INSERT INTO intervals (...) VALUES (...): intern, pack, insert
CREATE TRIGGER intervals_insert INSTEAD OF INSERT ON intervals
BEGIN
	INSERT OR IGNORE INTO strings (s)
		VALUES (NEW.kind), (NEW.comm), (NEW.path), (NEW.last_stage);
	INSERT INTO interval_rows (id, run_id, kind, cpu, done_cpu, pid, comm,
		mm, addr, pfn, nr, path, start_ns, dur_ns, end_ns, last_stage,
		finished, f)
	VALUES (NEW.id, NEW.run_id,
		(SELECT id FROM strings WHERE s = NEW.kind),
		NEW.cpu, NEW.done_cpu, NEW.pid,
		(SELECT id FROM strings WHERE s = NEW.comm),
		NEW.mm, NEW.addr, NEW.pfn, NEW.nr,
		(SELECT id FROM strings WHERE s = NEW.path),
		NEW.start_ns,
		CASE WHEN NEW.finished THEN coalesce(NEW.dur_ns,
			NEW.done_ns - NEW.start_ns, NEW.end_ns - NEW.start_ns)
		END,
		CASE WHEN NOT NEW.finished OR NEW.end_ns IS NOT
			NEW.start_ns + coalesce(NEW.dur_ns,
			NEW.done_ns - NEW.start_ns, NEW.end_ns - NEW.start_ns)
		THEN NEW.end_ns END,
		(SELECT id FROM strings WHERE s = NEW.last_stage),
		NEW.finished,
		(coalesce(NEW.tainted, 0) != 0)
		| ((coalesce(NEW.migrated, 0) != 0) << 1)
		| ((NEW.page IS NOT NULL OR NEW.anon IS NOT NULL OR
		    NEW."order" IS NOT NULL OR NEW.max_nr IS NOT NULL) << 2)
		| ((coalesce(NEW.page, 0) != 0) << 3)
		| ((coalesce(NEW.anon, 0) != 0) << 4)
		| ((coalesce(NEW.force_flush, 0) != 0) << 5)
		| ((coalesce(NEW.force_break, 0) != 0) << 6)
		| ((coalesce(NEW.delay_rmap, 0) != 0) << 7)
		| (CASE NEW.end_reason WHEN 'done' THEN 0 WHEN 'restart' THEN 1
			WHEN 'lost' THEN 2 WHEN 'mismatch' THEN 3
			WHEN 'eof' THEN 4 WHEN 'open' THEN 5
			ELSE RAISE(ABORT, 'intervals: bad end_reason') END << 8)
		| ((coalesce(NEW.nstages, 0) & 15) << 12)
		| ((coalesce(NEW."order", 0) & 255) << 16)
		| ((coalesce(NEW.max_nr, 0) & 4294967295) << 24));
END;

CREATE TRIGGER intervals_delete INSTEAD OF DELETE ON intervals
BEGIN
	DELETE FROM stages WHERE interval_id = OLD.id;
	DELETE FROM interval_rows WHERE id = OLD.id;
END;

-- 001's rows, through the trigger (one packing rule)
INSERT INTO intervals SELECT * FROM intervals_v1;
DROP TABLE intervals_v1;

-- a run's interval rows have ids in [first_id, last_id] (NULL: none), so
-- per-run reads and deletes are rowid ranges, without a run_id index
-- (which cost a quarter of the insert time)
ALTER TABLE runs ADD COLUMN first_id INTEGER;
ALTER TABLE runs ADD COLUMN last_id INTEGER;
UPDATE runs SET first_id = r.lo, last_id = r.hi
FROM (SELECT run_id, min(id) AS lo, max(id) AS hi FROM interval_rows
      GROUP BY run_id) AS r
WHERE r.run_id = runs.id;

-- dur_ns: slowest, stages; unfinished: hung, tainted (partial: finished
-- rows are not in it)
CREATE INDEX intervals_dur ON interval_rows(dur_ns);
CREATE INDEX intervals_unfinished ON interval_rows(finished, start_ns)
	WHERE finished = 0;
