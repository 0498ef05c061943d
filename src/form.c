/* form: the definition parser, code lists, the registry and the values of a record.
 *
 * One parser serves the shipped folder and a township's override folder alike. Every
 * problem becomes one "file:line: what is wrong" line in the caller's error text; the
 * parser skips what it cannot use and carries on, so one bad line never hides the
 * next one and never stops the program. Keys are table-driven (field_keys[],
 * form_keys[]): the same table parses a value, refuses a duplicate and lists the
 * valid keys in the message about an unknown one. */
#include "form.h"

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datafiles.h"
#include "i18n.h"
#include "paths.h"
#include "pinyin.h"
#include "text.h"
#include "util.h"

#define MAX_NUMBER 100000

struct form_registry {
	struct form_def **forms;
	size_t nforms;
	struct codelist **lists;
	size_t nlists;
};

static const char *const type_names[] = {
	[FIELD_TEXT] = "text",         [FIELD_INTEGER] = "integer", [FIELD_DECIMAL] = "decimal",
	[FIELD_DATE] = "date",         [FIELD_CHOICE] = "choice",   [FIELD_MULTI] = "multi",
	[FIELD_IDNUMBER] = "idnumber", [FIELD_PHONE] = "phone",     [FIELD_REF] = "ref",
	[FIELD_MEMO] = "memo",
};
static_assert(ARRAY_LEN(type_names) == FIELD_TYPE_COUNT, "a name for every field type");

enum key_kind {
	KEY_TEXT,   /* any text: labels, messages */
	KEY_NAME,   /* an identifier: table, code list, reference */
	KEY_EXPR,   /* an SQL expression, checked when form_eval_new prepares it */
	KEY_BOOL,   /* yes or no */
	KEY_NUMBER, /* a whole number 0..MAX_NUMBER */
	KEY_TYPE,   /* one of type_names */
};

/* One key of a section: where its value goes in the struct, and where the line of an
 * expression goes (0 when the key has no line of its own). */
struct key_info {
	const char *key;
	enum key_kind kind;
	size_t offset;
	size_t line_offset;
};

#define FIELD_KEY(k, kind, member) { k, kind, offsetof(struct field_def, member), 0 }
#define FIELD_EXPR(k, member, line) \
	{ k, KEY_EXPR, offsetof(struct field_def, member), offsetof(struct field_def, line) }

static const struct key_info field_keys[] = {
	FIELD_KEY("label", KEY_TEXT, label),
	FIELD_KEY("help", KEY_TEXT, help),
	FIELD_KEY("type", KEY_TYPE, type),
	FIELD_KEY("required", KEY_BOOL, required),
	FIELD_KEY("required_msg", KEY_TEXT, required_msg),
	FIELD_KEY("min", KEY_NUMBER, min_len),
	FIELD_KEY("max", KEY_NUMBER, max_len),
	FIELD_EXPR("default", default_expr, default_line),
	FIELD_KEY("readonly", KEY_BOOL, readonly),
	FIELD_EXPR("constraint", constraint, constraint_line),
	FIELD_KEY("constraint_msg", KEY_TEXT, constraint_msg),
	FIELD_EXPR("relevant", relevant, relevant_line),
	FIELD_EXPR("derive", derive, derive_line),
	FIELD_KEY("choices", KEY_NAME, choices),
	FIELD_KEY("ref", KEY_NAME, ref_table),
	FIELD_EXPR("lookup", lookup, lookup_line),
	FIELD_KEY("width", KEY_NUMBER, width),
	FIELD_KEY("column", KEY_BOOL, column),
};

#define FORM_KEY(k, kind, member) { k, kind, offsetof(struct form_def, member), 0 }

static const struct key_info form_keys[] = {
	FORM_KEY("name", KEY_NAME, name),
	FORM_KEY("title", KEY_TEXT, title),
	FORM_KEY("table", KEY_NAME, table),
	FORM_KEY("version", KEY_NUMBER, version),
	{ "check", KEY_EXPR, offsetof(struct form_def, check), offsetof(struct form_def, check_line) },
	FORM_KEY("check_msg", KEY_TEXT, check_msg),
};

#define MAX_KEYS 32
static_assert(ARRAY_LEN(field_keys) <= MAX_KEYS && ARRAY_LEN(form_keys) <= MAX_KEYS,
	      "seen[] holds every key of a section");

/* The state of parsing one file: where we are and where problems go. */
struct parse {
	const char *file;
	int line;
	struct strbuf *errors;
};

