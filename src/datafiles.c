/* datafiles: shipped and override definition files, listed once for every kind. */
#include "datafiles.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

#define MAX_FILE_BYTES (1024 * 1024)

/* What the loads of this process reported, for the command line to show once. */
static struct strbuf reported;
static pthread_mutex_t reported_mu = PTHREAD_MUTEX_INITIALIZER;

/* qsort order: by name. */
static int datafile_compare(const void *a, const void *b)
{
	return strcmp(((const struct datafile *)a)->name, ((const struct datafile *)b)->name);
}

/* Adds the files of dir ending in suffix to *list; a file of an existing name
 * replaces it (the override folder is read second). */
static void scan_dir(const char *dir, const char *suffix, struct datafile **list, size_t *n)
{
	DIR *d = dir ? opendir(dir) : NULL;
	size_t slen = strlen(suffix);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= slen || strcmp(e->d_name + len - slen, suffix))
			continue;
		char *name = xstrndup(e->d_name, len - slen);
		char *path = xasprintf("%s/%s", dir, e->d_name);
		size_t i = 0;
		while (i < *n && strcmp((*list)[i].name, name) != 0)
			i++;
		if (i == *n) {
			*list = xrealloc(*list, (*n + 1) * sizeof **list);
			(*list)[(*n)++] = (struct datafile){ name, path, NULL };
		} else {
			free((*list)[i].shipped);
			(*list)[i].shipped = (*list)[i].path;
			(*list)[i].path = path;
			free(name);
		}
	}
	closedir(d);
}

struct datafile *datafiles_find(const char *dir, const char *override, const char *sub,
				const char *suffix, size_t *n)
{
	struct datafile *list = NULL;
	char *d1 = dir ? xasprintf("%s%s", dir, sub) : NULL;
	char *d2 = override ? xasprintf("%s%s", override, sub) : NULL;
	*n = 0;
	scan_dir(d1, suffix, &list, n);
	scan_dir(d2, suffix, &list, n);
	if (*n)
		qsort(list, *n, sizeof *list, datafile_compare);
	free(d1);
	free(d2);
	return list;
}

void datafiles_free(struct datafile *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].path);
		free(list[i].shipped);
	}
	free(list);
}

void datafiles_verror(struct strbuf *errors, const char *file, int line, const char *fmt,
		      va_list ap)
{
	char *msg = xvasprintf(fmt, ap);
	sb_appendf(errors, "%s:%d: %s\n", file, line, msg);
	free(msg);
}

/* datafiles_verror with its arguments inline. */
__attribute__((format(printf, 4, 5)))
static void datafiles_error(struct strbuf *errors, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	datafiles_verror(errors, file, line, fmt, ap);
	va_end(ap);
}

char *datafiles_read(const char *path, struct strbuf *errors)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		datafiles_error(errors, path, 0, _("cannot open: %s"), strerror(errno));
		return NULL;
	}
	/* sized to the file: a form is a few KiB and the whole folder loads at every start */
	struct stat sb;
	size_t cap = MAX_FILE_BYTES + 1;
	if (fstat(fileno(f), &sb) == 0 && sb.st_size >= 0 && sb.st_size < MAX_FILE_BYTES)
		cap = (size_t)sb.st_size + 1;
	char *buf = xmalloc(cap + 1);
	size_t n = fread(buf, 1, cap, f);
	if (n == cap && cap <= MAX_FILE_BYTES) { /* it grew since fstat: read on up to the limit */
		buf = xrealloc(buf, MAX_FILE_BYTES + 2);
		n += fread(buf + n, 1, MAX_FILE_BYTES + 1 - n, f);
	}
	bool failed = ferror(f);
	fclose(f);
	if (failed || n > MAX_FILE_BYTES) {
		datafiles_error(errors, path, 0, "%s",
				failed ? _("cannot read the file") : _("the file is larger than 1 MiB"));
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		datafiles_error(errors, path, 0, "%s", _("the file holds NUL bytes; it is not a text file"));
		free(buf);
		return NULL;
	}
	return buf;
}

