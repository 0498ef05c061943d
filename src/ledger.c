/* ledger: the declaration loader of the declared registers (ledger.h) and the
 * lookups over what it loaded.
 *
 * A .register file is read in two passes: the lines are gathered into sections
 * (the [field] ones go straight to form.c's one field parser), then each section is
 * checked and turned into the declaration, so a rule that names a state declared
 * further down (a transition's to) is checked against the whole file. Every problem
 * is "file:line: what" and makes the file unused (datafiles_load's policy). */
#include "ledger.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "access.h"
#include "datafiles.h"
#include "i18n.h"
#include "paths.h"
#include "util.h"

struct ledger_set {
	struct ledger_def **defs;
	size_t n;
	const struct form_registry *forms;
	char **names;                 /* every register file's name, for ref = ledger_X */
	size_t nnames;
};

enum sect_kind { SECT_NONE, SECT_REGISTER, SECT_FIELD, SECT_STATE, SECT_TRANSITION, SECT_PRINT,
		 SECT_REPORT, SECT_EARN, SECT_BAD };

static const char *const sect_names[] = {
	[SECT_REGISTER] = "register", [SECT_FIELD] = "field", [SECT_STATE] = "state",
	[SECT_TRANSITION] = "transition", [SECT_PRINT] = "print", [SECT_REPORT] = "report",
	[SECT_EARN] = "earn",
};

#define MAX_KEYS 14
/* The keys of each section kind (a [field]'s are form.c's). */
static const char *const sect_keys[][MAX_KEYS] = {
	[SECT_REGISTER] = { "name", "title", "menu", "version", "number", "list", "search", "order",
			    "deadline", "check", "check_msg", "index", "menu_order", NULL },
	[SECT_STATE] = { "label", "deadline", "final", "stop_deadline", NULL },
	[SECT_TRANSITION] = { "label", "from", "to", "roles", "ask", "check", "check_msg", NULL },
	[SECT_PRINT] = { "title", "line", NULL },
	[SECT_REPORT] = { "title", "period", "query", "chart", "line", NULL },
	[SECT_EARN] = { "query", NULL },
};

/* One section as read: its keys' values and lines, and a print's lines. */
struct sect {
	enum sect_kind kind;
	char *name;
	int line;
	char *val[MAX_KEYS];
	int at[MAX_KEYS];
	char **lines;                 /* a print's `line`s, in order */
	size_t nlines;
};

/* A field's stage (stage = TRANSITION), kept beside form.c's field. */
struct stage {
	char *field;
	char *transition;
	int line;
};

struct reader {
	const char *file;
	struct strbuf *errors;
	const struct ledger_set *set;
	struct sect *sects;
	size_t nsects;
	enum sect_kind cur;
	struct form_fields *fields;
	char *field;                  /* the current [field]'s name */
	struct stage *stages;
	size_t nstages;
};

__attribute__((format(printf, 3, 4)))
static void fail(struct reader *r, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	datafiles_verror(r->errors, r->file, line, fmt, ap);
	va_end(ap);
}

/* An identifier safe as an SQL name and a :parameter. */
static bool is_name(const char *s)
{
	if (!s || !(isalpha(UCH(*s)) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum(UCH(*s)) || *s == '_'))
			return false;
	return true;
}

