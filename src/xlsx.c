/* xlsx: .xlsx and .xls rows in, .xlsx rows out, through Debian's libraries.
 *
 * .xlsx is a zip of XML parts: libzip opens the container and each part is streamed
 * through libxml2's xmlTextReader, so a worksheet is never held whole. The shared
 * string table, which every cell of text points into, is held in memory while it is
 * small and moved to a temporary SQLite file when it is not: a million-row roster's
 * names, ID numbers and phones are millions of strings. The first worksheet is the
 * one workbook.xml lists first, found through its relationship part. */
#include "xlsx.h"

#include <libxml/xmlreader.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>
#include <freexl.h>
#include <sqlite3.h>

#include "i18n.h"
#include "util.h"

#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
/* Excel's own limits: more would not be a spreadsheet a clerk can open */
#define XLSX_MAX_ROWS 1048576
#define XLSX_MAX_COLS 16384

/* The shared string table: strings by index, in memory up to shared_memory_max
 * bytes, then all of them in a temporary database (rowid = index + 1). */
struct shared_table {
	char **mem;
	size_t n, cap, bytes;
	sqlite3 *db;
	sqlite3_stmt *ins, *get;
	/* the last few looked up by index: 男, 汉族, 户主 repeat on every row */
	char *recent[256];
	size_t recent_index[256];
};

/* Text and bookkeeping of the shared strings kept in memory, at most. */
static size_t shared_memory_max = 4u << 20;

struct sheet_reader {
	enum sheet_kind kind;
	/* .xlsx */
	zip_t *zip;
	xmlTextReaderPtr xml;
	struct shared_table shared;
	/* .xls */
	const void *xls;
	unsigned xls_rows, xls_row;
	unsigned short xls_cols;
	/* the row handed out */
	char **fields;
	size_t n, cap;
	char *path;
};

/* ---- suffixes ---- */

/* True when path ends with suffix, ignoring case. */
static bool ends_with(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);
	return n > m && strcasecmp(path + n - m, suffix) == 0;
}

bool sheet_is_xlsx(const char *path)
{
	return ends_with(path, ".xlsx");
}

bool sheet_is_xls(const char *path)
{
	return ends_with(path, ".xls");
}

/* ---- the row being built ---- */

/* Empties the row. */
static void row_clear(struct sheet_reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
}

/* Puts value (taken) in column col, filling the columns before it with "". */
static void row_set(struct sheet_reader *r, size_t col, char *value)
{
	if (col >= r->cap) {
		size_t cap = r->cap ? r->cap : 16;
		while (cap <= col)
			cap *= 2;
		r->fields = xrealloc(r->fields, cap * sizeof *r->fields);
		r->cap = cap;
	}
	while (r->n <= col)
		r->fields[r->n++] = xstrdup("");
	free(r->fields[col]);
	r->fields[col] = value;
}

/* True when the row has some text in it. */
static bool row_has_text(const struct sheet_reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->fields[i][0])
			return true;
	return false;
}

/* ---- .xlsx parts ---- */

/* libxml2 reads a zip entry through these two. */
static int zip_read_cb(void *ctx, char *buf, int len)
{
	zip_int64_t n = zip_fread(ctx, buf, (zip_uint64_t)len);
	return n < 0 ? -1 : (int)n;
}

/* Closes the zip entry when libxml2 is done with it. */
static int zip_close_cb(void *ctx)
{
	zip_fclose(ctx);
	return 0;
}

