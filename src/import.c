/* import: rosters into the register, a row at a time, through the resident form's
 * own validation. See import.h for the model.
 *
 * Rows are inserted with the loader's own prepared statements inside the store's
 * bulk load (store.h allows it: the load is audited as one entry per table). The
 * search keys are made by the reading thread as it checks the rows, sorted in runs,
 * and merged into resident_key in key order at the end (import-keys.h); when the
 * writing thread must check the rows (a rule reads the register) the store fills
 * them at the end instead, as it does for other loads. What the file says about a row
 * is checked first, entirely: the form's rules, then the register's (ID number
 * unique, one head per household); only then is anything written, so a refused row
 * leaves nothing behind. */
#include "import.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "aliases.h"
#include "civil.h"
#include "console.h"
#include "csv.h"
#include "form.h"
#include "household.h"
#include "i18n.h"
#include "idcard.h"
#include "import-keys.h"
#include "paths.h"
#include "rowcheck.h"
#include "schema.h"
#include "sqlfn.h"
#include "store.h"
#include "sync.h"
#include "text.h"
#include "util.h"
#include "vgroup.h"
#include "xlsx.h"

#define PROBLEMS_KEPT 20

#define PROGRESS_EVERY 10000

/* The reading thread's buffer of search keys (import_opts.keys_memory): a run of about
 * 157,000 keys, 39 runs for a million residents, and the import stays within 32 MiB
 * (26.5 MiB peak). */
#define KEYS_MEMORY (4u << 20)

/* ---- column names ---- */

/* The fields a column may go to besides the forms' own: the places that find a new
 * household's grid, looked up and not stored. */
static const struct {
	const char *field, *label;
} place_targets[] = {
	{IMPORT_TOWN, N_("Town")}, {IMPORT_VILLAGE, N_("Village")}, {IMPORT_GRID, N_("Grid")},
};

/* What a column may be mapped to and the header names rosters give it. */
struct import_columns {
	const char **targets;   /* NULL-terminated, into the default forms */
	struct aliases *aliases;
	char *problems;         /* the aliases files' mistakes, for the check command; NULL when none */
};

static struct import_columns columns;
static pthread_once_t columns_once = PTHREAD_ONCE_INIT;

/* Adds the fields of form name a roster's cell can fill: stored, not a reference. */
static void add_form_targets(const char *name, size_t *n)
{
	const struct form_def *def = form_get(form_registry_default(), name);
	for (size_t i = 0; def && i < def->nfields; i++) {
		if (!def->fields[i].column || def->fields[i].type == FIELD_REF)
			continue;
		columns.targets = xrealloc(columns.targets, (*n + 2) * sizeof *columns.targets);
		columns.targets[(*n)++] = def->fields[i].name;
	}
}

/* The targets (the resident's fields, the household's, the places) and the headers
 * of forms/import/, read once under the forms' policy (its problems are reported). */
static void columns_load(void)
{
	size_t n = 0;
	add_form_targets("resident", &n);
	add_form_targets("household", &n);
	columns.targets = xrealloc(columns.targets, (n + ARRAY_LEN(place_targets) + 1) * sizeof *columns.targets);
	for (size_t i = 0; i < ARRAY_LEN(place_targets); i++)
		columns.targets[n++] = place_targets[i].field;
	columns.targets[n] = NULL;
	char *local = paths_forms_local();
	struct strbuf errors = {0};
	columns.aliases = aliases_load(paths_forms(), local, columns.targets, &errors);
	columns.problems = errors.len ? sb_take(&errors) : NULL;
	sb_free(&errors);
	free(local);
}

const char *const *import_targets(void)
{
	pthread_once(&columns_once, columns_load);
	return columns.targets;
}

char *import_header_problems(void)
{
	pthread_once(&columns_once, columns_load);
	return columns.problems ? xstrdup(columns.problems) : NULL;
}

/* The field of form name called field, or NULL. */
static const struct field_def *form_field(const char *name, const char *field)
{
	const struct form_def *def = form_get(form_registry_default(), name);
	int i = def ? form_field_index(def, field) : -1;
	return i >= 0 ? &def->fields[i] : NULL;
}

const char *import_target_label(const char *field)
{
	for (size_t i = 0; field && i < ARRAY_LEN(place_targets); i++)
		if (strcmp(place_targets[i].field, field) == 0)
			return _(place_targets[i].label);
	const struct field_def *f = field ? form_field("resident", field) : NULL;
	if (!f && field)
		f = form_field("household", field);
	if (f && f->label)
		return _(f->label);
	return field ? field : "";
}

/* The target a header names (one of its headers, its field name or its label), or NULL. */
static const char *target_for_header(const char *header)
{
	const char *const *targets = import_targets();
	char *key = aliases_key(header);
	const char *found = aliases_target(columns.aliases, key);
	for (size_t i = 0; !found && targets[i]; i++)
		if (strcasecmp(key, targets[i]) == 0)
			found = targets[i];
	for (size_t i = 0; !found && targets[i]; i++) {
		char *lk = aliases_key(import_target_label(targets[i]));
		if (strcasecmp(key, lk) == 0)
			found = targets[i];
		free(lk);
	}
	free(key);
	return found;
}

/* The target named by a field name or its label, or NULL. */
static const char *target_by_name(const char *name)
{
	const char *const *targets = import_targets();
	for (size_t i = 0; targets[i]; i++)
		if (strcasecmp(targets[i], name) == 0)
			return targets[i];
	return target_for_header(name);
}

/* The column an override names: a header, or a number from 1; -1 when none. */
static long override_column(const struct import_mapping *m, const char *col)
{
	char *end;
	long n = strtol(col, &end, 10);
	if (*col && *end == '\0')
		return n >= 1 && (size_t)n <= m->n ? n - 1 : -1;
	char *key = aliases_key(col);
	long found = -1;
	for (size_t i = 0; found < 0 && i < m->n; i++) {
		char *hk = aliases_key(m->headers[i]);
		if (strcmp(hk, key) == 0)
			found = (long)i;
		free(hk);
	}
	free(key);
	return found;
}

/* Applies "COL=FIELD,..." to the mapping. */
static int apply_overrides(struct import_mapping *m, const char *overrides, char **err)
{
	char *copy = xstrdup(overrides), *save = NULL;
	int rc = 0;
	for (char *item = strtok_r(copy, ",", &save); item && rc == 0; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (!eq) {
			*err = xasprintf(_("--map: %s is not COLUMN=FIELD"), item);
			rc = -1;
			break;
		}
		*eq = '\0';
		long col = override_column(m, item);
		const char *target = strcmp(eq + 1, "-") == 0 ? NULL : target_by_name(eq + 1);
		if (col < 0) {
			*err = xasprintf(_("--map: the file has no column %s"), item);
			rc = -1;
		} else if (!target && strcmp(eq + 1, "-") != 0) {
			*err = xasprintf(_("--map: %s is not a field (one of: name, id_number, sex, birth_date, "
					   "ethnicity, relation, phone, hh_no, address, ...)"), eq + 1);
			rc = -1;
		} else {
			for (size_t i = 0; target && i < m->n; i++)
				if (m->targets[i] && strcmp(m->targets[i], target) == 0)
					m->targets[i] = NULL;   /* the clerk's choice wins */
			m->targets[col] = (char *)target;
			m->left_out[col] = !target;
		}
	}
	free(copy);
	return rc;
}

int import_map_columns(const char *const *headers, size_t n, const char *overrides,
		       struct import_mapping *out, char **err)
{
	out->n = n;
	out->headers = xcalloc(n ? n : 1, sizeof *out->headers);
	out->targets = xcalloc(n ? n : 1, sizeof *out->targets);
	out->left_out = xcalloc(n ? n : 1, sizeof *out->left_out);
	for (size_t i = 0; i < n; i++) {
		out->headers[i] = xstrdup(headers[i] ? headers[i] : "");
		const char *t = target_for_header(headers[i]);
		for (size_t j = 0; t && j < i; j++)
			if (out->targets[j] && strcmp(out->targets[j], t) == 0)
				t = NULL;   /* the first column of a name wins */
		out->targets[i] = (char *)t;
	}
	int rc = overrides && *overrides ? apply_overrides(out, overrides, err) : 0;
	/* the targets point into the forms until here: the mapping owns copies */
	for (size_t i = 0; i < n; i++)
		out->targets[i] = out->targets[i] ? xstrdup(out->targets[i]) : NULL;
	return rc;
}

void import_mapping_free(struct import_mapping *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->headers[i]);
		free(m->targets[i]);
	}
	free(m->headers);
	free(m->targets);
	free(m->left_out);
	memset(m, 0, sizeof *m);
}

/* ---- the rows of a file, whatever its format ---- */

struct source {
	FILE *f;
	struct enc_reader *er;
	struct csv_reader *cr;
	struct sheet_reader *sr;
	enum enc_kind enc;
	const char *format;
};

/* The CSV reader's source: the decoded text of the file. */
static ssize_t source_decode(void *ctx, char *buf, size_t cap, char **err)
{
	return enc_reader_read(ctx, buf, cap, err);
}

/* Opens a file of any supported format. */
static int source_open(struct source *s, const char *path, enum enc_kind enc, char **err)
{
	memset(s, 0, sizeof *s);
	if (!readable_for_caller(path)) {
		*err = xasprintf(_("%s: run through sudo, shanzhi imports only a file of your own"), path);
		return -1;
	}
	if (sheet_is_xlsx(path) || sheet_is_xls(path)) {
		bool xlsx = sheet_is_xlsx(path);
		s->format = xlsx ? "XLSX" : "XLS";
		s->sr = sheet_open(path, xlsx ? SHEET_XLSX : SHEET_XLS, err);
		return s->sr ? 0 : -1;
	}
	s->f = fopen(path, "rb");
	if (!s->f) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	s->er = enc_reader_new(s->f, enc, err);
	if (!s->er) {
		fclose(s->f);
		s->f = NULL;
		return -1;
	}
	s->enc = enc_reader_kind(s->er);
	s->cr = csv_reader_new(source_decode, s->er, 0);
	s->format = "CSV";
	return 0;
}

/* The next row; the first call gives the header row. */
static int source_next(struct source *s, struct csv_row *row, char **err)
{
	if (s->sr)
		return sheet_read(s->sr, row, err);
	int rc = csv_read(s->cr, row, err);
	if (rc == 1 && csv_reader_sep(s->cr) == '\t')
		s->format = "TSV";
	return rc;
}

/* Closes whatever the source opened. */
static void source_close(struct source *s)
{
	csv_reader_free(s->cr);
	enc_reader_free(s->er);
	if (s->f)
		fclose(s->f);
	sheet_close(s->sr);
	memset(s, 0, sizeof *s);
}

int import_preview(const char *path, enum enc_kind enc, size_t max_rows,
		   struct import_preview *out, char **err)
{
	struct source s;
	memset(out, 0, sizeof *out);
	if (source_open(&s, path, enc, err) != 0)
		return -1;
	struct csv_row row;
	int rc;
	size_t cap = 0;
	char ***rows = NULL;
	size_t *widths = NULL;
	while (out->rows < max_rows && (rc = source_next(&s, &row, err)) == 1) {
		if (out->rows == cap) {
			cap = cap ? cap * 2 : 16;
			rows = xrealloc(rows, cap * sizeof *rows);
			widths = xrealloc(widths, cap * sizeof *widths);
		}
		rows[out->rows] = xcalloc(row.n ? row.n : 1, sizeof **rows);
		for (size_t i = 0; i < row.n; i++)
			rows[out->rows][i] = xstrdup(row.fields[i]);
		widths[out->rows++] = row.n;
		if (row.n > out->cols)
			out->cols = row.n;
	}
	if (out->rows < max_rows && rc < 0) {
		for (size_t r = 0; r < out->rows; r++) {
			for (size_t i = 0; i < widths[r]; i++)
				free(rows[r][i]);
			free(rows[r]);
		}
		free(rows);
		free(widths);
		source_close(&s);
		memset(out, 0, sizeof *out);
		return -1;
	}
	out->encoding = s.sr ? ENC_AUTO : s.enc;
	out->sep = s.cr ? csv_reader_sep(s.cr) : 0;
	out->cells = xcalloc(out->rows * out->cols + 1, sizeof *out->cells);
	for (size_t r = 0; r < out->rows; r++) {
		for (size_t c = 0; c < out->cols; c++)
			out->cells[r * out->cols + c] = c < widths[r] ? rows[r][c] : xstrdup("");
		free(rows[r]);
	}
	free(rows);
	free(widths);
	source_close(&s);
	return 0;
}

void import_preview_free(struct import_preview *p)
{
	for (size_t i = 0; i < p->rows * p->cols; i++)
		free(p->cells[i]);
	free(p->cells);
	memset(p, 0, sizeof *p);
}

/* ---- the rejects file ---- */

struct rejects {
	char *path;
	struct xlsx_writer *xw;
	FILE *f;
	struct enc_writer *ew;
	char sep;
	size_t ncols;
	struct strbuf line;
	char *out;
	size_t olen, ocap;
	const char *const *headers;
	bool opened;          /* this import created the file */
};

/* NAME.rejects.EXT beside the input (an .xls gives .xlsx). Caller frees. */
static char *rejects_default_path(const char *input)
{
	const char *slash = strrchr(input, '/');
	const char *dot = strrchr(input, '.');
	if (!dot || (slash && dot < slash))
		return xasprintf("%s.rejects.csv", input);
	const char *ext = sheet_is_xls(input) ? ".xlsx" : dot;
	return xasprintf("%.*s.rejects%s", (int)(dot - input), input, ext);
}

