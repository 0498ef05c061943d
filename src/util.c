/* util: allocation wrappers and the string buffer. */
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die_oom(void)
{
	fputs("shanzhi: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom();
	return q;
}

char *xstrdup(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}

bool str_same(const char *a, const char *b)
{
	a = a && *a ? a : NULL;
	b = b && *b ? b : NULL;
	return !a || !b ? a == b : strcmp(a, b) == 0;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		die_oom();
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int set_error(char **err, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	free(*err);
	*err = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

static void sb_reserve(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	sb->s = xrealloc(sb->s, cap);
	sb->cap = cap;
}

void sb_append_n(struct strbuf *sb, const char *s, size_t n)
{
	sb_reserve(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_append(struct strbuf *sb, const char *s)
{
	sb_append_n(sb, s, strlen(s));
}

void sb_appendf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	sb_append(sb, s);
	free(s);
}

char *sb_take(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");
	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

/* The id sudo put in variable name (SUDO_UID, SUDO_GID); false when it is unset or
 * not a decimal number. */
static bool sudo_id(const char *name, unsigned long *id)
{
	const char *s = getenv(name);
	char *end;
	if (!s || !*s)
		return false;
	*id = strtoul(s, &end, 10);
	return *end == '\0';
}

bool run_by_sudo(void)
{
	unsigned long uid;
	return sudo_id("SUDO_UID", &uid) && (uid_t)uid != getuid();
}

/* Hands a new file to the group of the clerk sudo runs us for: the service account
 * may not give a file away, but may give it to a group it belongs to. */
static void give_to_sudo_group(int fd)
{
	unsigned long gid;
	if (sudo_id("SUDO_GID", &gid) && fchown(fd, (uid_t)-1, (gid_t)gid) == 0)
		fchmod(fd, 0640);
}

bool readable_for_caller(const char *path)
{
	unsigned long uid;
	if (!run_by_sudo() || !sudo_id("SUDO_UID", &uid))
		return true;
	struct stat sb;
	return stat(path, &sb) == 0 && sb.st_uid == (uid_t)uid;
}

int private_rename(const char *from, const char *to)
{
	if (run_by_sudo())
		return renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
	return rename(from, to);
}

/* Opens path for writing, truncated and owner-only; -1 with errno. */
static int private_open(const char *path)
{
	if (run_by_sudo()) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			give_to_sudo_group(fd);
		return fd;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct stat sb;
	/* an existing file keeps its mode through O_CREAT: narrow it (not a device) */
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 077))
		fchmod(fd, 0600);
	return fd;
}

FILE *private_fopen(const char *path)
{
	int fd = private_open(path);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (fd >= 0 && !f)
		close(fd);
	return f;
}

int private_create(const char *path)
{
	int fd = private_open(path);
	return fd >= 0 ? close(fd) : -1;
}
