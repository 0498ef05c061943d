/* township: per-village figures with a total (see township.h). The queries read the
 * tally the service triggers keep and the case and round tables, grouped by village,
 * so a township of 30 villages answers in a few milliseconds. */
#include "township.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "csv.h"
#include "i18n.h"
#include "ledger.h"
#include "printout.h"
#include "rowset.h"
#include "store.h"
#include "sync.h"
#include "text.h"
#include "util.h"
#include "workday.h"

static const char *const service_cols[] = {
	N_("Requests"), N_("Closed"), N_("On time"), N_("Rated"), N_("Good"), N_("Bad"), N_("Follow-ups done"),
};
static const char *const dispute_cols[] = {
	N_("Cases"), N_("Mediated successfully"), N_("Mediation failed"), N_("Terminated"), N_("In progress"),
};
static const char *const star_cols[] = {
	N_("Households in the round"), N_("Assessment complete"), N_("With a star level"), N_("No level"),
};

/* The columns of a kind of table. */
static const char *const *columns_of(enum township_kind k, size_t *n)
{
	switch (k) {
	case TOWNSHIP_SERVICES: *n = ARRAY_LEN(service_cols); return service_cols;
	case TOWNSHIP_DISPUTES: *n = ARRAY_LEN(dispute_cols); return dispute_cols;
	default: *n = ARRAY_LEN(star_cols); return star_cols;
	}
}

const char *township_column(const struct township_table *t, size_t i)
{
	size_t n;
	const char *const *c = columns_of(t->kind, &n);
	return i < n ? _(c[i]) : "";
}

/* Fills the table from a query whose rows are code, name and the figures; a row with
 * no code is kept only when it counts something (requests without a village). */
static int fill(struct store *st, struct township_table *t, const char *village, char **err,
		const char *sql, const char *types, const char *period, int64_t year)
{
	struct rowset rs = { 0 };
	if (rowset_select(st, &rs, err, sql, types, period, year, village ? village : "") != 0)
		return -1;
	t->rows = xcalloc(rs.n ? rs.n : 1, sizeof *t->rows);
	t->total.code = xstrdup("");
	t->total.name = xstrdup(_("Total"));
	for (size_t r = 0; r < rs.n; r++) {
		char **cell = &rs.cell[r * rs.ncols];
		struct township_row row = { 0 };
		long any = 0;
		for (size_t c = 0; c < t->ncols && c + 2 < rs.ncols; c++) {
			row.v[c] = cell[c + 2] ? strtol(cell[c + 2], NULL, 10) : 0;
			any |= row.v[c];
			t->total.v[c] += row.v[c];
		}
		if (!cell[0] && !any)
			continue;
		row.code = xstrdup(cell[0] ? cell[0] : "");
		row.name = xstrdup(cell[0] ? (cell[1] ? cell[1] : "") : _("(no village)"));
		t->rows[t->n++] = row;
	}
	rowset_free(&rs);
	if (village && *village && t->n == 0) {
		*err = xasprintf(_("--village %s: the register holds no village with this code"), village);
		township_free(t);
		return -1;
	}
	return 0;
}

/* Starts a table of a kind for a period. */
static void table_init(struct township_table *t, enum township_kind k, const char *period)
{
	memset(t, 0, sizeof *t);
	t->kind = k;
	snprintf(t->period, sizeof t->period, "%s", period);
	columns_of(k, &t->ncols);
}

