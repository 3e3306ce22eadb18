-- lock-wait: PTE lock ranges with the longest wait (lock -> locked), and their hold
-- hold_ns = locked -> unlock; unfinished ranges show NULL hold. Uses
-- index ranges_wait. :n rows (default 20).
SELECT run_id AS run, wait_ns, hold_ns, cpu, unlock_cpu, pid, comm,
       printf('0x%x', addr) AS addr, printf('0x%x', "end") AS "end",
       printf('0x%x', reached) AS reached, mapped, force_flush, finished,
       tainted
FROM ranges
WHERE wait_ns IS NOT NULL
ORDER BY wait_ns DESC
LIMIT coalesce(:n, 20);
