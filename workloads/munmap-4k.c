/* munmap-4k [PAGES=2048]: map PAGES anonymous 4K pages (MADV_NOHUGEPAGE),
 * dirty each, munmap.  Each page is one small folio: expect one
 * zap_present_ptes_done with path=small, nr=1 per page in [addr, addr+len). */
#include "common.h"

int main(int argc, char **argv)
{
	long pages = arg_long(argc, argv, 1, 2048);
	size_t len = (size_t)pages * PAGE;

	print_header("munmap-4k", pages);
	char *p = map_anon_4k(len);
	touch(p, len, 1);
	kv("addr", "%#lx", (unsigned long)p);
	kv("len", "%zu", len);
	if (munmap(p, len))
		die("munmap");
	kv("pages", "%ld", pages);
	return 0;
}