int township_services(struct store *st, const char *month, const char *village,
		      struct township_table *out, char **err)
{
	char first[16];
	snprintf(first, sizeof first, "%.7s-01", month ? month : "");
	if (!month || strlen(month) != 7 || workday_day_number(first) == INT64_MIN) {
		*err = xasprintf(_("%s is not a month (YYYY-MM)"), month ? month : "");
		return -1;
	}
	table_init(out, TOWNSHIP_SERVICES, month);
	/* the month's tally (service_schema_v2) by village; village_id 0 holds requests
	 * recorded without a village, shown only for the whole register */
	return fill(st, out, village, err,
		    "SELECT v.code, v.name, sum(t.requests), sum(t.done), sum(t.on_time), sum(t.rated),"
		    " sum(t.r5 + t.r4), sum(t.r2 + t.r1), sum(t.followups_done)"
		    " FROM village v LEFT JOIN service_tally t ON t.month = ?1 AND t.village_id = v.id"
		    " WHERE ?3 = '' OR v.code = ?3 GROUP BY v.id"
		    " UNION ALL SELECT NULL, NULL, sum(requests), sum(done), sum(on_time), sum(rated),"
		    " sum(r5 + r4), sum(r2 + r1), sum(followups_done)"
		    " FROM service_tally WHERE month = ?1 AND village_id = 0 AND ?3 = '' AND ?2 >= 0"
		    " ORDER BY 1 NULLS LAST",
		    "tlt", month, (int64_t)0);
}

int township_disputes(struct store *st, int year, const char *village,
		      struct township_table *out, char **err)
{
	char period[16];
	snprintf(period, sizeof period, "%d", year);
	table_init(out, TOWNSHIP_DISPUTES, period);
	return fill(st, out, village, err,
		    "SELECT v.code, v.name, count(c.id), sum(c.outcome = '1'), sum(c.outcome = '2'),"
		    " sum(c.outcome = '3'), sum(c.outcome IS NULL AND c.id IS NOT NULL)"
		    " FROM village v LEFT JOIN dispute_case c ON c.village_id = v.id AND c.year = ?2"
		    " WHERE (?3 = '' OR v.code = ?3) AND ?1 IS NOT NULL GROUP BY v.id ORDER BY v.code",
		    "tlt", period, (int64_t)year);
}

int township_stars(struct store *st, int year, const char *village,
		   struct township_table *out, char **err)
{
	char period[16];
	snprintf(period, sizeof period, "%d", year);
	table_init(out, TOWNSHIP_STARS, period);
	return fill(st, out, village, err,
		    "SELECT v.code, v.name, count(h.id), sum(h.complete), sum(h.level > 0),"
		    " sum(h.level = 0)"
		    " FROM village v LEFT JOIN star_round r ON r.village_id = v.id AND r.year = ?2"
		    " LEFT JOIN star_household h ON h.round_id = r.id"
		    " WHERE (?3 = '' OR v.code = ?3) AND ?1 IS NOT NULL GROUP BY v.id ORDER BY v.code",
		    "tlt", period, (int64_t)year);
}

void township_free(struct township_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->rows[i].code);
		free(t->rows[i].name);
	}
	free(t->rows);
	free(t->total.code);
	free(t->total.name);
	t->rows = NULL;
	t->n = 0;
	t->total.code = t->total.name = NULL;
}

/* The title of a table. */
static char *title_of(const struct township_table *t)
{
	switch (t->kind) {
	case TOWNSHIP_SERVICES: return xasprintf(_("Service requests by village, %s"), t->period);
	case TOWNSHIP_DISPUTES: return xasprintf(_("People's mediation cases by village, %s"), t->period);
	default: return xasprintf(_("Star households by village, %s"), t->period);
	}
}

/* Appends a cell padded to cols display columns, then a space. */
static void cell(struct strbuf *sb, const char *utf8, int cols)
{
	char *p = printout_pad(utf8, cols);
	sb_append(sb, p);
	sb_append(sb, " ");
	free(p);
}

/* Appends one row of the text table. */
static void text_row(struct strbuf *sb, const struct township_table *t, const struct township_row *r)
{
	cell(sb, r->code, 12);
	cell(sb, r->name, 14);
	for (size_t c = 0; c < t->ncols; c++) {
		char num[24];
		snprintf(num, sizeof num, "%ld", r->v[c]);
		int w = text_width(township_column(t, c));
		char *p = printout_pad(num, w < 6 ? 6 : w);
		sb_append(sb, p);  /* numbers under their heading */
		sb_append(sb, c + 1 < t->ncols ? " " : "\n");
		free(p);
	}
}

