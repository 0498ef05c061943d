/* Every damaged copy of a package, applied to a township's register through
 * sync_apply, the function `shanzhi sync apply` calls: the package cut at each byte
 * and with one bit of each byte flipped. One process does them all, so the check
 * covers every byte in well under a second even under ASan, where ~800 separate
 * commands took three minutes.
 * Usage: sync-damage TOWNSHIP.db PACKAGE
 * Prints "M of N damaged copies applied; audit entries B -> A" and exits 0 only when
 * none applied and the audit log did not grow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "sync.h"
#include "util.h"

static long long audit_count(struct store *st)
{
	sqlite3_stmt *s;
	long long n = -1;
	if (sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM audit", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static bool write_file(const char *path, const unsigned char *bytes, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(bytes, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

static unsigned char *read_package(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096;
	unsigned char *b = xmalloc(cap);
	*n = 0;
	size_t got;
	while ((got = fread(b + *n, 1, cap - *n, f)) > 0)
		if ((*n += got) == cap)
			b = xrealloc(b, cap *= 2);
	fclose(f);
	return b;
}

/* Applies BYTES as a package; true when sync_apply took it. */
static bool applied(struct store *st, const char *path, const unsigned char *bytes, size_t n)
{
	if (!write_file(path, bytes, n)) {
		fprintf(stderr, "sync-damage: cannot write %s\n", path);
		exit(2);
	}
	char *summary = NULL, *err = NULL;
	bool took = sync_apply(st, path, &summary, &err) == 0;
	if (took)
		fprintf(stderr, "sync-damage: applied (%zu bytes): %s\n", n, summary ? summary : "");
	free(summary);
	free(err);
	return took;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sync-damage TOWNSHIP.db PACKAGE\n");
		return 2;
	}
	size_t size = 0;
	unsigned char *good = read_package(argv[2], &size);
	char *err = NULL;
	struct store *st = store_open(argv[1], &err);
	if (!good || !st) {
		fprintf(stderr, "sync-damage: %s\n", err ? err : argv[2]);
		return 2;
	}
	char *path = xasprintf("%s.damaged", argv[2]);
	unsigned char *copy = xmalloc(size ? size : 1);
	long long before = audit_count(st);
	size_t tried = 0, took = 0;
	for (size_t k = 0; k < size; k++) {
		took += applied(st, path, good, k);   /* cut before byte k */
		memcpy(copy, good, size);
		copy[k] ^= 1;
		took += applied(st, path, copy, size);
		tried += 2;
	}
	long long after = audit_count(st);
	printf("%zu of %zu damaged copies applied; audit entries %lld -> %lld\n", took, tried, before, after);
	remove(path);
	free(path);
	free(copy);
	free(good);
	store_close(st);
	return took == 0 && after == before ? 0 : 1;
}