/* Appends "file:line: message" to the problems. */
__attribute__((format(printf, 3, 4)))
static void parse_error(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	datafiles_verror(p->errors, p->file, line, fmt, ap);
	va_end(ap);
}

/* An identifier safe to use as an SQL name and a :parameter. */
static bool is_identifier(const char *s)
{
	if (!s || !(isalpha(UCH(*s)) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum(UCH(*s)) || *s == '_'))
			return false;
	return true;
}

/* A copy of s[0..n) without surrounding spaces and tabs. Caller frees. */
static char *trimmed_copy(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

/* "a, b, c" from the names of a key table, for messages about an unknown key. */
static char *key_list(const struct key_info *keys, size_t n)
{
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sb, "%s%s", i ? ", " : "", keys[i].key);
	return sb_take(&sb);
}

/* "text, integer, ..." for messages about an unknown type. */
static char *type_list(void)
{
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < FIELD_TYPE_COUNT; i++)
		sb_appendf(&sb, "%s%s", i ? ", " : "", type_names[i]);
	return sb_take(&sb);
}

/* Parses a whole number 0..MAX_NUMBER; false when value is anything else. */
static bool parse_number(const char *value, int *out)
{
	char *end;
	if (!isdigit(UCH(*value)))
		return false;
	errno = 0;
	long n = strtol(value, &end, 10);
	if (*end || errno || n > MAX_NUMBER)
		return false;
	*out = (int)n;
	return true;
}

/* Stores one key's value into the struct at base; reports a value of the wrong kind. */
static void set_key(struct parse *p, void *base, const struct key_info *k, const char *value)
{
	char *at = (char *)base + k->offset;

	switch (k->kind) {
	case KEY_NAME:
		if (!is_identifier(value)) {
			parse_error(p, p->line, _("%s: '%s' is not a name (letters, digits and _)"),
				    k->key, value);
			return;
		}
		/* fall through */
	case KEY_TEXT:
	case KEY_EXPR:
		if (!*value) {
			parse_error(p, p->line, _("%s: the value is empty"), k->key);
			return;
		}
		free(*(char **)at);
		*(char **)at = xstrdup(value);
		if (k->line_offset)
			*(int *)((char *)base + k->line_offset) = p->line;
		return;
	case KEY_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0)
			*(bool *)at = strcmp(value, "yes") == 0;
		else
			parse_error(p, p->line, _("%s: '%s' is neither yes nor no"), k->key, value);
		return;
	case KEY_NUMBER:
		if (!parse_number(value, (int *)at))
			parse_error(p, p->line, _("%s: '%s' is not a number (0 to %d)"), k->key,
				    value, MAX_NUMBER);
		return;
	case KEY_TYPE:
		for (size_t i = 0; i < FIELD_TYPE_COUNT; i++) {
			if (strcmp(value, type_names[i]) == 0) {
				*(enum field_type *)at = (enum field_type)i;
				return;
			}
		}
		char *types = type_list();
		parse_error(p, p->line, _("type: '%s' is not a field type; valid types: %s"),
			    value, types);
		free(types);
		return;
	}
}

/* ---- code lists ---- */

/* Frees a list and its items; accepts NULL. */
static void codelist_free(struct codelist *cl)
{
	if (!cl)
		return;
	for (size_t i = 0; i < cl->n; i++) {
		free(cl->items[i].code);
		free(cl->items[i].label);
		free(cl->items[i].note);
	}
	free(cl->items);
	free(cl->slots);
	free(cl->name);
	free(cl);
}

/* Fills the list's slots once its items are read (codes are unique by then). */
static void codelist_index_build(struct codelist *cl)
{
	cl->nslots = 8;
	while (cl->nslots < 2 * cl->n)
		cl->nslots *= 2;
	cl->slots = xcalloc(cl->nslots, sizeof *cl->slots);
	for (size_t i = 0; i < cl->n; i++) {
		size_t len = strlen(cl->items[i].code);
		size_t at = str_hash(cl->items[i].code, len) & (cl->nslots - 1);
		while (cl->slots[at].item)
			at = (at + 1) & (cl->nslots - 1);
		cl->slots[at] = (struct code_slot){(uint32_t)i + 1, (uint32_t)len};
	}
}

