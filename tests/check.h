/* check: the smallest test harness that says what failed and where.
 * A test program runs its checks, then returns check_finish(). */
#ifndef SZ_CHECK_H
#define SZ_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_run, check_failed;

#define CHECK(cond)                                                                \
	do {                                                                       \
		check_run++;                                                       \
		if (!(cond)) {                                                     \
			check_failed++;                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,    \
				__LINE__, #cond);                                  \
		}                                                                  \
	} while (0)

#define CHECK_STR(got, want)                                                       \
	do {                                                                       \
		const char *g_ = (got), *w_ = (want);                              \
		check_run++;                                                       \
		if (!g_ || !w_ ? g_ != w_ : strcmp(g_, w_) != 0) {                 \
			check_failed++;                                            \
			fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n",    \
				__FILE__, __LINE__, #got, g_ ? g_ : "(null)",      \
				w_ ? w_ : "(null)");                               \
		}                                                                  \
	} while (0)

#define CHECK_INT(got, want)                                                       \
	do {                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);           \
		check_run++;                                                       \
		if (g_ != w_) {                                                    \
			check_failed++;                                            \
			fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n",        \
				__FILE__, __LINE__, #got, g_, w_);                 \
		}                                                                  \
	} while (0)

static inline int check_finish(void)
{
	printf("%d checks, %d failed\n", check_run, check_failed);
	return check_failed ? 1 : 0;
}

#endif
