/* export: templates, and the register written through them. See export.h.
 *
 * A template's values are SQLite expressions over one fixed join, prepared once with
 * the template's filter and order (read-only statements only):
 *   resident r, household h (r's), grid g, village v, town t, resident hd (h's head).
 * Each row is formatted, laid out as a CSV line in UTF-8 and converted to the target
 * encoding in one iconv call; a character the encoding lacks is traced back to its
 * field for the report. */
#include "export.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "audit.h"
#include "console.h"
#include "csv.h"
#include "datafiles.h"
#include "form.h"
#include "i18n.h"
#include "idcard.h"
#include "paths.h"
#include "store.h"
#include "util.h"
#include "xlsx.h"

#define DEFAULT_TEMPLATE "residents"
#define TEMPLATE_DIR "templates"
#define TEMPLATE_EXT ".tpl"

enum col_kind { COL_TEXT, COL_CODE, COL_MULTI, COL_DATE, COL_ID, COL_PHONE, COL_NUMBER, COL_KIND_COUNT };

static const char *const col_kind_names[COL_KIND_COUNT] = {
	"text", "code", "multi", "date", "id", "phone", "number",
};

struct export_column {
	char *header;
	char *value;     /* SQL expression */
	enum col_kind kind;
	char *list;      /* code list of a code or multi column */
	char *format;    /* date: YYYY MM DD pattern; number: decimals as 0.00 */
	int line;
};

struct export_template {
	char *name, *title, *file;
	enum enc_kind encoding;
	bool protect;    /* ID and phone numbers as ="..." in CSV, for Excel */
	char *where, *order;
	struct export_column *cols;
	size_t n;
};

/* ---- the template parser (the form files' style: sections, key = value) ---- */

struct tpl_parse {
	const char *file;
	struct strbuf errors;
	struct export_template *t;
	bool in_column;
};

