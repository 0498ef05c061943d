/* aliases: roster header names per field, from forms/import/NAME.aliases. */
#include "aliases.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "datafiles.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

/* One header: its key (aliases_key's), the field it names, the line that gave it. */
struct alias {
	char *key, *target;
	int line;
};

/* One file's headers, or (kept) every file's. */
struct aliases {
	struct alias *item;
	size_t n;
};

/* The parse of one file: its headers, where problems go, the fields it may name. */
struct aliases_parse {
	struct aliases *a;
	const char *file;
	struct strbuf *errors;
	const char *const *targets;
};

char *aliases_key(const char *header)
{
	char *n = text_normalize_ascii(header ? header : "");
	char *w = n;
	for (const char *p = n; *p; p++)
		if (*p != ' ' && *p != '*' && *p != '\n' && *p != '\r' && *p != '\t')
			*w++ = *p;
	*w = '\0';
	if (w > n && w[-1] == ':')
		w[-1] = '\0';
	return n;
}

void aliases_free(struct aliases *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->item[i].key);
		free(a->item[i].target);
	}
	free(a->item);
	free(a);
}

/* The index of key in a, or a->n. */
static size_t find_key(const struct aliases *a, const char *key)
{
	size_t i = 0;
	while (i < a->n && strcmp(a->item[i].key, key) != 0)
		i++;
	return i;
}

/* Adds key for target, taking both. */
static void add(struct aliases *a, char *key, char *target, int line)
{
	a->item = xrealloc(a->item, (a->n + 1) * sizeof *a->item);
	a->item[a->n++] = (struct alias){ key, target, line };
}

/* datafiles_verror with the file of the parse. */
__attribute__((format(printf, 3, 4)))
static void parse_error(struct aliases_parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	datafiles_verror(p->errors, p->file, line, fmt, ap);
	va_end(ap);
}

/* The field of targets named name, or NULL. */
static const char *known_target(const struct aliases_parse *p, const char *name)
{
	for (const char *const *t = p->targets; *t; t++)
		if (strcmp(*t, name) == 0)
			return *t;
	return NULL;
}

/* "name, id_number, ..." for the message about an unknown field. Caller frees. */
static char *target_list(const struct aliases_parse *p)
{
	struct strbuf sb = { 0 };
	for (const char *const *t = p->targets; *t; t++)
		sb_appendf(&sb, "%s%s", t == p->targets ? "" : ", ", *t);
	return sb_take(&sb);
}

/* Reads the headers of one "FIELD = header, header" value, normalised first so a
 * full-width comma separates too. */
static void read_headers(struct aliases_parse *p, int line, const char *field, const char *value)
{
	char *keys = aliases_key(value);
	bool empty = !*keys;
	for (char *s = keys, *comma; s && !empty; s = comma ? comma + 1 : NULL) {
		comma = strchr(s, ',');
		if (comma)
			*comma = '\0';
		char *key = aliases_key(s);   /* a trailing colon of each header goes too */
		size_t at = find_key(p->a, key);
		if (!*key)
			empty = true;
		else if (at < p->a->n)
			parse_error(p, line, _("header %s is already given for %s (line %d)"), key,
				    p->a->item[at].target, p->a->item[at].line);
		else
			add(p->a, xstrdup(key), xstrdup(field), line);
		free(key);
	}
	if (empty)
		parse_error(p, line, "%s", _("an empty header name; write FIELD = header, header, ..."));
	free(keys);
}

/* datafiles_each_line's callback: one "FIELD = header, header, ..." line. */
static void aliases_line(void *ctx, int line, const char *text)
{
	struct aliases_parse *p = ctx;
	const char *eq = strchr(text, '=');
	if (!eq) {
		parse_error(p, line, "%s", _("expected FIELD = header, header, ..."));
		return;
	}
	char *field = xstrndup(text, (size_t)(eq - text));
	char *f = field + strspn(field, " \t");
	f[strcspn(f, " \t")] = '\0';
	if (known_target(p, f)) {
		read_headers(p, line, f, eq + 1);
	} else {
		char *valid = target_list(p);
		parse_error(p, line, _("'%s' is not a field a column can be mapped to; the fields: %s"),
			    f, valid);
		free(valid);
	}
	free(field);
}

/* What a load gathers into: every clean file's headers, and the fields they may name. */
struct aliases_load {
	struct aliases *all;
	const char *const *targets;
};

/* datafile_kind's parse: one file's headers. */
static void *aliases_parse_file(void *ctx, const char *path, const char *name, const char *text,
				struct strbuf *errors)
{
	(void)name;
	const struct aliases_load *l = ctx;
	struct aliases_parse p = { xcalloc(1, sizeof *p.a), path, errors, l->targets };
	datafiles_each_line(path, text, errors, aliases_line, &p);
	return p.a;
}

/* datafile_kind's keep: a clean file's headers join the earlier files' (theirs win). */
static void aliases_keep(void *ctx, void *item)
{
	struct aliases_load *l = ctx;
	struct aliases *a = item;
	for (size_t i = 0; i < a->n; i++) {
		if (find_key(l->all, a->item[i].key) == l->all->n) {
			add(l->all, a->item[i].key, a->item[i].target, a->item[i].line);
			a->item[i].key = a->item[i].target = NULL;
		}
	}
	aliases_free(a);
}

/* datafile_kind's discard. */
static void aliases_discard(void *item)
{
	aliases_free(item);
}

static const struct datafile_kind aliases_kind = {
	"/import", ".aliases", aliases_parse_file, aliases_keep, aliases_discard,
};

struct aliases *aliases_load(const char *dir, const char *override,
			     const char *const *targets, struct strbuf *errors)
{
	struct aliases_load l = { xcalloc(1, sizeof *l.all), targets };
	datafiles_load(dir, override, &aliases_kind, &l, errors);
	return l.all;
}

const char *aliases_target(const struct aliases *a, const char *key)
{
	size_t i = a && key ? find_key(a, key) : 0;
	return a && key && i < a->n ? a->item[i].target : NULL;
}