long codelist_index(const struct codelist *cl, const char *code, size_t n)
{
	if (!cl || !code || !cl->slots || n == 0)
		return -1;
	for (size_t at = str_hash(code, n) & (cl->nslots - 1); cl->slots[at].item; at = (at + 1) & (cl->nslots - 1)) {
		const struct code_slot *s = &cl->slots[at];
		if (s->len == n && memcmp(cl->items[s->item - 1].code, code, n) == 0)
			return (long)s->item - 1;
	}
	return -1;
}

/* The item with this code, or NULL. */
static const struct code_item *codelist_item(const struct codelist *cl, const char *code)
{
	long i = code ? codelist_index(cl, code, strlen(code)) : -1;
	return i >= 0 ? &cl->items[i] : NULL;
}

/* A code: letters, digits, '_' and '-', as typed into a choice field. */
static bool is_code(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(isalnum(UCH(*s)) || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* The line (1-based) where an earlier item with this code or label was read, else 0. */
static int earlier_item(const struct codelist *cl, const int *lines, const char *code,
			const char *label, bool *same_code)
{
	for (size_t i = 0; i < cl->n; i++) {
		*same_code = strcmp(cl->items[i].code, code) == 0;
		if (*same_code || strcmp(cl->items[i].label, label) == 0)
			return lines[i];
	}
	return 0;
}

/* Reads one "code<TAB>label[<TAB>note]" line into the list. */
static void codes_line(struct parse *p, struct codelist *cl, int **lines, const char *line)
{
	const char *tab = strchr(line, '\t');
	if (!tab) {
		parse_error(p, p->line, _("expected code<TAB>label"));
		return;
	}
	const char *end = strchr(tab + 1, '\t'), *note_end = end ? strchr(end + 1, '\t') : NULL;
	char *code = trimmed_copy(line, (size_t)(tab - line));
	char *label = trimmed_copy(tab + 1, end ? (size_t)(end - tab - 1) : strlen(tab + 1));
	bool same_code = false;
	int first;

	if (!is_code(code))
		parse_error(p, p->line, _("'%s' is not a code (letters, digits, _ and -)"), code);
	else if (!*label)
		parse_error(p, p->line, _("code %s has no label"), code);
	else if ((first = earlier_item(cl, *lines, code, label, &same_code)))
		parse_error(p, p->line,
			    same_code ? _("code %s is already in the list (line %d)")
				      : _("label of code %s is already in the list (line %d)"),
			    code, first);
	else {
		cl->items = xrealloc(cl->items, (cl->n + 1) * sizeof *cl->items);
		*lines = xrealloc(*lines, (cl->n + 1) * sizeof **lines);
		char *note = end ? trimmed_copy(end + 1, note_end ? (size_t)(note_end - end - 1)
								  : strlen(end + 1)) : NULL;
		cl->items[cl->n] = (struct code_item){ code, label, note };
		(*lines)[cl->n++] = p->line;
		return;
	}
	free(code);
	free(label);
}

/* for_each_line's bridge to datafiles_each_line: the parse and the form's callback. */
struct line_bridge {
	struct parse *p;
	void (*fn)(struct parse *, void *, const char *);
	void *ctx;
};

/* Hands one logical line to the form's callback with the parse at that line. */
static void bridge_line(void *ctx, int line, const char *text)
{
	struct line_bridge *b = ctx;
	b->p->line = line;
	b->fn(b->p, b->ctx, text);
}

/* Calls fn for each logical line of text (see datafiles_each_line). */
static void for_each_line(struct parse *p, const char *text,
			  void (*fn)(struct parse *, void *, const char *), void *ctx)
{
	struct line_bridge b = { p, fn, ctx };
	datafiles_each_line(p->file, text, p->errors, bridge_line, &b);
}

/* Context of for_each_line for a code list. */
struct codes_ctx {
	struct codelist *cl;
	int *lines;
};

/* for_each_line's callback for a .codes file. */
static void codes_line_cb(struct parse *p, void *ctx, const char *line)
{
	struct codes_ctx *c = ctx;
	codes_line(p, c->cl, &c->lines, line);
}

/* Parses a .codes file's text into a list named name; NULL when it holds no code. */
static struct codelist *codes_parse(struct parse *p, const char *name, const char *text)
{
	struct codes_ctx c = { xcalloc(1, sizeof *c.cl), NULL };
	c.cl->name = xstrdup(name);
	for_each_line(p, text, codes_line_cb, &c);
	free(c.lines);
	if (!c.cl->n) {
		parse_error(p, 1, _("the code list has no codes"));
		codelist_free(c.cl);
		return NULL;
	}
	codelist_index_build(c.cl);
	return c.cl;
}

const char *codelist_label(const struct codelist *cl, const char *code)
{
	const struct code_item *it = codelist_item(cl, code);
	return it ? _(it->label) : NULL;
}

/* sz_code(list, code) as form_sql_register says. */
static void sql_code(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *list = (const char *)sqlite3_value_text(argv[0]);
	const char *code = (const char *)sqlite3_value_text(argv[1]);
	const char *label = list && code ? codelist_label(form_codelist(form_registry_default(), list), code) : NULL;
	if (label)
		sqlite3_result_text(ctx, label, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_value(ctx, argv[1]);
}

int form_sql_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "sz_code", 2, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL, sql_code, NULL,
				       NULL);
}

bool codelist_has(const struct codelist *cl, const char *code)
{
	return codelist_item(cl, code) != NULL;
}

/* The one code of the same length as digits that equals it with leading zeros (a
 * clerk types 2 for 02), or NULL when none or several fit. */
static const char *code_by_number(const struct codelist *cl, const char *digits)
{
	const char *found = NULL;
	size_t n = strlen(digits);

	for (const char *s = digits; *s; s++)
		if (!isdigit(UCH(*s)))
			return NULL;
	for (size_t i = 0; i < cl->n; i++) {
		const char *c = cl->items[i].code;
		size_t cn = strlen(c), pad = cn - n;
		if (cn <= n || strspn(c, "0") < pad || strcmp(c + pad, digits) != 0)
			continue;
		if (found)
			return NULL;
		found = c;
	}
	return found;
}

const char *codelist_find(const struct codelist *cl, const char *code_or_label)
{
	if (!cl || !code_or_label || !*code_or_label)
		return NULL;
	const struct code_item *it = codelist_item(cl, code_or_label);
	if (it)
		return it->code;
	for (size_t i = 0; i < cl->n; i++)
		if (strcasecmp(cl->items[i].label, code_or_label) == 0 ||
		    strcmp(_(cl->items[i].label), code_or_label) == 0)
			return cl->items[i].code;
	return code_by_number(cl, code_or_label);
}

const char *codelist_find_term(const struct codelist *cl, const char *term)
{
	for (size_t i = 0; cl && term && *term && i < cl->n; i++)
		if (cl->items[i].note && strcmp(cl->items[i].note, term) == 0)
			return cl->items[i].code;
	return NULL;
}

/* True when one of the pinyin keys of label is initials (letters, any case). */
static bool label_has_initials(const char *label, const char *initials)
{
	char *keys[16];
	size_t n = pinyin_name_keys(label, keys, ARRAY_LEN(keys));
	bool hit = false;
	for (size_t i = 0; i < n; i++) {
		hit = hit || strcasecmp(keys[i], initials) == 0;
		free(keys[i]);
	}
	return hit;
}

/* True when the label, or its part before a bracketed note, has these initials. */
static bool label_matches_initials(const char *label, const char *initials)
{
	const char *wide = strstr(label, "\xEF\xBC\x88");  /* （ */
	size_t head = strcspn(label, "(");
	if (wide && (size_t)(wide - label) < head)
		head = (size_t)(wide - label);
	if (label_has_initials(label, initials))
		return true;
	if (head == 0 || !label[head])
		return false;
	char *short_label = xstrndup(label, head);
	bool hit = label_has_initials(short_label, initials);
	free(short_label);
	return hit;
}

const char *codelist_find_initials(const struct codelist *cl, const char *initials)
{
	const char *found = NULL;
	if (!cl || !initials || !*initials)
		return NULL;
	for (const char *s = initials; *s; s++)
		if (!isalpha(UCH(*s)))
			return NULL;
	for (size_t i = 0; i < cl->n; i++) {
		if (!label_matches_initials(_(cl->items[i].label), initials))
			continue;
		if (found)
			return NULL;
		found = cl->items[i].code;
	}
	return found;
}

/* ---- forms ---- */

/* Frees what a field owns (not the field itself: it lives in the form's array). */
static void field_free(struct field_def *f)
{
	free(f->name);
	free(f->label);
	free(f->help);
	free(f->required_msg);
	free(f->default_expr);
	free(f->constraint);
	free(f->constraint_msg);
	free(f->relevant);
	free(f->derive);
	free(f->choices);
	free(f->ref_table);
	free(f->lookup);
}

/* Frees a form and its fields; accepts NULL. */
static void form_free(struct form_def *def)
{
	if (!def)
		return;
	for (size_t i = 0; i < def->nfields; i++)
		field_free(&def->fields[i]);
	free(def->fields);
	free(def->name);
	free(def->title);
	free(def->table);
	free(def->file);
	free(def->check);
	free(def->check_msg);
	free(def);
}

enum section { SECTION_NONE, SECTION_FORM, SECTION_FIELD, SECTION_BAD };

/* Context of for_each_line for a form: the form so far, the section being read and
 * the line where each of its keys was first given. */
struct form_ctx {
	struct form_def *def;
	const struct form_registry *reg;
	enum section section;
	int form_line;
	int seen[MAX_KEYS];
};

/* The line where the current section gave key, else fallback. */
static int key_line_of(const struct form_ctx *c, const char *key, int fallback)
{
	for (size_t i = 0; i < ARRAY_LEN(field_keys); i++)
		if (strcmp(field_keys[i].key, key) == 0 && c->seen[i])
			return c->seen[i];
	return fallback;
}

/* Checks a finished [field] section: what it lacks or contradicts. */
static void field_finish(struct parse *p, struct form_ctx *c, struct field_def *f)
{
	if (!f->label)
		parse_error(p, f->line, _("field %s: missing label"), f->name);
	if ((f->type == FIELD_CHOICE || f->type == FIELD_MULTI) && !f->choices)
		parse_error(p, f->line, _("field %s: a %s field needs choices = a code list"),
			    f->name, type_names[f->type]);
	if (f->choices && !(f->list = form_codelist(c->reg, f->choices)))
		parse_error(p, key_line_of(c, "choices", f->line),
			    _("choices: unknown code list '%s' (no codes/%s.codes)"), f->choices,
			    f->choices);
	if (f->type == FIELD_REF && !f->ref_table)
		parse_error(p, f->line, _("field %s: a ref field needs ref = a table"), f->name);
	if (f->lookup && f->type != FIELD_TEXT)
		parse_error(p, key_line_of(c, "lookup", f->line),
			    _("field %s: lookup is for a text field (a %s field has its own list)"), f->name,
			    type_names[f->type]);
	if (f->max_len && f->min_len > f->max_len)
		parse_error(p, f->line, _("field %s: min %d is more than max %d"), f->name,
			    f->min_len, f->max_len);
}

/* Checks the section just ended, if it was a field. */
static void section_finish(struct parse *p, struct form_ctx *c)
{
	if (c->section == SECTION_FIELD)
		field_finish(p, c, &c->def->fields[c->def->nfields - 1]);
}

/* Starts [form] or [field NAME]. */
static void section_start(struct parse *p, struct form_ctx *c, const char *line)
{
	const char *close = strrchr(line, ']');
	section_finish(p, c);
	memset(c->seen, 0, sizeof c->seen);
	c->section = SECTION_BAD;
	if (!close || close[1]) {
		parse_error(p, p->line, _("a section header ends with ]"));
		return;
	}
	char *inner = trimmed_copy(line + 1, (size_t)(close - line - 1));
	if (strcmp(inner, "form") == 0) {
		if (c->form_line)
			parse_error(p, p->line, _("a second [form] section (the first is at line %d)"),
				    c->form_line);
		else {
			c->form_line = p->line;
			c->section = SECTION_FORM;
		}
	} else if (strncmp(inner, "field", 5) == 0 && (inner[5] == ' ' || inner[5] == '\t')) {
		char *name = trimmed_copy(inner + 6, strlen(inner + 6));
		int dup = form_field_index(c->def, name);
		if (!is_identifier(name))
			parse_error(p, p->line, _("field name '%s' is not a name (letters, digits and _)"),
				    name);
		else if (dup >= 0)
			parse_error(p, p->line, _("duplicate field %s (first defined at line %d)"),
				    name, c->def->fields[dup].line);
		else {
			struct form_def *def = c->def;
			def->fields = xrealloc(def->fields, (def->nfields + 1) * sizeof *def->fields);
			def->fields[def->nfields++] = (struct field_def){
				.name = name, .type = FIELD_TEXT, .line = p->line, .column = true };
			c->section = SECTION_FIELD;
			name = NULL;
		}
		free(name);
	} else {
		parse_error(p, p->line, _("unknown section [%s]; valid sections: [form], [field NAME]"),
			    inner);
	}
	free(inner);
}

/* Reads one "key = value" line into the current section. */
static void key_line(struct parse *p, struct form_ctx *c, const char *line)
{
	bool field = c->section == SECTION_FIELD;
	const struct key_info *keys = field ? field_keys : form_keys;
	size_t nkeys = field ? ARRAY_LEN(field_keys) : ARRAY_LEN(form_keys);
	const char *eq = strchr(line, '=');

	if (c->section == SECTION_BAD)
		return;  /* the header was reported; its keys would only repeat that */
	if (c->section == SECTION_NONE) {
		parse_error(p, p->line, _("a key before any section; start with [form]"));
		return;
	}
	if (!eq) {
		parse_error(p, p->line, _("expected key = value"));
		return;
	}
	char *key = trimmed_copy(line, (size_t)(eq - line));
	char *value = trimmed_copy(eq + 1, strlen(eq + 1));
	size_t i = 0;
	while (i < nkeys && strcmp(keys[i].key, key) != 0)
		i++;
	if (i == nkeys) {
		char *valid = key_list(keys, nkeys);
		parse_error(p, p->line, _("unknown key '%s' in [%s]; valid keys: %s"), key,
			    field ? "field" : "form", valid);
		free(valid);
	} else if (c->seen[i]) {
		parse_error(p, p->line, _("%s is given twice (first at line %d)"), key, c->seen[i]);
	} else {
		c->seen[i] = p->line;
		set_key(p, field ? (void *)&c->def->fields[c->def->nfields - 1] : (void *)c->def,
			&keys[i], value);
	}
	free(key);
	free(value);
}

/* for_each_line's callback for a .form file: a section header or a key. */
static void form_line_cb(struct parse *p, void *ctx, const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '[')
		section_start(p, ctx, line);
	else
		key_line(p, ctx, line);
}