/* Adds "file:line: what" to the errors (declared for its format check). */
static void tpl_error(struct tpl_parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Adds "file:line: what" to the errors. */
static void tpl_error(struct tpl_parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	sb_appendf(&p->errors, "%s:%d: %s\n", p->file, line, msg);
	free(msg);
}

/* Replaces *slot with a copy of value. */
static void set_str(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

/* A key of the [template] section. */
static void template_key(struct tpl_parse *p, int line, const char *key, const char *value)
{
	struct export_template *t = p->t;
	if (strcmp(key, "name") == 0)
		set_str(&t->name, value);
	else if (strcmp(key, "title") == 0)
		set_str(&t->title, value);
	else if (strcmp(key, "where") == 0)
		set_str(&t->where, value);
	else if (strcmp(key, "order") == 0)
		set_str(&t->order, value);
	else if (strcmp(key, "encoding") == 0) {
		if (!enc_parse(value, &t->encoding) || t->encoding == ENC_AUTO)
			tpl_error(p, line, _("encoding: %s is not one of utf-8, utf-8-bom, gbk, gb18030"), value);
	} else if (strcmp(key, "protect") == 0) {
		if (strcmp(value, "excel") == 0)
			t->protect = true;
		else if (strcmp(value, "none") == 0)
			t->protect = false;
		else
			tpl_error(p, line, _("protect: %s is not excel or none"), value);
	} else
		tpl_error(p, line, _("unknown key %s (name, title, encoding, protect, where, order)"), key);
}

/* A key of a [column] section. */
static void column_key(struct tpl_parse *p, int line, const char *key, const char *value)
{
	struct export_column *c = &p->t->cols[p->t->n - 1];
	if (strcmp(key, "header") == 0)
		set_str(&c->header, value);
	else if (strcmp(key, "value") == 0)
		set_str(&c->value, value);
	else if (strcmp(key, "list") == 0)
		set_str(&c->list, value);
	else if (strcmp(key, "format") == 0)
		set_str(&c->format, value);
	else if (strcmp(key, "type") == 0) {
		int k = 0;
		while (k < COL_KIND_COUNT && strcmp(col_kind_names[k], value) != 0)
			k++;
		if (k == COL_KIND_COUNT)
			tpl_error(p, line, _("type: %s is not one of text, code, multi, date, id, phone, number"), value);
		else
			c->kind = (enum col_kind)k;
	} else
		tpl_error(p, line, _("unknown key %s (header, value, type, list, format)"), key);
}

/* Checks the column just finished. */
static void column_finish(struct tpl_parse *p)
{
	if (!p->in_column)
		return;
	struct export_column *c = &p->t->cols[p->t->n - 1];
	if (!c->header)
		tpl_error(p, c->line, "%s", _("a column needs a header"));
	if (!c->value)
		tpl_error(p, c->line, "%s", _("a column needs a value"));
	if ((c->kind == COL_CODE || c->kind == COL_MULTI) && !c->list)
		tpl_error(p, c->line, "%s", _("a code or multi column needs a list"));
}

/* Removes surrounding white space in place. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* One logical line: a section header or key = value. */
static void tpl_line(struct tpl_parse *p, int line, char *s)
{
	s = trim(s);
	if (!*s || *s == '#')
		return;
	if (strcmp(s, "[template]") == 0) {
		column_finish(p);
		p->in_column = false;
		return;
	}
	if (strcmp(s, "[column]") == 0) {
		column_finish(p);
		struct export_template *t = p->t;
		t->cols = xrealloc(t->cols, (t->n + 1) * sizeof *t->cols);
		memset(&t->cols[t->n], 0, sizeof *t->cols);
		t->cols[t->n++].line = line;
		p->in_column = true;
		return;
	}
	char *eq = strchr(s, '=');
	if (*s == '[' || !eq) {
		tpl_error(p, line, _("expected [template], [column] or key = value, not: %s"), s);
		return;
	}
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	if (p->in_column)
		column_key(p, line, key, value);
	else
		template_key(p, line, key, value);
}

struct export_template *export_template_parse(const char *file, const char *text, char **err)
{
	struct tpl_parse p = {.file = file};
	p.t = xcalloc(1, sizeof *p.t);
	p.t->file = xstrdup(file);
	p.t->protect = true;
	char *copy = xstrdup(text);
	char *s = copy;
	if (strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	struct strbuf logical = {0};
	int line = 0, start = 0;
	while (*s) {
		char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		line++;
		if (!logical.len)
			start = line;
		if (n && s[n - 1] == '\r')
			n--;
		bool more = n && s[n - 1] == '\\' && nl;
		sb_append_n(&logical, s, more ? n - 1 : n);
		if (!more) {
			tpl_line(&p, start, logical.s ? logical.s : (char *)"");
			logical.len = 0;
			if (logical.s)
				logical.s[0] = '\0';
		}
		s = nl ? nl + 1 : s + n;
	}
	if (logical.len)
		tpl_line(&p, start, logical.s);
	sb_free(&logical);
	free(copy);
	column_finish(&p);
	if (!p.t->n)
		tpl_error(&p, line ? line : 1, "%s", _("the template has no [column]"));
	if (!p.t->name)
		tpl_error(&p, 1, "%s", _("the template needs a name"));
	if (p.errors.len) {
		if (err)
			*err = sb_take(&p.errors);
		sb_free(&p.errors);
		export_template_free(p.t);
		return NULL;
	}
	return p.t;
}

void export_template_free(struct export_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->cols[i].header);
		free(t->cols[i].value);
		free(t->cols[i].list);
		free(t->cols[i].format);
	}
	free(t->cols);
	free(t->name);
	free(t->title);
	free(t->file);
	free(t->where);
	free(t->order);
	free(t);
}

const char *export_template_title(const struct export_template *t)
{
	return t->title ? _(t->title) : t->name;
}

enum enc_kind export_template_encoding(const struct export_template *t)
{
	return t->encoding;
}

/* datafiles' parse for a .tpl file: a template with a mistake is not used. */
static void *template_file_parse(void *ctx, const char *path, const char *name, const char *text,
				 struct strbuf *errors)
{
	(void)ctx;
	(void)name;
	char *err = NULL;
	struct export_template *t = export_template_parse(path, text, &err);
	if (err)
		sb_append(errors, err);
	free(err);
	return t;
}

/* datafiles' discard for a template. */
static void template_discard(void *item)
{
	export_template_free(item);
}

static const struct datafile_kind template_kind = {
	"/" TEMPLATE_DIR, TEMPLATE_EXT, template_file_parse, NULL, template_discard
};

struct export_template *export_template_load(const char *name, char **err)
{
	if (!name || !*name || strchr(name, '/')) {
		if (err)
			*err = xasprintf(_("no export template is called %s"), name ? name : "");
		return NULL;
	}
	struct strbuf problems = {0};
	char *local = paths_forms_local();
	struct export_template *t = datafiles_load_named(paths_forms(), local, &template_kind, name,
							 NULL, &problems);
	free(local);
	if (!t && err && problems.len) {
		problems.s[problems.len - 1] = '\0';   /* the caller ends the line */
		*err = sb_take(&problems);
	} else if (!t && err) {
		char *dir = xasprintf("%s/%s", paths_forms(), TEMPLATE_DIR);
		*err = xasprintf(_("no export template is called %s (%s)"), name, dir);
		free(dir);
	}
	sb_free(&problems);
	return t;
}

/* Orders names with the default template first. */
static int name_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	if (strcmp(x, DEFAULT_TEMPLATE) == 0)
		return -1;
	if (strcmp(y, DEFAULT_TEMPLATE) == 0)
		return 1;
	return strcmp(x, y);
}

