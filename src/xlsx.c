/* xlsx: .xlsx and .xls rows in, .xlsx rows out, through Debian's libraries.
 *
 * .xlsx is a zip of XML parts: libzip opens the container and each part is streamed
 * through libxml2's xmlTextReader, so a worksheet is never held whole. The shared
 * string table, which every cell of text points into, is held in memory while it is
 * small; past that its later strings go to a temporary SQLite file: a million-row
 * roster's names, ID numbers and phones are millions of strings. The first worksheet is the
 * one workbook.xml lists first, found through its relationship part.
 *
 * A workbook is a file from outside, and its libraries are not ours to fix: FreeXL
 * 1.0.6 reads out of bounds on damaged .xls files. So each workbook is parsed in a
 * child process (sandbox.h) with limits on CPU time and memory, its rows sent back
 * over a pipe: a fault, a hang or a blow-up refuses the file, not the program. In the
 * child the zip members are bounded as they are inflated, and so are a cell's and a
 * row's text, so that a small file cannot make the reader hold gigabytes. */
#include "xlsx.h"

#include <errno.h>
#include <libxml/xmlerror.h>
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
#include "sandbox.h"
#include "util.h"

#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
/* Excel's own limits: more would not be a spreadsheet a clerk can open */
#define XLSX_MAX_ROWS 1048576
#define XLSX_MAX_COLS 16384

/* What a zip member may inflate to, counted as it is read. A roster of the 22
 * columns export writes, saved with shared strings as Excel does, measured 64 MB of
 * worksheet and 10 MB of shared strings for 100,000 rows: Excel's 1,048,576 rows
 * come to about 670 and 105 MB. The caps take that largest roster with room to spare
 * and stop a 1 MB file that inflates to 10 GB. The workbook and its relationships list sheets
 * only. Parsing is streamed, so the cap bounds the time, not the memory. */
#define SHEET_PART_MAX (1024ull << 20)
#define SHARED_PART_MAX (256ull << 20)
#define SMALL_PART_MAX (4ull << 20)
/* Longest run of bytes between two '<': a cell's text, escaped, or a tag. Excel's
 * cells hold 32,767 characters (at most about 500 KiB escaped); anything longer,
 * such as a gigabyte of spaces, is refused before libxml2 builds a node of it. */
#define XML_RUN_MAX (1u << 20)
/* The text of one row or one shared string: 64 KiB is 21,845 Chinese characters, 20
 * times the longest field the resident form takes; it keeps the rows the import has
 * in flight (about a thousand) small. */
#define ROW_TEXT_MAX (64u << 10)
/* The child's limits: CPU time for Excel's largest roster with room to spare; the
 * longest silence (the child reports while it loads shared strings); address space
 * beyond what the fork inherits: FreeXL holds a whole .xls (at most 65,536 rows) in
 * memory, an .xlsx needs a few MiB; a runaway stops here, not at the machine's end. */
#define CHILD_CPU_SECONDS 300
#define CHILD_IDLE_SECONDS 30
#define CHILD_MEMORY (256u << 20)
/* The child says it is alive every this many XML nodes. */
#define TICK_EVERY 65536

/* Records from the child: opened, a row, done, an error, alive. */
#define REC_OPENED 'O'
#define REC_ROW 'R'
#define REC_DONE 'D'
#define REC_ERROR 'E'
#define REC_TICK 'K'

/* The shared string table: strings by index, in memory up to shared_memory_max
 * bytes, the rest in a temporary database (rowid = index + 1). The first strings
 * stay in memory: Excel numbers strings as they first appear, so the codes a roster
 * repeats on every row (男, 汉族, 户主, 群众) are among them, and most of a row's
 * cells are read without SQL. */
struct shared_table {
	char **mem;
	size_t n, cap, bytes;
	size_t nmem;       /* once there is a database: the strings before it, in memory */
	sqlite3 *db;
	sqlite3_stmt *ins, *get;
	/* the last few looked up by index: 男, 汉族, 户主 repeat on every row */
	char *recent[256];
	size_t recent_index[256];
};

