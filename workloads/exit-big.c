/* exit-big [PAGES=4096]: dirty PAGES anonymous 4K pages and exit without
 * unmapping: the zap happens in exit_mmap() (current->mm is already NULL
 * there; the events carry tlb->mm) in the workload's own task.
 * pages= is the big region only; the process's other mappings (stack,
 * .data/.bss, heap of this static binary) are zapped too, so the per-pid
 * total is >= pages, and exactly pages within [addr, addr+len). */
#include "common.h"

int main(int argc, char **argv)
{
	long pages = arg_long(argc, argv, 1, 4096);
	size_t len = (size_t)pages * PAGE;

	print_header("exit-big", pages);
	char *p = map_anon_4k(len);
	touch(p, len, 4);
	kv("addr", "%#lx", (unsigned long)p);
	kv("len", "%zu", len);
	kv("pages", "%ld", pages);
	_exit(0);
}