char **export_template_names(void)
{
	size_t n;
	char *local = paths_forms_local();
	struct datafile *files = datafiles_find(paths_forms(), local, "/" TEMPLATE_DIR, TEMPLATE_EXT, &n);
	free(local);
	char **names = xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = xstrdup(files[i].name);
	datafiles_free(files, n);
	qsort(names, n, sizeof *names, name_cmp);
	return names;
}

/* ---- writing ---- */

enum out_format { OUT_CSV, OUT_TSV, OUT_XLSX };

/* The format a file name asks for. */
static enum out_format format_of(const char *path)
{
	size_t n = strlen(path);
	if (sheet_is_xlsx(path))
		return OUT_XLSX;
	if ((n > 4 && strcasecmp(path + n - 4, ".tsv") == 0) || (n > 4 && strcasecmp(path + n - 4, ".txt") == 0))
		return OUT_TSV;
	return OUT_CSV;
}

struct exporter {
	const struct export_template *t;
	const struct form_registry *forms;
	const struct codelist **lists;   /* per column */
	struct label_cache *labels;      /* per column */
	sqlite3_stmt *stmt;
	enum out_format format;
	enum enc_kind enc;
	bool unmasked;
	const char *replace;
	FILE *f;
	struct xlsx_writer *xw;
	struct enc_writer *ew;
	char *out;
	size_t olen, ocap;
	char **cells;                    /* the row being written, UTF-8 */
	bool *text_cols;
	long row;
	long line;                       /* the file line the row starts on, the header's 1 */
	struct export_report *rep;
	struct strbuf problems;
	void (*progress)(void *ctx, long rows);
	void *progress_ctx;
	struct out_writer *writer;       /* CSV and text: the converting thread */
	struct out_block *block;         /* the block being filled */
};

/* YYYY, MM and DD of a pattern replaced from an ISO date. Caller frees. */
static char *format_date(const char *iso, const char *pattern)
{
	if (!pattern || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
		return xstrdup(iso);
	struct strbuf sb = {0};
	for (const char *p = pattern; *p;) {
		if (strncmp(p, "YYYY", 4) == 0) {
			sb_append_n(&sb, iso, 4);
			p += 4;
		} else if (strncmp(p, "MM", 2) == 0) {
			sb_append_n(&sb, iso + 5, 2);
			p += 2;
		} else if (strncmp(p, "DD", 2) == 0) {
			sb_append_n(&sb, iso + 8, 2);
			p += 2;
		} else {
			sb_append_n(&sb, p++, 1);
		}
	}
	return sb_take(&sb);
}

/* Labels of comma-separated codes joined with 、 (unknown codes kept as they are). */
static char *format_multi(const struct codelist *cl, const char *codes)
{
	struct strbuf sb = {0};
	char *copy = xstrdup(codes), *save = NULL;
	for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		const char *label = codelist_label(cl, c);
		sb_appendf(&sb, "%s%s", sb.len ? "\xE3\x80\x81" : "", label ? label : c);
	}
	free(copy);
	return sb_take(&sb);
}

/* The labels of the codes a column met last: a register repeats a few codes a
 * million times, and each label is a gettext lookup. */
#define LABEL_CACHE 64
struct label_cache {
	char *code[LABEL_CACHE];
	char *text[LABEL_CACHE];
	size_t n, next;
};

