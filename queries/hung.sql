-- hung: zap intervals still open at end of input (hung candidates), oldest first
-- open_ns = end of the trace - start. Tainted (lost) ones are in 'tainted'.
-- Uses index intervals_unfinished. :n rows (default 50).
SELECT i.run_id AS run, i.end_ns - i.start_ns AS open_ns, i.cpu, i.pid,
       i.comm, printf('0x%x', i.addr) AS addr, i.max_nr, i.last_stage,
       i.end_reason, i.kind, i.start_ns
FROM intervals AS i
WHERE i.finished = 0 AND i.tainted = 0
ORDER BY open_ns DESC
LIMIT coalesce(:n, 50);
