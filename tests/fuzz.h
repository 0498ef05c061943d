/* fuzz: what the fuzz tests share when they run without libFuzzer (gcc, the normal
 * suite and the ASan build): a fixed pseudo-random sequence, so a failure repeats,
 * the damage they do to a good input (and the mistakes they plant), the "file:line: "
 * check of messages and reading a shipped file. */
#ifndef SZ_FUZZ_H
#define SZ_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many times the usual number of rounds to run: $SZ_FUZZ_SCALE (default 1), for
 * a longer hunt by hand; the suite runs each target a few seconds. */
static inline int fuzz_scale(void)
{
	const char *e = getenv("SZ_FUZZ_SCALE");
	int n = e ? atoi(e) : 1;
	return n > 0 ? n : 1;
}

/* The next number of a linear congruential sequence (seeded by the test). */
static inline uint32_t fuzz_next(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* A copy of data[0..n) with k bytes from skip on replaced by bytes of alphabet,
 * NUL-terminated after n bytes. Caller frees. */
static inline char *fuzz_garble(uint32_t *seed, const char *data, size_t n, size_t skip, int k,
				const char *alphabet, size_t alen)
{
	char *copy = malloc(n + 1);
	if (!copy)
		abort();
	memcpy(copy, data, n);
	copy[n] = '\0';
	for (int i = 0; i < k && n > skip; i++)
		copy[skip + fuzz_next(seed) % (n - skip)] = alphabet[fuzz_next(seed) % alen];
	return copy;
}

/* A copy of data[0..n) with a span cut out or a span repeated (*len its length).
 * Caller frees. */
static inline char *fuzz_splice(uint32_t *seed, const char *data, size_t n, size_t *len)
{
	size_t at = n ? fuzz_next(seed) % n : 0, span = n ? fuzz_next(seed) % (n - at + 1) : 0;
	bool cut = fuzz_next(seed) & 1;
	char *copy = malloc(n + span + 1);
	if (!copy)
		abort();
	memcpy(copy, data, at);
	if (cut) {
		memcpy(copy + at, data + at + span, n - at - span);
		*len = n - span;
	} else {
		memcpy(copy + at, data + at, span);
		memcpy(copy + at + span, data + at, n - at);
		*len = n + span;
	}
	copy[*len] = '\0';
	return copy;
}

/* A copy of text with the first from replaced by to (a planted mistake), or NULL when
 * from is not in it. Caller frees. */
static inline char *fuzz_replace_first(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	if (!at)
		return NULL;
	size_t head = (size_t)(at - text), nto = strlen(to), tail = strlen(at + strlen(from));
	char *copy = malloc(head + nto + tail + 1);
	if (!copy)
		abort();
	memcpy(copy, text, head);
	memcpy(copy + head, to, nto);
	memcpy(copy + head + nto, at + strlen(from), tail + 1);
	return copy;
}

/* True when every line of text reads "<something ending in suffix>:<digits>: ...",
 * the form every problem with a file under forms/ is reported in. */
static inline bool fuzz_located(const char *text, const char *suffix)
{
	for (const char *s = text; s && *s;) {
		const char *nl = strchr(s, '\n');
		const char *at = strstr(s, suffix);
		if (!at || (nl && at > nl) || at[strlen(suffix)] != ':')
			return false;
		const char *digits = at + strlen(suffix) + 1;
		size_t nd = strspn(digits, "0123456789");
		if (!nd || strncmp(digits + nd, ": ", 2) != 0)
			return false;
		s = nl ? nl + 1 : NULL;
	}
	return true;
}

/* A whole file, NUL-terminated, or NULL; *size its length. Caller frees. */
static inline char *fuzz_slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	*size = buf ? fread(buf, 1, (size_t)n, f) : 0;
	if (buf)
		buf[*size] = '\0';
	fclose(f);
	return buf;
}

#endif
