// SPDX-License-Identifier: GPL-2.0
/*
 * defaults.c - the sanitizer settings of make check-asan, built into its
 * zapd (linked only when SANITIZE is set, daemon/daemon.mk): the same
 * wherever that zapd runs, also in the guest of tests/vm, whose
 * environment the host does not set. The environment's ASAN_OPTIONS,
 * LSAN_OPTIONS and UBSAN_OPTIONS still add to them (make check-asan's
 * log_path).
 *
 * Owns: the options and the LeakSanitizer suppressions, which are
 * tests/asan/lsan.supp without its comments (generated: lsan-supp.h).
 */
#include "lsan-supp.h"

/* __asan_default_options - a size field of a hostile file over the
 * allocator's limit gets NULL, as under the reader process's RLIMIT_DATA
 * (not a report); full stacks in error reports (through the libraries,
 * which have no frame pointers); SIGSEGV, SIGBUS and SIGFPE kill as they
 * do without ASan (the reader process's expected crashes inside the
 * libraries, and tests/import/reader.t's kill -SEGV, say "killed by
 * SIGSEGV", not "exited with status 1"; ASan's checks of zapd's own
 * memory accesses come before any such signal) */
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:fast_unwind_on_fatal=0:"
	       "handle_segv=0:handle_sigbus=0:handle_sigfpe=0";
}

/* __lsan_default_suppressions - tests/asan/lsan.supp */
const char *__lsan_default_suppressions(void)
{
	return lsan_supp;
}

/* __ubsan_default_options - every report is fatal, with its stack */
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1";
}