/* The column's text for a code or a multi-choice value, through its cache. Caller frees. */
static char *cached_label(struct exporter *ex, size_t i, const char *v)
{
	struct label_cache *lc = &ex->labels[i];
	for (size_t k = 0; k < lc->n; k++)
		if (strcmp(lc->code[k], v) == 0)
			return xstrdup(lc->text[k]);
	char *text;
	if (ex->t->cols[i].kind == COL_MULTI) {
		text = format_multi(ex->lists[i], v);
	} else {
		const char *label = codelist_label(ex->lists[i], v);
		text = xstrdup(label ? label : v);
	}
	size_t slot = lc->n < LABEL_CACHE ? lc->n++ : lc->next++ % LABEL_CACHE;
	if (lc->code[slot]) {
		free(lc->code[slot]);
		free(lc->text[slot]);
	}
	lc->code[slot] = xstrdup(v);
	lc->text[slot] = xstrdup(text);
	return text;
}

/* A value as the column writes it. Caller frees. */
static char *format_cell(struct exporter *ex, size_t i, const char *v)
{
	const struct export_column *c = &ex->t->cols[i];
	char buf[32];
	if (!v || !*v)
		return xstrdup("");
	switch (c->kind) {
	case COL_CODE:
	case COL_MULTI:
		return cached_label(ex, i, v);
	case COL_DATE:
		return format_date(v, c->format);
	case COL_ID:
		if (ex->unmasked)
			return xstrdup(v);
		idcard_mask(v, buf);
		return xstrdup(buf);
	case COL_PHONE:
		if (ex->unmasked)
			return xstrdup(v);
		phone_mask(v, buf);
		return xstrdup(buf);
	case COL_NUMBER:
		if (c->format && strchr(c->format, '.'))
			return xasprintf("%.*f", (int)strlen(strchr(c->format, '.') + 1), strtod(v, NULL));
		return xstrdup(v);
	case COL_TEXT:
	case COL_KIND_COUNT:
		break;
	}
	return xstrdup(v);
}

/* The SELECT of the template over the export's join. */
static char *export_sql(const struct export_template *t)
{
	struct strbuf sb = {0};
	sb_append(&sb, "SELECT ");
	for (size_t i = 0; i < t->n; i++)
		sb_appendf(&sb, "%s(%s)", i ? ", " : "", t->cols[i].value);
	sb_append(&sb, ", r.name FROM resident r LEFT JOIN household h ON h.id = r.household_id"
		  " LEFT JOIN grid g ON g.id = h.grid_id LEFT JOIN village v ON v.id = g.village_id"
		  " LEFT JOIN town t ON t.id = v.town_id LEFT JOIN resident hd ON hd.id = h.head_id");
	if (t->where)
		sb_appendf(&sb, " WHERE (%s)", t->where);
	sb_appendf(&sb, " ORDER BY %s", t->order ? t->order : "r.id");
	return sb_take(&sb);
}

/* Prepares the template's query; only a read-only statement is accepted. */
static int exporter_prepare(struct exporter *ex, sqlite3 *db, char **err)
{
	char *sql = export_sql(ex->t);
	const char *tail = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &ex->stmt, &tail);
	bool more = tail && *tail;
	free(sql);
	if (rc != SQLITE_OK || more || !sqlite3_stmt_readonly(ex->stmt)) {
		*err = xasprintf(_("%s: the template's values, where or order are not a valid query: %s"),
				 ex->t->file, rc != SQLITE_OK ? sqlite3_errmsg(db) : _("more than one statement"));
		return -1;
	}
	ex->lists = xcalloc(ex->t->n, sizeof *ex->lists);
	ex->labels = xcalloc(ex->t->n, sizeof *ex->labels);
	ex->text_cols = xcalloc(ex->t->n, sizeof *ex->text_cols);
	for (size_t i = 0; i < ex->t->n; i++) {
		const struct export_column *c = &ex->t->cols[i];
		if (c->list && !(ex->lists[i] = form_codelist(ex->forms, c->list))) {
			*err = xasprintf(_("%s:%d: there is no code list %s"), ex->t->file, c->line, c->list);
			return -1;
		}
		ex->text_cols[i] = c->kind != COL_NUMBER;
	}
	ex->cells = xcalloc(ex->t->n, sizeof *ex->cells);
	return 0;
}

/* ---- CSV and text out: laid out here, converted and written by a thread ----
 *
 * Rows are laid out in UTF-8 into blocks of about BLOCK_BYTES with, for each line, its
 * row number, resident and cell offsets; a writer thread converts each block to the
 * target encoding in one go and writes it, while this thread reads the next rows. A
 * character the encoding lacks is traced back through the offsets to its row, its
 * resident and its column. */