/* A streaming XML reader on one part of the container, or NULL when it is missing. */
static xmlTextReaderPtr open_part(zip_t *z, const char *name)
{
	zip_file_t *zf = zip_fopen(z, name, 0);
	if (!zf)
		return NULL;
	return xmlReaderForIO(zip_read_cb, zip_close_cb, zf, name, NULL,
			      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
}

/* True when the reader stands on the start of element local. */
static bool at_start(xmlTextReaderPtr x, const char *local)
{
	return xmlTextReaderNodeType(x) == XML_READER_TYPE_ELEMENT &&
	       strcmp((const char *)xmlTextReaderConstLocalName(x), local) == 0;
}

/* True when the reader stands on the end of element local. */
static bool at_end(xmlTextReaderPtr x, const char *local)
{
	return xmlTextReaderNodeType(x) == XML_READER_TYPE_END_ELEMENT &&
	       strcmp((const char *)xmlTextReaderConstLocalName(x), local) == 0;
}

/* An attribute's value (caller frees), or NULL. */
static char *attr(xmlTextReaderPtr x, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(x, (const xmlChar *)name);
	char *s = v ? xstrdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

/* The part of the first worksheet: workbook.xml's first sheet, through the rels. */
static char *first_sheet_part(zip_t *z)
{
	char *rid = NULL, *target = NULL;
	xmlTextReaderPtr x = open_part(z, "xl/workbook.xml");
	while (x && !rid && xmlTextReaderRead(x) == 1)
		if (at_start(x, "sheet")) {
			xmlChar *v = xmlTextReaderGetAttributeNs(x, (const xmlChar *)"id",
								 (const xmlChar *)NS_REL);
			rid = v ? xstrdup((const char *)v) : NULL;
			xmlFree(v);
		}
	if (x)
		xmlFreeTextReader(x);
	x = rid ? open_part(z, "xl/_rels/workbook.xml.rels") : NULL;
	while (x && !target && xmlTextReaderRead(x) == 1)
		if (at_start(x, "Relationship")) {
			char *id = attr(x, "Id");
			if (id && strcmp(id, rid) == 0)
				target = attr(x, "Target");
			free(id);
		}
	if (x)
		xmlFreeTextReader(x);
	free(rid);
	if (!target)
		return xstrdup("xl/worksheets/sheet1.xml");
	char *part = target[0] == '/' ? xstrdup(target + 1) : xasprintf("xl/%s", target);
	free(target);
	return part;
}

/* Reads the text of an <si> or <is>: its <t> runs, leaving out phonetic runs. */
static char *read_rich_text(xmlTextReaderPtr x, const char *end)
{
	struct strbuf sb = {0};
	bool in_t = false;
	int skip = 0;
	while (xmlTextReaderRead(x) == 1 && !at_end(x, end)) {
		if (at_start(x, "rPh") && !xmlTextReaderIsEmptyElement(x))
			skip++;
		else if (at_end(x, "rPh"))
			skip--;
		else if (at_start(x, "t"))
			in_t = !xmlTextReaderIsEmptyElement(x);
		else if (at_end(x, "t"))
			in_t = false;
		else if (in_t && !skip) {
			int type = xmlTextReaderNodeType(x);
			if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
			    type == XML_READER_TYPE_CDATA)
				sb_append(&sb, (const char *)xmlTextReaderConstValue(x));
		}
	}
	return sb_take(&sb);
}

/* ---- the shared string table ---- */

void sheet_set_shared_memory_max(size_t bytes)
{
	shared_memory_max = bytes;
}

/* Moves the table to a temporary database; false when SQLite cannot make one. */
static bool shared_spill(struct shared_table *t)
{
	/* "": a private temporary file, removed when closed; its cache is 1 MiB */
	if (sqlite3_open_v2("", &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(t->db, "PRAGMA cache_size = -1024; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
			 "CREATE TABLE s (t TEXT NOT NULL); BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->db, "INSERT INTO s (rowid, t) VALUES (?1, ?2)", -1, &t->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->db, "SELECT t FROM s WHERE rowid = ?1", -1, &t->get, NULL) != SQLITE_OK)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		sqlite3_bind_int64(t->ins, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(t->ins, 2, t->mem[i], -1, SQLITE_STATIC);
		int rc = sqlite3_step(t->ins);
		sqlite3_reset(t->ins);
		if (rc != SQLITE_DONE)
			return false;
		free(t->mem[i]);
	}
	free(t->mem);
	t->mem = NULL;
	t->cap = 0;
	return true;
}

/* Adds string number t->n (taken); false when it could not be kept. */
static bool shared_add(struct shared_table *t, char *s)
{
	size_t len = strlen(s);
	if (!t->db && t->bytes + len + 1 + 3 * sizeof(char *) > shared_memory_max && !shared_spill(t)) {
		free(s);
		return false;
	}
	if (t->db) {
		sqlite3_bind_int64(t->ins, 1, (sqlite3_int64)t->n + 1);
		sqlite3_bind_text(t->ins, 2, s, (int)len, free);
		int rc = sqlite3_step(t->ins);
		sqlite3_reset(t->ins);
		if (rc != SQLITE_DONE)
			return false;
	} else {
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 256;
			t->mem = xrealloc(t->mem, t->cap * sizeof *t->mem);
		}
		t->mem[t->n] = s;
		t->bytes += len + 1 + 3 * sizeof(char *);   /* the pointer and malloc's own */
	}
	t->n++;
	return true;
}

/* String number i (a copy), or NULL when there is no such string. */
static char *shared_get(struct shared_table *t, size_t i)
{
	if (i >= t->n)
		return NULL;
	if (!t->db)
		return xstrdup(t->mem[i]);
	size_t slot = i % ARRAY_LEN(t->recent);
	if (t->recent[slot] && t->recent_index[slot] == i)
		return xstrdup(t->recent[slot]);
	char *v = NULL;
	sqlite3_bind_int64(t->get, 1, (sqlite3_int64)i + 1);
	if (sqlite3_step(t->get) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(t->get, 0));
	sqlite3_reset(t->get);
	if (v) {
		free(t->recent[slot]);
		t->recent[slot] = xstrdup(v);
		t->recent_index[slot] = i;
	}
	return v;
}

static void shared_free(struct shared_table *t)
{
	for (size_t i = 0; t->mem && i < t->n; i++)
		free(t->mem[i]);
	free(t->mem);
	for (size_t i = 0; i < ARRAY_LEN(t->recent); i++)
		free(t->recent[i]);
	sqlite3_finalize(t->ins);
	sqlite3_finalize(t->get);
	sqlite3_close(t->db);   /* the temporary file goes with it */
	memset(t, 0, sizeof *t);
}

/* Loads the shared string table (absent in a workbook of numbers only); false with
 * *err when it cannot be kept. */
static bool load_shared(struct sheet_reader *r, char **err)
{
	xmlTextReaderPtr x = open_part(r->zip, "xl/sharedStrings.xml");
	bool ok = true;
	while (ok && x && xmlTextReaderRead(x) == 1) {
		if (!at_start(x, "si"))
			continue;
		char *s = xmlTextReaderIsEmptyElement(x) ? xstrdup("") : read_rich_text(x, "si");
		ok = shared_add(&r->shared, s);
	}
	if (x)
		xmlFreeTextReader(x);
	if (!ok && err)
		*err = xasprintf(_("%s: the shared strings cannot be kept (%s)"), r->path,
				 r->shared.db ? sqlite3_errmsg(r->shared.db) : _("no temporary file"));
	return ok;
}

/* Column index of a cell reference ("AB12" -> 27); -1 when there is none. */
static long cell_column(const char *ref)
{
	long col = 0;
	const char *p = ref;
	for (; *p >= 'A' && *p <= 'Z'; p++)
		col = col * 26 + (*p - 'A' + 1);
	return p == ref || col > XLSX_MAX_COLS ? -1 : col - 1;
}

static char *number_cell(char *v);

/* The text of the <v> or <is> of the current <c>, resolved by its type; NULL with
 * *broken the reference when a shared string it points to is not there. */
static char *read_cell(struct sheet_reader *r, const char *type, char **broken)
{
	xmlTextReaderPtr x = r->xml;
	char *value = NULL;
	if (xmlTextReaderIsEmptyElement(x))
		return xstrdup("");
	while (xmlTextReaderRead(x) == 1 && !at_end(x, "c")) {
		if (at_start(x, "is")) {
			free(value);
			value = read_rich_text(x, "is");
		} else if (at_start(x, "v") && !xmlTextReaderIsEmptyElement(x)) {
			xmlChar *v = xmlTextReaderReadString(x);
			free(value);
			value = xstrdup(v ? (const char *)v : "");
			xmlFree(v);
		}
	}
	if (!value)
		return xstrdup("");
	if (type && strcmp(type, "s") == 0) {
		char *end;
		unsigned long i = strtoul(value, &end, 10);
		char *shared = *end == '\0' && *value ? shared_get(&r->shared, i) : NULL;
		if (!shared) {
			*broken = value;   /* the reference, for the message */
			return NULL;
		}
		free(value);
		return shared;
	}
	if (type && strcmp(type, "b") == 0) {
		char *b = xstrdup(strcmp(value, "1") == 0 ? "TRUE" : "FALSE");
		free(value);
		return b;
	}
	return !type || strcmp(type, "n") == 0 ? number_cell(value) : value;
}

/* The next non-empty row of the worksheet. */
static int xlsx_next(struct sheet_reader *r, struct csv_row *row, char **err)
{
	xmlTextReaderPtr x = r->xml;
	long rownum = 0;
	int rc;
	row_clear(r);
	while ((rc = xmlTextReaderRead(x)) == 1) {
		if (at_start(x, "row")) {
			char *rr = attr(x, "r");
			rownum = rr ? atol(rr) : rownum + 1;
			free(rr);
			row_clear(r);
			if (xmlTextReaderIsEmptyElement(x))
				continue;
		} else if (at_start(x, "c")) {
			char *ref = attr(x, "r"), *type = attr(x, "t"), *broken = NULL;
			long col = ref ? cell_column(ref) : (long)r->n;
			char *v = read_cell(r, type, &broken);
			free(type);
			if (!v) {
				if (err)
					*err = xasprintf(_("%s: row %ld, cell %s: its text (shared string %s) is not in "
							   "the workbook; the file is damaged"),
							 r->path, rownum, ref ? ref : "?", broken);
				free(broken);
				free(ref);
				return -1;
			}
			free(ref);
			if (col >= 0)
				row_set(r, (size_t)col, v);
			else
				free(v);
		} else if (at_end(x, "row") && row_has_text(r)) {
			row->fields = r->fields;
			row->n = r->n;
			row->line = rownum;
			return 1;
		}
	}
	if (rc < 0) {
		if (err)
			*err = xasprintf(_("%s: the worksheet is damaged near row %ld"), r->path, rownum);
		return -1;
	}
	return 0;
}

/* Opens an .xlsx: its container, shared strings and first worksheet. */
static bool xlsx_open(struct sheet_reader *r, const char *path, char **err)
{
	int zerr = 0;
	r->zip = zip_open(path, ZIP_RDONLY, &zerr);
	if (!r->zip) {
		if (err)
			*err = xasprintf(_("%s: not an .xlsx workbook (it cannot be opened as one)"), path);
		return false;
	}
	if (!load_shared(r, err))
		return false;
	char *part = first_sheet_part(r->zip);
	r->xml = open_part(r->zip, part);
	if (!r->xml && err)
		*err = xasprintf(_("%s: the workbook has no worksheet %s"), path, part);
	free(part);
	return r->xml != NULL;
}

/* ---- .xls ---- */

/* A number as Excel's General format shows it: whole numbers of up to 11 digits in
 * full, larger ones as 5.20111E+17 (what a clerk sees, and what import refuses as an
 * ID number Excel has spoilt: its last digits are gone). Caller frees. */
static char *number_text(double d)
{
	if (fabs(d) >= 1e11) {
		char mant[32];
		int exp10;
		snprintf(mant, sizeof mant, "%.5E", d);
		char *e = strchr(mant, 'E');
		exp10 = atoi(e + 1);
		*e = '\0';
		size_t n = strlen(mant);
		while (n > 1 && mant[n - 1] == '0')
			mant[--n] = '\0';
		if (n && mant[n - 1] == '.')
			mant[--n] = '\0';
		return xasprintf("%sE+%02d", mant, exp10);
	}
	if (d == floor(d))
		return xasprintf("%.0f", d);
	return xasprintf("%.15G", d);
}

/* A numeric cell's stored text as Excel shows it (see number_text). Caller frees. */
static char *number_cell(char *v)
{
	char *end;
	double d = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || fabs(d) < 1e11)
		return v;
	free(v);
	return number_text(d);
}

/* The next non-empty row of the .xls worksheet. */
static int xls_next(struct sheet_reader *r, struct csv_row *row, char **err)
{
	while (r->xls_row < r->xls_rows) {
		unsigned rn = r->xls_row++;
		row_clear(r);
		for (unsigned short c = 0; c < r->xls_cols; c++) {
			FreeXL_CellValue v;
			if (freexl_get_cell_value(r->xls, rn, c, &v) != FREEXL_OK)
				continue;
			char *s = NULL;
			switch (v.type) {
			case FREEXL_CELL_INT: s = xasprintf("%d", v.value.int_value); break;
			case FREEXL_CELL_DOUBLE: s = number_text(v.value.double_value); break;
			case FREEXL_CELL_TEXT:
			case FREEXL_CELL_SST_TEXT:
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
			case FREEXL_CELL_TIME: s = xstrdup(v.value.text_value ? v.value.text_value : ""); break;
			default: break;
			}
			if (s)
				row_set(r, c, s);
		}
		if (row_has_text(r)) {
			row->fields = r->fields;
			row->n = r->n;
			row->line = (long)rn + 1;
			return 1;
		}
	}
	return 0;
}

/* Opens an .xls and its first worksheet. */
static bool xls_open(struct sheet_reader *r, const char *path, char **err)
{
	if (freexl_open(path, &r->xls) != FREEXL_OK || !r->xls ||
	    freexl_select_active_worksheet(r->xls, 0) != FREEXL_OK ||
	    freexl_worksheet_dimensions(r->xls, &r->xls_rows, &r->xls_cols) != FREEXL_OK) {
		if (err)
			*err = xasprintf(_("%s: not an .xls workbook (it cannot be opened as one)"), path);
		return false;
	}
	return true;
}

/* ---- reading, either kind ---- */

struct sheet_reader *sheet_open(const char *path, enum sheet_kind kind, char **err)
{
	struct sheet_reader *r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->path = xstrdup(path);
	bool ok = kind == SHEET_XLSX ? xlsx_open(r, path, err) : xls_open(r, path, err);
	if (!ok) {
		sheet_close(r);
		return NULL;
	}
	return r;
}

int sheet_read(struct sheet_reader *r, struct csv_row *row, char **err)
{
	return r->kind == SHEET_XLSX ? xlsx_next(r, row, err) : xls_next(r, row, err);
}

void sheet_close(struct sheet_reader *r)
{
	if (!r)
		return;
	row_clear(r);
	free(r->fields);
	if (r->xml)
		xmlFreeTextReader(r->xml);
	if (r->zip)
		zip_discard(r->zip);
	shared_free(&r->shared);
	if (r->xls)
		freexl_close(r->xls);
	free(r->path);
	free(r);
}

/* ---- writing ---- */

struct xlsx_writer {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *bold;
	lxw_row_t row;
	char *path;
};

struct xlsx_writer *xlsx_writer_new(const char *path, const char *sheet, char **err)
{
	/* constant memory: each row goes to a temporary file as it is written */
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, sheet) : NULL;
	if (!ws) {
		if (err)
			*err = xasprintf(_("%s: the workbook cannot be created"), path);
		if (wb)
			workbook_close(wb);
		return NULL;
	}
	struct xlsx_writer *w = xcalloc(1, sizeof *w);
	w->wb = wb;
	w->ws = ws;
	w->text = workbook_add_format(wb);
	format_set_num_format(w->text, "@");
	w->bold = workbook_add_format(wb);
	format_set_bold(w->bold);
	w->path = xstrdup(path);
	return w;
}

