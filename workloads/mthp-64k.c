/* mthp-64k [FOLIOS=64]: enable 64K anonymous mTHP (hugepages-64kB=always,
 * PMD-size THP never for the run), map a 64K-aligned region of FOLIOS*64K,
 * dirty every 4K page, munmap.  Each 64K folio should be zapped as one
 * batch: zap_present_ptes_done path=batch nr=16.  folios_64k= is how many
 * 64K folios the kernel allocated (mTHP stats anon_fault_alloc delta). */
#include "common.h"

#define SZ64K (64UL * 1024)
#define MTHP "/sys/kernel/mm/transparent_hugepage/hugepages-64kB/"
#define PMDTHP "/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled"

static int rd(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = 0;
	return 0;
}

static int wr(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ssize_t r = write(fd, val, strlen(val));
	close(fd);
	return r < 0 ? -1 : 0;
}

/* "always [inherit] madvise never" -> "inherit" */
static void selected(const char *s, char *out, size_t n)
{
	const char *a = strchr(s, '['), *b = a ? strchr(a, ']') : NULL;
	if (!a || !b || (size_t)(b - a) >= n) {
		snprintf(out, n, "never");
		return;
	}
	memcpy(out, a + 1, b - a - 1);
	out[b - a - 1] = 0;
}

static long stat64k(void)
{
	char buf[64];
	if (rd(MTHP "stats/anon_fault_alloc", buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

int main(int argc, char **argv)
{
	long folios = arg_long(argc, argv, 1, 64);
	size_t len = (size_t)folios * SZ64K;
	char buf[128], old64[32], oldpmd[32];

	print_header("mthp-64k", folios * 16);
	if (rd(MTHP "enabled", buf, sizeof(buf))) {
		errno = 0;
		die("no " MTHP "enabled: kernel without mTHP sysfs");
	}
	selected(buf, old64, sizeof(old64));
	if (!rd(PMDTHP, buf, sizeof(buf)))
		selected(buf, oldpmd, sizeof(oldpmd));
	else
		oldpmd[0] = 0;
	if (wr(MTHP "enabled", "always"))
		die("write " MTHP "enabled");
	if (oldpmd[0])
		wr(PMDTHP, "never");

	long before = stat64k();
	char *p = map_aligned(len, SZ64K);
	touch(p, len, 3);
	long after = stat64k();

	kv("addr", "%#lx", (unsigned long)p);
	kv("len", "%zu", len);
	kv("folio_pages", "16");
	kv("folios_64k", "%ld", before < 0 ? -1 : after - before);
	if (munmap(p, len))
		die("munmap");
	wr(MTHP "enabled", old64);
	if (oldpmd[0])
		wr(PMDTHP, oldpmd);
	kv("pages", "%ld", folios * 16);
	return 0;
}