/* Checks the [form] section once the whole file is read. */
static void form_finish(struct parse *p, struct form_ctx *c, const char *basename)
{
	struct form_def *def = c->def;
	int at = c->form_line ? c->form_line : 1;

	section_finish(p, c);
	if (!c->form_line)
		parse_error(p, 1, _("no [form] section"));
	if (!def->name)
		def->name = xstrdup(basename);
	if (c->form_line && !def->title)
		parse_error(p, at, _("[form]: missing title"));
	if (c->form_line && !def->table)
		parse_error(p, at, _("[form]: missing table"));
	if (!def->version)
		def->version = 1;
	if (!def->nfields)
		parse_error(p, at, _("the form has no [field NAME] section"));
}

/* Parses a .form file's text; NULL when it cannot be used at all. */
static struct form_def *form_parse(struct parse *p, const struct form_registry *reg,
				   const char *basename, const char *text)
{
	struct form_ctx c = { .def = xcalloc(1, sizeof *c.def), .reg = reg };
	c.def->file = xstrdup(p->file);
	for_each_line(p, text, form_line_cb, &c);
	form_finish(p, &c, basename);
	if (!c.form_line || !c.def->table || !c.def->nfields) {
		form_free(c.def);
		return NULL;
	}
	return c.def;
}

/* ---- [field] sections of other definition files ---- */

