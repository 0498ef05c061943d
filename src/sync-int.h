/* sync-int: what sync.c shares with sync-down.c (the township's packages down to one
 * village): the package container as read from a file, and the few helpers both
 * kinds of package write and check with. Private to the sync modules. */
#ifndef SZ_SYNC_INT_H
#define SZ_SYNC_INT_H

#include <stddef.h>

#include "sha256.h"

struct store;

/* A package file read and checked (sync_package_read): header fields, body. */
struct package {
	char kind[16];
	char site[16];
	char name[128];
	char to[16];      /* a down package's destination village; "" in the others */
	long long site_no, seq, length;
	int schema;
	char prev[SHA256_HEX];
	char hash[SHA256_HEX];
	const unsigned char *body;
	unsigned char *file;
	size_t size;
};

/* Reads a package and checks its magic, fields, length and SHA-256. 0 or -1. */
int sync_package_read(const char *path, struct package *p, char **err);
void sync_package_free(struct package *p);
/* The SHA-256 of a header and body, as the package's sha256 line states it. */
void sync_content_hash(const char *header, const void *body, size_t n, char out[SHA256_HEX]);
/* Writes header, hash line and body to path (through path.part, fsync'd). 0 or -1. */
int sync_write_file(const char *path, const char *header, const char *hash, const void *body, size_t n, char **err);
/* An audit entry of sync's own bookkeeping (tbl a sync_ table), under the operator. */
int sync_seal_entry(struct store *st, const char *tbl, long long row, const char *before, const char *after,
		    const char *reason, char **err);
/* One line of the sync log (p NULL when the package could not be read). */
void sync_log_result(struct store *st, const char *file, const struct package *p, const char *result,
		     const char *counts, const char *message);

/* At a village: applies a township's down package already read (sync-down.c). */
int sync_down_apply(struct store *st, const struct package *p, const char *path, char **summary, char **err);

#endif
