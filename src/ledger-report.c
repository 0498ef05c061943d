/* ledger-report: a declared register's reports (named read-only queries, as a
 * statsheet for the screen and as the text `shanzhi report NAME` prints) and its
 * printouts (lines with {field} placeholders, ended by the audit anchor). */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "csv.h"
#include "i18n.h"
#include "printout.h"
#include "rowset.h"
#include "statsheet.h"
#include "store.h"
#include "text.h"
#include "util.h"
#include "workday.h"

#define REPORT_COLS 80   /* a report line as `shanzhi report` prints it */
#define PRINT_COLS 72    /* a printed page's line, as the other printouts */

static int fail(char **err, char *msg)
{
	if (err)
		*err = msg;
	else
		free(msg);
	return -1;
}

int ledger_period_range(const char *period, char from[11], char to[11])
{
	int y, m;
	char extra;
	char buf[32];
	if (period && sscanf(period, "%4d-%2d%c", &y, &m, &extra) == 2 && strlen(period) == 7 &&
	    m >= 1 && m <= 12) {
		snprintf(buf, sizeof buf, "%04d-%02d-01", y % 10000, m);
		memcpy(from, buf, 11);
		snprintf(buf, sizeof buf, "%04d-%02d-01", (m == 12 ? y + 1 : y) % 10000, m == 12 ? 1 : m + 1);
		workday_date(workday_day_number(buf) - 1, to);
		return 0;
	}
	if (period && sscanf(period, "%4d%c", &y, &extra) == 1 && strlen(period) == 4 && y > 1900) {
		snprintf(buf, sizeof buf, "%04d-01-01", y % 10000);
		memcpy(from, buf, 11);
		snprintf(buf, sizeof buf, "%04d-12-31", y % 10000);
		memcpy(to, buf, 11);
		return 0;
	}
	return -1;
}

static const struct ledger_report *find_report(const struct ledger_def *d, const char *name)
{
	for (size_t i = 0; d && name && i < d->nreports; i++)
		if (strcmp(d->reports[i].name, name) == 0)
			return &d->reports[i];
	return NULL;
}

/* Runs the report's query with :from and :to into rows (all text); the column
 * headings translated into *heads (caller frees each and the array). */
static int run_query(struct store *st, const struct ledger_def *d, const struct ledger_report *r,
		     const char *from, const char *to, struct rowset *rows, char ***heads, char **err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *stmt = NULL;
	*heads = NULL;
	if (sqlite3_prepare_v2(db, r->query, -1, &stmt, NULL) != SQLITE_OK)
		return fail(err, xasprintf("%s:%d: %s", d->file, r->query_line, sqlite3_errmsg(db)));
	if (!sqlite3_stmt_readonly(stmt)) {
		sqlite3_finalize(stmt);
		return fail(err, xasprintf(_("%s:%d: report %s: the query must be a SELECT that only reads"),
					   d->file, r->query_line, r->name));
	}
	int from_i = sqlite3_bind_parameter_index(stmt, ":from");
	int to_i = sqlite3_bind_parameter_index(stmt, ":to");
	if (from_i)
		sqlite3_bind_text(stmt, from_i, from, -1, SQLITE_TRANSIENT);
	if (to_i)
		sqlite3_bind_text(stmt, to_i, to, -1, SQLITE_TRANSIENT);
	size_t ncols = (size_t)sqlite3_column_count(stmt);
	rows->ncols = ncols;
	*heads = xcalloc(ncols + 1, sizeof **heads);
	for (size_t c = 0; c < ncols; c++)
		(*heads)[c] = xstrdup(_(sqlite3_column_name(stmt, (int)c)));
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		rows->cell = xrealloc(rows->cell, (rows->n + 1) * ncols * sizeof *rows->cell);
		for (size_t c = 0; c < ncols; c++) {
			const char *v = (const char *)sqlite3_column_text(stmt, (int)c);
			rows->cell[rows->n * ncols + c] = v ? xstrdup(v) : NULL;
		}
		rows->n++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return fail(err, xasprintf("%s: %s", r->name, sqlite3_errmsg(db)));
	return 0;
}