/* The one field parser, driven line by line by another file kind's parser. */
struct form_fields {
	struct parse p;
	struct form_ctx c;
};

struct form_fields *form_fields_begin(const struct form_registry *reg, const char *file,
				      struct strbuf *errors)
{
	struct form_fields *ff = xcalloc(1, sizeof *ff);
	ff->p = (struct parse){ file, 0, errors };
	ff->c.def = xcalloc(1, sizeof *ff->c.def);
	ff->c.def->file = xstrdup(file);
	ff->c.reg = reg;
	return ff;
}

bool form_fields_section(struct form_fields *ff, int line, const char *header)
{
	ff->p.line = line;
	section_start(&ff->p, &ff->c, header);
	return ff->c.section == SECTION_FIELD;
}

void form_fields_key(struct form_fields *ff, int line, const char *text)
{
	ff->p.line = line;
	key_line(&ff->p, &ff->c, text);
}

void form_fields_close(struct form_fields *ff)
{
	section_finish(&ff->p, &ff->c);
	ff->c.section = SECTION_NONE;
}

struct form_def *form_fields_end(struct form_fields *ff)
{
	form_fields_close(ff);
	struct form_def *def = ff->c.def;
	free(ff);
	return def;
}

/* A copy of what a field owns, for a form made of some of another's fields. */
static void field_copy(struct field_def *to, const struct field_def *from)
{
	*to = *from;
	to->name = xstrdup(from->name);
	to->label = xstrdup(from->label);
	to->help = xstrdup(from->help);
	to->required_msg = xstrdup(from->required_msg);
	to->default_expr = xstrdup(from->default_expr);
	to->constraint = xstrdup(from->constraint);
	to->constraint_msg = xstrdup(from->constraint_msg);
	to->relevant = xstrdup(from->relevant);
	to->derive = xstrdup(from->derive);
	to->choices = xstrdup(from->choices);
	to->ref_table = xstrdup(from->ref_table);
	to->lookup = xstrdup(from->lookup);
}