/* s[0..n) without surrounding blanks. Caller frees. */
static char *trim(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

/* "a, b ,c" as a list of trimmed words; empty words are left out. */
static char **split_list(const char *s, size_t *n)
{
	char **out = NULL;
	*n = 0;
	while (s && *s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		char *w = trim(s, len);
		if (*w) {
			out = xrealloc(out, (*n + 1) * sizeof *out);
			out[(*n)++] = w;
		} else {
			free(w);
		}
		s = comma ? comma + 1 : NULL;
	}
	return out;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static int key_index(enum sect_kind k, const char *key)
{
	for (int i = 0; i < MAX_KEYS && sect_keys[k][i]; i++)
		if (strcmp(sect_keys[k][i], key) == 0)
			return i;
	return -1;
}

static char *keys_text(enum sect_kind k)
{
	struct strbuf sb = { 0 };
	for (int i = 0; i < MAX_KEYS && sect_keys[k][i]; i++)
		sb_appendf(&sb, "%s%s", i ? ", " : "", sect_keys[k][i]);
	return sb_take(&sb);
}

/* ---- pass 1: lines into sections ---- */

static struct sect *find_sect(struct reader *r, enum sect_kind k, const char *name)
{
	for (size_t i = 0; i < r->nsects; i++)
		if (r->sects[i].kind == k && (!name || strcmp(r->sects[i].name, name) == 0))
			return &r->sects[i];
	return NULL;
}

/* [register], [field X], [state X], [transition X], [print X], [report X]. */
static void section_header(struct reader *r, int line, const char *text)
{
	const char *close = strrchr(text, ']');
	if (r->cur == SECT_FIELD)
		form_fields_close(r->fields);
	free(r->field);
	r->field = NULL;
	r->cur = SECT_BAD;
	if (!close || close[1]) {
		fail(r, line, _("a section header ends with ]"));
		return;
	}
	char *inner = trim(text + 1, (size_t)(close - text - 1));
	size_t klen = strcspn(inner, " \t");
	char *name = trim(inner + klen, strlen(inner + klen));
	enum sect_kind k = SECT_NONE;
	for (int i = SECT_REGISTER; i <= SECT_EARN; i++)
		if (strlen(sect_names[i]) == klen && strncmp(inner, sect_names[i], klen) == 0)
			k = (enum sect_kind)i;
	if (k == SECT_NONE) {
		fail(r, line, _("unknown section [%s]; valid sections: [register], [field NAME], "
				"[state NAME], [transition NAME], [print NAME], [report NAME], [earn REGISTER]"), inner);
	} else if (k == SECT_REGISTER && *name) {
		fail(r, line, _("[register] takes no name"));
	} else if (k == SECT_REGISTER && find_sect(r, k, NULL)) {
		fail(r, line, _("a second [register] section (the first is at line %d)"),
		     find_sect(r, k, NULL)->line);
	} else if (k != SECT_REGISTER && !is_name(name)) {
		fail(r, line, _("[%s]: '%s' is not a name (letters, digits and _)"), sect_names[k], name);
	} else if (k == SECT_FIELD) {
		if (form_fields_section(r->fields, line, text)) {
			r->cur = SECT_FIELD;
			r->field = name;
			name = NULL;
		}
	} else if (k != SECT_REGISTER && find_sect(r, k, name)) {
		fail(r, line, _("duplicate %s %s (first defined at line %d)"), sect_names[k], name,
		     find_sect(r, k, name)->line);
	} else {
		r->sects = xrealloc(r->sects, (r->nsects + 1) * sizeof *r->sects);
		r->sects[r->nsects++] = (struct sect){ .kind = k, .name = name, .line = line };
		r->cur = k;
		name = NULL;
	}
	free(name);
	free(inner);
}

/* A field's stage key: kept here, the field parser does not know it. */
static void stage_key(struct reader *r, int line, const char *value)
{
	for (size_t i = 0; i < r->nstages; i++)
		if (strcmp(r->stages[i].field, r->field) == 0) {
			fail(r, line, _("stage is given twice (first at line %d)"), r->stages[i].line);
			return;
		}
	if (!is_name(value)) {
		fail(r, line, _("stage: '%s' is not a transition name"), value);
		return;
	}
	r->stages = xrealloc(r->stages, (r->nstages + 1) * sizeof *r->stages);
	r->stages[r->nstages++] = (struct stage){ xstrdup(r->field), xstrdup(value), line };
}

static void key_value(struct reader *r, int line, const char *text)
{
	const char *eq = strchr(text, '=');
	if (r->cur == SECT_BAD)
		return;  /* its header was reported */
	if (r->cur == SECT_NONE) {
		fail(r, line, _("a key before any section; start with [register]"));
		return;
	}
	if (!eq) {
		fail(r, line, _("expected key = value"));
		return;
	}
	char *key = trim(text, (size_t)(eq - text));
	char *value = trim(eq + 1, strlen(eq + 1));
	if (r->cur == SECT_FIELD) {
		if (strcmp(key, "stage") == 0)
			stage_key(r, line, value);
		else
			form_fields_key(r->fields, line, text);
		goto out;
	}
	struct sect *s = &r->sects[r->nsects - 1];
	int k = key_index(s->kind, key);
	if (k < 0) {
		char *valid = keys_text(s->kind);
		fail(r, line, _("unknown key '%s' in [%s]; valid keys: %s"), key, sect_names[s->kind],
		     valid);
		free(valid);
	} else if (!*value) {
		fail(r, line, _("%s: the value is empty"), key);
	} else if (s->kind == SECT_PRINT && strcmp(key, "line") == 0) {
		s->lines = xrealloc(s->lines, (s->nlines + 1) * sizeof *s->lines);
		s->lines[s->nlines++] = xstrdup(value);
		s->at[k] = s->at[k] ? s->at[k] : line;
	} else if (s->at[k]) {
		fail(r, line, _("%s is given twice (first at line %d)"), key, s->at[k]);
	} else {
		s->val[k] = value;
		s->at[k] = line;
		value = NULL;
	}
out:
	free(key);
	free(value);
}

static void line_cb(void *ctx, int line, const char *text)
{
	struct reader *r = ctx;
	while (*text == ' ' || *text == '\t')
		text++;
	if (*text == '[')
		section_header(r, line, text);
	else
		key_value(r, line, text);
}

/* ---- pass 2: sections into the declaration ---- */

static const char *sval(const struct sect *s, const char *key)
{
	int k = key_index(s->kind, key);
	return k >= 0 ? s->val[k] : NULL;
}

static int sline(const struct sect *s, const char *key)
{
	int k = key_index(s->kind, key);
	return k >= 0 && s->at[k] ? s->at[k] : s->line;
}

/* "N days" / "N workdays"; false when it is neither. */
static bool parse_deadline(const char *text, struct ledger_deadline *out)
{
	char *end;
	errno = 0;
	long n = strtol(text, &end, 10);
	if (!isdigit(UCH(*text)) || errno || n < 1 || n > 3650)
		return false;
	while (*end == ' ')
		end++;
	if (strcmp(end, "days") == 0 || strcmp(end, "day") == 0)
		out->unit = LEDGER_DAYS;
	else if (strcmp(end, "workdays") == 0 || strcmp(end, "workday") == 0)
		out->unit = LEDGER_WORKDAYS;
	else
		return false;
	out->n = (int)n;
	return true;
}

static void deadline_key(struct reader *r, const struct sect *s, struct ledger_deadline *out)
{
	const char *v = sval(s, "deadline");
	if (v && !parse_deadline(v, out))
		fail(r, sline(s, "deadline"),
		     _("deadline: '%s' is not N days or N workdays (N from 1 to 3650)"), v);
}

/* Names the engine keeps beside the fields. */
static const char *const engine_columns[] = { "id", "number", "state", "state_since", "due",
					      "opened_on", "created_at", "updated_at", "form_version" };

static bool is_field(const struct form_def *all, const char *name)
{
	return form_field_index(all, name) >= 0;
}

/* list = ...: fields or the engine's state, number, deadline. */
static bool list_name_ok(const struct form_def *all, const char *name)
{
	return is_field(all, name) || strcmp(name, "state") == 0 || strcmp(name, "number") == 0 ||
	       strcmp(name, "deadline") == 0;
}

static char **names_key(struct reader *r, const struct sect *s, const char *key,
			const struct form_def *all, bool engine_too, size_t *n)
{
	char **l = split_list(sval(s, key), n);
	for (size_t i = 0; i < *n; i++)
		if (!(engine_too ? list_name_ok(all, l[i]) : is_field(all, l[i]) || strcmp(l[i], "number") == 0))
			fail(r, sline(s, key), _("%s: '%s' is not a field of the register"), key, l[i]);
	return l;
}

/* order = COLUMN [ASC|DESC], made into SQL. */
static char *order_key(struct reader *r, const struct sect *s, const struct form_def *all)
{
	const char *v = sval(s, "order");
	if (!v)
		return xstrdup("id DESC");
	size_t n = strcspn(v, " \t");
	char *col = xstrndup(v, n);
	char *dir = trim(v + n, strlen(v + n));
	const char *sqlcol = strcmp(col, "deadline") == 0 ? "due"
			     : strcmp(col, "created") == 0 ? "created_at" : col;
	char *out = NULL;
	if (!(is_field(all, col) || strcmp(col, "number") == 0 || strcmp(col, "state") == 0 ||
	      strcmp(col, "deadline") == 0 || strcmp(col, "created") == 0 || strcmp(col, "id") == 0))
		fail(r, sline(s, "order"), _("order: '%s' is not a field of the register"), col);
	else if (*dir && strcasecmp(dir, "ASC") != 0 && strcasecmp(dir, "DESC") != 0)
		fail(r, sline(s, "order"), _("order: '%s' is neither ASC nor DESC"), dir);
	else
		out = xasprintf("\"%s\" %s", sqlcol, strcasecmp(dir, "DESC") == 0 ? "DESC" : "ASC");
	free(col);
	free(dir);
	return out;
}

/* index = a, b; c: indexes for the reports' queries, each a list of columns. */
static void indexes_key(struct reader *r, struct ledger_def *d, const struct sect *s,
			const struct form_def *all)
{
	const char *v = sval(s, "index");
	for (const char *p = v; p && *p;) {
		size_t len = strcspn(p, ";");
		char *one = xstrndup(p, len);
		size_t n;
		char **cols = split_list(one, &n);
		for (size_t i = 0; i < n; i++)
			if (!(is_field(all, cols[i]) || strcmp(cols[i], "state") == 0 || strcmp(cols[i], "due") == 0 ||
			      strcmp(cols[i], "number") == 0))
				fail(r, sline(s, "index"), _("index: '%s' is not a field of the register"), cols[i]);
		if (n) {
			d->indexes = xrealloc(d->indexes, (d->nindexes + 1) * sizeof *d->indexes);
			d->indexes[d->nindexes++] = cols;
			d->index_cols = xrealloc(d->index_cols, d->nindexes * sizeof *d->index_cols);
			d->index_cols[d->nindexes - 1] = n;
		} else {
			free(cols);
		}
		free(one);
		p += len;
		if (*p == ';')
			p++;
	}
}

/* number = ...: {year} and one {seq} or {seq:N}. */
static void number_key(struct reader *r, const struct sect *s)
{
	const char *v = sval(s, "number");
	int seqs = 0;
	for (const char *p = v; p && (p = strchr(p, '{')); p++) {
		int w;
		char c;
		if (strncmp(p, "{year}", 6) == 0)
			continue;
		if (strncmp(p, "{seq}", 5) == 0 || (sscanf(p, "{seq:%d%c", &w, &c) == 2 && c == '}' && w > 0 && w < 10)) {
			seqs++;
			continue;
		}
		fail(r, sline(s, "number"), _("number: only {year}, {seq} and {seq:N} may be used"));
		return;
	}
	if (v && seqs != 1)
		fail(r, sline(s, "number"), _("number: give {seq} (or {seq:N}) once"));
}

/* A ref field's table must be one a record can point to. */
static void ref_check(struct reader *r, const struct form_def *all)
{
	for (size_t i = 0; i < all->nfields; i++) {
		const char *t = all->fields[i].ref_table;
		bool ok = !t || strcmp(t, "resident") == 0 || strcmp(t, "household") == 0 ||
			  strcmp(t, "grid") == 0 || strcmp(t, "village") == 0;
		for (size_t j = 0; !ok && strncmp(t, "ledger_", 7) == 0 && j < r->set->nnames; j++)
			ok = strcmp(t + 7, r->set->names[j]) == 0;
		if (!ok)
			fail(r, all->fields[i].line,
			     _("field %s: ref: unknown table '%s' (resident, household, grid, village or "
			       "ledger_NAME of a declared register)"), all->fields[i].name, t);
		for (size_t j = 0; j < ARRAY_LEN(engine_columns); j++)
			if (strcmp(all->fields[i].name, engine_columns[j]) == 0)
				fail(r, all->fields[i].line, _("field %s: the name is the engine's own column"),
				     all->fields[i].name);
	}
}

static const struct stage *stage_of(const struct reader *r, const char *field)
{
	for (size_t i = 0; i < r->nstages; i++)
		if (strcmp(r->stages[i].field, field) == 0)
			return &r->stages[i];
	return NULL;
}

struct stage_pick {
	const struct reader *r;
	const struct form_def *all;
	const char *transition;       /* NULL: the main form's fields */
};

static bool stage_keep(void *ctx, size_t i)
{
	struct stage_pick *p = ctx;
	const struct stage *s = stage_of(p->r, p->all->fields[i].name);
	return p->transition ? s && strcmp(s->transition, p->transition) == 0 : !s;
}

static void build_state(struct reader *r, const struct sect *s, struct ledger_state *st)
{
	st->name = xstrdup(s->name);
	st->label = xstrdup(sval(s, "label"));
	st->line = s->line;
	if (!st->label)
		fail(r, s->line, _("state %s: missing label"), s->name);
	deadline_key(r, s, &st->deadline);
	const char *fin = sval(s, "final");
	if (fin && strcmp(fin, "yes") != 0 && strcmp(fin, "no") != 0)
		fail(r, sline(s, "final"), _("%s: '%s' is neither yes nor no"), "final", fin);
	st->final = fin && strcmp(fin, "yes") == 0;
	const char *stop = sval(s, "stop_deadline");
	if (stop && strcmp(stop, "yes") != 0 && strcmp(stop, "no") != 0)
		fail(r, sline(s, "stop_deadline"), _("%s: '%s' is neither yes nor no"), "stop_deadline", stop);
	st->stop_deadline = stop && strcmp(stop, "yes") == 0;
}

static void build_transition(struct reader *r, struct ledger_def *d, const struct sect *s,
			     struct ledger_transition *t)
{
	t->name = xstrdup(s->name);
	t->label = xstrdup(sval(s, "label"));
	t->line = s->line;
	if (!t->label)
		fail(r, s->line, _("transition %s: missing label"), s->name);
	t->from = split_list(sval(s, "from"), &t->nfrom);
	if (!t->nfrom)
		fail(r, s->line, _("transition %s: missing from = states"), s->name);
	for (size_t i = 0; i < t->nfrom; i++)
		if (!ledger_state(d, t->from[i]))
			fail(r, sline(s, "from"), _("from: unknown state '%s'"), t->from[i]);
	t->to = xstrdup(sval(s, "to"));
	if (!t->to)
		fail(r, s->line, _("transition %s: missing to = a state"), s->name);
	else if (!ledger_state(d, t->to))
		fail(r, sline(s, "to"), _("to: unknown state '%s'"), t->to);
	t->roles = split_list(sval(s, "roles"), &t->nroles);
	for (size_t i = 0; i < t->nroles; i++)
		if (!access_role_valid(t->roles[i]))
			fail(r, sline(s, "roles"), _("roles: unknown role '%s' (admin, clerk, mediator, viewer)"),
			     t->roles[i]);
	t->check = xstrdup(sval(s, "check"));
	t->check_line = sline(s, "check");
	t->check_msg = xstrdup(sval(s, "check_msg"));
	struct stage_pick pick = { r, d->columns, t->name };
	t->form = form_def_subset(d->columns, stage_keep, &pick);
	free(t->form->title);
	t->form->title = xstrdup(t->label ? t->label : t->name);
	size_t nask;
	char **ask = split_list(sval(s, "ask"), &nask);
	for (size_t i = 0; i < nask; i++) {
		const struct stage *st = stage_of(r, ask[i]);
		if (!is_field(d->columns, ask[i]))
			fail(r, sline(s, "ask"), _("ask: '%s' is not a field of the register"), ask[i]);
		else if (!st || strcmp(st->transition, t->name) != 0)
			fail(r, sline(s, "ask"), _("ask: field %s is not declared with stage = %s"), ask[i],
			     t->name);
	}
	for (size_t i = 0; i < t->form->nfields; i++) {
		bool asked = false;
		for (size_t j = 0; j < nask; j++)
			asked = asked || strcmp(ask[j], t->form->fields[i].name) == 0;
		if (!asked)
			fail(r, stage_of(r, t->form->fields[i].name)->line,
			     _("field %s: stage = %s, but that transition does not ask it"),
			     t->form->fields[i].name, t->name);
	}
	free_list(ask, nask);
}

/* The names a print line may use in {...}. */
static bool placeholder_ok(const struct form_def *all, const char *name)
{
	static const char *const engine[] = { "number", "state", "today", "village", "deadline", "id" };
	for (size_t i = 0; i < ARRAY_LEN(engine); i++)
		if (strcmp(name, engine[i]) == 0)
			return true;
	return is_field(all, name);
}

static void build_print(struct reader *r, const struct ledger_def *d, const struct sect *s,
			struct ledger_print *p)
{
	p->name = xstrdup(s->name);
	p->title = xstrdup(sval(s, "title"));
	p->line = s->line;
	if (!p->title)
		fail(r, s->line, _("print %s: missing title"), s->name);
	if (!s->nlines)
		fail(r, s->line, _("print %s: no line = ..."), s->name);
	p->lines = xcalloc(s->nlines + 1, sizeof *p->lines);
	for (size_t i = 0; i < s->nlines; i++) {
		p->lines[i] = xstrdup(s->lines[i]);
		for (const char *o = strchr(s->lines[i], '{'); o; o = strchr(o + 1, '{')) {
			const char *c = strchr(o, '}');
			char *name = c ? xstrndup(o + 1, (size_t)(c - o - 1)) : xstrdup(o + 1);
			char *colon = strchr(name, ':');
			if (colon && strcmp(colon, ":raw") == 0)
				*colon = '\0';
			if (!c || !placeholder_ok(d->columns, name))
				fail(r, sline(s, "line"), _("print %s: {%s} is not a field of the register"),
				     s->name, name);
			free(name);
		}
	}
	p->nlines = s->nlines;
}

/* Whether another register already has a report of this name. */
static const char *report_owner(const struct ledger_set *set, const char *name)
{
	const struct ledger_report *rep;
	const struct ledger_def *d = ledger_find_report(set, name, &rep);
	return d ? d->file : NULL;
}

static void build_report(struct reader *r, const struct sect *s, struct ledger_report *rep)
{
	rep->name = xstrdup(s->name);
	rep->title = xstrdup(sval(s, "title"));
	rep->query = xstrdup(sval(s, "query"));
	rep->chart = xstrdup(sval(s, "chart"));
	rep->line = s->line;
	rep->query_line = sline(s, "query");
	if (!rep->title)
		fail(r, s->line, _("report %s: missing title"), s->name);
	if (!rep->query)
		fail(r, s->line, _("report %s: missing query = SELECT ..."), s->name);
	const char *period = sval(s, "period");
	if (!period || strcmp(period, "none") == 0)
		rep->period = LEDGER_PERIOD_NONE;
	else if (strcmp(period, "month") == 0)
		rep->period = LEDGER_PERIOD_MONTH;
	else if (strcmp(period, "year") == 0)
		rep->period = LEDGER_PERIOD_YEAR;
	else
		fail(r, sline(s, "period"), _("period: '%s' is not month, year or none"), period);
	const char *line = sval(s, "line");
	if (line) {
		char *end;
		rep->ref_line = strtod(line, &end);
		rep->has_ref_line = true;
		if (end == line || *end)
			fail(r, sline(s, "line"), _("line: '%s' is not a number"), line);
	}
	const char *owner = report_owner(r->set, s->name);
	if (owner)
		fail(r, s->line, _("a report named %s is already declared in %s"), s->name, owner);
}

/* [earn REGISTER]: the records a new record of REGISTER makes in this one. */
static void build_earn(struct reader *r, const struct sect *s, struct ledger_earn *e)
{
	e->from = xstrdup(s->name);
	e->query = xstrdup(sval(s, "query"));
	e->line = s->line;
	e->query_line = sline(s, "query");
	if (!e->query)
		fail(r, s->line, _("earn %s: missing query = SELECT ..."), s->name);
}

static void def_free(struct ledger_def *d);

/* The register section's keys into d. */
static void build_register(struct reader *r, struct ledger_def *d, const struct sect *s,
			   const char *basename)
{
	d->name = xstrdup(sval(s, "name") ? sval(s, "name") : basename);
	if (!is_name(d->name))
		fail(r, sline(s, "name"), _("name: '%s' is not a name (letters, digits and _)"), d->name);
	else if (strcmp(d->name, "meta") == 0 || strcmp(d->name, "step") == 0)
		fail(r, sline(s, "name"), _("name: '%s' is the engine's own table"), d->name);
	d->table = xasprintf("ledger_%s", d->name);
	d->title = xstrdup(sval(s, "title"));
	if (!d->title)
		fail(r, s->line, _("[register]: missing title"));
	d->menu = xstrdup(sval(s, "menu") ? sval(s, "menu") : d->title);
	d->version = 1;
	const char *v = sval(s, "version");
	if (v) {
		char *end;
		long n = strtol(v, &end, 10);
		if (!isdigit(UCH(*v)) || *end || n < 1 || n > 100000)
			fail(r, sline(s, "version"), _("version: '%s' is not a number (1 to 100000)"), v);
		else
			d->version = (int)n;
	}
	d->menu_order = LEDGER_MENU_ORDER_DEFAULT;
	const char *mo = sval(s, "menu_order");
	if (mo) {
		char *end;
		long n = strtol(mo, &end, 10);
		if (!isdigit(UCH(*mo)) || *end || n > 100000)
			fail(r, sline(s, "menu_order"), _("menu_order: '%s' is not a number (0 to 100000)"), mo);
		else
			d->menu_order = (int)n;
	}
	d->number = xstrdup(sval(s, "number"));
	number_key(r, s);
	deadline_key(r, s, &d->deadline);
	d->line = s->line;
}

/* The forms of the register: every field (the table), the main form's fields. */
static void build_forms(struct reader *r, struct ledger_def *d, struct form_def *all,
			const struct sect *reg)
{
	free(all->name);
	all->name = xstrdup(d->name);
	all->title = xstrdup(d->title ? d->title : d->name);
	all->table = xstrdup(d->table);
	all->version = d->version;
	d->columns = all;
	struct stage_pick pick = { r, all, NULL };
	d->form = form_def_subset(all, stage_keep, &pick);
	if (reg && sval(reg, "check")) {
		d->form->check = xstrdup(sval(reg, "check"));
		d->form->check_line = sline(reg, "check");
		d->form->check_msg = xstrdup(sval(reg, "check_msg"));
	}
	if (!d->form->nfields)
		fail(r, reg ? reg->line : 1, _("the register has no [field NAME] on its main form"));
	for (size_t i = 0; i < r->nstages; i++)
		if (!find_sect(r, SECT_TRANSITION, r->stages[i].transition))
			fail(r, r->stages[i].line, _("stage: unknown transition '%s'"), r->stages[i].transition);
	ref_check(r, all);
}

/* Turns the sections read into the declaration; NULL when there is no [register]. */
static struct ledger_def *build(struct reader *r, struct form_def *all, const char *basename)
{
	const struct sect *reg = find_sect(r, SECT_REGISTER, NULL);
	struct ledger_def *d = xcalloc(1, sizeof *d);
	d->file = xstrdup(r->file);
	if (!reg)
		fail(r, 1, _("no [register] section"));
	else
		build_register(r, d, reg, basename);
	if (!d->name)
		d->name = xstrdup(basename), d->table = xasprintf("ledger_%s", basename);
	build_forms(r, d, all, reg);
	if (reg) {
		d->list = names_key(r, reg, "list", all, true, &d->nlist);
		d->search = names_key(r, reg, "search", all, false, &d->nsearch);
		d->order = order_key(r, reg, all);
		indexes_key(r, d, reg, all);
	}
	for (size_t i = 0; i < r->nsects; i++)
		if (r->sects[i].kind == SECT_STATE) {
			d->states = xrealloc(d->states, (d->nstates + 1) * sizeof *d->states);
			d->states[d->nstates] = (struct ledger_state){ 0 };
			build_state(r, &r->sects[i], &d->states[d->nstates++]);
		}
	for (size_t i = 0; i < r->nsects; i++) {
		const struct sect *s = &r->sects[i];
		if (s->kind == SECT_TRANSITION) {
			if (!d->nstates)
				fail(r, s->line, _("transition %s: the register declares no [state]"), s->name);
			d->transitions = xrealloc(d->transitions, (d->ntransitions + 1) * sizeof *d->transitions);
			d->transitions[d->ntransitions] = (struct ledger_transition){ 0 };
			build_transition(r, d, s, &d->transitions[d->ntransitions++]);
		} else if (s->kind == SECT_PRINT) {
			d->prints = xrealloc(d->prints, (d->nprints + 1) * sizeof *d->prints);
			d->prints[d->nprints] = (struct ledger_print){ 0 };
			build_print(r, d, s, &d->prints[d->nprints++]);
		} else if (s->kind == SECT_REPORT) {
			d->reports = xrealloc(d->reports, (d->nreports + 1) * sizeof *d->reports);
			d->reports[d->nreports] = (struct ledger_report){ 0 };
			build_report(r, s, &d->reports[d->nreports++]);
		} else if (s->kind == SECT_EARN) {
			d->earns = xrealloc(d->earns, (d->nearns + 1) * sizeof *d->earns);
			d->earns[d->nearns] = (struct ledger_earn){ 0 };
			build_earn(r, s, &d->earns[d->nearns++]);
		}
	}
	if (ledger_find(r->set, d->name))
		fail(r, reg ? sline(reg, "name") : 1, _("a register named %s is already declared in %s"),
		     d->name, ledger_find(r->set, d->name)->file);
	return d;
}

static void reader_free(struct reader *r)
{
	for (size_t i = 0; i < r->nsects; i++) {
		free(r->sects[i].name);
		for (int k = 0; k < MAX_KEYS; k++)
			free(r->sects[i].val[k]);
		free_list(r->sects[i].lines, r->sects[i].nlines);
	}
	free(r->sects);
	for (size_t i = 0; i < r->nstages; i++) {
		free(r->stages[i].field);
		free(r->stages[i].transition);
	}
	free(r->stages);
	free(r->field);
}

/* datafiles' parse for a .register file. */
static void *register_parse(void *ctx, const char *path, const char *name, const char *text,
			    struct strbuf *errors)
{
	struct ledger_set *set = ctx;
	struct reader r = { .file = path, .errors = errors, .set = set };
	r.fields = form_fields_begin(set->forms, path, errors);
	datafiles_each_line(path, text, errors, line_cb, &r);
	struct form_def *all = form_fields_end(r.fields);
	struct ledger_def *d = build(&r, all, name);
	reader_free(&r);
	return d;
}

static void register_keep(void *ctx, void *item)
{
	struct ledger_set *set = ctx;
	set->defs = xrealloc(set->defs, (set->n + 1) * sizeof *set->defs);
	set->defs[set->n++] = item;
}

static void register_discard(void *item)
{
	def_free(item);
}

static const struct datafile_kind register_kind = {
	"/registers", ".register", register_parse, register_keep, register_discard
};

/* ---- freeing ---- */

static void def_free(struct ledger_def *d)
{
	if (!d)
		return;
	free(d->name);
	free(d->table);
	free(d->title);
	free(d->menu);
	free(d->number);
	free_list(d->list, d->nlist);
	free_list(d->search, d->nsearch);
	free(d->order);
	for (size_t i = 0; i < d->nindexes; i++)
		free_list(d->indexes[i], d->index_cols[i]);
	free(d->indexes);
	free(d->index_cols);
	form_def_free(d->form);
	form_def_free(d->columns);
	for (size_t i = 0; i < d->nstates; i++) {
		free(d->states[i].name);
		free(d->states[i].label);
	}
	free(d->states);
	for (size_t i = 0; i < d->ntransitions; i++) {
		struct ledger_transition *t = &d->transitions[i];
		free(t->name);
		free(t->label);
		free_list(t->from, t->nfrom);
		free(t->to);
		free_list(t->roles, t->nroles);
		free(t->check);
		free(t->check_msg);
		form_def_free(t->form);
	}
	free(d->transitions);
	for (size_t i = 0; i < d->nprints; i++) {
		free(d->prints[i].name);
		free(d->prints[i].title);
		free_list(d->prints[i].lines, d->prints[i].nlines);
	}
	free(d->prints);
	for (size_t i = 0; i < d->nreports; i++) {
		free(d->reports[i].name);
		free(d->reports[i].title);
		free(d->reports[i].query);
		free(d->reports[i].chart);
	}
	free(d->reports);
	for (size_t i = 0; i < d->nearns; i++) {
		free(d->earns[i].from);
		free(d->earns[i].query);
	}
	free(d->earns);
	free(d->file);
	free(d);
}

/* ---- the set ---- */

/* Registers in menu_order, file order among equals (a stable insertion sort: a few
 * dozen registers), so that menu groups and their registers appear as declared. */
static void sort_by_menu_order(struct ledger_set *set)
{
	for (size_t i = 1; i < set->n; i++) {
		struct ledger_def *d = set->defs[i];
		size_t j = i;
		for (; j > 0 && set->defs[j - 1]->menu_order > d->menu_order; j--)
			set->defs[j] = set->defs[j - 1];
		set->defs[j] = d;
	}
}

struct ledger_set *ledger_set_load(const struct form_registry *forms, const char *dir,
				   const char *override, char **errors)
{
	struct ledger_set *set = xcalloc(1, sizeof *set);
	struct strbuf sb = { 0 };
	set->forms = forms;
	if (errors && *errors)
		sb_append(&sb, *errors);
	size_t n;
	struct datafile *files = datafiles_find(dir, override, "/registers", ".register", &n);
	set->names = xcalloc(n + 1, sizeof *set->names);
	for (size_t i = 0; i < n; i++)
		set->names[set->nnames++] = xstrdup(files[i].name);
	datafiles_free(files, n);
	datafiles_load(dir ? dir : "", override, &register_kind, set, &sb);
	sort_by_menu_order(set);
	if (errors) {
		free(*errors);
		*errors = sb.len ? sb_take(&sb) : NULL;
	}
	sb_free(&sb);
	return set;
}

void ledger_set_free(struct ledger_set *s)
{
	if (!s)
		return;
	ledger_store_forget(s);
	for (size_t i = 0; i < s->n; i++)
		def_free(s->defs[i]);
	free(s->defs);
	free_list(s->names, s->nnames);
	free(s);
}

const struct ledger_set *ledger_set_default(void)
{
	static struct ledger_set *set;
	if (!set) {
		char *local = paths_forms_local();
		set = ledger_set_load(form_registry_default(), paths_forms(), local, NULL);
		free(local);
	}
	return set;
}

size_t ledger_count(const struct ledger_set *s)
{
	return s ? s->n : 0;
}

const struct ledger_def *ledger_at(const struct ledger_set *s, size_t i)
{
	return s && i < s->n ? s->defs[i] : NULL;
}

const struct ledger_def *ledger_find(const struct ledger_set *s, const char *name)
{
	for (size_t i = 0; s && name && i < s->n; i++)
		if (strcmp(s->defs[i]->name, name) == 0)
			return s->defs[i];
	return NULL;
}

const struct ledger_def *ledger_find_report(const struct ledger_set *s, const char *name,
					    const struct ledger_report **report)
{
	for (size_t i = 0; s && name && i < s->n; i++)
		for (size_t j = 0; j < s->defs[i]->nreports; j++)
			if (strcmp(s->defs[i]->reports[j].name, name) == 0) {
				if (report)
					*report = &s->defs[i]->reports[j];
				return s->defs[i];
			}
	return NULL;
}

const struct form_def *ledger_form(const struct ledger_def *d)
{
	return d ? d->form : NULL;
}

const struct form_def *ledger_stage_form(const struct ledger_def *d, const char *transition)
{
	const struct ledger_transition *t = ledger_transition(d, transition);
	return t ? t->form : NULL;
}

const struct ledger_state *ledger_state(const struct ledger_def *d, const char *name)
{
	for (size_t i = 0; d && name && i < d->nstates; i++)
		if (strcmp(d->states[i].name, name) == 0)
			return &d->states[i];
	return NULL;
}

const struct ledger_transition *ledger_transition(const struct ledger_def *d, const char *name)
{
	for (size_t i = 0; d && name && i < d->ntransitions; i++)
		if (strcmp(d->transitions[i].name, name) == 0)
			return &d->transitions[i];
	return NULL;
}

const struct ledger_print *ledger_print_def(const struct ledger_def *d, const char *name)
{
	for (size_t i = 0; d && name && i < d->nprints; i++)
		if (strcmp(d->prints[i].name, name) == 0)
			return &d->prints[i];
	return NULL;
}

const char *ledger_state_label(const struct ledger_def *d, const char *state)
{
	const struct ledger_state *s = ledger_state(d, state);
	return s && s->label ? _(s->label) : state ? state : "";
}