/* Text and bookkeeping of the shared strings kept in memory, at most. */
static size_t shared_memory_max = 4u << 20;

/* A zip member as libxml2 reads it: counted and scanned as it is inflated. */
struct part_stream {
	zip_file_t *zf;
	const char *name;
	unsigned long long inflated, cap;
	size_t run;   /* bytes since the last '<' */
	enum { PART_OK, PART_TOO_BIG, PART_LONG_RUN } fault;
};

/* The parser itself, in the child (or in this process for the libFuzzer target). */
struct sheet_parser {
	enum sheet_kind kind;
	/* .xlsx */
	zip_t *zip;
	xmlTextReaderPtr xml;
	struct part_stream sheet_stream;
	struct part_stream failed;   /* the member that went over a limit */
	char *sheet_name;
	struct shared_table shared;
	/* .xls */
	const void *xls;
	unsigned xls_rows, xls_row;
	unsigned short xls_cols;
	/* the row handed out */
	char **fields;
	size_t n, cap, text;
	char *path;
	long rownum;   /* the worksheet's row being read */
	/* the child's "alive" message, every TICK_EVERY nodes */
	void (*tick)(void *ctx);
	void *tick_ctx;
	unsigned long nodes;
};

/* The reader handed out: the child's rows, or the parser in this process. */
struct sheet_reader {
	struct sandbox *sb;
	struct sheet_parser *direct;
	char *path;
	char **fields;
	size_t n;
	long last_line;
	bool done;
};

/* Whether workbooks are parsed in this process (the libFuzzer target only). */
static bool parse_in_process;

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
static void row_clear(struct sheet_parser *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
	r->text = 0;
}

/* Puts value (taken) in column col, filling the columns before it with "". */
static void row_set(struct sheet_parser *r, size_t col, char *value)
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
	r->text += strlen(value) - strlen(r->fields[col]);
	free(r->fields[col]);
	r->fields[col] = value;
}

/* True when the row has some text in it. */
static bool row_has_text(const struct sheet_parser *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->fields[i][0])
			return true;
	return false;
}

/* ---- .xlsx parts ---- */

/* Counts what was inflated and the bytes since the last '<'; false over a limit. */
static bool part_account(struct part_stream *ps, const char *buf, size_t n)
{
	ps->inflated += n;
	if (ps->inflated > ps->cap) {
		ps->fault = PART_TOO_BIG;
		return false;
	}
	const char *p = buf, *end = buf + n, *lt;
	while ((lt = memchr(p, '<', (size_t)(end - p)))) {
		if (ps->run + (size_t)(lt - p) > XML_RUN_MAX)
			break;
		ps->run = 0;
		p = lt + 1;
	}
	ps->run += (size_t)((lt ? lt : end) - p);
	if (ps->run > XML_RUN_MAX) {
		ps->fault = PART_LONG_RUN;
		return false;
	}
	return true;
}

/* libxml2 reads a zip entry through these two: a member over a limit reads as an
 * error, which ends the parse before the bytes are kept. */
static int zip_read_cb(void *ctx, char *buf, int len)
{
	struct part_stream *ps = ctx;
	zip_int64_t n = zip_fread(ps->zf, buf, (zip_uint64_t)len);
	if (n < 0 || !part_account(ps, buf, (size_t)n))
		return -1;
	return (int)n;
}

/* Closes the zip entry when libxml2 is done with it. */
static int zip_close_cb(void *ctx)
{
	struct part_stream *ps = ctx;
	zip_fclose(ps->zf);
	ps->zf = NULL;
	return 0;
}

/* A streaming XML reader on one part of the container, reading through ps, or NULL
 * when the part is missing or declares itself over cap (ps->fault). No
 * XML_PARSE_HUGE: libxml2 keeps its own 10 MB limit on a node besides ours. */