struct form_def *form_def_subset(const struct form_def *from, bool (*keep)(void *ctx, size_t i),
				 void *ctx)
{
	struct form_def *def = xcalloc(1, sizeof *def);
	def->name = xstrdup(from->name);
	def->title = xstrdup(from->title);
	def->table = xstrdup(from->table);
	def->version = from->version;
	def->file = xstrdup(from->file);
	def->fields = xcalloc(from->nfields ? from->nfields : 1, sizeof *def->fields);
	for (size_t i = 0; i < from->nfields; i++)
		if (keep(ctx, i))
			field_copy(&def->fields[def->nfields++], &from->fields[i]);
	return def;
}

void form_def_free(struct form_def *def)
{
	form_free(def);
}

/* ---- the registry ---- */

/* datafiles' parse for a .codes file. */
static void *codes_file_parse(void *ctx, const char *path, const char *name, const char *text,
			      struct strbuf *errors)
{
	(void)ctx;
	struct parse p = { path, 0, errors };
	return codes_parse(&p, name, text);
}

/* datafiles' keep for a code list: the forms that follow can name it. */
static void codes_keep(void *ctx, void *item)
{
	struct form_registry *reg = ctx;
	reg->lists = xrealloc(reg->lists, (reg->nlists + 1) * sizeof *reg->lists);
	reg->lists[reg->nlists++] = item;
}

