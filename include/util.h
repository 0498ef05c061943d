/* util: allocation that aborts on out-of-memory, and a growable string buffer.
 * Ownership rule for the whole project: a returned `char *` belongs to the caller
 * (free it), a returned `const char *` is borrowed. */
#ifndef SZ_UTIL_H
#define SZ_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* ctype functions want an unsigned char value */
#define UCH(c) ((unsigned char)(c))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);        /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Whether two stored values are the same: NULL and "" both mean empty. */
bool str_same(const char *a, const char *b);
/* FNV-1a of the n bytes at s: for a table of strings kept in memory. Inline: an
 * import hashes a few codes a row. */
static inline uint64_t str_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ UCH(s[i])) * 1099511628211u;
	return h;
}

/* Replaces *err (freeing what it held) with a formatted message; nothing when err is
 * NULL. Returns -1, so a failing function can `return set_error(err, ...)`. */
int set_error(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct strbuf {
	char *s;   /* always NUL-terminated once anything is appended */
	size_t len;
	size_t cap;
};

void sb_append(struct strbuf *sb, const char *s);
void sb_append_n(struct strbuf *sb, const char *s, size_t n);
void sb_appendf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the string to the caller ("" if empty) and resets the buffer. */
char *sb_take(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* Files that hold personal data (exports, rejects, printouts): created owner-only
 * (0600) whatever the umask, and made so when they existed with wider rights.
 * private_fopen opens path truncated for writing; NULL with errno. private_create
 * leaves an empty owner-only file for a library that writes path itself (fopen "wb"
 * keeps the mode); 0, or -1 with errno.
 * Run by sudo for a clerk (run_by_sudo), the owner is the register's service
 * account: such a file is only ever new (an existing file or link is refused with
 * EEXIST, so a clerk cannot have the register or a backup overwritten), and is
 * handed to the clerk's group (SUDO_GID), read-only, when the service account is
 * a member of it. */
FILE *private_fopen(const char *path);
int private_create(const char *path);
/* Renames a finished file into place: rename(2), except that run by sudo it
 * never replaces an existing file (-1 with EEXIST). */
int private_rename(const char *from, const char *to);
/* Whether path may be read for the user: always, except that run by sudo only a
 * file the clerk owns (SUDO_UID) is, so that the service account's files (the
 * register, its backups) cannot be read through an import. */
bool readable_for_caller(const char *path);
/* True when sudo runs this program for another user: SUDO_UID is set and is not
 * the real user (sudo sets it; a user who sets it himself runs as himself). */
bool run_by_sudo(void);

#endif