#define BLOCK_BYTES 262144
#define QUEUE_BLOCKS 4

struct out_block {
	struct strbuf text;
	struct strbuf names;     /* the residents' names, NUL-separated */
	size_t *line_start, *name_off, *cells;   /* cells: ncols per line */
	long *row;
	size_t nlines, cap;
};

struct out_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t changed;
	struct out_block *queue[QUEUE_BLOCKS];
	size_t head, count;
	bool finished, failed;
	struct exporter *ex;
	const char *path;
	char *err;
	struct out_block *bad_block;   /* the block being converted, for note_unencodable */
};

/* Frees a block of laid-out rows. */
static void block_free(struct out_block *b)
{
	if (!b)
		return;
	sb_free(&b->text);
	sb_free(&b->names);
	free(b->line_start);
	free(b->name_off);
	free(b->cells);
	free(b->row);
	free(b);
}

/* Notes a character the encoding lacks, naming the row, the resident and the field. */
static void note_unencodable(void *ctx, size_t offset, const char *ch)
{
	struct out_writer *w = ctx;
	struct exporter *ex = w->ex;
	struct out_block *b = w->bad_block;
	size_t lo = 0, hi = b->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (b->line_start[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	size_t n = ex->t->n, col = 0;
	const size_t *cells = b->cells + lo * n;
	while (col + 1 < n && cells[col + 1] <= offset)
		col++;
	ex->rep->unencodable++;
	sb_appendf(&ex->problems, _("row %ld (%s): %s: %s is not in %s\n"), b->row[lo],
		   b->names.s + b->name_off[lo], ex->t->cols[col].header, ch, enc_iconv_name(ex->enc));
}

/* Converts and writes one block (in the writer thread). */
static void write_block(struct out_writer *w, struct out_block *b)
{
	struct exporter *ex = w->ex;
	ex->olen = 0;
	w->bad_block = b;
	enc_writer_convert(ex->ew, b->text.s ? b->text.s : "", b->text.len, ex->replace, &ex->out, &ex->olen,
			   &ex->ocap, note_unencodable, w);
	if (ex->rep->unencodable && !ex->replace)
		return;   /* nothing more is written: the rest is read only to list every such character */
	if (!w->failed && fwrite(ex->out, 1, ex->olen, ex->f) != ex->olen) {
		w->failed = true;
		w->err = xasprintf("%s: %s", w->path, strerror(errno));
	}
}

/* The writer thread: blocks until the queue is empty and finished. */
static void *writer_main(void *arg)
{
	struct out_writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->count == 0 && !w->finished)
			pthread_cond_wait(&w->changed, &w->mu);
		struct out_block *b = NULL;
		if (w->count) {
			b = w->queue[w->head];
			w->head = (w->head + 1) % QUEUE_BLOCKS;
			w->count--;
			pthread_cond_broadcast(&w->changed);
		}
		pthread_mutex_unlock(&w->mu);
		if (!b)
			return NULL;
		write_block(w, b);
		block_free(b);
	}
}

/* Hands a block to the writer thread, waiting while the queue is full. */
static void writer_put(struct out_writer *w, struct out_block *b)
{
	pthread_mutex_lock(&w->mu);
	while (w->count == QUEUE_BLOCKS)
		pthread_cond_wait(&w->changed, &w->mu);
	w->queue[(w->head + w->count) % QUEUE_BLOCKS] = b;
	w->count++;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->mu);
}

/* Starts a new line in the block: its row, its resident, its start. */
static void block_line(struct out_block *b, size_t ncols, long row, const char *name)
{
	if (b->nlines == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->line_start = xrealloc(b->line_start, b->cap * sizeof *b->line_start);
		b->name_off = xrealloc(b->name_off, b->cap * sizeof *b->name_off);
		b->row = xrealloc(b->row, b->cap * sizeof *b->row);
		b->cells = xrealloc(b->cells, b->cap * ncols * sizeof *b->cells);
	}
	b->line_start[b->nlines] = b->text.len;
	b->name_off[b->nlines] = b->names.len;
	sb_append_n(&b->names, name ? name : "", strlen(name ? name : "") + 1);
	b->row[b->nlines++] = row;
}