/* datafiles' discard for a code list. */
static void codes_discard(void *item)
{
	codelist_free(item);
}

static const struct datafile_kind codes_kind = {
	"/codes", ".codes", codes_file_parse, codes_keep, codes_discard
};

/* datafiles' parse for a .form file; a second form of the same name is refused. */
static void *form_file_parse(void *ctx, const char *path, const char *name, const char *text,
			     struct strbuf *errors)
{
	const struct form_registry *reg = ctx;
	struct parse p = { path, 0, errors };
	struct form_def *def = form_parse(&p, reg, name, text);
	const struct form_def *dup = def ? form_get(reg, def->name) : NULL;
	if (dup) {
		parse_error(&p, 1, _("a form named %s is already defined in %s"), def->name,
			    dup->file);
		form_free(def);
		def = NULL;
	}
	return def;
}

/* datafiles' keep for a form. */
static void form_keep(void *ctx, void *item)
{
	struct form_registry *reg = ctx;
	reg->forms = xrealloc(reg->forms, (reg->nforms + 1) * sizeof *reg->forms);
	reg->forms[reg->nforms++] = item;
}

/* datafiles' discard for a form. */
static void form_discard(void *item)
{
	form_free(item);
}

static const struct datafile_kind form_kind = {
	"", ".form", form_file_parse, form_keep, form_discard
};

struct form_registry *form_registry_load(const char *dir, const char *override_dir,
					 char **errors)
{
	struct form_registry *reg = xcalloc(1, sizeof *reg);
	struct strbuf sb = { 0 };
	DIR *d = dir ? opendir(dir) : NULL;

	if (errors && *errors)
		sb_append(&sb, *errors);
	if (!d)
		sb_appendf(&sb, "%s: %s\n", dir ? dir : "(null)",
			   _("cannot open the forms folder"));
	else
		closedir(d);
	/* the code lists first, so the forms can name them */
	datafiles_load(dir ? dir : "", override_dir, &codes_kind, reg, &sb);
	datafiles_load(dir ? dir : "", override_dir, &form_kind, reg, &sb);
	if (errors) {
		free(*errors);
		*errors = sb.len ? sb_take(&sb) : NULL;
	}
	sb_free(&sb);
	return reg;
}

void form_registry_free(struct form_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->nforms; i++)
		form_free(reg->forms[i]);
	for (size_t i = 0; i < reg->nlists; i++)
		codelist_free(reg->lists[i]);
	free(reg->forms);
	free(reg->lists);
	free(reg);
}