char *township_text(const struct township_table *t)
{
	struct strbuf sb = { 0 };
	char *title = title_of(t);
	sb_appendf(&sb, "%s\n\n", title);
	free(title);
	cell(&sb, _("Code"), 12);
	cell(&sb, _("Village"), 14);
	for (size_t c = 0; c < t->ncols; c++) {
		const char *h = township_column(t, c);
		int w = text_width(h);
		char *p = printout_pad(h, w < 6 ? 6 : w);
		sb_append(&sb, p);
		sb_append(&sb, c + 1 < t->ncols ? " " : "\n");
		free(p);
	}
	for (size_t i = 0; i < t->n; i++)
		text_row(&sb, t, &t->rows[i]);
	text_row(&sb, t, &t->total);
	return sb_take(&sb);
}

/* Appends one CSV row: code, name and the figures. */
static void csv_row(struct strbuf *sb, const struct township_table *t, const struct township_row *r)
{
	char nums[TOWNSHIP_COLS][24];
	const char *f[TOWNSHIP_COLS + 2] = { r->code, r->name };
	for (size_t c = 0; c < t->ncols; c++) {
		snprintf(nums[c], sizeof nums[c], "%ld", r->v[c]);
		f[c + 2] = nums[c];
	}
	csv_format_row(sb, f, t->ncols + 2, ',', false);
}

char *township_csv(const struct township_table *t)
{
	struct strbuf sb = { 0 };
	const char *head[TOWNSHIP_COLS + 2] = { _("Code"), _("Village") };
	for (size_t c = 0; c < t->ncols; c++)
		head[c + 2] = township_column(t, c);
	csv_format_row(&sb, head, t->ncols + 2, ',', false);
	for (size_t i = 0; i < t->n; i++)
		csv_row(&sb, t, &t->rows[i]);
	csv_row(&sb, t, &t->total);
	return sb_take(&sb);
}

long township_village_count(struct store *st)
{
	char *v = rowset_value(st, "SELECT count(*) FROM village", "");
	long n = v ? strtol(v, NULL, 10) : 0;
	free(v);
	return n;
}

/* ---- a declared register's report, village by village ---- */

/* One site of the township: a village's block, or the township's own. */
struct site {
	long long no;
	char *code, *name;
};

/* The villages that sent packages, by code, then the township itself when the
 * register holds records of its own. */
static struct site *township_sites(struct store *st, const struct ledger_def *d, size_t *n)
{
	struct rowset rs = { 0 };
	char *sql = xasprintf("SELECT site_no, code, name FROM sync_site WHERE role = 'village'"
			      " OR (self = 1 AND EXISTS (SELECT 1 FROM \"%s\" WHERE id >= site_no << %d))"
			      " ORDER BY self, code", d->table, SYNC_BLOCK_BITS);
	struct site *s = NULL;
	*n = 0;
	if (rowset_select(st, &rs, NULL, sql, "") == 0) {
		s = xcalloc(rs.n + 1, sizeof *s);
		for (size_t i = 0; i < rs.n; i++)
			s[(*n)++] = (struct site){ strtoll(rowset_text(&rs, i, 0), NULL, 10), xstrdup(rowset_text(&rs, i, 1)),
						   xstrdup(rowset_text(&rs, i, 2)) };
	}
	rowset_free(&rs);
	free(sql);
	return s;
}

/* Every synced table but the towns shadowed by a temporary view of one site's rows
 * (its block; the village itself by its code), so that a report's query, which names
 * the tables unqualified, reads that site alone; drop: the views removed. */
static int shadow_site(struct store *st, const struct site *s, bool drop, char **err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	struct strbuf sb = { 0 };
	sb_append(&sb, "");
	if (sqlite3_prepare_v2(db, "SELECT name FROM main.sqlite_schema WHERE type = 'table' ORDER BY name", -1, &q,
			       NULL) == SQLITE_OK)
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(q, 0);
			if (!sync_table_synced(t) || strcmp(t, "town") == 0)
				continue;
			char *v = drop ? sqlite3_mprintf("DROP VIEW IF EXISTS temp.\"%w\";", t)
				: strcmp(t, "village") == 0
				? sqlite3_mprintf("CREATE TEMP VIEW \"%w\" AS SELECT * FROM main.\"%w\" WHERE code = %Q;", t, t, s->code)
				: sqlite3_mprintf("CREATE TEMP VIEW \"%w\" AS SELECT * FROM main.\"%w\" WHERE id BETWEEN %lld AND %lld;",
						  t, t, s->no << SYNC_BLOCK_BITS, (s->no << SYNC_BLOCK_BITS) + ((1LL << SYNC_BLOCK_BITS) - 1));
			sb_append(&sb, v);
			sqlite3_free(v);
		}
	sqlite3_finalize(q);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sb.s, NULL, NULL, &msg) == SQLITE_OK ? 0 : -1;
	if (rc != 0)
		set_error(err, "%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sb_free(&sb);
	return rc;
}

