/* munmap-storm [ROUNDS=2500] [PAGES=2048]: ROUNDS times map, dirty and
 * munmap PAGES 4K pages: ROUNDS*PAGES small zaps, for benchmark traces
 * (2500 * 2048 = 5.12M zap_present_ptes_done events). */
#include "common.h"

int main(int argc, char **argv)
{
	long rounds = arg_long(argc, argv, 1, 2500);
	long pages = arg_long(argc, argv, 2, 2048);
	size_t len = (size_t)pages * PAGE;

	print_header("munmap-storm", rounds * pages);
	for (long r = 0; r < rounds; r++) {
		char *p = map_anon_4k(len);
		touch(p, len, (int)r);
		if (munmap(p, len))
			die("munmap");
	}
	kv("rounds", "%ld", rounds);
	kv("pages", "%ld", rounds * pages);
	return 0;
}
