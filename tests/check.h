/* check: the smallest test harness that says what failed and where.
 * A test program runs its checks, then returns check_finish(). */
#ifndef SZ_CHECK_H
#define SZ_CHECK_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* Masks, in place, the hash of the audit chain anchor on a printed document
 * ("审计链 #57 3fa9c2d1e0b4a7f6" -> "审计链 #57 xxxxxxxxxxxxxxxx"): it covers the entries'
 * times, new on every run, while the entry number and the rest of the page are
 * fixed. ASCII, so the same in UTF-8 and GBK. Returns how many were masked. */
static inline int check_mask_anchor(char *s, size_t n)
{
	int masked = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '#' || s[i + 1] < '0' || s[i + 1] > '9')
			continue;
		size_t j = i + 1;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j >= n || s[j] != ' ')
			continue;
		size_t k = j + 1;
		while (k < n && ((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'f')))
			k++;
		if (k - j - 1 < 16)
			continue;
		memset(s + j + 1, 'x', k - j - 1);
		masked++;
	}
	return masked;
}

/* Removes a test's register file and the WAL and shared-memory files beside it. */
static inline void check_unlink_register(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char name[4096];
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		unlink(name);
	}
}

static inline int check_finish(void)
{
	printf("%d checks, %d failed\n", check_run, check_failed);
	return check_failed ? 1 : 0;
}

#endif