/* Appends a result's rows to cells, each after the label. */
static void add_rows(char ***cells, size_t *nrows, size_t ncols, const char *label, const struct rowset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		*cells = xrealloc(*cells, (*nrows + 1) * (ncols + 1) * sizeof **cells);
		char **row = *cells + *nrows * (ncols + 1);
		row[0] = xstrdup(label);
		for (size_t c = 0; c < ncols; c++)
			row[c + 1] = xstrdup(rowset_text(rs, i, c));
		(*nrows)++;
	}
}

char *township_ledger_text(struct store *st, const struct ledger_def *d, const char *report, const char *period,
			   bool csv, char **err)
{
	char role[16], code[16];
	long long self;
	if (!sync_self(st, role, code, &self) || strcmp(role, "township") != 0) {
		set_error(err, "%s", _("--by village: this register is not a township's (shanzhi sync init --township)"));
		return NULL;
	}
	struct rowset all = { 0 };
	char **heads = NULL;
	if (ledger_report_rows(st, d, report, period, &all, &heads, err) != 0) {
		rowset_free(&all);
		ledger_report_heads_free(heads);
		return NULL;
	}
	size_t nsites, ncols = all.ncols, nrows = 0;
	struct site *sites = township_sites(st, d, &nsites);
	char **cells = NULL;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < nsites; i++) {
		struct rowset rs = { 0 };
		char **h = NULL;
		rc = shadow_site(st, &sites[i], false, err);
		if (rc == 0)
			rc = ledger_report_rows(st, d, report, period, &rs, &h, err);
		shadow_site(st, &sites[i], true, NULL);
		if (rc == 0)
			add_rows(&cells, &nrows, ncols, sites[i].name, &rs);
		rowset_free(&rs);
		ledger_report_heads_free(h);
	}
	add_rows(&cells, &nrows, ncols, _("Total"), &all);
	struct strbuf sb = { 0 };
	const char **h = xcalloc(ncols + 2, sizeof *h);
	h[0] = _("Village");
	for (size_t c = 0; c < ncols; c++)
		h[c + 1] = heads[c];
	if (rc == 0 && csv) {
		csv_format_row(&sb, h, ncols + 1, ',', true);
		for (size_t i = 0; i < nrows; i++)
			csv_format_row(&sb, (const char *const *)&cells[i * (ncols + 1)], ncols + 1, ',', true);
	} else if (rc == 0) {
		const struct ledger_report *r = NULL;
		for (size_t i = 0; i < d->nreports; i++)
			if (strcmp(d->reports[i].name, report) == 0)
				r = &d->reports[i];
		sb_appendf(&sb, _("%s by village"), r ? _(r->title) : report);
		if (r && r->period != LEDGER_PERIOD_NONE)
			sb_appendf(&sb, "  %s", period);
		sb_append(&sb, "\n\n");
		ledger_table_text(&sb, h, ncols + 1, (const char *const *)cells, nrows);
	}
	free(h);
	for (size_t i = 0; i < nrows * (ncols + 1); i++)
		free(cells[i]);
	free(cells);
	for (size_t i = 0; i < nsites; i++) {
		free(sites[i].code);
		free(sites[i].name);
	}
	free(sites);
	rowset_free(&all);
	ledger_report_heads_free(heads);
	if (rc != 0) {
		sb_free(&sb);
		return NULL;
	}
	return sb_take(&sb);
}
