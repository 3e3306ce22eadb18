-- slowest: the N slowest finished zap intervals (default 20), any run
-- Columns: duration, where (cpu, done_cpu), who (pid, comm), what (addr,
-- nr, path). Uses index intervals_dur (ORDER BY dur_ns DESC).
SELECT i.run_id AS run, i.dur_ns, i.cpu, i.done_cpu, i.pid, i.comm,
       printf('0x%x', i.addr) AS addr, i.nr, i.path, i."order",
       i.force_flush, i.delay_rmap, i.migrated
FROM intervals AS i
WHERE i.dur_ns IS NOT NULL AND i.kind = 'zap'
ORDER BY i.dur_ns DESC
LIMIT coalesce(:n, 20);