const struct form_registry *form_registry_default(void)
{
	static struct form_registry *reg;
	if (!reg) {
		char *local = paths_forms_local();
		reg = form_registry_load(paths_forms(), local, NULL);
		free(local);
	}
	return reg;
}

size_t form_count(const struct form_registry *reg)
{
	return reg ? reg->nforms : 0;
}

const struct form_def *form_get(const struct form_registry *reg, const char *name)
{
	for (size_t i = 0; reg && name && i < reg->nforms; i++)
		if (strcmp(reg->forms[i]->name, name) == 0)
			return reg->forms[i];
	return NULL;
}

const struct form_def *form_for_table(const struct form_registry *reg, const char *table)
{
	const struct form_def *def = form_get(reg, table);
	for (size_t i = 0; !def && reg && table && i < reg->nforms; i++)
		if (reg->forms[i]->table && strcmp(reg->forms[i]->table, table) == 0)
			def = reg->forms[i];
	return def;
}

const struct codelist *form_codelist(const struct form_registry *reg, const char *name)
{
	for (size_t i = 0; reg && name && i < reg->nlists; i++)
		if (strcmp(reg->lists[i]->name, name) == 0)
			return reg->lists[i];
	return NULL;
}

/* ---- the values of a record ---- */

void form_data_init(struct form_data *d, const struct form_def *def)
{
	d->def = def;
	d->values = xcalloc(def->nfields ? def->nfields : 1, sizeof *d->values);
	d->base = NULL;
	d->id = 0;
}

/* Frees an array of nfields values. */
static void values_free(char **values, size_t n)
{
	for (size_t i = 0; values && i < n; i++)
		free(values[i]);
	free(values);
}

void form_data_free(struct form_data *d)
{
	if (!d->values)
		return;
	values_free(d->values, d->def->nfields);
	values_free(d->base, d->def->nfields);
	d->values = NULL;
	d->base = NULL;
}

void form_data_keep_base(struct form_data *d)
{
	values_free(d->base, d->def->nfields);
	d->base = xcalloc(d->def->nfields ? d->def->nfields : 1, sizeof *d->base);
	for (size_t i = 0; i < d->def->nfields; i++)
		d->base[i] = xstrdup(d->values[i]);
}

void form_data_set_base(struct form_data *d, size_t field, const char *value)
{
	if (!d->base || field >= d->def->nfields)
		return;
	free(d->base[field]);
	d->base[field] = value && *value ? xstrdup(value) : NULL;
}

void form_data_set(struct form_data *d, size_t field, const char *value)
{
	form_data_set_n(d, field, value, value ? strlen(value) : 0);
}

void form_data_set_n(struct form_data *d, size_t field, const char *value, size_t n)
{
	const char *old = field < d->def->nfields ? d->values[field] : NULL;
	if (n && old && strncmp(old, value, n) == 0 && old[n] == '\0')
		return;   /* the same text: kept, not copied again */
	form_data_take(d, field, n ? xstrndup(value, n) : NULL);
}

void form_data_take(struct form_data *d, size_t field, char *value)
{
	if (field >= d->def->nfields) {
		free(value);
		return;
	}
	if (value && !*value) {
		free(value);
		value = NULL;
	}
	free(d->values[field]);
	d->values[field] = value;
}

int form_field_index(const struct form_def *def, const char *name)
{
	for (size_t i = 0; def && name && i < def->nfields; i++)
		if (strcmp(def->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *form_data_value(const struct form_data *d, const char *name)
{
	int i = form_field_index(d->def, name);
	return i >= 0 && d->values[i] && *d->values[i] ? d->values[i] : NULL;
}

/* Labels of the codes of a multi-choice value, joined; orphan codes stay as typed. */
static char *multi_display(const struct codelist *cl, const char *value)
{
	struct strbuf sb = { 0 };
	const char *s = value;

	while (*s) {
		size_t n = strcspn(s, ",");
		char *code = trimmed_copy(s, n);
		const char *label = codelist_label(cl, code);
		if (*code)
			sb_appendf(&sb, "%s%s", sb.len ? _(", ") : "", label ? label : code);
		free(code);
		s += n + (s[n] == ',');
	}
	return sb_take(&sb);
}

char *form_display_value(const struct field_def *f, const char *value)
{
	if (!value || !*value)
		return xstrdup("");
	if (f->type == FIELD_CHOICE) {
		const char *label = codelist_label(f->list, value);
		return xstrdup(label ? label : value);
	}
	if (f->type == FIELD_MULTI)
		return multi_display(f->list, value);
	return xstrdup(value);
}
