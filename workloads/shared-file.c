/* shared-file [PAGES=512] [PATH=/tmp/zapd-shared-file]: MAP_SHARED a tmpfs
 * file, dirty every page, munmap.  Dirty file pages take the delay_rmap path
 * (rmap removal deferred to the TLB flush). */
#include "common.h"

int main(int argc, char **argv)
{
	long pages = arg_long(argc, argv, 1, 512);
	const char *path = argc > 2 ? argv[2] : "/tmp/zapd-shared-file";
	size_t len = (size_t)pages * PAGE;

	print_header("shared-file", pages);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open %s", path);
	if (ftruncate(fd, (off_t)len))
		die("ftruncate");
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	touch(p, len, 2);
	kv("addr", "%#lx", (unsigned long)p);
	kv("len", "%zu", len);
	kv("file", "%s", path);
	if (munmap(p, len))
		die("munmap");
	close(fd);
	unlink(path);
	kv("pages", "%ld", pages);
	return 0;
}