static void free_heads(char **heads)
{
	for (size_t i = 0; heads && heads[i]; i++)
		free(heads[i]);
	free(heads);
}

/* The column drawn as bars: the one named chart (by its msgid or translation), else the last. */
static size_t chart_column(const struct ledger_report *r, char **heads, size_t ncols)
{
	for (size_t c = 0; r->chart && c < ncols; c++)
		if (strcmp(heads[c], _(r->chart)) == 0 || strcmp(heads[c], r->chart) == 0)
			return c;
	return ncols ? ncols - 1 : 0;
}

int ledger_report(struct store *st, const struct ledger_def *d, const char *report,
		  const char *from, const char *to, struct statsheet *out, char **err)
{
	const struct ledger_report *r = find_report(d, report);
	if (!r)
		return fail(err, xasprintf(_("%s has no report %s"), _(d->title), report ? report : ""));
	/* the register's table must exist before its query prepares */
	if (ledger_ready(st, d, err) != 0)
		return -1;
	struct rowset rows = { 0 };
	char **heads;
	if (run_query(st, d, r, from, to, &rows, &heads, err) != 0) {
		rowset_free(&rows);
		free_heads(heads);
		return -1;
	}
	struct strbuf sb = { 0 };
	for (size_t c = 0; c < rows.ncols; c++)
		sb_appendf(&sb, "%s%s", c ? "\t" : "", heads[c]);
	statsheet_say(out, sb_take(&sb));
	size_t bar = chart_column(r, heads, rows.ncols);
	size_t ncells = rows.ncols > 1 ? rows.ncols - 1 : 0;
	if (ncells > STATSHEET_CELLS)
		ncells = STATSHEET_CELLS;
	for (size_t i = 0; i < rows.n; i++) {
		const char *cells[STATSHEET_CELLS];
		for (size_t c = 0; c < ncells; c++)
			cells[c] = rowset_text(&rows, i, c + 1);
		const char *label = rowset_text(&rows, i, 0);
		statsheet_add(out, _(label), cells, ncells, strtod(rowset_text(&rows, i, bar), NULL), NULL);
	}
	rowset_free(&rows);
	free_heads(heads);
	return 0;
}

/* Column widths that fit the line: each column's widest cell, the widest ones
 * narrowed until the row fits in REPORT_COLS. */
static void fit_widths(int *w, size_t n)
{
	for (;;) {
		int total = 0;
		size_t widest = 0;
		for (size_t c = 0; c < n; c++) {
			total += w[c] + (c ? 2 : 0);
			if (w[c] > w[widest])
				widest = c;
		}
		if (total <= REPORT_COLS || w[widest] <= 4)
			return;
		w[widest]--;
	}
}

/* One row of the table: cells fitted to their widths ("…" where cut), two spaces apart. */
static void put_row(struct strbuf *sb, const char *const *cells, const int *w, size_t n)
{
	struct strbuf line = { 0 };
	for (size_t c = 0; c < n; c++) {
		char *cell = text_fit_ellipsis(cells[c] ? cells[c] : "", w[c]);
		sb_appendf(&line, "%s%s", c ? "  " : "", cell);
		free(cell);
	}
	while (line.len && line.s[line.len - 1] == ' ')
		line.s[--line.len] = '\0';
	sb_appendf(sb, "%s\n", line.len ? line.s : "");
	sb_free(&line);
}

void ledger_table_text(struct strbuf *sb, const char *const *heads, size_t ncols,
		       const char *const *cells, size_t nrows)
{
	int *w = xcalloc(ncols + 1, sizeof *w);
	for (size_t c = 0; c < ncols; c++) {
		w[c] = text_width(heads[c]);
		for (size_t i = 0; i < nrows; i++) {
			const char *v = cells[i * ncols + c];
			int cw = v ? text_width(v) : 0;
			w[c] = cw > w[c] ? cw : w[c];
		}
	}
	fit_widths(w, ncols);
	put_row(sb, heads, w, ncols);
	for (size_t i = 0; i < nrows; i++)
		put_row(sb, &cells[i * ncols], w, ncols);
	free(w);
}

