-- 001-initial.sql - zapd schema version 1.
--
-- Applied by zapd in one transaction, then PRAGMA user_version = 1.
-- Times are nanoseconds of the trace clock (runs.clock). Pointers (mm,
-- addr, pfn) are stored as signed 64-bit integers (SQLite has no unsigned
-- type): use printf('%x', mm) to print them. See docs/schema.md.

CREATE TABLE runs (
	id		INTEGER PRIMARY KEY,
	source		TEXT NOT NULL CHECK (source IN ('file', 'live')),
	path		TEXT,
	hash		TEXT UNIQUE,		-- content hash (file runs)
	size		INTEGER,		-- file size in bytes
	label		TEXT,
	kernel		TEXT,			-- release, from the trace's uname
	host		TEXT,			-- nodename, from the trace's uname
	clock		TEXT,			-- trace clock (local, mono, ...)
	buffers		TEXT,			-- buffers read, '' = top
	first_ts	INTEGER,
	last_ts		INTEGER,
	events		INTEGER NOT NULL DEFAULT 0,	-- all records read
	zap_events	INTEGER NOT NULL DEFAULT 0,	-- zap records decoded
	complete	INTEGER NOT NULL DEFAULT 0,	-- 0: truncated/corrupt
	state		TEXT NOT NULL DEFAULT 'importing'
			CHECK (state IN ('importing', 'done')),
	importer_pid	INTEGER,		-- owner while importing
	imported_at	TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ'))
);

-- One row per start..done interval (kind 'zap') or generic pair.
CREATE TABLE intervals (
	id		INTEGER PRIMARY KEY,
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	kind		TEXT NOT NULL,
	cpu		INTEGER NOT NULL,	-- CPU of the start event
	done_cpu	INTEGER,		-- CPU of the done event
	pid		INTEGER NOT NULL,
	comm		TEXT,
	mm		INTEGER,
	addr		INTEGER,
	pfn		INTEGER,
	max_nr		INTEGER,
	nr		INTEGER,		-- PTEs zapped (done.nr)
	path		TEXT,			-- nopage|skip|small|batch
	anon		INTEGER,
	"order"		INTEGER,
	page		INTEGER,
	start_ns	INTEGER NOT NULL,
	done_ns		INTEGER,		-- NULL unless finished
	dur_ns		INTEGER,		-- done_ns - start_ns
	end_ns		INTEGER,		-- when closed (done, loss, eof)
	end_reason	TEXT NOT NULL,		-- done|restart|lost|mismatch|eof
	force_flush	INTEGER,
	force_break	INTEGER,
	delay_rmap	INTEGER,		-- any stage had delay_rmap
	tainted		INTEGER NOT NULL DEFAULT 0,	-- closed by a loss
	finished	INTEGER NOT NULL,
	migrated	INTEGER NOT NULL DEFAULT 0,	-- cpu != done_cpu
	last_stage	TEXT,
	nstages		INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX intervals_run_dur ON intervals(run_id, dur_ns);
CREATE INDEX intervals_dur ON intervals(dur_ns);
CREATE INDEX intervals_unfinished ON intervals(finished, tainted);

-- One row per zap_present_folio_stage inside an interval.
CREATE TABLE stages (
	interval_id	INTEGER NOT NULL REFERENCES intervals(id)
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

-- One row per PTE lock range (zap_pte_lock -> locked -> unlock).
CREATE TABLE ranges (
	id		INTEGER PRIMARY KEY,
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	cpu		INTEGER NOT NULL,	-- CPU of zap_pte_lock
	unlock_cpu	INTEGER,
	pid		INTEGER NOT NULL,
	comm		TEXT,
	mm		INTEGER,
	addr		INTEGER,
	"end"		INTEGER,
	reached		INTEGER,		-- unlock.addr
	lock_ns		INTEGER NOT NULL,
	wait_ns		INTEGER,		-- locked - lock
	hold_ns		INTEGER,		-- unlock - locked
	mapped		INTEGER,
	force_flush	INTEGER,
	force_break	INTEGER,
	end_reason	TEXT NOT NULL,
	tainted		INTEGER NOT NULL DEFAULT 0,
	finished	INTEGER NOT NULL
);
CREATE INDEX ranges_wait ON ranges(wait_ns);

-- Lost events: a ring-buffer gap ('marker', count NULL = unknown) or the
-- per-CPU overrun reported by the kernel at the end of recording ('stats').
CREATE TABLE lost (
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	buffer		TEXT,
	cpu		INTEGER NOT NULL,
	ts_ns		INTEGER,
	count		INTEGER,
	source		TEXT NOT NULL CHECK (source IN ('marker', 'stats'))
);
CREATE INDEX lost_run ON lost(run_id, cpu);

-- End or middle events with nothing open to pair with.
CREATE TABLE orphans (
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	event		TEXT NOT NULL,
	cpu		INTEGER NOT NULL,
	pid		INTEGER NOT NULL,
	comm		TEXT,
	ts_ns		INTEGER NOT NULL,
	mm		INTEGER,
	addr		INTEGER
);
CREATE INDEX orphans_run ON orphans(run_id);

-- Records per run, buffer, event and CPU (every event, not only zap).
CREATE TABLE event_counts (
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	buffer		TEXT NOT NULL,
	system		TEXT NOT NULL,
	event		TEXT NOT NULL,
	cpu		INTEGER NOT NULL,
	count		INTEGER NOT NULL,
	PRIMARY KEY (run_id, buffer, system, event, cpu)
) WITHOUT ROWID;

-- Engine counters per run (intervals, orphans, restarts, ...).
CREATE TABLE run_stats (
	run_id		INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	name		TEXT NOT NULL,
	value		INTEGER NOT NULL,
	PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