void xlsx_set_width(struct xlsx_writer *w, size_t col, double width)
{
	worksheet_set_column(w->ws, (lxw_col_t)col, (lxw_col_t)col, width, NULL);
}

/* True when s is a plain number Excel would keep exactly (at most 15 digits). */
static bool plain_number(const char *s)
{
	size_t digits = 0;
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p == '0' && p[1] && p[1] != '.')
		return false;   /* a leading zero is a code, not a number */
	bool dot = false;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dot)
			dot = true;
		else
			return false;
	}
	return digits > 0 && digits <= 15 && p[-1] != '.';
}

int xlsx_write_row(struct xlsx_writer *w, const char *const *fields, size_t n,
		   const bool *text, bool bold, char **err)
{
	if (w->row >= XLSX_MAX_ROWS || n > XLSX_MAX_COLS) {
		if (err)
			*err = xasprintf(_("%s: more rows than a worksheet holds (%d)"), w->path, XLSX_MAX_ROWS);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *v = fields[i] ? fields[i] : "";
		lxw_error e;
		if (!*v)
			continue;
		if (bold)
			e = worksheet_write_string(w->ws, w->row, (lxw_col_t)i, v, w->bold);
		else if (!(text && text[i]) && plain_number(v))
			e = worksheet_write_number(w->ws, w->row, (lxw_col_t)i, strtod(v, NULL), NULL);
		else
			e = worksheet_write_string(w->ws, w->row, (lxw_col_t)i, v,
						   text && text[i] ? w->text : NULL);
		if (e != LXW_NO_ERROR) {
			if (err)
				*err = xasprintf("%s: %s", w->path, lxw_strerror(e));
			return -1;
		}
	}
	w->row++;
	return 0;
}

int xlsx_writer_close(struct xlsx_writer *w, char **err)
{
	lxw_error e = workbook_close(w->wb);
	int rc = 0;
	if (e != LXW_NO_ERROR) {
		if (err)
			*err = xasprintf("%s: %s", w->path, lxw_strerror(e));
		rc = -1;
	}
	free(w->path);
	free(w);
	return rc;
}

void xlsx_writer_abandon(struct xlsx_writer *w)
{
	if (!w)
		return;
	workbook_close(w->wb);
	unlink(w->path);
	free(w->path);
	free(w);
}