void datafiles_each_line(const char *file, const char *text, struct strbuf *errors,
			 void (*fn)(void *ctx, int line, const char *text), void *ctx)
{
	struct strbuf joined = { 0 };
	int line = 0, start = 0;

	if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;
	for (const char *s = text; s && *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s), bad;
		line++;
		if (n && s[n - 1] == '\r')
			n--;
		if (!joined.len)
			start = line;
		if (!text_utf8_valid(s, n, &bad)) {
			datafiles_error(errors, file, line,
					_("not valid UTF-8 (byte %zu); save the file as UTF-8"), bad + 1);
		} else if (n && s[n - 1] == '\\' && nl) {
			sb_append_n(&joined, s, n - 1);
		} else {
			sb_append_n(&joined, s, n);
			const char *l = joined.s;
			while (*l == ' ' || *l == '\t')
				l++;
			if (*l && *l != '#')
				fn(ctx, start, joined.s);
			joined.len = 0;
			joined.s[0] = '\0';
		}
		s = nl ? nl + 1 : NULL;
	}
	if (joined.len)
		datafiles_error(errors, file, start, "%s",
				_("the file ends inside a line continued with \\"));
	sb_free(&joined);
}

/* Reads and parses one file; its item when it is clean, else NULL with its problems
 * in errors. */
static void *load_clean(const struct datafile_kind *kind, const char *path, const char *name,
			void *ctx, struct strbuf *errors)
{
	struct strbuf problems = { 0 };
	char *text = datafiles_read(path, &problems);
	void *item = text ? kind->parse(ctx, path, name, text, &problems) : NULL;
	free(text);
	if (problems.len) {
		sb_append(errors, problems.s);
		if (item)
			kind->discard(item);
		item = NULL;
	}
	sb_free(&problems);
	return item;
}

/* One file under the policy: the local one when clean, else the shipped one. */
static void *load_file(const struct datafile_kind *kind, const struct datafile *f, void *ctx,
		       struct strbuf *errors)
{
	size_t before = errors->len;
	void *item = load_clean(kind, f->path, f->name, ctx, errors);
	if (item || errors->len == before || !f->shipped)
		return item;
	datafiles_error(errors, f->path, 0, _("the shipped %s is used instead"), f->shipped);
	return load_clean(kind, f->shipped, f->name, ctx, errors);
}

/* Logs the problems one load added (errors from before on); a file loaded again
 * (the forms of each command) is logged once. */
static void report(const struct strbuf *errors, size_t before)
{
	if (errors->len == before)
		return;
	pthread_mutex_lock(&reported_mu);
	if (!reported.s || !strstr(reported.s, errors->s + before))
		sb_append(&reported, errors->s + before);
	pthread_mutex_unlock(&reported_mu);
}

char *datafiles_take_reported(void)
{
	pthread_mutex_lock(&reported_mu);
	char *text = reported.len ? sb_take(&reported) : NULL;
	sb_free(&reported);
	pthread_mutex_unlock(&reported_mu);
	return text;
}

void datafiles_load(const char *dir, const char *override, const struct datafile_kind *kind,
		    void *ctx, struct strbuf *errors)
{
	size_t n;
	struct datafile *files = datafiles_find(dir, override, kind->sub, kind->suffix, &n);
	for (size_t i = 0; i < n; i++) {
		size_t before = errors->len;
		void *item = load_file(kind, &files[i], ctx, errors);
		report(errors, before);
		if (item)
			kind->keep(ctx, item);
	}
	datafiles_free(files, n);
}

void *datafiles_load_named(const char *dir, const char *override,
			   const struct datafile_kind *kind, const char *name, void *ctx,
			   struct strbuf *errors)
{
	size_t n;
	void *item = NULL;
	struct datafile *files = datafiles_find(dir, override, kind->sub, kind->suffix, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(files[i].name, name) == 0) {
			size_t before = errors->len;
			item = load_file(kind, &files[i], ctx, errors);
			report(errors, before);
		}
	datafiles_free(files, n);
	return item;
}