int ledger_report_rows(struct store *st, const struct ledger_def *d, const char *report, const char *period,
		       struct rowset *rows, char ***heads, char **err)
{
	const struct ledger_report *r = find_report(d, report);
	char from[11] = "", to[11] = "";
	*heads = NULL;
	if (!r)
		return fail(err, xasprintf(_("%s has no report %s"), _(d->title), report ? report : ""));
	if (r->period != LEDGER_PERIOD_NONE && ledger_period_range(period, from, to) != 0)
		return fail(err, xasprintf(_("report %s: give --month YYYY-MM or --year YYYY"), r->name));
	if (ledger_ready(st, d, err) != 0)
		return -1;
	return run_query(st, d, r, from, to, rows, heads, err);
}

void ledger_report_heads_free(char **heads)
{
	free_heads(heads);
}

char *ledger_report_text(struct store *st, const struct ledger_def *d, const char *report,
			 const char *period, bool csv, char **err)
{
	const struct ledger_report *r = find_report(d, report);
	char from[11] = "", to[11] = "";
	if (!r) {
		fail(err, xasprintf(_("%s has no report %s"), _(d->title), report ? report : ""));
		return NULL;
	}
	if (r->period != LEDGER_PERIOD_NONE && ledger_period_range(period, from, to) != 0) {
		fail(err, xasprintf(_("report %s: give --month YYYY-MM or --year YYYY"), r->name));
		return NULL;
	}
	if (ledger_ready(st, d, err) != 0)
		return NULL;
	struct rowset rows = { 0 };
	char **heads;
	if (run_query(st, d, r, from, to, &rows, &heads, err) != 0) {
		rowset_free(&rows);
		free_heads(heads);
		return NULL;
	}
	struct strbuf sb = { 0 };
	if (csv) {
		csv_format_row(&sb, (const char *const *)heads, rows.ncols, ',', true);
		for (size_t i = 0; i < rows.n; i++)
			csv_format_row(&sb, (const char *const *)&rows.cell[i * rows.ncols], rows.ncols, ',', true);
	} else {
		sb_appendf(&sb, "%s", _(r->title));
		if (r->period != LEDGER_PERIOD_NONE)
			sb_appendf(&sb, "  %s", period);
		sb_append(&sb, "\n\n");
		ledger_table_text(&sb, (const char *const *)heads, rows.ncols,
				  (const char *const *)rows.cell, rows.n);
		if (!rows.n)
			sb_appendf(&sb, "%s\n", _("(no records in this period)"));
	}
	rowset_free(&rows);
	free_heads(heads);
	return sb_take(&sb);
}

/* ---- printouts ---- */

/* The village a record belongs to: its household's or resident's, else the register's first. */
static char *record_village(struct store *st, const struct ledger_def *d, int64_t id)
{
	for (size_t i = 0; i < d->columns->nfields; i++) {
		const struct field_def *f = &d->columns->fields[i];
		char *cond = NULL;
		if (f->type == FIELD_REF && strcmp(f->ref_table, "household") == 0)
			cond = xasprintf("h.id = x.\"%s\"", f->name);
		else if (f->type == FIELD_REF && strcmp(f->ref_table, "resident") == 0)
			cond = xasprintf("h.id = (SELECT household_id FROM resident WHERE id = x.\"%s\")", f->name);
		if (!cond)
			continue;
		char *sql = xasprintf("SELECT v.name FROM \"%s\" x, household h JOIN grid g ON g.id = h.grid_id"
				      " JOIN village v ON v.id = g.village_id WHERE x.id = ?1 AND %s", d->table, cond);
		char *name = rowset_value(st, sql, "l", id);
		free(sql);
		free(cond);
		if (name)
			return name;
	}
	return rowset_value(st, "SELECT name FROM village ORDER BY id LIMIT 1", "");
}