/* A cell of CSV meant for Excel: an ID or phone number as ="...", kept as text. */
static const char *protect_cell(struct exporter *ex, size_t i, char **tmp)
{
	enum col_kind k = ex->t->cols[i].kind;
	*tmp = NULL;
	if (!ex->t->protect || ex->format == OUT_XLSX || (k != COL_ID && k != COL_PHONE) || !*ex->cells[i])
		return ex->cells[i];
	*tmp = xasprintf("=\"%s\"", ex->cells[i]);
	return *tmp;
}

/* The line breaks inside a row's cells: each moves the next row a line down. */
static size_t line_breaks(const char *const *cells, size_t n)
{
	size_t breaks = 0;
	for (size_t i = 0; i < n; i++)
		for (const char *c = cells[i] ? cells[i] : ""; (c = strchr(c, '\n')); c++)
			breaks++;
	return breaks;
}

/* Lays out and writes one row (the header when header is true). */
static int write_row(struct exporter *ex, const char *const *cells, bool header, const char *path,
		     char **err)
{
	if (ex->format == OUT_XLSX) {
		/* the characters an .xlsx holds are every character: nothing to check */
		return xlsx_write_row(ex->xw, cells, ex->t->n, ex->text_cols, header, err);
	}
	char sep = ex->format == OUT_TSV ? '\t' : ',';
	if (!ex->block)
		ex->block = xcalloc(1, sizeof *ex->block);
	struct out_block *b = ex->block;
	/* problems name the file's line, header counted, as import's messages do */
	block_line(b, ex->t->n, ex->line,
		   header ? "" : (const char *)sqlite3_column_text(ex->stmt, (int)ex->t->n));
	ex->line += 1 + (long)line_breaks(cells, ex->t->n);
	for (size_t i = 0; i < ex->t->n; i++) {
		if (i)
			sb_append_n(&b->text, &sep, 1);
		b->cells[(b->nlines - 1) * ex->t->n + i] = b->text.len;
		char *tmp = NULL;
		csv_format_field(&b->text, header ? cells[i] : protect_cell(ex, i, &tmp), sep);
		free(tmp);
	}
	sb_append_n(&b->text, "\r\n", 2);
	if (b->text.len >= BLOCK_BYTES) {
		writer_put(ex->writer, b);
		ex->block = NULL;
	}
	return 0;
}

/* Opens the output: a temporary file beside path, renamed when complete. */
static int exporter_open(struct exporter *ex, const char *tmp, char **err)
{
	if (ex->format == OUT_XLSX) {
		/* the workbook is written into this owner-only file: it holds personal data */
		if (private_create(tmp) != 0) {
			*err = xasprintf("%s: %s", tmp, strerror(errno));
			return -1;
		}
		ex->xw = xlsx_writer_new(tmp, "Sheet1", err);
		if (!ex->xw)
			return -1;
		for (size_t i = 0; i < ex->t->n; i++)
			xlsx_set_width(ex->xw, i, ex->t->cols[i].kind == COL_ID ? 22 : 12);
		return 0;
	}
	ex->ew = enc_writer_new(ex->enc, err);
	if (!ex->ew)
		return -1;
	ex->f = private_fopen(tmp);
	if (!ex->f) {
		*err = xasprintf("%s: %s", tmp, strerror(errno));
		return -1;
	}
	size_t bom_len;
	const char *bom = enc_bom(ex->enc, &bom_len);
	fwrite(bom, 1, bom_len, ex->f);
	struct out_writer *w = xcalloc(1, sizeof *w);
	w->ex = ex;
	w->path = tmp;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->changed, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		*err = xasprintf("%s", strerror(errno));
		free(w);
		return -1;
	}
	ex->writer = w;
	return 0;
}

/* Hands the last block over and waits for the writer thread; -1 with *err when it
 * could not write. */
static int writer_finish(struct exporter *ex, char **err)
{
	struct out_writer *w = ex->writer;
	if (!w)
		return 0;
	if (ex->block)
		writer_put(w, ex->block);
	ex->block = NULL;
	pthread_mutex_lock(&w->mu);
	w->finished = true;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	int rc = 0;
	if (w->failed) {
		if (err && !*err)
			*err = w->err;
		else
			free(w->err);
		rc = -1;
	}
	pthread_cond_destroy(&w->changed);
	pthread_mutex_destroy(&w->mu);
	free(w);
	ex->writer = NULL;
	return rc;
}

