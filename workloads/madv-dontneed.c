/* madv-dontneed [PAGES=1024]: dirty PAGES anonymous 4K pages, drop them with
 * MADV_DONTNEED (zap_page_range_single), then munmap the now empty range. */
#include "common.h"

int main(int argc, char **argv)
{
	long pages = arg_long(argc, argv, 1, 1024);
	size_t len = (size_t)pages * PAGE;

	print_header("madv-dontneed", pages);
	char *p = map_anon_4k(len);
	touch(p, len, 5);
	kv("addr", "%#lx", (unsigned long)p);
	kv("len", "%zu", len);
	if (madvise(p, len, MADV_DONTNEED))
		die("madvise(MADV_DONTNEED)");
	if (munmap(p, len))
		die("munmap");
	kv("pages", "%ld", pages);
	return 0;
}
