-- tainted: intervals closed by a loss of events on their CPU (never paired across a gap)
-- Uses index intervals_unfinished. :n rows (default 50).
SELECT i.run_id AS run, i.start_ns, i.end_ns AS lost_at_ns, i.cpu, i.pid,
       i.comm, printf('0x%x', i.addr) AS addr, i.last_stage, i.kind
FROM intervals AS i
WHERE i.finished = 0 AND i.tainted = 1
ORDER BY i.start_ns
LIMIT coalesce(:n, 50);