/* Every row of the query through the template. */
static int export_rows(struct exporter *ex, const char *tmp, char **err)
{
	const char **headers = xcalloc(ex->t->n, sizeof *headers);
	for (size_t i = 0; i < ex->t->n; i++)
		headers[i] = ex->t->cols[i].header;
	ex->row = 0;
	ex->line = 1;
	int rc = write_row(ex, headers, true, tmp, err);
	free(headers);
	int step;
	while (rc == 0 && (step = sqlite3_step(ex->stmt)) == SQLITE_ROW) {
		ex->row++;
		for (size_t i = 0; i < ex->t->n; i++) {
			free(ex->cells[i]);
			ex->cells[i] = format_cell(ex, i, (const char *)sqlite3_column_text(ex->stmt, (int)i));
		}
		rc = write_row(ex, (const char *const *)ex->cells, false, tmp, err);
		if (ex->progress && ex->row % 10000 == 0)
			ex->progress(ex->progress_ctx, ex->row);
	}
	if (rc == 0 && step != SQLITE_DONE) {
		*err = xasprintf("%s", sqlite3_errmsg(sqlite3_db_handle(ex->stmt)));
		rc = -1;
	}
	if (writer_finish(ex, err) != 0)
		rc = -1;
	ex->rep->rows = ex->row;
	return rc;
}

/* Closes the output; -1 when it could not be completed. */
static int exporter_close(struct exporter *ex, bool keep, char **err)
{
	int rc = 0;
	if (ex->xw) {
		if (keep)
			rc = xlsx_writer_close(ex->xw, err);
		else
			xlsx_writer_abandon(ex->xw);
	}
	/* on the disk before it is renamed into place and said to be written (a device
	 * or a pipe cannot be synced, EINVAL, and needs not be) */
	if (ex->f && keep && rc == 0 &&
	    (fflush(ex->f) != 0 || (fsync(fileno(ex->f)) != 0 && errno != EINVAL))) {
		*err = xasprintf("%s", strerror(errno));
		rc = -1;
	}
	if (ex->f && fclose(ex->f) != 0 && keep && rc == 0) {
		*err = xasprintf("%s", strerror(errno));
		rc = -1;
	}
	ex->xw = NULL;
	ex->f = NULL;
	return rc;
}

/* Stops the writer thread if it runs and frees what the exporter holds. */
static void exporter_free(struct exporter *ex)
{
	writer_finish(ex, NULL);
	block_free(ex->block);
	sqlite3_finalize(ex->stmt);
	for (size_t i = 0; ex->cells && i < ex->t->n; i++)
		free(ex->cells[i]);
	free(ex->cells);
	for (size_t i = 0; ex->labels && i < ex->t->n; i++)
		for (size_t k = 0; k < ex->labels[i].n; k++) {
			free(ex->labels[i].code[k]);
			free(ex->labels[i].text[k]);
		}
	free(ex->labels);
	free(ex->lists);
	free(ex->text_cols);
	enc_writer_free(ex->ew);
	sb_free(&ex->problems);
	free(ex->out);
}

/* Writes an unmasked export into the audit log: full ID and phone numbers left the
 * program (action "unmask", no one resident), by whom, when, into which file, and why
 * (the reason the clerk gave, as F6 records it for one resident). */