/* Every stored value of record id by column name, into names/values (caller frees). */
static int record_row(struct store *st, const struct ledger_def *d, int64_t id, struct rowset *row,
		      char ***names, char **err)
{
	sqlite3 *db = store_db(st);
	char *sql = xasprintf("SELECT * FROM \"%s\" WHERE id = ?1", d->table);
	sqlite3_stmt *stmt = NULL;
	int rc = -1;
	*names = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		fail(err, xstrdup(sqlite3_errmsg(db)));
	} else {
		sqlite3_bind_int64(stmt, 1, id);
		size_t n = (size_t)sqlite3_column_count(stmt);
		if (sqlite3_step(stmt) != SQLITE_ROW) {
			fail(err, xasprintf(_("record %lld is not in the register"), (long long)id));
		} else {
			row->n = 1;
			row->ncols = n;
			row->cell = xcalloc(n, sizeof *row->cell);
			*names = xcalloc(n + 1, sizeof **names);
			for (size_t c = 0; c < n; c++) {
				const char *v = (const char *)sqlite3_column_text(stmt, (int)c);
				row->cell[c] = v ? xstrdup(v) : NULL;
				(*names)[c] = xstrdup(sqlite3_column_name(stmt, (int)c));
			}
			rc = 0;
		}
	}
	sqlite3_finalize(stmt);
	free(sql);
	return rc;
}

static const char *row_value(const struct rowset *row, char **names, const char *name)
{
	for (size_t c = 0; names && names[c]; c++)
		if (strcmp(names[c], name) == 0)
			return row->cell[c];
	return NULL;
}

/* The text of one {placeholder}. Caller frees. */
static char *placeholder(struct store *st, const struct ledger_def *d, int64_t id,
			 const struct rowset *row, char **names, const char *name)
{
	char today[11];
	if (strcmp(name, "today") == 0) {
		store_today(today);
		return xstrdup(today);
	}
	if (strcmp(name, "village") == 0) {
		char *v = record_village(st, d, id);
		return v ? v : xstrdup("");
	}
	if (strcmp(name, "id") == 0)
		return xasprintf("%lld", (long long)id);
	size_t n = strlen(name);
	bool raw = n > 4 && strcmp(name + n - 4, ":raw") == 0;
	char *field = xstrndup(name, raw ? n - 4 : n);
	const char *col = strcmp(field, "deadline") == 0 ? "due" : field;
	const char *value = row_value(row, names, col);
	char *text = raw ? xstrdup(value ? value : "") : ledger_cell_text(st, d, field, value);
	free(field);
	return text;
}

/* A line with its placeholders filled. */
static void put_print_line(struct strbuf *sb, struct store *st, const struct ledger_def *d, int64_t id,
			   const struct rowset *row, char **names, const char *line)
{
	for (const char *p = line; *p;) {
		const char *o = strchr(p, '{'), *c = o ? strchr(o, '}') : NULL;
		if (!o || !c) {
			sb_append(sb, p);
			break;
		}
		sb_append_n(sb, p, (size_t)(o - p));
		char *name = xstrndup(o + 1, (size_t)(c - o - 1));
		char *text = placeholder(st, d, id, row, names, name);
		sb_append(sb, text);
		free(text);
		free(name);
		p = c + 1;
	}
	sb_append(sb, "\n");
}

char *ledger_print(struct store *st, const struct ledger_def *d, const char *print, int64_t id,
		   char **err)
{
	const struct ledger_print *p = ledger_print_def(d, print);
	if (!p) {
		fail(err, xasprintf(_("%s has no printout %s"), _(d->title), print ? print : ""));
		return NULL;
	}
	if (ledger_ready(st, d, err) != 0)
		return NULL;
	struct rowset row = { 0 };
	char **names;
	if (record_row(st, d, id, &row, &names, err) != 0) {
		free_heads(names);
		return NULL;
	}
	struct strbuf sb = { 0 };
	const char *title = _(p->title);
	int pad = (PRINT_COLS - text_width(title)) / 2;
	sb_appendf(&sb, "%*s%s\n\n", pad > 0 ? pad : 0, "", title);
	for (size_t i = 0; i < p->nlines; i++)
		put_print_line(&sb, st, d, id, &row, names, p->lines[i]);
	audit_footer(store_db(st), &sb);
	rowset_free(&row);
	free_heads(names);
	return sb_take(&sb);
}