static xmlTextReaderPtr open_part(zip_t *z, const char *name, unsigned long long cap, struct part_stream *ps)
{
	memset(ps, 0, sizeof *ps);
	ps->name = name;
	ps->cap = cap;
	zip_stat_t st;
	if (zip_stat(z, name, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && st.size > cap) {
		ps->fault = PART_TOO_BIG;
		return NULL;
	}
	ps->zf = zip_fopen(z, name, 0);
	if (!ps->zf)
		return NULL;
	xmlTextReaderPtr x = xmlReaderForIO(zip_read_cb, zip_close_cb, ps, name, NULL,
					    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!x && ps->zf) {
		zip_fclose(ps->zf);
		ps->zf = NULL;
	}
	return x;
}

/* Keeps the part that went over a limit for the message; true when one did. */
static bool part_failed(struct sheet_parser *r, const struct part_stream *ps)
{
	if (ps->fault == PART_OK)
		return false;
	if (r->failed.fault == PART_OK)
		r->failed = *ps;
	return true;
}

/* The message for a part over a limit. Caller frees. */
static char *part_fault_message(const struct sheet_parser *r)
{
	const struct part_stream *ps = &r->failed;
	if (ps->fault == PART_TOO_BIG)
		return xasprintf(_("%s: %s inflates to more than %llu MiB, more than any roster needs: the workbook "
				   "is refused"), r->path, ps->name, ps->cap >> 20);
	return xasprintf(_("%s: %s holds more than %u KiB of text or spaces in one run, more than any cell "
			   "holds: the workbook is refused"), r->path, ps->name, XML_RUN_MAX >> 10);
}

/* The child's sign of life every TICK_EVERY nodes read. */
static void tick(struct sheet_parser *r)
{
	if (++r->nodes % TICK_EVERY == 0 && r->tick)
		r->tick(r->tick_ctx);
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

/* The part of the first worksheet: workbook.xml's first sheet, through the rels;
 * NULL when one of them goes over a limit (r->failed). */
static char *first_sheet_part(struct sheet_parser *r)
{
	char *rid = NULL, *target = NULL;
	zip_t *z = r->zip;
	struct part_stream book, rels = {0};
	xmlTextReaderPtr x = open_part(z, "xl/workbook.xml", SMALL_PART_MAX, &book);
	while (x && !rid && xmlTextReaderRead(x) == 1)
		if (at_start(x, "sheet")) {
			xmlChar *v = xmlTextReaderGetAttributeNs(x, (const xmlChar *)"id",
								 (const xmlChar *)NS_REL);
			rid = v ? xstrdup((const char *)v) : NULL;
			xmlFree(v);
		}
	if (x)
		xmlFreeTextReader(x);
	x = rid ? open_part(z, "xl/_rels/workbook.xml.rels", SMALL_PART_MAX, &rels) : NULL;
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
	if (part_failed(r, &book) || part_failed(r, &rels)) {
		free(target);
		return NULL;
	}
	if (!target)
		return xstrdup("xl/worksheets/sheet1.xml");
	char *part = target[0] == '/' ? xstrdup(target + 1) : xasprintf("xl/%s", target);
	free(target);
	return part;
}

/* Reads the text of an <si> or <is>: its <t> runs, leaving out phonetic runs; past
 * ROW_TEXT_MAX bytes the rest is read but not kept, and *too_long set. */
static char *read_rich_text(xmlTextReaderPtr x, const char *end, bool *too_long)
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
			bool text = type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
				    type == XML_READER_TYPE_CDATA;
			if (text && sb.len > ROW_TEXT_MAX)
				*too_long = true;
			else if (text)
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

/* Opens the temporary database the strings from now on go to; false when SQLite
 * cannot make one. */
static bool shared_spill(struct shared_table *t)
{
	t->nmem = t->n;
	/* "": a private temporary file, removed when closed; its cache is 1 MiB */
	if (sqlite3_open_v2("", &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(t->db, "PRAGMA cache_size = -1024; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
			 "CREATE TABLE s (t TEXT NOT NULL); BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->db, "INSERT INTO s (rowid, t) VALUES (?1, ?2)", -1, &t->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->db, "SELECT t FROM s WHERE rowid = ?1", -1, &t->get, NULL) != SQLITE_OK)
		return false;
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
	if (!t->db || i < t->nmem)
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
	for (size_t i = 0; t->mem && i < (t->db ? t->nmem : t->n); i++)
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
static bool load_shared(struct sheet_parser *r, char **err)
{
	struct part_stream ps;
	xmlTextReaderPtr x = open_part(r->zip, "xl/sharedStrings.xml", SHARED_PART_MAX, &ps);
	bool ok = true, too_long = false;
	while (ok && !too_long && x && xmlTextReaderRead(x) == 1) {
		tick(r);
		if (!at_start(x, "si"))
			continue;
		char *s = xmlTextReaderIsEmptyElement(x) ? xstrdup("") : read_rich_text(x, "si", &too_long);
		ok = shared_add(&r->shared, s);
	}
	if (x)
		xmlFreeTextReader(x);
	if (part_failed(r, &ps)) {
		*err = part_fault_message(r);
		return false;
	}
	if (too_long) {
		*err = xasprintf(_("%s: shared string %zu holds more than %u KiB of text, more than any roster "
				   "cell: the workbook is refused"), r->path, r->shared.n, ROW_TEXT_MAX >> 10);
		return false;
	}
	if (!ok)
		*err = xasprintf(_("%s: the shared strings cannot be kept (%s)"), r->path,
				 r->shared.db ? sqlite3_errmsg(r->shared.db) : _("no temporary file"));
	return ok;
}

/* Column index of a cell reference ("AB12" -> 27); -1 when it names no column of a
 * worksheet (A to XFD), however many letters it has. */
static long cell_column(const char *ref)
{
	long col = 0;
	const char *p = ref;
	for (; *p >= 'A' && *p <= 'Z'; p++) {
		col = col * 26 + (*p - 'A' + 1);
		if (col > XLSX_MAX_COLS)
			return -1;   /* stop before the sum can overflow */
	}
	return p == ref ? -1 : col - 1;
}

/* The row number of a <row>'s r attribute, or after the one before; -1 when it is
 * not a row of a worksheet (1 to 1,048,576). */
static long row_number(const char *r_attr, long before)
{
	if (!r_attr)
		return before < XLSX_MAX_ROWS ? before + 1 : -1;
	char *end;
	errno = 0;
	long n = strtol(r_attr, &end, 10);
	return errno || end == r_attr || *end || n < 1 || n > XLSX_MAX_ROWS ? -1 : n;
}

/* A reference as quoted in a message: at most 24 characters of it. Caller frees. */
static char *quoted_ref(const char *ref)
{
	if (!ref)
		return xstrdup("?");
	return strlen(ref) > 24 ? xasprintf("%.24s...", ref) : xstrdup(ref);
}

static char *number_cell(char *v);

/* The text of the <v> or <is> of the current <c>, resolved by its type; NULL with
 * *broken the reference when a shared string it points to is not there; *too_long
 * set when its text is over ROW_TEXT_MAX. */
static char *read_cell(struct sheet_parser *r, const char *type, char **broken, bool *too_long)
{
	xmlTextReaderPtr x = r->xml;
	char *value = NULL;
	if (xmlTextReaderIsEmptyElement(x))
		return xstrdup("");
	while (xmlTextReaderRead(x) == 1 && !at_end(x, "c")) {
		if (at_start(x, "is")) {
			free(value);
			value = read_rich_text(x, "is", too_long);
		} else if (at_start(x, "v") && !xmlTextReaderIsEmptyElement(x)) {
			xmlChar *v = xmlTextReaderReadString(x);
			free(value);
			value = xstrdup(v ? (const char *)v : "");
			xmlFree(v);
			*too_long |= strlen(value) > ROW_TEXT_MAX;
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

/* The message for a cell that names no column, or one past the last. Caller frees. */
static char *bad_column_message(const struct sheet_parser *r, long rownum, const char *ref)
{
	if (!ref)
		return xasprintf(_("%s: row %ld has more than %d cells, more than a worksheet holds: the workbook "
				   "is refused"), r->path, rownum, XLSX_MAX_COLS);
	char *q = quoted_ref(ref);
	char *m = xasprintf(_("%s: row %ld: the cell reference %s names no column of a worksheet (A to XFD): "
			      "the workbook is refused"), r->path, rownum, q);
	free(q);
	return m;
}

/* Reads one <c> into the row; false with *err when the cell or the row is refused. */
static bool xlsx_cell(struct sheet_parser *r, long rownum, char **err)
{
	xmlTextReaderPtr x = r->xml;
	char *ref = attr(x, "r"), *type = attr(x, "t"), *broken = NULL;
	long col = ref ? cell_column(ref) : (long)r->n;
	bool too_long = false;
	char *v = col >= 0 && col < XLSX_MAX_COLS ? read_cell(r, type, &broken, &too_long) : NULL;
	free(type);
	if (v)
		row_set(r, (size_t)col, v);
	bool ok = v && !too_long && r->text <= ROW_TEXT_MAX;
	char *q = quoted_ref(ref);
	if (col < 0 || col >= XLSX_MAX_COLS)
		*err = bad_column_message(r, rownum, ref);
	else if (!v)
		*err = xasprintf(_("%s: row %ld, cell %s: its text (shared string %s) is not in "
				   "the workbook; the file is damaged"), r->path, rownum, q, broken);
	else if (!ok)
		*err = xasprintf(_("%s: row %ld, cell %s: the row holds more than %u KiB of text, more than any "
				   "roster row: the workbook is refused"), r->path, rownum, q, ROW_TEXT_MAX >> 10);
	free(q);
	free(broken);
	free(ref);
	return ok;
}

/* The message when libxml2 stopped: a limit, memory, or damage. Caller frees. */
static char *xlsx_stop_message(struct sheet_parser *r, long rownum)
{
	if (part_failed(r, &r->sheet_stream))
		return part_fault_message(r);
	const xmlError *e = xmlGetLastError();
	if (e && e->code == XML_ERR_NO_MEMORY) {
		fputs("shanzhi: out of memory\n", stderr);   /* the parent tells the clerk */
		abort();
	}
	return xasprintf(_("%s: the worksheet is damaged near row %ld"), r->path, rownum);
}

/* The next non-empty row of the worksheet. */
static int xlsx_next(struct sheet_parser *r, struct csv_row *row, char **err)
{
	xmlTextReaderPtr x = r->xml;
	int rc;
	char *dummy = NULL;
	if (!err)
		err = &dummy;
	row_clear(r);
	while ((rc = xmlTextReaderRead(x)) == 1) {
		tick(r);
		if (at_start(x, "row")) {
			char *rr = attr(x, "r");
			long n = row_number(rr, r->rownum);
			if (n < 0) {
				char *q = quoted_ref(rr);
				*err = xasprintf(_("%s: after row %ld: %s is not a row of a worksheet (1 to %d): the "
						   "workbook is refused"), r->path, r->rownum, q, XLSX_MAX_ROWS);
				free(q);
				free(rr);
				free(dummy);
				return -1;
			}
			free(rr);
			r->rownum = n;
			row_clear(r);
			if (xmlTextReaderIsEmptyElement(x))
				continue;
		} else if (at_start(x, "c")) {
			if (!xlsx_cell(r, r->rownum, err)) {
				free(dummy);
				return -1;
			}
		} else if (at_end(x, "row") && row_has_text(r)) {
			row->fields = r->fields;
			row->n = r->n;
			row->line = r->rownum;
			return 1;
		}
	}
	if (rc < 0) {
		*err = xlsx_stop_message(r, r->rownum);
		free(dummy);
		return -1;
	}
	return 0;
}

/* Opens an .xlsx: its container, shared strings and first worksheet. */
static bool xlsx_open(struct sheet_parser *r, const char *path, char **err)
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
	r->sheet_name = first_sheet_part(r);
	if (!r->sheet_name) {
		*err = part_fault_message(r);
		return false;
	}
	r->xml = open_part(r->zip, r->sheet_name, SHEET_PART_MAX, &r->sheet_stream);
	if (part_failed(r, &r->sheet_stream))
		*err = part_fault_message(r);
	else if (!r->xml)
		*err = xasprintf(_("%s: the workbook has no worksheet %s"), path, r->sheet_name);
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
static int xls_next(struct sheet_parser *r, struct csv_row *row, char **err)
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
		tick(r);
		if (r->text > ROW_TEXT_MAX) {
			*err = xasprintf(_("%s: row %u holds more than %u KiB of text, more than any roster row: the "
					   "workbook is refused"), r->path, rn + 1, ROW_TEXT_MAX >> 10);
			return -1;
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
static bool xls_open(struct sheet_parser *r, const char *path, char **err)
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

static void parser_close(struct sheet_parser *r);

/* Opens the parser; NULL with *err. */
static struct sheet_parser *parser_open(const char *path, enum sheet_kind kind, char **err)
{
	struct sheet_parser *r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->path = xstrdup(path);
	bool ok = kind == SHEET_XLSX ? xlsx_open(r, path, err) : xls_open(r, path, err);
	if (!ok) {
		parser_close(r);
		return NULL;
	}
	return r;
}

/* 1 with a row, 0 at the end, -1 with *err. */
static int parser_read(struct sheet_parser *r, struct csv_row *row, char **err)
{
	return r->kind == SHEET_XLSX ? xlsx_next(r, row, err) : xls_next(r, row, err);
}

static void parser_close(struct sheet_parser *r)
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
	free(r->sheet_name);
	free(r->path);
	free(r);
}

/* ---- the child process ---- */

/* The child's sign of life while it reads without finding rows. */
static void child_tick(void *ctx)
{
	struct sandbox_out *out = ctx;
	sandbox_put(out, REC_TICK, "", 0);
	sandbox_flush(out);
}

/* Sends one row: its line, its number of fields, each field's length and bytes. */
static bool child_send_row(struct sandbox_out *out, const struct csv_row *row)
{
	sandbox_begin(out, REC_ROW);
	sandbox_add_u32(out, (uint32_t)row->line);
	sandbox_add_u32(out, (uint32_t)row->n);
	for (size_t i = 0; i < row->n; i++) {
		size_t len = strlen(row->fields[i]);
		sandbox_add_u32(out, (uint32_t)len);
		sandbox_add(out, row->fields[i], len);
	}
	return sandbox_end_record(out);
}

struct child_args {
	const char *path;
	enum sheet_kind kind;
};

/* The child: opens the workbook, then sends every row, then "done" or the error. */
static int child_main(struct sandbox_out *out, void *arg)
{
	const struct child_args *a = arg;
	char *err = NULL;
	struct sheet_parser *p = parser_open(a->path, a->kind, &err);
	if (!p) {
		sandbox_put(out, REC_ERROR, err ? err : "", err ? strlen(err) : 0);
		return 0;
	}
	/* the shared strings are loaded by now: the parent may stop waiting for the open */
	sandbox_put(out, REC_OPENED, "", 0);
	if (!sandbox_flush(out))
		return 0;
	p->tick = child_tick;
	p->tick_ctx = out;
	struct csv_row row;
	int rc;
	while ((rc = parser_read(p, &row, &err)) == 1)
		if (!child_send_row(out, &row))
			return 0;
	if (rc == 0)
		sandbox_put(out, REC_DONE, "", 0);
	else
		sandbox_put(out, REC_ERROR, err ? err : "", err ? strlen(err) : 0);
	return 0;
}

/* ---- the parent's side ---- */

void sheet_set_in_process(bool yes)
{
	parse_in_process = yes;
}

/* Why the child's rows stopped, with the last row read when there is one. Caller frees. */
static char *child_failure(const struct sheet_reader *r)
{
	enum sandbox_end end = r->sb ? sandbox_end(r->sb) : SANDBOX_CRASHED;
	const char *why = end == SANDBOX_TIMED_OUT ? _("the reader timed out") :
			  end == SANDBOX_OUT_OF_MEMORY ? _("the reader ran out of memory") :
			  _("the reader crashed");
	if (r->last_line > 0)
		return xasprintf(_("%s: row %ld: the workbook could not be read past this row: %s"), r->path,
				 r->last_line, why);
	return xasprintf(_("%s: the workbook could not be read: %s"), r->path, why);
}

/* Frees the row handed out last. */
static void reader_row_clear(struct sheet_reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	free(r->fields);
	r->fields = NULL;
	r->n = 0;
}

/* Takes a row record apart into r->fields; false when it is garbled. */
static bool decode_row(struct sheet_reader *r, const char *p, size_t len, struct csv_row *row)
{
	const char *end = p + len;
	uint32_t line, n;
	reader_row_clear(r);
	if (!sandbox_take_u32(&p, end, &line) || !sandbox_take_u32(&p, end, &n) || n > XLSX_MAX_COLS)
		return false;
	r->fields = xcalloc(n ? n : 1, sizeof *r->fields);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t flen;
		if (!sandbox_take_u32(&p, end, &flen) || flen > (size_t)(end - p))
			return false;
		r->fields[r->n++] = xstrndup(p, flen);
		p += flen;
	}
	r->last_line = (long)line;
	row->fields = r->fields;
	row->n = r->n;
	row->line = r->last_line;
	return true;
}

/* The next record that is not a sign of life; -1 when the child ended without one. */
static int next_record(struct sheet_reader *r, char *tag, const char **p, size_t *len)
{
	int rc;
	while ((rc = sandbox_next(r->sb, tag, p, len)) == 1 && *tag == REC_TICK)
		;
	return rc;
}

struct sheet_reader *sheet_open(const char *path, enum sheet_kind kind, char **err)
{
	char *dummy = NULL;
	if (!err)
		err = &dummy;
	struct sheet_reader *r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	if (parse_in_process) {
		r->direct = parser_open(path, kind, err);
	} else {
		struct child_args a = {.path = path, .kind = kind};
		struct sandbox_limits lim = {.cpu_seconds = CHILD_CPU_SECONDS, .idle_seconds = CHILD_IDLE_SECONDS,
					     .memory_bytes = CHILD_MEMORY};
		r->sb = sandbox_start(child_main, &a, &lim, err);
		char tag = 0;
		const char *p = NULL;
		size_t len = 0;
		int rc = r->sb ? next_record(r, &tag, &p, &len) : 0;
		if (rc == 1 && tag == REC_ERROR)
			*err = xstrndup(p, len);
		else if (rc != 1 && r->sb)
			*err = child_failure(r);
		if (rc != 1 || tag != REC_OPENED) {
			sheet_close(r);
			r = NULL;
		}
	}
	if (r && !r->sb && !r->direct) {
		sheet_close(r);
		r = NULL;
	}
	free(dummy);
	return r;
}

int sheet_read(struct sheet_reader *r, struct csv_row *row, char **err)
{
	if (r->direct)
		return parser_read(r->direct, row, err);
	if (r->done)
		return 0;
	char tag;
	const char *p;
	size_t len;
	int rc = next_record(r, &tag, &p, &len);
	if (rc == 1 && tag == REC_ROW && decode_row(r, p, len, row))
		return 1;
	if (rc == 1 && tag == REC_DONE) {
		r->done = true;
		return 0;
	}
	if (err)
		*err = rc == 1 && tag == REC_ERROR ? xstrndup(p, len) : child_failure(r);
	return -1;
}

void sheet_close(struct sheet_reader *r)
{
	if (!r)
		return;
	reader_row_clear(r);
	sandbox_stop(r->sb);
	parser_close(r->direct);
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