/* Writes one row of the rejects file in its format and encoding. */
static int rejects_row(struct rejects *rj, const char *const *fields, size_t n, char **err)
{
	if (rj->xw)
		return xlsx_write_row(rj->xw, fields, n, NULL, false, err);
	rj->line.len = 0;
	csv_format_row(&rj->line, fields, n, rj->sep, true);
	rj->olen = 0;
	enc_writer_convert(rj->ew, rj->line.s, rj->line.len, "?", &rj->out, &rj->olen, &rj->ocap,
			   NULL, NULL);
	if (fwrite(rj->out, 1, rj->olen, rj->f) != rj->olen) {
		*err = xasprintf("%s: %s", rj->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Opens the rejects file and writes its header: the input's headers and a reason. */
static int rejects_open(struct rejects *rj, const struct source *s, char **err)
{
	if (s->sr) {
		/* owner-only, like every file of residents' data */
		rj->xw = private_create(rj->path) == 0 ? xlsx_writer_new(rj->path, "rejects", err) : NULL;
		if (!rj->xw) {
			if (!*err)
				*err = xasprintf("%s: %s", rj->path, strerror(errno));
			return -1;
		}
	} else {
		rj->f = private_fopen(rj->path);
		if (!rj->f) {
			*err = xasprintf("%s: %s", rj->path, strerror(errno));
			return -1;
		}
		rj->sep = csv_reader_sep(s->cr);
		rj->ew = enc_writer_new(s->enc, err);
		if (!rj->ew)
			return -1;
		size_t bom_len;
		const char *bom = enc_bom(s->enc, &bom_len);
		fwrite(bom, 1, bom_len, rj->f);
	}
	const char **h = xcalloc(rj->ncols + 1, sizeof *h);
	for (size_t i = 0; i < rj->ncols; i++)
		h[i] = rj->headers[i];
	h[rj->ncols] = _("Reason refused");
	int rc = rejects_row(rj, h, rj->ncols + 1, err);
	free(h);
	return rc;
}

/* True when Excel would change the cell on opening a CSV file: a run of 12 or more
 * digits (an ID number shown as 5.20111E+17, its last digits lost when saved) or
 * digits with a leading zero (the zero dropped). */
static bool excel_would_change(const char *v)
{
	size_t n = strspn(v, "0123456789");
	size_t x = v[n] == 'X' || v[n] == 'x';
	if (n == 0 || v[n + x] != '\0')
		return false;
	return n + x >= 12 || (v[0] == '0' && n > 1);
}

/* Adds a refused row with its reason, opening the file on the first one. In a CSV
 * file the cells Excel would change are written as ="...", which this import reads
 * back as the text: the clerk fixes the rows in Excel and imports the file again. */
static int rejects_add(struct rejects *rj, const struct source *s, const struct csv_row *row,
		       const char *reason, char **err)
{
	if (!rj->xw && !rj->f) {
		rj->opened = true;
		if (rejects_open(rj, s, err) != 0)
			return -1;
	}
	size_t n = rj->ncols;
	const char **f = xcalloc(n + 1, sizeof *f);
	char **quoted = xcalloc(n + 1, sizeof *quoted);
	for (size_t i = 0; i < n; i++) {
		f[i] = i < row->n ? row->fields[i] : "";
		if (!rj->xw && excel_would_change(f[i]))
			f[i] = quoted[i] = xasprintf("=\"%s\"", f[i]);
	}
	/* the reason names the input's line, as the report does, to find one from the other */
	char *why = xasprintf(_("line %ld: %s"), row->line, reason);
	f[n] = why;
	int rc = rejects_row(rj, f, n + 1, err);
	free(why);
	for (size_t i = 0; i < n; i++)
		free(quoted[i]);
	free(quoted);
	free(f);
	return rc;
}

/* True for a regular file: a rejects "file" such as /dev/stdout is never removed. */
static bool regular_file(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Closes the rejects file; -1 when it could not be completed. */
static int rejects_close(struct rejects *rj, char **err)
{
	int rc = 0;
	if (rj->xw)
		rc = xlsx_writer_close(rj->xw, err);
	/* on the disk, not in a buffer: the rows are committed only once it is (a
	 * device or a pipe cannot be synced, EINVAL, and needs not be) */
	if (rj->f && (fflush(rj->f) != 0 || (fsync(fileno(rj->f)) != 0 && errno != EINVAL)) && rc == 0) {
		*err = xasprintf("%s: %s", rj->path, strerror(errno));
		rc = -1;
	}
	if (rj->f && fclose(rj->f) != 0 && rc == 0) {
		*err = xasprintf("%s: %s", rj->path, strerror(errno));
		rc = -1;
	}
	enc_writer_free(rj->ew);
	sb_free(&rj->line);
	free(rj->out);
	rj->out = NULL;
	rj->olen = rj->ocap = 0;
	rj->xw = NULL;
	rj->f = NULL;
	rj->ew = NULL;
	return rc;
}

/* ---- the import ---- */

/* True when s starts with white space: ASCII or the ideographic space U+3000. */
static size_t space_at(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		return 1;
	return strncmp(s, "\xE3\x80\x80", 3) == 0 ? 3 : 0;
}

/* s past the white space it starts with, within its n bytes (n reduced to match). */
static const char *skip_spaces(const char *s, size_t *n)
{
	size_t k;
	while ((k = space_at(s)) && k <= *n) {
		s += k;
		*n -= k;
	}
	return s;
}

/* The length of s's n bytes without the white space they end with. */
static size_t trimmed_len(const char *s, size_t n)
{
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		else if (n >= 3 && strncmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
			n -= 3;
		else
			return n;
	}
}

/* A row's cell with Excel's text marks removed: surrounding spaces, ="..." (the
 * protection export writes for Excel) and, where numbers is set (ID and phone
 * columns, the only ones a clerk marks as text), a leading '; a name or an address
 * starting with ' keeps it. Other characters are the form's business: it folds
 * full-width digits where they mean digits, and keeps them in names and notes. The
 * text within v, its length in *n: reading a cell costs no allocation. */
static const char *cell_span(const char *v, bool numbers, size_t *len)
{
	size_t n = v ? strlen(v) : 0;
	const char *s = skip_spaces(v ? v : "", &n);
	n = trimmed_len(s, n);
	if (n >= 3 && s[0] == '=' && s[1] == '"' && s[n - 1] == '"') {
		s += 2;
		n -= 3;
	} else if (numbers && n && s[0] == '\'') {
		s++;
		n--;
	}
	/* what the marks enclosed may have spaces of its own at either end */
	s = skip_spaces(s, &n);
	*len = trimmed_len(s, n);
	return s;
}

/* What a household already has, to tell a member's row that says otherwise: the
 * values its first row gave, for a household of this load; the register's for one
 * that was there before (with the codes of its place, a row may name either). */
struct hh_known {
	char *addr, *group, *town, *village, *grid;
	char *town_code, *village_code, *grid_code;
};

/* Frees what hh_known holds. */
static void hh_known_free(struct hh_known *k)
{
	free(k->addr);
	free(k->group);
	free(k->town);
	free(k->village);
	free(k->grid);
	free(k->town_code);
	free(k->village_code);
	free(k->grid_code);
	memset(k, 0, sizeof *k);
}

/* What a row says that has no field of its own: "header: value" lines for the
 * resident's notes, the warnings the report gives with the row's line. */
struct row_extras {
	struct strbuf notes;
	struct strbuf warnings;   /* one a line */
	struct strbuf problems;   /* a cell the notes cannot hold: the row is refused */
	size_t *cols;             /* the columns noted, counted once the row is written */
	size_t ncols, cap;
};

/* Frees what row_extras holds. */
static void row_extras_free(struct row_extras *x)
{
	sb_free(&x->notes);
	sb_free(&x->warnings);
	sb_free(&x->problems);
	free(x->cols);
}

/* A single-line household cell with its line breaks (Excel's Alt+Enter in an
 * address) as one space each run, said in a warning: the household form refuses
 * control characters. Changes v in place and returns it. */
static char *one_line(char *v, const char *column, struct row_extras *x)
{
	if (!v || !strpbrk(v, "\r\n"))
		return v;
	char *w = v;
	for (const char *p = v; *p;) {
		if (*p == '\r' || *p == '\n') {
			p += strspn(p, "\r\n");
			*w++ = ' ';
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	if (x) {
		sb_appendf(&x->warnings, _("%s: its line breaks were replaced by spaces"), column);
		sb_append(&x->warnings, "\n");
	}
	return v;
}


/* The codes of the last distinct labels met in one column: a roster repeats 男, 汉族
 * and 户主 a million times, and finding a label's code asks gettext for every label
 * of the list. */
#define MEMO_SIZE 256
struct label_memo {
	char *raw[MEMO_SIZE];
	char *code[MEMO_SIZE];   /* NULL: no code for that text */
	size_t n, next;
};

struct importer {
	struct store *st;
	sqlite3 *db;
	const struct form_def *def;
	struct form_eval *ev;     /* on memdb, used by the reading thread only (but see below) */
	struct form_data data;    /* the row being checked, by the thread that checks */
	/* the resident form has a rule that reads a table: ev is on the register's
	 * connection, and the writing thread checks each row just before writing it,
	 * seeing the register as the form would, rows of this load included */
	bool check_in_writer;
	char **wvals;             /* the row being written by the main thread (its batch owns it) */
	sqlite3 *memdb;           /* the schema in memory: the resident form's expressions */
	/* the household form, for the households the load creates (absent: not checked) */
	const struct form_def *hdef;
	struct form_eval *hev;
	struct form_data hdata;
	struct import_mapping map;
	int *col_field;           /* per column: form field index, or -1 */
	char **col_names;         /* per column: its header as messages and notes name it */
	/* the columns no field takes (not left out by the clerk): their cells go to the
	 * notes; and the columns left out, whose cells are only counted for the report */
	size_t *to_notes, nto_notes, *left_out, nleft_out;
	long *cells_noted;        /* per column: cells kept in notes (or left out) */
	long cells_beyond;        /* cells right of the last header, kept in notes */
	int f_notes;
	struct strbuf warnings;
	long warnings_kept;
	struct label_memo *memo;  /* per column */
	bool *filled;             /* per field: a cell of the row being filled gave it */
	size_t memo_n;
	long col_hh, col_addr, col_group, col_town, col_village, col_grid;
	int f_id, f_relation, f_household, f_name, f_phone;
	/* the search keys, made by the keys thread; NULL in a dry run, or when the
	 * writing thread checks the rows (store_bulk_end fills them then) */
	struct import_keys *keys;
	uint32_t seq_read;        /* rows the reading thread has read */
	int64_t first_household, first_resident;  /* highest ids before the load */
	/* the last ids given: residents and households are numbered by the load in the
	 * site's block (sync_bulk_span), not by SQLite above the table's highest id */
	int64_t last_resident, last_household;
	int32_t *lines;           /* source line of each resident the load wrote */
	size_t nlines, cap_lines;
	sqlite3_stmt *find_id, *find_hh, *hh_places, *find_grid, *ins_hh, *ins_res, *set_head, *del_hh;
	/* a resident's stored fields in the order of its INSERT's columns, and those
	 * columns as SQL, the household, version, times and id following them */
	int *res_fields;
	size_t nres_fields;
	char *res_columns;
	/* the CHECK constraints of both tables in C, which the writer applies to every row
	 * (rules_make; NULL for a register whose tables are defined otherwise); the row's
	 * values in the INSERT's order for them */
	struct rowcheck *res_check, *hh_check;
	const char **row_vals;
	char now[32];
	struct import_report *rep;
	bool new_groups;          /* a group the village lacks is added (import_opts) */
	struct strbuf problems;
	long problems_kept;
	bool hh_none_before;      /* the register had no household when the load began */
	/* the household numbers this load wrote, when hh_none_before (NULL otherwise): a
	 * number not in it is in no household, without a SELECT */
	uint64_t *hh_written;
	/* the household of the last row written: rosters list a household's members together */
	char *hh_no_last;
	int64_t hh_id_last, hh_head_last;
	char *hh_head_name_last;
	struct hh_known known_last;
	bool broken;              /* a write failed half-way: the whole load must roll back */
	/* the last grid looked up, most rosters being sorted by place */
	char *grid_key;
	int64_t grid_id;
};

/* Prepares a statement of the loader; false with *err. */
static bool prepare(struct importer *im, sqlite3_stmt **stmt, const char *sql, char **err)
{
	if (sqlite3_prepare_v2(im->db, sql, -1, stmt, NULL) == SQLITE_OK)
		return true;
	*err = xasprintf("%s", sqlite3_errmsg(im->db));
	return false;
}

/* The INSERT of a resident: every stored field of the form, its household, version;
 * its columns kept for sz_import_rows, which gives the same values. */
static bool prepare_resident_insert(struct importer *im, char **err)
{
	struct strbuf cols = {0}, vals = {0};
	im->res_fields = xmalloc((im->def->nfields ? im->def->nfields : 1) * sizeof *im->res_fields);
	for (size_t i = 0; i < im->def->nfields; i++) {
		const struct field_def *f = &im->def->fields[i];
		if (!f->column || (int)i == im->f_household)
			continue;
		im->res_fields[im->nres_fields++] = (int)i;
		sb_appendf(&cols, "\"%s\", ", f->name);
		sb_appendf(&vals, "?%zu, ", im->nres_fields);
	}
	size_t n = im->nres_fields;
	sb_append(&cols, "household_id, form_version, created_at, updated_at, id");
	im->res_columns = sb_take(&cols);
	char *sql = xasprintf("INSERT INTO resident (%s) VALUES (%s?%zu, ?%zu, ?%zu, ?%zu, ?%zu)", im->res_columns,
			      vals.s ? vals.s : "", n + 1, n + 2, n + 3, n + 3, n + 4);
	bool ok = prepare(im, &im->ins_res, sql, err);
	free(sql);
	sb_free(&vals);
	return ok;
}

/* rowcheck's rules of the two tables the writer writes, when the register's are the
 * definitions they were written for: a value a local form or code list lets past
 * the form is refused naming its field, whether the rows go in by one INSERT or a
 * statement each; else both NULL, and SQLite's CHECK refuses it. */
static void rules_make(struct importer *im)
{
	size_t n = im->nres_fields;
	const char **names = xcalloc(n ? n : 1, sizeof *names);
	for (size_t k = 0; k < n; k++)
		names[k] = im->def->fields[im->res_fields[k]].name;
	static const char *const hh_names[] = {"hh_no"};
	im->res_check = rowcheck_new(im->db, "resident", names, n);
	im->hh_check = rowcheck_new(im->db, "household", hh_names, ARRAY_LEN(hh_names));
	free(names);
	if (im->res_check && im->hh_check) {
		im->row_vals = xcalloc(n ? n : 1, sizeof *im->row_vals);
		return;
	}
	rowcheck_free(im->res_check);
	rowcheck_free(im->hh_check);
	im->res_check = im->hh_check = NULL;
}

/* Prepares every statement the writer runs per row. */
static bool importer_prepare(struct importer *im, char **err)
{
	return prepare(im, &im->find_id, "SELECT id, name FROM resident WHERE id_number = ?1", err) &&
	       prepare(im, &im->find_hh, "SELECT id, head_id, (SELECT name FROM resident r WHERE r.id = head_id)"
			   " FROM household WHERE hh_no = ?1", err) &&
	       /* apart: most lookups find no household, and a join opens its tables all the same */
	       prepare(im, &im->hh_places, "SELECT h.address, h.village_group, g.name, g.code, v.name, v.code,"
			   " t.name, t.code FROM household h LEFT JOIN grid g ON g.id = h.grid_id"
			   " LEFT JOIN village v ON v.id = g.village_id LEFT JOIN town t ON t.id = v.town_id"
			   " WHERE h.id = ?1", err) &&
	       prepare(im, &im->find_grid,
		       "SELECT g.id FROM grid g JOIN village v ON v.id = g.village_id JOIN town t ON t.id = v.town_id"
		       " WHERE (g.name = ?1 OR g.code = ?1) AND (?2 IS NULL OR v.name = ?2 OR v.code = ?2)"
		       " AND (?3 IS NULL OR t.name = ?3 OR t.code = ?3) LIMIT 2", err) &&
	       prepare(im, &im->ins_hh, "INSERT INTO household (hh_no, address, grid_id, village_group,"
			   " form_version, created_at, updated_at, id, head_id) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5, ?6, ?7)",
			   err) &&
	       prepare(im, &im->set_head, "UPDATE household SET head_id = ?1 WHERE id = ?2", err) &&
	       prepare(im, &im->del_hh, "DELETE FROM household WHERE id = ?1", err) &&
	       prepare_resident_insert(im, err);
}

/* Frees what the importer holds. */
static void importer_finish(struct importer *im)
{
	sqlite3_finalize(im->find_id);
	sqlite3_finalize(im->find_hh);
	sqlite3_finalize(im->hh_places);
	sqlite3_finalize(im->find_grid);
	sqlite3_finalize(im->ins_hh);
	sqlite3_finalize(im->ins_res);
	free(im->res_fields);
	free(im->res_columns);
	rowcheck_free(im->res_check);
	rowcheck_free(im->hh_check);
	free(im->row_vals);
	sqlite3_finalize(im->set_head);
	sqlite3_finalize(im->del_hh);
	form_data_free(&im->data);
	form_eval_free(im->ev);
	sqlite3_close(im->memdb);
	form_data_free(&im->hdata);
	form_eval_free(im->hev);
	import_mapping_free(&im->map);
	for (size_t c = 0; im->memo && c < im->memo_n; c++)
		for (size_t i = 0; i < im->memo[c].n; i++) {
			free(im->memo[c].raw[i]);
			free(im->memo[c].code[i]);
		}
	free(im->memo);
	free(im->filled);
	free(im->col_field);
	for (size_t c = 0; im->col_names && c < im->memo_n; c++)
		free(im->col_names[c]);
	free(im->col_names);
	free(im->to_notes);
	free(im->left_out);
	free(im->cells_noted);
	hh_known_free(&im->known_last);
	sb_free(&im->warnings);
	free(im->lines);
	free(im->grid_key);
	free(im->hh_written);
	free(im->hh_no_last);
	free(im->hh_head_name_last);
	sb_free(&im->problems);
	import_keys_free(im->keys);
}

/* A column's name in notes and messages: its header on one line, or "column N"
 * when it has none. Caller frees. */
static char *column_label(const char *header, size_t col)
{
	size_t n;
	const char *s = cell_span(header, false, &n);
	if (!n)
		return xasprintf(_("column %zu"), col + 1);
	return one_line(xstrndup(s, n), NULL, NULL);
}

/* The name of a column of the header (-1: none). */
static const char *column_name(const struct importer *im, long col)
{
	return col >= 0 && (size_t)col < im->map.n ? im->col_names[col] : "";
}

/* True when the column is one of the household's (or names its grid). */
static bool household_column(const struct importer *im, long c)
{
	return c == im->col_hh || c == im->col_addr || c == im->col_group || c == im->col_town ||
	       c == im->col_village || c == im->col_grid;
}

/* The columns that have no field: those the clerk left out, and the others, whose
 * cells go to the residents' notes. */
static void importer_leftovers(struct importer *im)
{
	size_t n = im->map.n ? im->map.n : 1;
	im->col_names = xcalloc(n, sizeof *im->col_names);
	im->to_notes = xcalloc(n, sizeof *im->to_notes);
	im->left_out = xcalloc(n, sizeof *im->left_out);
	im->cells_noted = xcalloc(n, sizeof *im->cells_noted);
	for (size_t i = 0; i < im->map.n; i++) {
		im->col_names[i] = column_label(im->map.headers[i], i);
		if (im->map.left_out[i])
			im->left_out[im->nleft_out++] = i;
		else if (!im->map.targets[i] || (im->col_field[i] < 0 && !household_column(im, (long)i)))
			im->to_notes[im->nto_notes++] = i;
	}
}

/* Where each column goes: a form field, a household column, or nowhere. */
static void importer_columns(struct importer *im)
{
	im->col_field = xcalloc(im->map.n ? im->map.n : 1, sizeof *im->col_field);
	im->memo = xcalloc(im->map.n ? im->map.n : 1, sizeof *im->memo);
	im->memo_n = im->map.n;
	im->col_hh = im->col_addr = im->col_group = im->col_town = im->col_village = im->col_grid = -1;
	for (size_t i = 0; i < im->map.n; i++) {
		const char *t = im->map.targets[i];
		im->col_field[i] = t ? form_field_index(im->def, t) : -1;
		if (im->col_field[i] == im->f_household)
			im->col_field[i] = -1;
		long *slot = !t ? NULL
			: strcmp(t, IMPORT_HH_NO) == 0 ? &im->col_hh
			: strcmp(t, IMPORT_ADDRESS) == 0 ? &im->col_addr
			: strcmp(t, IMPORT_VILLAGE_GROUP) == 0 ? &im->col_group
			: strcmp(t, IMPORT_TOWN) == 0 ? &im->col_town
			: strcmp(t, IMPORT_VILLAGE) == 0 ? &im->col_village
			: strcmp(t, IMPORT_GRID) == 0 ? &im->col_grid : NULL;
		if (slot)
			*slot = (long)i;
	}
	importer_leftovers(im);
}

/* A date cell an .xlsx stored as Excel's day number (29221 = 1980-01-01) as
 * YYYY-MM-DD; NULL when v is not such a number. Caller frees. */
static char *excel_serial_date(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*v == '\0' || (*end && strcmp(end, ".0") != 0) || n < 61 || n > 2958465)
		return NULL;
	int y, m, d;
	civil_from_days(n - 25569, &y, &m, &d);   /* 25569: 1970-01-01 as a day number */
	return xasprintf("%04d-%02d-%02d", y, m, d);
}

static const char *find_code(const struct codelist *cl, const char *v);

/* Labels of a multi-choice cell turned into codes before the form's own folding of
 * full-width characters could change a label such as 特困供养（五保）; entries
 * separated by , ， 、 ; or ；. Caller frees. */
static char *multi_labels_to_codes(const struct codelist *cl, const char *v)
{
	static const char *const seps[] = {",", "\xEF\xBC\x8C", "\xE3\x80\x81", ";", "\xEF\xBC\x9B"};
	struct strbuf out = {0};
	const char *p = v;
	while (*p) {
		size_t n = 0, sep = 0;
		for (; p[n]; n++) {
			for (size_t k = 0; k < ARRAY_LEN(seps) && !sep; k++)
				if (strncmp(p + n, seps[k], strlen(seps[k])) == 0)
					sep = strlen(seps[k]);
			if (sep)
				break;
		}
		char *entry = xstrndup(p, n);
		char *clean = text_normalize_ascii(entry);
		const char *code = find_code(cl, entry);
		sb_appendf(&out, "%s%s", out.len ? "," : "", code ? code : clean);
		free(entry);
		free(clean);
		p += n + sep;
	}
	return sb_take(&out);
}

/* A code for a typed code, label or Chinese term, or NULL. */
static const char *find_code(const struct codelist *cl, const char *v)
{
	/* a roster is written with the standard's terms (户主) whatever language the
	 * program speaks, so they are found even when the labels are English */
	const char *code = codelist_find(cl, v);
	return code ? code : codelist_find_term(cl, v);
}

/* A choice or multi-choice cell with its labels as codes, or NULL. Caller frees. */
static char *labels_to_codes(const struct field_def *f, const char *raw)
{
	if (!f->list || !raw || !*raw)
		return NULL;
	if (f->type == FIELD_MULTI)
		return multi_labels_to_codes(f->list, raw);
	char *trimmed = xstrdup(raw);
	char *t = trimmed;
	while (*t == ' ')
		t++;
	size_t n = strlen(t);
	while (n && t[n - 1] == ' ')
		t[--n] = '\0';
	const char *code = find_code(f->list, t);
	char *with = code ? NULL : xasprintf("%s族", t);   /* 汉 for 汉族 */
	if (!code)
		code = find_code(f->list, with);
	free(with);
	free(trimmed);
	return code ? xstrdup(code) : NULL;
}

/* labels_to_codes through the column's memo. Caller frees. */
static const char *memo_code(struct label_memo *m, const struct field_def *f, const char *raw)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->raw[i], raw) == 0)
			return m->code[i];
	char *code = labels_to_codes(f, raw);
	size_t slot;
	if (m->n < MEMO_SIZE) {
		slot = m->n++;
	} else {
		slot = m->next++ % MEMO_SIZE;   /* the oldest goes */
		free(m->raw[slot]);
		free(m->code[slot]);
	}
	m->raw[slot] = xstrdup(raw);
	m->code[slot] = code;
	return code;
}

/* A date cell's text s[0..n) as an Excel day number gives it, or NULL. Caller frees. */
static char *serial_date_span(const char *s, size_t n)
{
	char cell[32];
	if (n >= sizeof cell)
		return NULL;   /* no day number is that long */
	memcpy(cell, s, n);
	cell[n] = '\0';
	return excel_serial_date(cell);
}

/* Fills the form data from a row: cleaned cells, day numbers as dates, labels as
 * codes; a field no cell gives is emptied. */
static void importer_fill(struct importer *im, const struct csv_row *row)
{
	memset(im->filled, 0, im->def->nfields * sizeof *im->filled);
	for (size_t c = 0; c < im->map.n && c < row->n; c++) {
		int fi = im->col_field[c];
		if (fi < 0)
			continue;
		const struct field_def *f = &im->def->fields[fi];
		size_t n;
		const char *s = cell_span(row->fields[c], f->type == FIELD_IDNUMBER || f->type == FIELD_PHONE, &n);
		const char *code = NULL;
		char *date = NULL;
		if (f->type == FIELD_DATE && n)
			date = serial_date_span(s, n);
		else if (f->type == FIELD_CHOICE || f->type == FIELD_MULTI)
			code = memo_code(&im->memo[c], f, row->fields[c]);
		if (code || date) {
			s = code ? code : date;
			n = strlen(s);
		}
		form_data_set_n(&im->data, (size_t)fi, s, n);   /* a repeated code is not copied */
		free(date);
		im->filled[fi] = true;
	}
	for (size_t i = 0; i < im->def->nfields; i++)
		if (!im->filled[i])
			form_data_set(&im->data, i, NULL);
}

/* A cell of the row by column (-1: none), cleaned; NULL when empty. Caller frees. */
static char *row_cell(const struct csv_row *row, long col)
{
	if (col < 0 || (size_t)col >= row->n)
		return NULL;
	size_t n;
	const char *s = cell_span(row->fields[col], false, &n);
	return n ? xstrndup(s, n) : NULL;
}

/* The source line a resident of this load came from, 0 when it was not this load's. */
static long resident_line(const struct importer *im, int64_t id)
{
	int64_t k = id - im->first_resident - 1;
	return k >= 0 && (size_t)k < im->nlines ? im->lines[k] : 0;
}

/* Why the ID number cannot be registered again, or NULL. Caller frees. */
static char *duplicate_problem(struct importer *im, const char *id_number)
{
	if (!id_number)
		return NULL;
	char *msg = NULL;
	sqlite3_bind_text(im->find_id, 1, id_number, -1, SQLITE_STATIC);
	if (sqlite3_step(im->find_id) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(im->find_id, 0);
		const char *name = (const char *)sqlite3_column_text(im->find_id, 1);
		long line = resident_line(im, id);
		msg = line ? xasprintf(_("ID number %s is already on line %ld of this file"), id_number, line)
			   : xasprintf(_("ID number %s is already in the register (%s)"), id_number,
				       name ? name : "");
	}
	sqlite3_reset(im->find_id);
	return msg;
}

/* The grid a row names by town, village and grid, from cache when it is the last. */
static int64_t importer_grid(struct importer *im, const char *town, const char *village, const char *grid)
{
	if (!grid)
		return 0;
	char *key = xasprintf("%s\x1f%s\x1f%s", town ? town : "", village ? village : "", grid);
	if (im->grid_key && strcmp(im->grid_key, key) == 0) {
		free(key);
		return im->grid_id;
	}
	int64_t id = 0;
	sqlite3_bind_text(im->find_grid, 1, grid, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->find_grid, 2, village, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->find_grid, 3, town, -1, SQLITE_STATIC);
	if (sqlite3_step(im->find_grid) == SQLITE_ROW) {
		id = sqlite3_column_int64(im->find_grid, 0);
		if (sqlite3_step(im->find_grid) == SQLITE_ROW)
			id = 0;   /* two grids of that name: the village must say which */
	}
	sqlite3_reset(im->find_grid);
	free(im->grid_key);
	im->grid_key = key;
	im->grid_id = id;
	return id;
}

/* The household of a row as found in the register. */
struct hh_state {
	char *hh_no;
	int64_t id;        /* 0: not in the register yet */
	int64_t head;      /* its head, 0 when none */
	char *head_name;
	/* a new household's cells of the row, cleaned once for its check and its
	 * insert (hh_cells_read) */
	char *addr, *group, *town, *village, *grid;
	int64_t grid_id;
	/* what the household has when it exists: the importer's (the last household
	 * written) or own (read from the register) */
	const struct hh_known *known;
	struct hh_known own;
};

/* Reads a new household's cells from the row; the grid by town, village and name. */
static void hh_cells_read(struct importer *im, const struct csv_row *row, struct hh_state *h,
			  struct row_extras *x)
{
	h->addr = one_line(row_cell(row, im->col_addr), column_name(im, im->col_addr), x);
	h->group = one_line(row_cell(row, im->col_group), column_name(im, im->col_group), x);
	h->town = row_cell(row, im->col_town);
	h->village = row_cell(row, im->col_village);
	h->grid = row_cell(row, im->col_grid);
	h->grid_id = importer_grid(im, h->town, h->village, h->grid);
}

/* Frees what the row's household state holds. */
static void hh_state_free(struct hh_state *h)
{
	free(h->hh_no);
	free(h->head_name);
	free(h->addr);
	free(h->group);
	free(h->town);
	free(h->village);
	free(h->grid);
	hh_known_free(&h->own);
}

/* A column of the register's row as a string of its own, or NULL. Caller frees. */
static char *column_dup(sqlite3_stmt *stmt, int col)
{
	const char *v = (const char *)sqlite3_column_text(stmt, col);
	return v ? xstrdup(v) : NULL;
}

/* What a household of the register has: its address, group and place. */
static void hh_read_known(struct importer *im, struct hh_state *h)
{
	struct hh_known *k = &h->own;
	sqlite3_bind_int64(im->hh_places, 1, h->id);
	if (sqlite3_step(im->hh_places) == SQLITE_ROW) {
		k->addr = column_dup(im->hh_places, 0);
		k->group = column_dup(im->hh_places, 1);
		k->grid = column_dup(im->hh_places, 2);
		k->grid_code = column_dup(im->hh_places, 3);
		k->village = column_dup(im->hh_places, 4);
		k->village_code = column_dup(im->hh_places, 5);
		k->town = column_dup(im->hh_places, 6);
		k->town_code = column_dup(im->hh_places, 7);
	}
	sqlite3_reset(im->hh_places);
	h->known = k;
}

/* ---- the household numbers a load wrote: a Bloom filter ---- */

#define HH_WRITTEN_BITS (1u << 22)   /* 512 KiB: 1 % false hits at 300,000 households */

/* The filter's three bits of a household number, by double hashing. */
static void hh_written_bits(const char *hh_no, uint32_t bit[3])
{
	uint64_t h = str_hash(hh_no, strlen(hh_no));
	uint32_t h1 = (uint32_t)h, h2 = (uint32_t)(h >> 32) | 1;
	for (uint32_t i = 0; i < 3; i++)
		bit[i] = (h1 + i * h2) & (HH_WRITTEN_BITS - 1);
}

static void hh_written_add(struct importer *im, const char *hh_no)
{
	uint32_t bit[3];
	if (!im->hh_written)
		return;
	hh_written_bits(hh_no, bit);
	for (int i = 0; i < 3; i++)
		im->hh_written[bit[i] / 64] |= (uint64_t)1 << (bit[i] % 64);
}

/* Whether the register may hold the household: false only when the filter is kept
 * and says this load never wrote it. */
static bool hh_may_exist(const struct importer *im, const char *hh_no)
{
	uint32_t bit[3];
	if (!im->hh_written)
		return true;
	hh_written_bits(hh_no, bit);
	for (int i = 0; i < 3; i++)
		if (!(im->hh_written[bit[i] / 64] >> (bit[i] % 64) & 1))
			return false;
	return true;
}

/* Finds the row's household in the register (or the last one written). */
static void hh_lookup(struct importer *im, struct hh_state *h)
{
	h->id = h->head = 0;
	h->head_name = NULL;
	if (!h->hh_no)
		return;
	if (im->hh_no_last && strcmp(im->hh_no_last, h->hh_no) == 0) {
		h->id = im->hh_id_last;
		h->head = im->hh_head_last;
		h->head_name = xstrdup(im->hh_head_name_last);
		h->known = &im->known_last;
		return;
	}
	if (!hh_may_exist(im, h->hh_no))
		return;
	sqlite3_bind_text(im->find_hh, 1, h->hh_no, -1, SQLITE_STATIC);
	if (sqlite3_step(im->find_hh) == SQLITE_ROW) {
		h->id = sqlite3_column_int64(im->find_hh, 0);
		h->head = sqlite3_column_int64(im->find_hh, 1);
		h->head_name = column_dup(im->find_hh, 2);
	}
	sqlite3_reset(im->find_hh);
	if (h->id)
		hh_read_known(im, h);
}

/* How the household's head, which the one-head rule found, is named. Caller frees. */
static char *head_problem(struct importer *im, const struct hh_state *h)
{
	long line = resident_line(im, h->head);
	if (line)
		return xasprintf(_("household %s already has its head on line %ld"), h->hh_no, line);
	return xasprintf(_("household %s already has a head (%s)"), h->hh_no, h->head_name ? h->head_name : "");
}

/* Sets a field of the household form's data by name, when the form has it. */
static void hh_set(struct importer *im, const char *field, const char *value)
{
	int i = form_field_index(im->hdef, field);
	if (i >= 0)
		form_data_set(&im->hdata, (size_t)i, value);
}

/* The household value of a field after the form's normalisation, or NULL. */
static const char *hh_value(const struct importer *im, const char *field)
{
	int i = im->hdef ? form_field_index(im->hdef, field) : -1;
	return i >= 0 ? im->hdata.values[i] : NULL;
}

/* The cells that name a new household's grid are looked up, not stored: the form
 * does not see them, so their control characters are refused here, by column. */
static void lookup_cell_problems(const struct hh_state *h, struct strbuf *sb)
{
	const struct {
		const char *label, *value;
	} cells[] = { { N_("Town"), h->town }, { N_("Village"), h->village }, { N_("Grid"), h->grid } };
	for (size_t i = 0; i < ARRAY_LEN(cells); i++) {
		if (!cells[i].value || !text_find_control(cells[i].value, ""))
			continue;
		sb_appendf(sb, "%s", sb->len ? "; " : "");
		sb_appendf(sb, _("%s: %s"), _(cells[i].label), _("control characters are not allowed"));
	}
}

/* Adds item to a list separated by the language's ", " (、), once. */
static void list_add_once(char **list, const char *item)
{
	const char *sep = _(", ");
	char *probe = xasprintf("%s%s%s", sep, item, sep);
	char *all = xasprintf("%s%s%s", sep, *list ? *list : "", sep);
	if (!strstr(all, probe)) {
		char *grown = xasprintf("%s%s%s", *list ? *list : "", *list ? sep : "", item);
		free(*list);
		*list = grown;
	}
	free(all);
	free(probe);
}

/* A new household's 村民小组 that the form refused, its village not having it: added
 * to the village with --new-groups (true), else noted for the report, which lists
 * them. A failed addition becomes the row's problem, in sb. */
static bool household_group(struct importer *im, const struct hh_state *h, struct strbuf *sb)
{
	int f = form_field_index(im->hdef, IMPORT_VILLAGE_GROUP);
	const char *group = im->hdata.values[f];
	char *village = NULL, *err = NULL;
	bool added = false;
	int64_t vid = vgroup_village_of(im->st, h->grid_id, &village);
	char *item = xasprintf(_("%s (%s)"), group, village ? village : _("no village"));
	if (im->new_groups && vid && vgroup_add(im->st, vid, group, NULL, &err) == 0) {
		list_add_once(&im->rep->groups_added, item);
		added = true;
		form_eval_remember_lookups(im->hev, true);   /* the village's list just grew */
	} else {
		list_add_once(&im->rep->groups_unknown, item);
		if (err)
			sb_appendf(sb, "%s%s: %s", sb->len ? "; " : "", _("Village group"), err);
	}
	free(err);
	free(item);
	free(village);
	return added;
}

/* True when the check refused the household's 村民小组 (its lookup). */
static bool group_refused(const struct importer *im, const struct form_check *chk)
{
	int f = form_field_index(im->hdef, IMPORT_VILLAGE_GROUP);
	const char *group = f >= 0 ? im->hdata.values[f] : NULL;
	for (size_t i = 0; group && *group && im->hdef->fields[f].lookup && i < chk->n; i++)
		if (chk->items[i].field == (size_t)f)
			return true;
	return false;
}

/* Fills the household form from the row of a household the load will create and
 * checks it with the household form's rules; the problems go to sb. */
static void household_problems(struct importer *im, const struct hh_state *h, struct strbuf *sb)
{
	if (!h->hh_no || h->id)
		return;
	lookup_cell_problems(h, sb);
	if (!im->hev)
		return;
	char gid[24];
	snprintf(gid, sizeof gid, "%lld", (long long)h->grid_id);
	for (size_t i = 0; i < im->hdef->nfields; i++)
		form_data_set(&im->hdata, i, NULL);
	hh_set(im, IMPORT_HH_NO, h->hh_no);
	hh_set(im, IMPORT_ADDRESS, h->addr);
	hh_set(im, IMPORT_VILLAGE_GROUP, h->group);
	hh_set(im, "grid_id", h->grid_id ? gid : NULL);
	form_normalize_and_derive(im->hev, &im->hdata, -1);
	struct form_check chk = {0};
	form_validate(im->hev, &im->hdata, &chk);
	if (group_refused(im, &chk) && household_group(im, h, sb)) {
		form_check_free(&chk);
		form_validate(im->hev, &im->hdata, &chk);
	}
	for (size_t i = 0; i < chk.n; i++)
		sb_appendf(sb, "%s%s", sb->len ? "; " : "", chk.items[i].message);
	form_check_free(&chk);
}

/* The resident form's problems of the row in the reading thread's data, or NULL.
 * Caller frees. */
static char *form_problems(struct importer *im)
{
	struct form_check chk = {0};
	form_normalize_and_derive(im->ev, &im->data, -1);
	form_validate(im->ev, &im->data, &chk);
	struct strbuf sb = {0};
	for (size_t i = 0; i < chk.n; i++)
		sb_appendf(&sb, "%s%s", i ? "; " : "", chk.items[i].message);
	form_check_free(&chk);
	return sb.len ? sb_take(&sb) : NULL;
}

/* The problems only the register can tell, for a row the resident form accepted:
 * a new household's own rules, the ID number already there, a second head. NULL
 * when the row may be written. Caller frees. */
static char *register_problems(struct importer *im, const struct hh_state *h)
{
	struct strbuf sb = {0};
	household_problems(im, h, &sb);
	/* an ID number already there is told by the UNIQUE index when the row is written */
	const char *rel = im->f_relation >= 0 ? im->wvals[im->f_relation] : NULL;
	char *head = sb.len || !household_head_taken(h->head, 0, rel) ? NULL : head_problem(im, h);
	if (head)
		sb_appendf(&sb, "%s%s", sb.len ? "; " : "", head);
	free(head);
	return sb.len ? sb_take(&sb) : NULL;
}

/* Adds "name: value" to the row's notes; a value the notes cannot hold (a control
 * character other than a line break or tab, an invisible one) refuses the row. */
static void extras_note(struct row_extras *x, const char *name, size_t col, const char *v, size_t n)
{
	char *value = xstrndup(v, n);
	if (!text_utf8_valid(value, n, NULL) || text_find_control(value, "\n\t\r") || text_find_format(value)) {
		sb_appendf(&x->problems, "%s", x->problems.len ? "; " : "");
		sb_appendf(&x->problems, _("%s: %s"), name, _("control characters are not allowed"));
	}
	sb_appendf(&x->notes, "%s", x->notes.len ? "\n" : "");
	sb_appendf(&x->notes, _("%s: %s"), name, value);
	free(value);
	if (x->ncols == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 8;
		x->cols = xrealloc(x->cols, x->cap * sizeof *x->cols);
	}
	x->cols[x->ncols++] = col;
}

/* The cells of the columns no field takes, and those right of the last header,
 * to the notes. */
static void leftover_cells(const struct importer *im, const struct csv_row *row, struct row_extras *x)
{
	size_t n;
	for (size_t i = 0; i < im->nto_notes; i++) {
		size_t c = im->to_notes[i];
		const char *v = c < row->n ? cell_span(row->fields[c], false, &n) : NULL;
		if (v && n)
			extras_note(x, im->col_names[c], c, v, n);
	}
	for (size_t c = im->map.n; c < row->n; c++) {
		const char *v = cell_span(row->fields[c], false, &n);
		if (!n)
			continue;
		char *name = column_label("", c);
		extras_note(x, name, c, v, n);
		free(name);
	}
}

/* True when a member's cell says what the household has (by name or code), or
 * nothing: compared as the household's own value was stored, on one line. */
static bool cell_agrees(const char *cell, const char *has, const char *code)
{
	if (has && strcmp(cell, has) == 0)
		return true;   /* a roster repeats the household's cells as they are, on every member */
	size_t n;
	const char *v = cell_span(cell, false, &n);
	if (!n || (has && strlen(has) == n && memcmp(v, has, n) == 0) ||
	    (code && strlen(code) == n && memcmp(v, code, n) == 0))
		return true;
	char *line = one_line(xstrndup(v, n), NULL, NULL);
	bool same = has && strcmp(line, has) == 0;
	free(line);
	return same;
}

/* A member's household cells that say otherwise than its household, or that have
 * no household to go to: to the notes, with a warning each. */
static void member_cells(const struct importer *im, const struct csv_row *row, const struct hh_state *h,
			 struct row_extras *x)
{
	static const struct hh_known none;
	const struct hh_known *k = h->known ? h->known : &none;
	const struct {
		long col;
		const char *has, *code;
	} cells[] = {
		{ im->col_addr, k->addr, NULL }, { im->col_group, k->group, NULL },
		{ im->col_town, k->town, k->town_code }, { im->col_village, k->village, k->village_code },
		{ im->col_grid, k->grid, k->grid_code },
	};
	for (size_t i = 0; i < ARRAY_LEN(cells); i++) {
		long c = cells[i].col;
		if (c < 0 || (size_t)c >= row->n || (h->known && cell_agrees(row->fields[c], cells[i].has, cells[i].code)))
			continue;
		size_t n;
		const char *v = cell_span(row->fields[c], false, &n);
		if (!n)
			continue;
		const char *name = im->col_names[c], *label = import_target_label(im->map.targets[c]);
		extras_note(x, name, (size_t)c, v, n);
		if (!h->known)
			sb_appendf(&x->warnings, _("no household number: %s kept in the notes"), name);
		else if (cells[i].has && *cells[i].has)
			sb_appendf(&x->warnings, _("%s differs from the household's %s (%s); kept in the notes"), name,
				   label, cells[i].has);
		else
			sb_appendf(&x->warnings, _("%s given, but the household has no %s; kept in the notes"), name,
				   label);
		sb_append(&x->warnings, "\n");
	}
}

/* The row's notes with what has no other place appended, in *notes (NULL when
 * nothing is added); the reason the row is refused when the notes cannot hold
 * it, else NULL. Caller frees both. */
static char *notes_with_extras(const struct importer *im, const struct row_extras *x, char **notes)
{
	*notes = NULL;
	if (x->problems.len)
		return xstrdup(x->problems.s);
	if (!x->notes.len)
		return NULL;
	if (im->f_notes < 0)
		return xasprintf(_("the resident form has no notes field to keep %s in"), x->notes.s);
	const char *had = im->wvals[im->f_notes];
	char *all = had && *had ? xasprintf("%s\n%s", had, x->notes.s) : xstrdup(x->notes.s);
	int max = im->def->fields[im->f_notes].max_len;
	size_t len = text_char_count(all);
	if (max && len > (size_t)max) {
		free(all);
		return xasprintf(_("%s: with the cells that have no field of their own, at most %d characters "
				   "(this has %zu)"), _(im->def->fields[im->f_notes].label), max, len);
	}
	*notes = all;
	return NULL;
}

/* Keeps the first warnings for the report. */
static void note_warnings(struct importer *im, long line, const struct row_extras *x)
{
	for (const char *p = x->warnings.s; p && *p;) {
		const char *nl = strchr(p, '\n');
		if (im->warnings_kept++ < PROBLEMS_KEPT) {
			char *w = xstrndup(p, (size_t)(nl - p));
			sb_appendf(&im->warnings, _("line %ld: %s\n"), line, w);
			free(w);
		}
		p = nl + 1;
	}
	for (size_t i = 0; i < x->ncols; i++)
		if (x->cols[i] < im->map.n)
			im->cells_noted[x->cols[i]]++;
		else
			im->cells_beyond++;
}

/* Counts the cells of the columns the clerk left out, for the report. */
static void count_left_out(struct importer *im, const struct csv_row *row)
{
	size_t n;
	for (size_t i = 0; i < im->nleft_out; i++) {
		size_t c = im->left_out[i];
		if (c < row->n && (cell_span(row->fields[c], false, &n), n))
			im->cells_noted[c]++;
	}
}

/* Why a write of the loader failed. A constraint refuses the row; anything else (a
 * full disk, which also makes SQLite roll the whole transaction back) stops the load,
 * so that no later row is written outside it. Caller frees. */
static char *write_failure(struct importer *im, const char *what)
{
	int code = sqlite3_errcode(im->db) & 0xff;
	if (code != SQLITE_CONSTRAINT || sqlite3_get_autocommit(im->db))
		im->broken = true;
	if (code == SQLITE_FULL)   /* said as store.c says it */
		return xasprintf(_("%s: the disk is full: %s cannot grow; free some space and try again"), what,
				 store_path(im->st));
	return xasprintf("%s: %s", what, sqlite3_errmsg(im->db));
}

/* Runs a write statement of the loader; false with *err. */
static bool step_done(struct importer *im, sqlite3_stmt *stmt, const char *what, char **err)
{
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return true;
	*err = write_failure(im, what);
	return false;
}

/* A row refused by rowcheck's rules (rules_make), naming the field. Caller frees. */
static char *rules_refusal(const char *label)
{
	return xasprintf(_("%s: the register's rules refuse this value, which a local form or code list lets "
			   "through"), label);
}

/* Writes a new household for the row; its id in h->id. head is the id its first
 * member will get when that member is its head (foreign keys are off for the load:
 * STORE_BULK_OWN_REFERENCES), else 0 and the head comes with a later row. */
static bool insert_household(struct importer *im, struct hh_state *h, int64_t head, char **err)
{
	if (h->grid && !h->grid_id)
		im->rep->grids_unknown++;
	/* the household form's normalised values, when it checked them */
	const char *no = im->hev ? hh_value(im, IMPORT_HH_NO) : NULL;
	if (!no)
		no = h->hh_no;
	const char *const hh_row[] = {no};
	if (im->hh_check && rowcheck_row(im->hh_check, hh_row)) {
		*err = rules_refusal(_("Household number"));
		return false;
	}
	sqlite3_bind_text(im->ins_hh, 1, no, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->ins_hh, 2, im->hev ? hh_value(im, IMPORT_ADDRESS) : h->addr, -1, SQLITE_STATIC);
	if (h->grid_id)
		sqlite3_bind_int64(im->ins_hh, 3, h->grid_id);
	else
		sqlite3_bind_null(im->ins_hh, 3);
	sqlite3_bind_text(im->ins_hh, 4, im->hev ? hh_value(im, IMPORT_VILLAGE_GROUP) : h->group, -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(im->ins_hh, 5, im->now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(im->ins_hh, 6, im->last_household + 1);
	if (head)
		sqlite3_bind_int64(im->ins_hh, 7, head);
	else
		sqlite3_bind_null(im->ins_hh, 7);
	bool ok = step_done(im, im->ins_hh, "household", err);
	if (ok) {
		hh_written_add(im, no);
		h->id = ++im->last_household;
		im->rep->households_new++;
	}
	return ok;
}

/* Writes the resident of the validated form data as the next id (rid); the caller
 * counts it given (row_end). */
static bool insert_resident(struct importer *im, const struct hh_state *h, char **err)
{
	int n = 0;
	for (size_t k = 0; k < im->nres_fields; k++) {
		const char *v = im->wvals[im->res_fields[k]];
		if (v && *v)
			sqlite3_bind_text(im->ins_res, ++n, v, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(im->ins_res, ++n);
	}
	if (h->id)
		sqlite3_bind_int64(im->ins_res, n + 1, h->id);
	else
		sqlite3_bind_null(im->ins_res, n + 1);
	sqlite3_bind_int(im->ins_res, n + 2, im->def->version);
	sqlite3_bind_text(im->ins_res, n + 3, im->now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(im->ins_res, n + 4, im->last_resident + 1);
	int rc = sqlite3_step(im->ins_res);
	int ext = sqlite3_extended_errcode(im->db);
	sqlite3_reset(im->ins_res);
	if (rc != SQLITE_DONE) {
		char *dup = ext == SQLITE_CONSTRAINT_UNIQUE ? duplicate_problem(im, im->wvals[im->f_id]) : NULL;
		*err = dup ? dup : write_failure(im, "resident");
		return false;
	}
	return true;
}

/* Makes the resident the household's head: directly for a household of this load,
 * through the audited write path for one that was in the register before. */
static bool set_head(struct importer *im, const struct hh_state *h, int64_t rid, char **err)
{
	if (h->id > im->first_household) {
		sqlite3_bind_int64(im->set_head, 1, rid);
		sqlite3_bind_int64(im->set_head, 2, h->id);
		return step_done(im, im->set_head, "household", err);
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)rid);
	const struct store_field f[] = {{"head_id", id}};
	return store_update(im->st, "household", h->id, f, 1, _("import"), err) == 0;
}

/* Remembers the source line of the resident just written. */
static void note_line(struct importer *im, int64_t rid, long line)
{
	size_t k = (size_t)(rid - im->first_resident - 1);
	if (k >= im->cap_lines) {
		im->cap_lines = im->cap_lines ? im->cap_lines * 2 : 1024;
		while (im->cap_lines <= k)
			im->cap_lines *= 2;
		im->lines = xrealloc(im->lines, im->cap_lines * sizeof *im->lines);
	}
	while (im->nlines < k)
		im->lines[im->nlines++] = 0;
	im->lines[k] = (int32_t)(line > INT32_MAX ? INT32_MAX : line);
	if (im->nlines <= k)
		im->nlines = k + 1;
}

/* Takes back the household this load just created for a row that then failed: no
 * savepoint per household, which cost a third of a million-row load. Its id goes to
 * the next one, so that the load's households are numbered without a gap. When even
 * that fails the load must stop rather than keep an empty household. */
static void drop_household(struct importer *im, int64_t id)
{
	sqlite3_bind_int64(im->del_hh, 1, id);
	char *err = NULL;
	if (step_done(im, im->del_hh, "household", &err)) {
		im->rep->households_new--;
		im->last_household--;
	} else {
		im->broken = true;
	}
	free(err);
}

/* A new household's value of field as stored: the cell *cell itself (taken from
 * the caller) unless the household form changed it. Caller frees. */
static char *stored_or_cell(const struct importer *im, const char *field, char **cell)
{
	const char *v = im->hev ? hh_value(im, field) : *cell;
	if (v != *cell && (!v || !*cell || strcmp(v, *cell) != 0))
		return xstrdup(v);
	char *taken = *cell;
	*cell = NULL;
	return taken;
}

/* Keeps what the household of the row just written has, for its next members: a
 * new one's values as stored, an existing one's as read (already kept when it is
 * the last one's). */
static void remember_household(struct importer *im, struct hh_state *h, bool fresh)
{
	if (h->known == &im->known_last)
		return;
	hh_known_free(&im->known_last);
	if (h->known) {
		im->known_last = h->own;
		memset(&h->own, 0, sizeof h->own);
		h->known = NULL;
	} else if (fresh) {
		/* the row's cells move over, copied only where the form changed them */
		struct hh_known *k = &im->known_last;
		k->addr = stored_or_cell(im, IMPORT_ADDRESS, &h->addr);
		k->group = stored_or_cell(im, IMPORT_VILLAGE_GROUP, &h->group);
		k->town = h->town;
		k->village = h->village;
		k->grid = h->grid;
		h->town = h->village = h->grid = NULL;
	}
}

/* A row the writer has checked against the register and whose household is written,
 * until its resident is written or refused. */
struct pending {
	struct row_item *it;     /* its batch owns it */
	long line;                /* of the source */
	struct hh_state h;
	struct row_extras x;
	char *notes;
	bool fresh, is_head, joined;
	int64_t rid;              /* the id its resident is given */
};

/* Before the row's resident is written: a new household for it, with its head when
 * the row is that head (foreign keys are off for the load: STORE_BULK_OWN_REFERENCES),
 * its id in h->id. */
static bool write_household(struct importer *im, struct pending *pd, char **err)
{
	return !pd->fresh || insert_household(im, &pd->h, pd->is_head ? pd->rid : 0, err);
}

/* After the row's resident was written (ok) or refused: a household written for it
 * taken back, or the resident counted, the head set and what the register now says
 * of the household kept for the next row. false with *err when the load must stop. */
static bool resident_written(struct importer *im, struct pending *pd, bool ok, char **err)
{
	struct hh_state *h = &pd->h;
	if (ok)
		im->last_resident = pd->rid;
	if (!ok && pd->fresh)
		drop_household(im, h->id);
	if (ok && h->id && pd->is_head && !pd->fresh && !set_head(im, h, pd->rid, err)) {
		im->broken = true;   /* the resident is written and cannot be taken back: stop */
		return false;
	}
	free(im->hh_no_last);
	im->hh_no_last = NULL;
	if (ok) {
		note_line(im, pd->rid, pd->line);
		/* what the register now says of this household, for the next row */
		bool head = h->id && pd->is_head;
		im->hh_no_last = xstrdup(h->hh_no);
		im->hh_id_last = h->id;
		im->hh_head_last = head ? pd->rid : h->head;
		free(im->hh_head_name_last);
		im->hh_head_name_last = xstrdup(head ? im->wvals[form_field_index(im->def, "name")] : h->head_name);
		remember_household(im, h, pd->fresh);
	} else {
		h->id = 0;
	}
	return true;
}

/* Keeps the first refusals for the report. */
static void note_problem(struct importer *im, long line, const char *reason)
{
	if (im->problems_kept++ < PROBLEMS_KEPT)
		sb_appendf(&im->problems, _("line %ld: %s\n"), line, reason);
}

/* ---- three threads: one reads and checks rows, the main one writes them, one
 * makes their search keys ----
 *
 * Reading, decoding and the resident form's checks need nothing of the register
 * (the form's expressions run on a copy of the schema in memory), so they run in a
 * thread of their own, a batch of rows ahead of the writer, which asks the register
 * what only it knows (households, ID numbers already there) and writes. The batches
 * the writer is done with go to the keys thread, then back to the reader to free.
 * Each queue holds a few batches: memory stays bounded. */

#define BATCH_ROWS 256
#define QUEUE_BATCHES 4

/* One row as read and checked. Each array is one allocation with its strings
 * (pack_strings): a row costs the writer two frees, not forty. */
struct row_item {
	uint32_t seq;          /* the row's number in the file, from 0 (import-keys.h) */
	struct csv_row raw;    /* the cells as read, for the rejects file */
	char **values;         /* the resident form's data after normalisation */
	char *problems;        /* the resident form's, or NULL */
	bool keyed;            /* the checks accepted it: the keys thread makes its keys */
};

struct batch {
	struct row_item items[BATCH_ROWS];
	size_t n;
	struct batch *next;    /* on the list of written batches */
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t changed;
	struct batch *queue[QUEUE_BATCHES];
	size_t head, count;
	/* batches the writer is done with, through the keys thread when there are keys
	 * to make (to_keys, in order), then freed by the reader that allocated them (a
	 * free from another thread contends for the allocator's lock) */
	struct batch *to_keys, *to_keys_last;
	size_t nkeys;          /* batches to_keys or being keyed: the reader waits at QUEUE_BATCHES */
	struct batch *written;
	bool keys_on;          /* a keys thread takes the written batches */
	bool all_written;      /* the writer is done: the keys thread ends with to_keys */
	bool finished;         /* the reader is done */
	bool stop;             /* the writer or the keys thread gave up: the reader stops */
	int rc;                /* the reader's: 0 at the end of the file, -1 */
	char *err;
	double cpu;            /* the reader's CPU seconds, set when it is done */
	int keys_rc;           /* the keys thread's, and why it failed */
	char *keys_err;
	double cpu_keys;
	struct importer *im;
	struct source *s;
};

#define PACK_LENGTHS_KEPT 64

/* n strings (some NULL) copied into one allocation: the pointer array, then the
 * text. Freed with one free(). */
static char **pack_strings(char *const *v, size_t n)
{
	size_t bytes = (n ? n : 1) * sizeof(char *);
	size_t lens[PACK_LENGTHS_KEPT];   /* each measured once when the row is short */
	for (size_t i = 0; i < n; i++) {
		size_t len = v[i] ? strlen(v[i]) + 1 : 0;
		if (i < PACK_LENGTHS_KEPT)
			lens[i] = len;
		bytes += len;
	}
	char **out = xmalloc(bytes);
	char *text = (char *)(out + (n ? n : 1));
	for (size_t i = 0; i < n; i++) {
		out[i] = NULL;
		if (v[i]) {
			size_t len = i < PACK_LENGTHS_KEPT ? lens[i] : strlen(v[i]) + 1;
			out[i] = memcpy(text, v[i], len);
			text += len;
		}
	}
	return out;
}

/* Frees what a row item owns. */
static void item_free(struct row_item *it)
{
	free(it->raw.fields);
	free(it->values);
	free(it->problems);
}

/* Frees a batch and its rows. */
static void batch_free(struct batch *b)
{
	for (size_t i = 0; b && i < b->n; i++)
		item_free(&b->items[i]);
	free(b);
}

/* Frees a list of written batches. */
static void batch_list_free(struct batch *b)
{
	while (b) {
		struct batch *next = b->next;
		batch_free(b);
		b = next;
	}
}

/* The imported columns with a tab in their cell: the form would keep it as a space,
 * and nothing may change without a word, so the row is refused naming each one.
 * Appended to sb. */
static void tab_problems(const struct importer *im, const struct csv_row *row, struct strbuf *sb)
{
	for (size_t c = 0; c < im->map.n && c < row->n; c++)
		if (im->map.targets[c] && strchr(row->fields[c], '\t'))
		{
			sb_append(sb, sb->len ? "; " : "");
			sb_appendf(sb, _("%s: a tab in the cell; replace it with a space or remove it in the file"),
				   im->map.headers[c]);
		}
}

/* Fills the form from the row and checks it: the problems, or NULL, in
 * it->problems and the normalised values in it->values. */
static void check_row(struct importer *im, const struct csv_row *row, struct row_item *it)
{
	char *hh = row_cell(row, im->col_hh);
	importer_fill(im, row);
	/* a household, new or not, counts as one for the form's rule on relation */
	form_data_set(&im->data, (size_t)im->f_household, hh ? "0" : NULL);
	free(hh);
	struct strbuf sb = {0};
	tab_problems(im, row, &sb);
	char *form = form_problems(im);
	if (form)
		sb_appendf(&sb, "%s%s", sb.len ? "; " : "", form);
	free(form);
	it->problems = sb.len ? sb_take(&sb) : NULL;
	it->values = pack_strings(im->data.values, im->def->nfields);
}

/* A field's value as the resident's INSERT stores it (insert_resident): NULL for no
 * such field, a field not stored, or an empty value. */
static const char *stored_value(const struct importer *im, char *const *values, int f)
{
	if (f < 0 || !im->def->fields[f].column || f == im->f_household)
		return NULL;
	return values[f] && *values[f] ? values[f] : NULL;
}

/* Reading thread: copies the row and checks it with the resident form (unless the
 * writing thread must, check_in_writer); a row the checks accept is marked for its
 * search keys. */
static void validate_row(struct importer *im, const struct csv_row *row, struct row_item *it)
{
	it->seq = im->seq_read++;
	it->raw.n = row->n;
	it->raw.line = row->line;
	it->raw.fields = pack_strings(row->fields, row->n);
	if (!im->check_in_writer)
		check_row(im, row, it);
	it->keyed = im->keys && !it->problems;
}

/* Hands a batch to the writer, waiting while the queue is full; false when the
 * writer has stopped. Frees the batches the writer has finished with. */
static bool queue_put(struct pipeline *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	while ((p->count == QUEUE_BATCHES || p->nkeys >= QUEUE_BATCHES) && !p->stop)
		pthread_cond_wait(&p->changed, &p->mu);
	bool ok = !p->stop;
	if (ok) {
		p->queue[(p->head + p->count) % QUEUE_BATCHES] = b;
		p->count++;
		pthread_cond_broadcast(&p->changed);
	}
	struct batch *written = p->written;
	p->written = NULL;
	pthread_mutex_unlock(&p->mu);
	batch_list_free(written);
	return ok;
}

/* Gives a written batch back to the reader to free, through the keys thread when
 * there is one. */
static void queue_return(struct pipeline *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	if (p->keys_on) {
		b->next = NULL;
		if (p->to_keys_last)
			p->to_keys_last->next = b;
		else
			p->to_keys = b;
		p->to_keys_last = b;
		p->nkeys++;
		pthread_cond_broadcast(&p->changed);
	} else {
		b->next = p->written;
		p->written = b;
	}
	pthread_mutex_unlock(&p->mu);
}

/* The next batch for the writer, or NULL when the reader is done and all is taken. */
static struct batch *queue_take(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->count == 0 && !p->finished)
		pthread_cond_wait(&p->changed, &p->mu);
	struct batch *b = NULL;
	if (p->count) {
		b = p->queue[p->head];
		p->head = (p->head + 1) % QUEUE_BATCHES;
		p->count--;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

/* CPU time of the calling thread: which of the two sets the pace (--verbose). */
static double thread_cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The reading thread. */
static void *reader_main(void *arg)
{
	pthread_setname_np(pthread_self(), "shanzhi-read");   /* told apart in top and perf */
	struct pipeline *p = arg;
	struct batch *b = NULL;
	struct csv_row row;
	char *err = NULL;
	int rc;
	bool stopped = false;
	while ((rc = source_next(p->s, &row, &err)) == 1) {
		if (!b)
			b = xcalloc(1, sizeof *b);
		validate_row(p->im, &row, &b->items[b->n++]);
		if (b->n == BATCH_ROWS) {
			if (!queue_put(p, b)) {
				stopped = true;
				break;
			}
			b = NULL;
		}
	}
	if (b && (stopped || !queue_put(p, b)))
		batch_free(b);
	double cpu = thread_cpu_seconds();
	pthread_mutex_lock(&p->mu);
	p->cpu = cpu;
	p->finished = true;
	p->rc = rc < 0 ? -1 : 0;
	p->err = err;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- the keys thread: the search keys of the rows the writer is done with ---- */

/* The next batch the writer is done with, NULL once it is done and all are taken. */
static struct batch *keys_take(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (!p->to_keys && !p->all_written)
		pthread_cond_wait(&p->changed, &p->mu);
	struct batch *b = p->to_keys;
	if (b) {
		p->to_keys = b->next;
		if (!p->to_keys)
			p->to_keys_last = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

/* Hands a batch on to the reader to free, letting it read on; stops it when the
 * keys failed. */
static void keys_done(struct pipeline *p, struct batch *b, bool ok)
{
	pthread_mutex_lock(&p->mu);
	b->next = p->written;
	p->written = b;
	p->nkeys--;
	/* the load cannot be whole without the keys: it stops and is rolled back */
	p->stop = p->stop || !ok;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->mu);
}

/* The keys thread: a fifth of what the reader did per row, on the core the
 * writer's waits leave idle, so that the reader, which set the pace of the rows,
 * only reads and checks. */
static void *keys_main(void *arg)
{
	pthread_setname_np(pthread_self(), "shanzhi-keys");
	struct pipeline *p = arg;
	struct importer *im = p->im;
	bool ok = true;
	struct batch *b;
	while ((b = keys_take(p))) {
		for (size_t i = 0; ok && i < b->n; i++) {
			const struct row_item *it = &b->items[i];
			if (it->keyed)
				ok = import_keys_add(im->keys, it->seq, stored_value(im, it->values, im->f_name),
						     stored_value(im, it->values, im->f_id),
						     stored_value(im, it->values, im->f_phone));
		}
		keys_done(p, b, ok);
	}
	/* the last of the keys sorted here, before the merge */
	if (ok)
		ok = import_keys_finish(im->keys);
	p->keys_rc = ok ? 0 : -1;
	p->keys_err = ok ? NULL : xstrdup(import_keys_error(im->keys));
	p->cpu_keys = thread_cpu_seconds();
	return NULL;
}

/* Refuses the row: counted, kept for the report, added to the rejects file. Takes
 * reason. -1 when the rejects file cannot be written. */
static int refuse_row(struct importer *im, const struct source *s, struct rejects *rj, const struct csv_row *row,
		      char *reason, bool dry_run, char **err)
{
	im->rep->refused++;
	note_problem(im, row->line, reason);
	int rc = !dry_run && rejects_add(rj, s, row, reason, err) != 0 ? -1 : 0;
	free(reason);
	return rc;
}

/* Frees what the pending row holds; its batch goes back to the reading thread. */
static void pending_free(struct importer *im, struct pending *pd)
{
	free(pd->notes);
	row_extras_free(&pd->x);
	hh_state_free(&pd->h);
	memset(pd, 0, sizeof *pd);
	im->wvals = NULL;
}

/* The row's values as the INSERT stores them against rowcheck's rules (rules_make):
 * the refusal naming the field the rules refuse, or NULL. Caller frees. */
static char *check_refusal(struct importer *im)
{
	for (size_t k = 0; k < im->nres_fields; k++)
		im->row_vals[k] = im->wvals[im->res_fields[k]];
	const char *column = rowcheck_row(im->res_check, im->row_vals);
	if (!column)
		return NULL;
	int f = form_field_index(im->def, column);
	return rules_refusal(f >= 0 && im->def->fields[f].label ? _(im->def->fields[f].label) : column);
}

/* Writer, first half of a row: asked of the register, its household written. 1 when
 * its resident is to be written now (id pd->rid, values im->wvals), 0 when the row
 * was refused, -1 when the load must stop. */
static int row_begin(struct importer *im, const struct source *s, struct rejects *rj, struct row_item *it,
		     bool dry_run, struct pending *pd, char **err)
{
	memset(pd, 0, sizeof *pd);
	pd->it = it;
	pd->line = it->raw.line;
	const struct csv_row *row = &it->raw;
	struct hh_state *h = &pd->h;
	h->hh_no = row_cell(row, im->col_hh);
	if (im->check_in_writer)
		check_row(im, row, it);   /* now, against the register as it is */
	im->wvals = it->values;
	char *reason = it->problems;
	it->problems = NULL;
	if (!reason) {
		hh_lookup(im, h);
		if (h->hh_no && !h->id)
			hh_cells_read(im, row, h, &pd->x);
		reason = register_problems(im, h);
	}
	if (!reason) {
		/* every cell ends up somewhere: what has no field goes to the notes */
		leftover_cells(im, row, &pd->x);
		if (!h->hh_no || h->id)
			member_cells(im, row, h, &pd->x);
		reason = notes_with_extras(im, &pd->x, &pd->notes);
		if (pd->notes)
			im->wvals[im->f_notes] = pd->notes;
	}
	if (!reason && im->res_check)
		reason = check_refusal(im);
	count_left_out(im, row);
	int rc = 0;
	if (!reason) {
		const char *rel = im->f_relation >= 0 ? im->wvals[im->f_relation] : NULL;
		pd->fresh = h->hh_no && !h->id;
		pd->is_head = household_relation_is_head(rel);
		pd->joined = h->id && h->id <= im->first_household;
		pd->rid = im->last_resident + 1;
		char *werr = NULL;
		if (write_household(im, pd, &werr))
			return 1;
		if (im->broken) {
			*err = werr;
			rc = -1;
		} else {
			reason = werr;
		}
	}
	if (reason && refuse_row(im, s, rj, row, reason, dry_run, err) != 0)
		rc = -1;
	pending_free(im, pd);
	return rc;
}

/* Writer, second half: the row's resident written (ok) or refused with why (taken).
 * -1 only when the load must stop. */
static int row_end(struct importer *im, const struct source *s, struct rejects *rj, struct pending *pd, bool ok,
		   char *why, bool dry_run, char **err)
{
	const struct csv_row *row = &pd->it->raw;
	char *werr = NULL;
	int rc = 0;
	if (!resident_written(im, pd, ok, &werr)) {
		*err = werr;
		free(why);
		pending_free(im, pd);
		return -1;
	}
	if (ok) {
		im->rep->imported++;
		if (im->keys)
			import_keys_written(im->keys, pd->it->seq);
		note_warnings(im, row->line, &pd->x);
		if (pd->joined)
			im->rep->households_joined++;
	} else if (im->broken) {
		*err = why;
		why = NULL;
		rc = -1;
	} else {
		rc = refuse_row(im, s, rj, row, why, dry_run, err);
		why = NULL;
	}
	free(why);
	pending_free(im, pd);
	return rc;
}

/* Writer: one checked row, asked of the register, then written or refused, its
 * resident by a statement of its own. -1 only when the load must stop. */
static int write_item(struct importer *im, const struct source *s, struct rejects *rj,
		      struct row_item *it, bool dry_run, char **err)
{
	struct pending pd;
	int rc = row_begin(im, s, rj, it, dry_run, &pd, err);
	if (rc != 1)
		return rc;
	char *why = NULL;
	bool ok = insert_resident(im, &pd.h, &why);
	return row_end(im, s, rj, &pd, ok, why, dry_run, err);
}

/* The mapping as report lines, "header -> field". */
static char *mapping_text(const struct import_mapping *m)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < m->n; i++)
		sb_appendf(&sb, "%s -> %s\n", m->headers[i],
			   m->targets[i] ? import_target_label(m->targets[i])
			   : m->left_out[i] ? _("(ignored)") : _("(to notes)"));
	return sb_take(&sb);
}

/* Columns as "header (cells)", ", " apart; NULL when none. */
static char *columns_text(const struct importer *im, const size_t *cols, size_t n, long beyond)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < n; i++) {
		size_t c = cols[i];
		/* Excel's empty columns without a header are no column of the roster */
		if (*im->map.headers[c] || im->cells_noted[c]) {
			sb_append(&sb, sb.len ? _(", ") : "");
			sb_appendf(&sb, _("%s (%ld)"), im->col_names[c], im->cells_noted[c]);
		}
	}
	if (beyond) {
		sb_append(&sb, sb.len ? _(", ") : "");
		sb_appendf(&sb, _("right of the last header (%ld)"), beyond);
	}
	return sb.len ? sb_take(&sb) : NULL;
}

/* What the report says of the cells that have no field of their own. */
static void leftovers_report(struct importer *im, struct import_report *rep)
{
	rep->warnings = im->warnings_kept;
	rep->warning_lines = sb_take(&im->warnings);
	rep->to_notes = columns_text(im, im->to_notes, im->nto_notes, im->cells_beyond);
	rep->left_out = columns_text(im, im->left_out, im->nleft_out, 0);
}

/* The register's schema in memory with the store's SQL functions: the reading
 * thread's connection for the form's expressions. */
static int open_memdb(struct importer *im, char **err)
{
	if (sqlite3_open_v2(":memory:", &im->memdb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlfn_register(im->memdb) != SQLITE_OK ||
	    sqlite3_exec(im->memdb, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    schema_migrate(im->memdb, 0, err) != 0 ||
	    sqlite3_exec(im->memdb, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		if (!*err)
			*err = xasprintf("%s", sqlite3_errmsg(im->memdb));
		return -1;
	}
	return 0;
}

/* Reads the header row and sets the importer up for the file's columns. */
static int importer_start(struct importer *im, struct source *s, const struct form_registry *forms,
			  const struct import_opts *o, char **err)
{
	im->def = form_get(forms, "resident");
	if (!im->def) {
		*err = xstrdup(_("the resident form is missing from the form definitions"));
		return -1;
	}
	im->f_id = form_field_index(im->def, "id_number");
	im->f_relation = form_field_index(im->def, "relation");
	im->f_household = form_field_index(im->def, "household_id");
	im->f_notes = form_field_index(im->def, "notes");
	im->f_name = form_field_index(im->def, "name");
	im->f_phone = form_field_index(im->def, "phone");
	if (im->f_id < 0 || im->f_household < 0) {
		*err = xstrdup(_("the resident form has no id_number or household_id field"));
		return -1;
	}
	struct csv_row head;
	int rc = source_next(s, &head, err);
	if (rc == 0)
		*err = xstrdup(_("the file is empty"));
	if (rc != 1)
		return -1;
	if (import_map_columns((const char *const *)head.fields, head.n, o->map, &im->map, err) != 0)
		return -1;
	importer_columns(im);
	bool named = false;
	for (size_t i = 0; i < im->map.n; i++)
		named |= im->map.targets[i] && strcmp(im->map.targets[i], "name") == 0;
	if (!named) {
		*err = xstrdup(_("no column holds the names (姓名): check the header row, or give --map COLUMN=name"));
		return -1;
	}
	if (open_memdb(im, err) != 0)
		return -1;
	im->ev = form_eval_new(im->def, im->memdb, err);
	if (!im->ev)
		return -1;
	if (form_eval_reads_tables(im->ev)) {
		/* the schema in memory holds no data: such a rule must ask the register */
		form_eval_free(im->ev);
		im->ev = form_eval_new(im->def, im->db, err);
		im->check_in_writer = true;
		im->rep->checked_against_register = true;
		if (!im->ev)
			return -1;
	}
	form_data_init(&im->data, im->def);
	im->filled = xcalloc(im->def->nfields ? im->def->nfields : 1, sizeof *im->filled);
	im->hdef = form_get(forms, "household");
	if (im->hdef) {
		im->hev = form_eval_new(im->hdef, im->db, err);
		if (!im->hev)
			return -1;
		/* the rows written leave the lists of groups alone (household_group forgets) */
		form_eval_remember_lookups(im->hev, true);
		form_data_init(&im->hdata, im->hdef);
	}
	if (!importer_prepare(im, err))
		return -1;
	rules_make(im);
	return 0;
}

/* One value of a query on the store's connection. */
static int64_t query_int64(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* ---- the rows to write, as the writing thread takes them from the reading one ---- */

struct feed {
	struct importer *im;
	struct pipeline *p;
	const struct import_opts *o;
	struct batch *b;          /* the batch being written */
	size_t i;                 /* its next row */
};

/* The next row the reading thread checked, NULL when there is none left; a batch
 * goes back to the reading thread once its rows are done with. */
static struct row_item *feed_next(struct feed *f)
{
	for (;;) {
		if (f->b && f->i < f->b->n) {
			struct importer *im = f->im;
			im->rep->rows++;
			if (f->o->progress && im->rep->rows % PROGRESS_EVERY == 0)
				f->o->progress(f->o->progress_ctx, im->rep->rows);
			return &f->b->items[f->i++];
		}
		if (f->b)
			queue_return(f->p, f->b);
		f->i = 0;
		if (!(f->b = queue_take(f->p)))
			return NULL;
	}
}

/* Gives the batch being written back. */
static void feed_end(struct feed *f)
{
	if (f->b)
		queue_return(f->p, f->b);
	f->b = NULL;
}

/* ---- sz_import_rows: the residents in one INSERT ... SELECT ----
 *
 * A prepared INSERT per row pays its statement's start and end a million times
 * (bench-statements: 0.8-0.9 s of a million rows). Instead the residents go in
 * through one INSERT OR IGNORE ... SELECT from this table: asked for a row, it takes
 * the next one through row_begin (a new household written by a statement of its own,
 * within this one); asked for the one after, it sees from the last insert rowid,
 * cleared before the row was given, whether SQLite wrote it, and ends it (row_end).
 * A row SQLite ignored (an ID number already there, a CHECK) is refused with what its
 * own INSERT would have said. Not for a load that may write through the store's
 * audited path (savepoints, which SQLite refuses inside a write): use_rows_table. */

struct rows_table {
	sqlite3_vtab base;
	struct rows_load *load;
};

struct rows_load {
	struct feed f;
	const struct source *s;
	struct rejects *rj;
	struct pending pd;
	bool pending;
	char *err;                /* why the load must stop */
};

/* sz_import_rows' columns: the resident's stored fields (res_fields), then these. */
enum { ROWS_HOUSEHOLD, ROWS_VERSION, ROWS_CREATED, ROWS_UPDATED, ROWS_ID, ROWS_EXTRA };

struct rows_cursor {
	sqlite3_vtab_cursor base;
	struct rows_load *load;
	bool eof;
};

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
			char **err)
{
	(void)argc, (void)argv, (void)err;
	struct rows_load *load = aux;
	struct strbuf sql = {0};
	sb_append(&sql, "CREATE TABLE x(");
	for (size_t i = 0; i < load->f.im->nres_fields + ROWS_EXTRA; i++)
		sb_appendf(&sql, "%sc%zu", i ? ", " : "", i);
	sb_append(&sql, ")");
	int rc = sqlite3_declare_vtab(db, sql.s);
	sb_free(&sql);
	if (rc != SQLITE_OK)
		return rc;
	struct rows_table *t = sqlite3_malloc(sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	t->load = load;
	*out = &t->base;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int rows_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	info->estimatedCost = 1e7;
	return SQLITE_OK;
}

static int rows_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct rows_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	c->load = ((struct rows_table *)vt)->load;
	*out = &c->base;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
}

/* Why SQLite ignored the pending row's resident: its ID number already there, else
 * what the row's own INSERT says, failing as the ignored one did (*ok when it goes
 * in after all). Caller frees. */
static char *ignored_why(struct importer *im, struct pending *pd, bool *ok)
{
	char *dup = duplicate_problem(im, im->wvals[im->f_id]);
	if (dup)
		return dup;
	char *why = NULL;
	*ok = insert_resident(im, &pd->h, &why);
	return why;
}

/* Ends the row given last, written or not. -1 when the load must stop. */
static int rows_end_pending(struct rows_load *load)
{
	if (!load->pending)
		return 0;
	load->pending = false;
	struct importer *im = load->f.im;
	bool ok = sqlite3_last_insert_rowid(im->db) == load->pd.rid;
	char *why = ok ? NULL : ignored_why(im, &load->pd, &ok);
	if (ok) {
		free(why);
		why = NULL;
	}
	return row_end(im, load->s, load->rj, &load->pd, ok, why, load->f.o->dry_run, &load->err);
}

/* The next row to write: the one before ended, rows refused before their INSERT
 * passed over. */
static int rows_next(sqlite3_vtab_cursor *cur)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;
	struct rows_load *load = c->load;
	if (rows_end_pending(load) != 0)
		return SQLITE_ABORT;
	struct row_item *it;
	while ((it = feed_next(&load->f))) {
		int rc = row_begin(load->f.im, load->s, load->rj, it, load->f.o->dry_run, &load->pd, &load->err);
		if (rc < 0)
			return SQLITE_ABORT;
		if (rc == 1) {
			load->pending = true;
			/* the household just written set it: cleared, it tells whether this row went in */
			sqlite3_set_last_insert_rowid(load->f.im->db, 0);
			return SQLITE_OK;
		}
	}
	c->eof = true;
	return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *str, int argc, sqlite3_value **argv)
{
	(void)idx, (void)str, (void)argc, (void)argv;
	return rows_next(cur);
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
	return ((struct rows_cursor *)cur)->eof;
}

/* The pending row's values, as insert_resident binds them. */
static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct rows_load *load = ((struct rows_cursor *)cur)->load;
	struct importer *im = load->f.im;
	size_t n = im->nres_fields;
	const char *v = (size_t)col < n ? im->wvals[im->res_fields[col]] : NULL;
	switch ((size_t)col < n ? -1 : (int)((size_t)col - n)) {
	case -1:
		if (v && *v)
			sqlite3_result_text(ctx, v, -1, SQLITE_STATIC);
		break;
	case ROWS_HOUSEHOLD:
		if (load->pd.h.id)
			sqlite3_result_int64(ctx, load->pd.h.id);
		break;
	case ROWS_VERSION:
		sqlite3_result_int(ctx, im->def->version);
		break;
	case ROWS_CREATED:
	case ROWS_UPDATED:
		sqlite3_result_text(ctx, im->now, -1, SQLITE_STATIC);
		break;
	case ROWS_ID:
		sqlite3_result_int64(ctx, load->pd.rid);
		break;
	}
	return SQLITE_OK;   /* a column left without a result is NULL */
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = ((struct rows_cursor *)cur)->load->pd.rid;
	return SQLITE_OK;
}

/* Eponymous only: it exists for the one statement of the load. */
static const sqlite3_module rows_module = {
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

/* SQLite's CHECK constraints off for the load's one INSERT, when the writer applies
 * rowcheck's rules to every row anyway (rules_make): SQLite spent a third of the
 * writing on them. true when they are off. */
static bool sqlite_checks_off(struct importer *im)
{
	return im->res_check &&
	       sqlite3_exec(im->db, "PRAGMA ignore_check_constraints = ON", NULL, NULL, NULL) == SQLITE_OK;
}

/* Writes every row through one INSERT ... SELECT from sz_import_rows. */
static int write_rows_table(struct importer *im, struct feed *f, const struct source *s, struct rejects *rj,
			    char **err)
{
	struct rows_load load = {.f = *f, .s = s, .rj = rj};
	sqlite3_stmt *stmt = NULL;
	bool unchecked = sqlite_checks_off(im);
	int rc = sqlite3_create_module(im->db, "sz_import_rows", &rows_module, &load);
	char *sql = NULL;
	if (rc == SQLITE_OK) {
		sql = xasprintf("INSERT OR IGNORE INTO resident (%s) SELECT * FROM sz_import_rows", im->res_columns);
		rc = sqlite3_prepare_v2(im->db, sql, -1, &stmt, NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	int done = rc == SQLITE_DONE ? 0 : -1;
	if (done != 0) {
		im->broken = true;
		*err = load.err ? load.err : write_failure(im, "resident");
		load.err = NULL;
	}
	sqlite3_finalize(stmt);
	if (unchecked)   /* SQLite checks again, for whatever the load writes after its rows */
		sqlite3_exec(im->db, "PRAGMA ignore_check_constraints = OFF", NULL, NULL, NULL);
	sqlite3_create_module(im->db, "sz_import_rows", NULL, NULL);
	if (load.pending)
		pending_free(im, &load.pd);
	free(load.err);
	free(sql);
	*f = load.f;
	return done;
}

/* Whether the rows may go through sz_import_rows: nothing of the load may write
 * through the store's audited path, which opens savepoints (a household of the
 * register before the load getting its head, a village group added). */
static bool use_rows_table(struct importer *im, const struct import_opts *o)
{
	return !o->new_groups && im->hh_none_before;
}

/* Reads every data row into the open bulk load: the reading thread checks, this
 * one writes, the keys thread makes the search keys. */
static int import_rows(struct importer *im, struct source *s, struct rejects *rj,
		       const struct import_opts *o, char **err)
{
	struct pipeline p = {.im = im, .s = s, .keys_on = im->keys != NULL};
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.changed, NULL);
	pthread_t reader, keys;
	int started = p.keys_on ? pthread_create(&keys, NULL, keys_main, &p) : 0;
	if (started == 0 && (started = pthread_create(&reader, NULL, reader_main, &p)) != 0 && p.keys_on) {
		p.all_written = true;
		pthread_join(keys, NULL);
		free(p.keys_err);
	}
	if (started != 0) {
		*err = xasprintf("%s", strerror(started));
		pthread_cond_destroy(&p.changed);
		pthread_mutex_destroy(&p.mu);
		return -1;
	}
	int rc = 0;
	struct batch *b;
	double cpu0 = thread_cpu_seconds();
	struct feed f = {.im = im, .p = &p, .o = o};
	if (use_rows_table(im, o)) {
		rc = write_rows_table(im, &f, s, rj, err);
	} else {
		struct row_item *it;
		while (rc == 0 && (it = feed_next(&f)))
			rc = write_item(im, s, rj, it, o->dry_run, err);
	}
	feed_end(&f);
	pthread_mutex_lock(&p.mu);
	p.stop = true;
	pthread_cond_broadcast(&p.changed);
	pthread_mutex_unlock(&p.mu);
	pthread_join(reader, NULL);
	im->rep->cpu_writer = thread_cpu_seconds() - cpu0;
	if (p.keys_on) {
		pthread_mutex_lock(&p.mu);
		p.all_written = true;
		pthread_cond_broadcast(&p.changed);
		pthread_mutex_unlock(&p.mu);
		pthread_join(keys, NULL);
	}
	im->rep->cpu_reader = p.cpu;
	im->rep->cpu_keys = p.cpu_keys;
	while ((b = queue_take(&p)))
		batch_free(b);
	batch_list_free(p.written);
	if (rc == 0 && p.rc != 0) {
		*err = p.err;
		p.err = NULL;
		rc = -1;
	}
	if (rc == 0 && p.keys_rc != 0) {
		*err = p.keys_err;
		p.keys_err = NULL;
		rc = -1;
	}
	free(p.err);
	free(p.keys_err);
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

/* Puts the keys the reading thread made into resident_key, for store_bulk_end to
 * leave alone; their memory is given back before the end's index builds. */
static int keys_fill(struct importer *im, char **err)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = import_keys_fill(im->keys, im->db, im->first_resident, err);
	import_keys_free(im->keys);
	im->keys = NULL;
	if (rc == 0)
		store_bulk_keys_filled(im->st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	im->rep->seconds_keys = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}

int import_residents(struct store *st, const struct form_registry *forms, const char *path,
		     const struct import_opts *o, struct import_report *rep, char **err)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(rep, 0, sizeof *rep);
	rep->dry_run = o->dry_run;
	struct source s;
	if (source_open(&s, path, o->encoding, err) != 0)
		return -1;
	rep->encoding = s.enc;
	struct importer im = {.st = st, .db = store_db(st), .rep = rep, .new_groups = o->new_groups};
	store_now(im.now);
	struct rejects rj = {.path = o->rejects_path ? xstrdup(o->rejects_path) : rejects_default_path(path)};
	int rc = importer_start(&im, &s, forms, o, err);
	if (rc == 0) {
		rep->mapping = mapping_text(&im.map);
		rj.headers = (const char *const *)im.map.headers;
		rj.ncols = im.map.n;
		while (rj.ncols && !*im.map.headers[rj.ncols - 1])
			rj.ncols--;   /* Excel's trailing empty columns: the reason follows the last named one */
		/* the file named in the load's audit entries: who imported what, and when */
		char *reason = xasprintf(_("import of %s"), path);
		rc = store_bulk_begin(st, reason, STORE_BULK_OWN_REFERENCES, err);
		free(reason);
		if (rc == 0 && (store_bulk_defer_indexes(st, "resident", err) != 0 ||
				store_bulk_defer_indexes(st, "household", err) != 0)) {
			store_rollback(st);
			rc = -1;
		}
	}

	if (rc == 0) {
		/* in a village's block: a resident who moved here keeps an id of another's (sync.h) */
		long long first, end;
		sync_bulk_span(st, "household", &first, &end);
		im.first_household = im.last_household = first;
		im.hh_none_before = query_int64(im.db, "SELECT NOT EXISTS (SELECT 1 FROM household)") == 1;
		if (im.hh_none_before)
			im.hh_written = xcalloc(HH_WRITTEN_BITS / 64, sizeof *im.hh_written);
		sync_bulk_span(st, "resident", &first, &end);
		im.first_resident = im.last_resident = first;
		if (!o->dry_run && !im.check_in_writer)
			im.keys = import_keys_new(o->keys_memory ? o->keys_memory : KEYS_MEMORY);
		rc = import_rows(&im, &s, &rj, o, err);
		/* the source lines are for the rows' messages; the sorts to come want the memory */
		free(im.lines);
		im.lines = NULL;
		im.nlines = im.cap_lines = 0;
		struct timespec tr;
		clock_gettime(CLOCK_MONOTONIC, &tr);
		rep->seconds_rows = (double)(tr.tv_sec - t0.tv_sec) + (double)(tr.tv_nsec - t0.tv_nsec) / 1e9;
		char *sql = xasprintf("SELECT count(*) FROM household WHERE head_id IS NULL AND id > %lld",
				      (long long)im.first_household);
		rep->households_headless = query_int64(im.db, sql);
		free(sql);
		/* the refusals are complete on the disk before the rows are committed: a
		 * rejects file that cannot be written undoes the import (all or nothing) */
		if (rc == 0 && !o->dry_run)
			rc = rejects_close(&rj, err);
		if (rc == 0 && im.keys)
			rc = keys_fill(&im, err);
		/* ids are given one after another and a household taken back gives its id
		 * to the next (drop_household): the load's audit needs no count */
		store_bulk_wrote(st, "resident", im.first_resident + 1, im.last_resident);
		store_bulk_wrote(st, "household", im.first_household + 1, im.last_household);
		if (rc != 0 || o->dry_run)
			store_rollback(st);
		else
			rc = store_bulk_end(st, err);
	}
	rep->format = xstrdup(s.format ? s.format : "CSV");
	char *cerr = NULL;
	if (rejects_close(&rj, &cerr) != 0 && rc == 0) {
		*err = cerr;
		cerr = NULL;
		rc = -1;
	}
	free(cerr);
	if (rc != 0 && rj.opened && regular_file(rj.path))
		unlink(rj.path);   /* nothing was imported: no half a list of refusals either */
	else if (rep->refused && !o->dry_run)
		rep->rejects_path = xstrdup(rj.path);
	free(rj.path);
	rep->problems = sb_take(&im.problems);
	if (rc == 0)
		leftovers_report(&im, rep);
	importer_finish(&im);
	source_close(&s);
	if (rc != 0) {
		rep->imported = 0;
		rep->households_new = rep->households_joined = 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}

void import_report_free(struct import_report *r)
{
	free(r->format);
	free(r->rejects_path);
	free(r->problems);
	free(r->mapping);
	free(r->warning_lines);
	free(r->to_notes);
	free(r->left_out);
	free(r->groups_unknown);
	free(r->groups_added);
	memset(r, 0, sizeof *r);
}

char *import_report_text(const struct import_report *r)
{
	struct strbuf sb = {0};
	bool text = r->format && (strcmp(r->format, "CSV") == 0 || strcmp(r->format, "TSV") == 0);
	/* "(CSV gb18030)", or "(Excel XLSX)" for a spreadsheet */
	sb_appendf(&sb, _("Read %ld rows (%s %s) in %.1f s.\n"), r->rows,
		   text ? r->format : "Excel", text ? enc_name(r->encoding) : r->format ? r->format : "",
		   r->seconds);
	if (r->dry_run)
		sb_appendf(&sb, _("Dry run: nothing was changed. %ld rows would be imported, %ld refused.\n"),
			   r->imported, r->refused);
	else
		sb_appendf(&sb, _("Imported %ld rows, refused %ld.\n"), r->imported, r->refused);
	sb_appendf(&sb, _("Households: %ld new, %ld existing joined.\n"), r->households_new, r->households_joined);
	if (r->households_headless)
		sb_appendf(&sb, _("%ld new households have no head (与户主关系 02) in the file.\n"),
			   r->households_headless);
	if (r->grids_unknown)
		sb_appendf(&sb, _("%ld households name a grid the register does not have; they were left "
				  "without a grid.\n"), r->grids_unknown);
	if (r->groups_added)
		sb_appendf(&sb, r->dry_run ? _("Village groups that would be added: %s.\n")
					   : _("Village groups added: %s.\n"), r->groups_added);
	if (r->groups_unknown)
		sb_appendf(&sb, _("Village groups the households' villages do not have (their rows are refused; "
				  "add them under System, Village groups, or import again with --new-groups): %s.\n"),
			   r->groups_unknown);
	if (r->checked_against_register)
		sb_appendf(&sb, "%s\n", _("The resident form has rules that look in the register: each row was "
					  "checked against it in turn, which is slower."));
	if (r->to_notes)
		sb_appendf(&sb, _("Columns with no field of their own, kept in the residents' notes as "
				  "\"column: value\" (cells): %s.\n"), r->to_notes);
	if (r->left_out)
		sb_appendf(&sb, _("Columns left out as asked, not imported (cells): %s.\n"), r->left_out);
	if (r->warning_lines && *r->warning_lines) {
		sb_appendf(&sb, "%s\n", _("Warnings:"));
		sb_append(&sb, r->warning_lines);
		if (r->warnings > PROBLEMS_KEPT)
			sb_appendf(&sb, _("... and %ld more.\n"), r->warnings - PROBLEMS_KEPT);
	}
	if (r->problems && *r->problems) {
		sb_appendf(&sb, "%s\n", _("Refused rows:"));
		sb_append(&sb, r->problems);
		if (r->refused > PROBLEMS_KEPT)
			sb_appendf(&sb, _("... and %ld more.\n"), r->refused - PROBLEMS_KEPT);
	}
	if (r->rejects_path)
		sb_appendf(&sb, _("The refused rows, with the reason in the last column, are in %s.\n"),
			   r->rejects_path);
	return sb_take(&sb);
}