static int record_unmasked_export(struct store *st, const char *path, const char *tmp, const char *template_name,
				  long rows, const char *reason, char **err)
{
	sqlite3_stmt *stmt = NULL;
	/* the log names the file wherever it was run: tmp's full name without ".part" */
	char *after = NULL, *where = realpath(tmp, NULL);
	size_t suffix = strlen(tmp) - strlen(path);
	if (where && strlen(where) > suffix)
		where[strlen(where) - suffix] = '\0';
	if (sqlite3_prepare_v2(store_db(st), "SELECT json_object('export', ?1, 'template', ?2, 'rows', ?3)",
			       -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, where ? where : path, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, template_name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, rows);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			after = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	int rc = after ? audit_event(st, "resident", 0, "unmask", after, reason, err)
		       : set_error(err, "%s", sqlite3_errmsg(store_db(st)));
	free(after);
	free(where);
	return rc;
}

/* True when path is an ordinary file or does not exist yet. */
static bool regular_or_missing(const char *path)
{
	struct stat sb;
	return stat(path, &sb) != 0 || S_ISREG(sb.st_mode);
}

bool export_reason_ok(const char *reason)
{
	if (!reason)
		return false;
	for (const char *c = reason; *c; c++)
		if (*c != ' ' && *c != '\t')
			return true;
	return false;
}

int export_residents(struct store *st, const struct form_registry *forms, const char *path,
		     const struct export_opts *o, struct export_report *rep, char **err)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(rep, 0, sizeof *rep);
	if (o->unmasked && !export_reason_ok(o->reason)) {
		*err = xstrdup(_("an export with full ID and phone numbers needs a reason (recorded in the audit log)"));
		return -1;
	}
	struct export_template *t = export_template_load(o->template_name ? o->template_name : DEFAULT_TEMPLATE, err);
	if (!t)
		return -1;
	struct exporter ex = {.t = t, .forms = forms, .format = format_of(path), .unmasked = o->unmasked,
			      .replace = o->replace, .rep = rep, .progress = o->progress,
			      .progress_ctx = o->progress_ctx};
	ex.enc = o->encoding != ENC_AUTO ? o->encoding : t->encoding != ENC_AUTO ? t->encoding : ENC_UTF8_BOM;
	rep->encoding = ex.format == OUT_XLSX ? ENC_UTF8 : ex.enc;
	rep->format = xstrdup(ex.format == OUT_XLSX ? "XLSX" : ex.format == OUT_TSV ? "TSV" : "CSV");
	/* a device or a pipe (/dev/stdout) is written as it is, never replaced by a
	 * renamed file nor removed; a spreadsheet goes through a renamed file only */
	bool direct = !regular_or_missing(path);
	char *tmp = direct ? xstrdup(path) : xasprintf("%s.part", path);
	int rc = 0;
	if (direct && ex.format == OUT_XLSX) {
		*err = xstrdup(_("an .xlsx workbook can only be written to an ordinary file"));
		rc = -1;
	}
	if (rc == 0)
		rc = exporter_prepare(&ex, store_db(st), err);
	if (rc == 0)
		rc = exporter_open(&ex, tmp, err);
	if (rc == 0)
		rc = export_rows(&ex, tmp, err);
	bool refused = rc == 0 && rep->unencodable && !o->replace;
	rep->replaced = rc == 0 && rep->unencodable && o->replace;
	if (refused)
		*err = xasprintf(_("%ld characters are not in %s: nothing was written. Export in GB18030 "
				   "(--encoding gb18030) or UTF-8 (--encoding utf-8), or replace them "
				   "explicitly (--replace '?')."), rep->unencodable, enc_iconv_name(ex.enc));
	char *cerr = NULL;
	if (exporter_close(&ex, rc == 0 && !refused, &cerr) != 0 && rc == 0 && !refused) {
		*err = cerr;
		cerr = NULL;
		rc = -1;
	}
	free(cerr);
	if (refused)
		rc = -1;
	/* recorded before the file takes its name: no unmasked export without its entry */
	if (rc == 0 && o->unmasked &&
	    record_unmasked_export(st, path, tmp, o->template_name ? o->template_name : DEFAULT_TEMPLATE, rep->rows,
				   o->reason, err) != 0)
		rc = -1;
	if (rc == 0 && !direct && private_rename(tmp, path) != 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0 && !direct)
		unlink(tmp);   /* no half a file left behind */
	rep->written = rc == 0;
	rep->problems = sb_take(&ex.problems);
	exporter_free(&ex);
	export_template_free(t);
	free(tmp);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}

void export_report_free(struct export_report *r)
{
	free(r->format);
	free(r->problems);
	memset(r, 0, sizeof *r);
}

char *export_report_text(const struct export_report *r)
{
	struct strbuf sb = {0};
	if (r->problems && *r->problems) {
		sb_appendf(&sb, "%s\n", _("Characters the encoding lacks:"));
		sb_append(&sb, r->problems);
	}
	if (r->replaced)
		sb_appendf(&sb, _("%ld characters were replaced as asked.\n"), r->unencodable);
	if (r->written) {   /* said only once the file is complete on the disk */
		bool sheet = r->format && strcmp(r->format, "XLSX") == 0;   /* "(Excel XLSX)" */
		sb_appendf(&sb, _("Wrote %ld rows (%s %s) in %.1f s.\n"), r->rows,
			   sheet ? "Excel" : r->format ? r->format : "", sheet ? r->format : enc_name(r->encoding),
			   r->seconds);
	}
	return sb_take(&sb);
}
