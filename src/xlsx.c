/* xlsx: .xlsx and .xls rows in, .xlsx rows out.
 *
 * .xlsx is a zip of XML parts: libzip opens the container and each part is streamed
 * through xmlscan, a strict scanner of the little XML a workbook holds, so a
 * worksheet is never held whole and no cell costs an allocation. The shared string
 * table, which every cell of text points into, is an sstable: its first strings in
 * memory, the rest in a temporary file, for a million-row roster's names, ID numbers
 * and phones are millions of strings. The first worksheet is the one workbook.xml
 * lists first, found through its relationship part. .xls is read with FreeXL.
 *
 * A workbook is a file from outside, and its libraries are not ours to fix: FreeXL
 * 1.0.6 reads out of bounds on damaged .xls files. So each workbook is parsed in a
 * child process (sandbox.h) with limits on CPU time and memory, its rows sent back
 * over a pipe: a fault, a hang or a blow-up refuses the file, not the program. In the
 * child the zip members are bounded as they are inflated, and so are a cell's and a
 * row's text, so that a small file cannot make the reader hold gigabytes. */
#include "xlsx.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>
#include <freexl.h>

#include "i18n.h"
#include "sandbox.h"
#include "sstable.h"
#include "util.h"
#include "xmlscan.h"

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
 * such as a gigabyte of spaces, is refused as it is inflated. */
#define XML_RUN_MAX (1u << 20)
/* Longest token the scanner holds (a run of text, a tag, a comment): past the run
 * limit, for a comment or CDATA section may hold '<'. */
#define TOKEN_MAX (2 * XML_RUN_MAX)
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
/* The child says it is alive every this many XML tokens. */
#define TICK_EVERY 65536

/* Records from the child: opened, a row, done, an error, alive. */
#define REC_OPENED 'O'
#define REC_ROW 'R'
#define REC_DONE 'D'
#define REC_ERROR 'E'
#define REC_TICK 'K'

/* Text and bookkeeping of the shared strings kept in memory, at most. */
static size_t shared_memory_max = 4u << 20;

/* A zip member as the scanner reads it: counted and looked over as it is inflated. */
struct part {
	zip_file_t *zf;
	const char *name;
	unsigned long long inflated, cap;
	size_t run;   /* bytes since the last '<' */
	enum { PART_OK, PART_TOO_BIG, PART_LONG_RUN } fault;
	struct xmlscan *xs;
};

/* The row being read: its cells' text one after another, each NUL-terminated, at
 * text + at[i] (at[i] = 0 for an empty cell: text[0] is NUL), len[i] bytes. A cell
 * given again replaces its text, which becomes garbage until the row is compacted. */
struct row_buf {
	char *text;
	size_t used, cap;
	size_t *at, *len;
	size_t n, cells_cap;
	size_t live, garbage;   /* bytes of the cells' text; of replaced text */
};

/* The parser itself, in the child (or in this process for the libFuzzer target). */
struct sheet_parser {
	enum sheet_kind kind;
	/* .xlsx */
	zip_t *zip;
	struct part sheet;
	struct part failed;   /* the member that went over a limit */
	char *sheet_name;
	struct sstable *shared;
	struct strbuf scratch;   /* a shared string being read */
	long cell_col;           /* the column of the cell being read, for a message; -1 between cells */
	/* .xls */
	const void *xls;
	unsigned xls_rows, xls_row;
	unsigned short xls_cols;
	/* the row handed out */
	struct row_buf row;
	char **fields;
	size_t fields_cap;
	char *path;
	long rownum;   /* the worksheet's row being read */
	/* the child's "alive" message, every TICK_EVERY tokens */
	void (*tick)(void *ctx);
	void *tick_ctx;
	unsigned tokens_left;
};

/* The reader handed out: the child's rows, or the parser in this process. */
struct sheet_reader {
	struct sandbox *sb;
	struct sheet_parser *direct;
	char *path;
	char **fields;   /* into the child's record */
	size_t fields_cap;
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
static void row_clear(struct row_buf *r)
{
	if (!r->cap) {
		r->cap = 4096;
		r->text = xmalloc(r->cap);
	}
	r->text[0] = '\0';
	r->used = 1;
	r->n = 0;
	r->live = r->garbage = 0;
}

/* Makes room for n more bytes of text. */
static void row_reserve(struct row_buf *r, size_t n)
{
	if (r->used + n <= r->cap)
		return;
	while (r->cap < r->used + n)
		r->cap *= 2;
	r->text = xrealloc(r->text, r->cap);
}

/* Moves the live cells' text together, leaving out replaced text. */
static void row_compact(struct row_buf *r)
{
	char *text = xmalloc(r->cap);
	size_t used = 1;
	text[0] = '\0';
	for (size_t i = 0; i < r->n; i++) {
		if (!r->len[i]) {
			r->at[i] = 0;
			continue;
		}
		memcpy(text + used, r->text + r->at[i], r->len[i] + 1);
		r->at[i] = used;
		used += r->len[i] + 1;
	}
	free(r->text);
	r->text = text;
	r->used = used;
	r->garbage = 0;
}

/* Starts column col's text at the end of the buffer (the columns before it empty
 * when new): its offset. */
static size_t cell_begin(struct row_buf *r, size_t col)
{
	if (col >= r->cells_cap) {
		size_t cap = r->cells_cap ? r->cells_cap : 32;
		while (cap <= col)
			cap *= 2;
		r->at = xrealloc(r->at, cap * sizeof *r->at);
		r->len = xrealloc(r->len, cap * sizeof *r->len);
		r->cells_cap = cap;
	}
	for (; r->n <= col; r->n++)
		r->at[r->n] = r->len[r->n] = 0;
	r->live -= r->len[col];
	r->garbage += r->len[col];
	r->len[col] = 0;
	r->at[col] = 0;
	if (r->garbage > ROW_TEXT_MAX)
		row_compact(r);
	return r->used;
}

/* Appends n bytes to the cell begun at start; false when the row's text would be
 * more than ROW_TEXT_MAX. */
static bool cell_add(struct row_buf *r, size_t start, const char *s, size_t n)
{
	if (r->live + (r->used - start) + n > ROW_TEXT_MAX)
		return false;
	row_reserve(r, n + 1);
	memcpy(r->text + r->used, s, n);
	r->used += n;
	return true;
}

/* Ends column col's text begun at start. */
static void cell_end(struct row_buf *r, size_t col, size_t start)
{
	row_reserve(r, 1);
	r->text[r->used] = '\0';
	size_t n = r->used - start;
	if (n) {
		r->at[col] = start;
		r->len[col] = n;
		r->live += n;
		r->used++;
	}
}

/* Sets column col to s (n bytes); false as cell_add. */
static bool row_put(struct row_buf *r, size_t col, const char *s, size_t n)
{
	size_t start = cell_begin(r, col);
	if (!cell_add(r, start, s, n))
		return false;
	cell_end(r, col, start);
	return true;
}

/* Column col's text. */
static const char *cell_text(const struct row_buf *r, size_t col)
{
	return r->text + r->at[col];
}

/* ---- .xlsx parts ---- */

/* Counts what was inflated and the bytes since the last '<'; false over a limit. A
 * block no longer than the limit holds no run over it between two of its '<': only
 * its first and last run are looked at. */
static bool part_account(struct part *ps, const char *buf, size_t n)
{
	ps->inflated += n;
	if (ps->inflated > ps->cap) {
		ps->fault = PART_TOO_BIG;
		return false;
	}
	const char *first = n <= XML_RUN_MAX ? memchr(buf, '<', n) : NULL;
	if (first && ps->run + (size_t)(first - buf) <= XML_RUN_MAX) {
		ps->run = n - (size_t)((const char *)memrchr(buf, '<', n) - buf) - 1;
		return true;
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

/* The scanner reads a zip member through this: a member over a limit reads as an
 * error, which ends the scan before the bytes are kept. */
static ssize_t part_read(void *ctx, char *buf, size_t cap)
{
	struct part *ps = ctx;
	zip_int64_t n = zip_fread(ps->zf, buf, cap);
	if (n < 0 || !part_account(ps, buf, (size_t)n))
		return -1;
	return (ssize_t)n;
}

/* Opens a part of the container for scanning; false when it is missing or
 * declares itself over cap (ps->fault). */
static bool part_open(zip_t *z, const char *name, unsigned long long cap, struct part *ps)
{
	memset(ps, 0, sizeof *ps);
	ps->name = name;
	ps->cap = cap;
	zip_stat_t st;
	if (zip_stat(z, name, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && st.size > cap) {
		ps->fault = PART_TOO_BIG;
		return false;
	}
	ps->zf = zip_fopen(z, name, 0);
	if (!ps->zf)
		return false;
	ps->xs = xs_new(part_read, ps, TOKEN_MAX);
	return true;
}

/* Closes a part (one that never opened too). */
static void part_close(struct part *ps)
{
	xs_free(ps->xs);
	ps->xs = NULL;
	if (ps->zf)
		zip_fclose(ps->zf);
	ps->zf = NULL;
}

/* Keeps the part that went over a limit for the message; true when one did. */
static bool part_failed(struct sheet_parser *r, const struct part *ps)
{
	if (ps->fault == PART_OK)
		return false;
	if (r->failed.fault == PART_OK) {
		r->failed = *ps;
		r->failed.xs = NULL;
		r->failed.zf = NULL;
	}
	return true;
}

/* The message for a part over a limit. Caller frees. */
static char *part_fault_message(const struct sheet_parser *r)
{
	const struct part *ps = &r->failed;
	if (ps->fault == PART_TOO_BIG)
		return xasprintf(_("%s: %s inflates to more than %llu MiB, more than any roster needs: the workbook "
				   "is refused"), r->path, ps->name, ps->cap >> 20);
	return xasprintf(_("%s: %s holds more than %u KiB of text or spaces in one run, more than any cell "
			   "holds: the workbook is refused"), r->path, ps->name, XML_RUN_MAX >> 10);
}

/* The child's sign of life every TICK_EVERY tokens read. */
static void tick(struct sheet_parser *r)
{
	if (r->tokens_left-- == 0) {
		r->tokens_left = TICK_EVERY;
		if (r->tick)
			r->tick(r->tick_ctx);
	}
}

/* The next token of a part, counted for the child's sign of life. */
static enum xs_token next(struct sheet_parser *r, struct part *ps)
{
	tick(r);
	return xs_next(ps->xs);
}

/* The part of the first worksheet: workbook.xml's first sheet, through the rels;
 * NULL when one of them goes over a limit (r->failed). */
static char *first_sheet_part(struct sheet_parser *r)
{
	char *rid = NULL, *target = NULL;
	struct part book, rels = {0};
	enum xs_token tok;
	bool open = part_open(r->zip, "xl/workbook.xml", SMALL_PART_MAX, &book);
	while (open && !rid && (tok = next(r, &book)) != XS_EOF && tok != XS_ERROR)
		if (tok == XS_START && xs_is(book.xs, "sheet"))
			rid = xstrdup(xs_attr_prefixed(book.xs, "id"));
	part_close(&book);
	open = rid && part_open(r->zip, "xl/_rels/workbook.xml.rels", SMALL_PART_MAX, &rels);
	while (open && !target && (tok = next(r, &rels)) != XS_EOF && tok != XS_ERROR) {
		const char *id = tok == XS_START && xs_is(rels.xs, "Relationship") ? xs_attr(rels.xs, "Id", NULL) : NULL;
		if (id && strcmp(id, rid) == 0)
			target = xstrdup(xs_attr(rels.xs, "Target", NULL));
	}
	part_close(&rels);
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

/* A child <name>text</name> of the element the scanner stands on, read in one step
 * when the buffer holds it whole (xs_leaf: <v>12</v>, <t>龙发利</t>, most of a
 * workbook), its text through add: 1 when read, 0 when it goes token by token, -1
 * when add refused it (the row too long). */
static int read_leaf(struct sheet_parser *r, struct part *ps, const char *name,
		     bool (*add)(void *ctx, const char *s, size_t n), void *ctx)
{
	size_t n;
	const char *text = xs_leaf(ps->xs, name, &n);
	if (!text)
		return 0;
	tick(r);
	return add(ctx, text, n) ? 1 : -1;
}

/* Reads the text of the <si> or <is> the scanner stands on (end: its name) through
 * add: its <t> runs, leaving out phonetic runs (<rPh>). False when the text is over
 * ROW_TEXT_MAX (*too_long) or the scan stopped. */
static bool read_rich_text(struct sheet_parser *r, struct part *ps, const char *end,
			   bool (*add)(void *ctx, const char *s, size_t n), void *ctx, bool *too_long)
{
	struct xmlscan *x = ps->xs;
	bool in_t = false;
	int skip = 0;
	if (xs_empty(x))
		return next(r, ps) == XS_END;
	if (read_leaf(r, ps, "t", add, ctx) < 0) {
		*too_long = true;
		return false;
	}
	for (;;) {
		enum xs_token tok = next(r, ps);
		if (tok == XS_START && xs_is(x, "rPh")) {
			skip++;
		} else if (tok == XS_END && xs_is(x, "rPh")) {
			skip--;
		} else if (tok == XS_START && xs_is(x, "t")) {
			in_t = true;
		} else if (tok == XS_END && xs_is(x, "t")) {
			in_t = false;
		} else if (tok == XS_END && xs_is(x, end)) {
			return true;
		} else if (tok == XS_TEXT && in_t && !skip) {
			size_t n;
			const char *s = xs_text(x, &n);
			if (!add(ctx, s, n)) {
				*too_long = true;
				return false;
			}
		} else if (tok == XS_EOF || tok == XS_ERROR) {
			return false;
		}
	}
}

/* ---- the shared string table ---- */

void sheet_set_shared_memory_max(size_t bytes)
{
	shared_memory_max = bytes;
}

/* read_rich_text's sink for a shared string. */
static bool scratch_add(void *ctx, const char *s, size_t n)
{
	struct strbuf *sb = ctx;
	if (sb->len + n > ROW_TEXT_MAX)
		return false;
	sb_append_n(sb, s, n);
	return true;
}

/* The message when the shared strings' scan stopped. Caller frees. */
static char *shared_stop_message(struct sheet_parser *r, struct part *ps, bool too_long)
{
	size_t i = sst_count(r->shared);
	if (part_failed(r, ps))
		return part_fault_message(r);
	if (too_long)
		return xasprintf(_("%s: shared string %zu holds more than %u KiB of text, more than any roster "
				   "cell: the workbook is refused"), r->path, i, ROW_TEXT_MAX >> 10);
	if (sst_error(r->shared))
		return xasprintf(_("%s: the shared strings cannot be kept (%s)"), r->path, sst_error(r->shared));
	return xasprintf(_("%s: %s is damaged at shared string %zu: %s"), r->path, ps->name, i, xs_why(ps->xs));
}

/* Loads the shared string table (absent in a workbook of numbers only); false with
 * *err when it cannot be kept. */
static bool load_shared(struct sheet_parser *r, char **err)
{
	struct part ps;
	r->shared = sst_new(shared_memory_max);
	bool found = part_open(r->zip, "xl/sharedStrings.xml", SHARED_PART_MAX, &ps), ok = true, too_long = false;
	enum xs_token tok;
	while (found && ok && (tok = next(r, &ps)) != XS_EOF) {
		ok = tok != XS_ERROR;
		if (!ok || tok != XS_START || !xs_is(ps.xs, "si"))
			continue;
		r->scratch.len = 0;
		ok = read_rich_text(r, &ps, "si", scratch_add, &r->scratch, &too_long) &&
		     sst_add(r->shared, r->scratch.s ? r->scratch.s : "", r->scratch.len);
	}
	ok = ok && sst_seal(r->shared) && !part_failed(r, &ps);
	if (!ok)
		*err = shared_stop_message(r, &ps, too_long);
	part_close(&ps);
	return ok;
}

/* ---- cells and rows ---- */

/* What a cell's t attribute says its <v> holds. */
enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_BOOL, CELL_TEXT };

/* The type of a cell's t attribute (NULL: a number). */
static enum cell_type cell_type(const char *t)
{
	if (!t || (t[0] == 'n' && !t[1]))
		return CELL_NUMBER;
	if (t[0] == 's' && !t[1])
		return CELL_SHARED;
	return t[0] == 'b' && !t[1] ? CELL_BOOL : CELL_TEXT;
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

/* A reference as quoted in a message: at most 24 characters of it. */
static void quote_ref(char out[32], const char *ref)
{
	if (!ref)
		snprintf(out, 32, "?");
	else if (strlen(ref) > 24)
		snprintf(out, 32, "%.24s...", ref);
	else
		snprintf(out, 32, "%s", ref);
}

/* The name of the cell being read for a message ("B2"): its column's letters and
 * its row's number. */
static void cell_name(const struct sheet_parser *r, char out[32])
{
	char rev[8];
	size_t n = 0;
	for (size_t col = (size_t)r->cell_col + 1; col && n < sizeof rev; col = (col - 1) / 26)
		rev[n++] = (char)('A' + (col - 1) % 26);
	for (size_t i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	snprintf(out + n, 32 - n, "%ld", r->rownum);
}

static bool number_cell(struct row_buf *row, size_t start);

/* read_rich_text's sink for an inline string: the cell being read. */
struct cell_sink {
	struct row_buf *row;
	size_t start;
};

/* Appends to the cell being read; false past the row's limit. */
static bool cell_sink_add(void *ctx, const char *s, size_t n)
{
	struct cell_sink *c = ctx;
	return cell_add(c->row, c->start, s, n);
}

/* Reads a <v>'s text into the cell begun at start; false when the row is too long
 * (*too_long) or the scan stopped. */
static bool read_value(struct sheet_parser *r, size_t start, bool *too_long)
{
	struct xmlscan *x = r->sheet.xs;
	for (;;) {
		enum xs_token tok = next(r, &r->sheet);
		if (tok == XS_TEXT) {
			size_t n;
			const char *s = xs_text(x, &n);
			if (!cell_add(&r->row, start, s, n)) {
				*too_long = true;
				return false;
			}
		} else if (tok == XS_END && xs_is(x, "v")) {
			return true;
		} else if (tok == XS_EOF || tok == XS_ERROR) {
			return false;
		}
	}
}

/* Reads the <v> or <is> of the <c> the scanner stands on into the cell begun at
 * start (a later one replaces an earlier); *got when there was one. False as
 * read_value. */
static bool read_cell_body(struct sheet_parser *r, size_t start, bool *got, bool *too_long)
{
	struct xmlscan *x = r->sheet.xs;
	struct cell_sink sink = {&r->row, start};
	int leaf = read_leaf(r, &r->sheet, "v", cell_sink_add, &sink);
	*got = leaf != 0;
	if (leaf < 0) {
		*too_long = true;
		return false;
	}
	for (;;) {
		enum xs_token tok = next(r, &r->sheet);
		bool is = tok == XS_START && xs_is(x, "is"), v = tok == XS_START && xs_is(x, "v") && !xs_empty(x);
		if (is || v) {
			r->row.used = start;   /* what an earlier <v> or <is> left */
			*got = true;
		}
		if (is) {
			if (!read_rich_text(r, &r->sheet, "is", cell_sink_add, &sink, too_long))
				return false;
		} else if (v && !read_value(r, start, too_long)) {
			return false;
		} else if (tok == XS_END && xs_is(x, "c")) {
			return true;
		} else if (tok == XS_EOF || tok == XS_ERROR) {
			return false;
		}
	}
}

/* Replaces the index a shared string cell holds by the string: 1, 0 when there is
 * no such string, -1 when the row's text is then too long. */
static int shared_cell(struct sheet_parser *r, size_t start)
{
	struct row_buf *row = &r->row;
	size_t i = 0, n = row->used - start;
	const char *digits = row->text + start;
	for (size_t k = 0; k < n; k++) {
		if (digits[k] < '0' || digits[k] > '9' || i > (SIZE_MAX - 9) / 10)
			return 0;
		i = i * 10 + (size_t)(digits[k] - '0');
	}
	size_t len;
	const char *s = n ? sst_get(r->shared, i, &len) : NULL;
	if (!s)
		return 0;
	row->used = start;
	return cell_add(row, start, s, len) ? 1 : -1;
}

/* The message for a cell that names no column, or one past the last. Caller frees. */
static char *bad_column_message(const struct sheet_parser *r, long rownum, const char *ref)
{
	if (!ref)
		return xasprintf(_("%s: row %ld has more than %d cells, more than a worksheet holds: the workbook "
				   "is refused"), r->path, rownum, XLSX_MAX_COLS);
	char q[32];
	quote_ref(q, ref);
	return xasprintf(_("%s: row %ld: the cell reference %s names no column of a worksheet (A to XFD): "
			   "the workbook is refused"), r->path, rownum, q);
}

/* The message when the scan of the worksheet stopped: a limit, or damage, said
 * with the cell when it stopped in one. Caller frees. */
static char *sheet_stop_message(struct sheet_parser *r)
{
	if (part_failed(r, &r->sheet))
		return part_fault_message(r);
	char cell[32];
	if (r->cell_col >= 0) {
		cell_name(r, cell);
		return xasprintf(_("%s: row %ld, cell %s: %s: the workbook is refused"), r->path, r->rownum, cell,
				 xs_why(r->sheet.xs));
	}
	return xasprintf(_("%s: the worksheet is damaged near row %ld: %s"), r->path, r->rownum, xs_why(r->sheet.xs));
}

/* The message for a row whose text is over ROW_TEXT_MAX. Caller frees. */
static char *row_too_long_message(const struct sheet_parser *r)
{
	char cell[32];
	cell_name(r, cell);
	return xasprintf(_("%s: row %ld, cell %s: the row holds more than %u KiB of text, more than any roster "
			   "row: the workbook is refused"), r->path, r->rownum, cell, ROW_TEXT_MAX >> 10);
}

/* The message for a shared string cell whose string is not there. Caller frees. */
static char *missing_shared_message(const struct sheet_parser *r, size_t start)
{
	const struct row_buf *row = &r->row;
	if (sst_error(r->shared))
		return xasprintf(_("%s: the shared strings cannot be kept (%s)"), r->path, sst_error(r->shared));
	int n = (int)(row->used - start < 24 ? row->used - start : 24);
	char cell[32];
	cell_name(r, cell);
	return xasprintf(_("%s: row %ld, cell %s: its text (shared string %.*s) is not in the workbook; the file "
			   "is damaged"), r->path, r->rownum, cell, n, row->text + start);
}

/* Ends the cell read into column col from start by its type; false with *err. */
static bool cell_finish(struct sheet_parser *r, size_t col, size_t start, enum cell_type type, bool got,
			char **err)
{
	struct row_buf *row = &r->row;
	int ok = 1;
	if (!got) {
		row->used = start;
	} else if (type == CELL_SHARED) {
		ok = shared_cell(r, start);
		if (ok == 0)
			*err = missing_shared_message(r, start);
	} else if (type == CELL_BOOL) {
		bool yes = row->used - start == 1 && row->text[start] == '1';
		row->used = start;
		cell_add(row, start, yes ? "TRUE" : "FALSE", yes ? 4 : 5);
	} else if (type == CELL_NUMBER) {
		ok = number_cell(row, start) ? 1 : -1;
	}
	if (ok < 0)
		*err = row_too_long_message(r);
	if (ok == 1)
		cell_end(row, col, start);
	return ok == 1;
}

/* Reads one <c> into the row; false with *err when the cell or the row is refused. */
static bool xlsx_cell(struct sheet_parser *r, char **err)
{
	struct xmlscan *x = r->sheet.xs;
	const char *ref = xs_attr(x, "r", NULL);
	long col = ref ? cell_column(ref) : (long)r->row.n;
	enum cell_type type = cell_type(xs_attr(x, "t", NULL));
	if (col < 0 || col >= XLSX_MAX_COLS) {
		*err = bad_column_message(r, r->rownum, ref);
		return false;
	}
	r->cell_col = col;
	size_t start = cell_begin(&r->row, (size_t)col);
	bool got = false, too_long = false;
	if (!xs_empty(x) && !read_cell_body(r, start, &got, &too_long)) {
		*err = too_long ? row_too_long_message(r) : sheet_stop_message(r);
		return false;
	}
	if (xs_empty(x))
		next(r, &r->sheet);   /* its end */
	bool ok = cell_finish(r, (size_t)col, start, type, got, err);
	r->cell_col = -1;
	return ok;
}

/* Starts the <row> the scanner stands on; false with *err when its number is not
 * one of a worksheet. */
static bool xlsx_row_start(struct sheet_parser *r, char **err)
{
	const char *rr = xs_attr(r->sheet.xs, "r", NULL);
	long n = row_number(rr, r->rownum);
	if (n < 0) {
		char q[32];
		quote_ref(q, rr);
		*err = xasprintf(_("%s: after row %ld: %s is not a row of a worksheet (1 to %d): the workbook is "
				   "refused"), r->path, r->rownum, q, XLSX_MAX_ROWS);
		return false;
	}
	r->rownum = n;
	row_clear(&r->row);
	return true;
}

/* The next non-empty row of the worksheet into r->row: 1, 0 at the end, -1 with *err. */
static int xlsx_next(struct sheet_parser *r, char **err)
{
	struct xmlscan *x = r->sheet.xs;
	row_clear(&r->row);
	for (;;) {
		enum xs_token tok = next(r, &r->sheet);
		if (tok == XS_START && xs_is(x, "c")) {
			if (!xlsx_cell(r, err))
				return -1;
		} else if (tok == XS_START && xs_is(x, "row")) {
			if (!xlsx_row_start(r, err))
				return -1;
		} else if (tok == XS_END && xs_is(x, "row") && r->row.live) {
			return 1;
		} else if (tok == XS_EOF) {
			return 0;
		} else if (tok == XS_ERROR) {
			*err = sheet_stop_message(r);
			return -1;
		}
	}
}

/* Opens an .xlsx: its container, shared strings and first worksheet. */
static bool xlsx_open(struct sheet_parser *r, const char *path, char **err)
{
	int zerr = 0;
	r->zip = zip_open(path, ZIP_RDONLY, &zerr);
	if (!r->zip) {
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
	bool open = part_open(r->zip, r->sheet_name, SHEET_PART_MAX, &r->sheet);
	if (part_failed(r, &r->sheet))
		*err = part_fault_message(r);
	else if (!open)
		*err = xasprintf(_("%s: the workbook has no worksheet %s"), path, r->sheet_name);
	return open;
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

/* A numeric cell's stored text (from start, NUL to end it) as Excel shows it (see
 * number_text): only a number of 12 digits or more, or written with an exponent,
 * changes. */
static bool number_cell(struct row_buf *row, size_t start)
{
	size_t n = row->used - start;
	char *v = row->text + start;
	if (n < 12 && !memchr(v, 'E', n) && !memchr(v, 'e', n))
		return true;
	row_reserve(row, 1);
	v = row->text + start;
	v[n] = '\0';
	char *end;
	double d = strtod(v, &end);
	if (*end != '\0' || fabs(d) < 1e11)
		return true;
	char *t = number_text(d);
	row->used = start;
	bool ok = cell_add(row, start, t, strlen(t));
	free(t);
	return ok;
}

/* The text of an .xls cell as the clerk sees it, or NULL for none. Caller frees. */
static char *xls_cell_text(const FreeXL_CellValue *v)
{
	switch (v->type) {
	case FREEXL_CELL_INT: return xasprintf("%d", v->value.int_value);
	case FREEXL_CELL_DOUBLE: return number_text(v->value.double_value);
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_DATETIME:
	case FREEXL_CELL_TIME: return xstrdup(v->value.text_value ? v->value.text_value : "");
	default: return NULL;
	}
}

/* The next non-empty row of the .xls worksheet into r->row: 1, 0 at the end, -1 with *err. */
static int xls_next(struct sheet_parser *r, char **err)
{
	while (r->xls_row < r->xls_rows) {
		unsigned rn = r->xls_row++;
		bool ok = true;
		row_clear(&r->row);
		for (unsigned short c = 0; ok && c < r->xls_cols; c++) {
			FreeXL_CellValue v;
			char *s = freexl_get_cell_value(r->xls, rn, c, &v) == FREEXL_OK ? xls_cell_text(&v) : NULL;
			if (s)
				ok = row_put(&r->row, c, s, strlen(s));
			free(s);
		}
		tick(r);
		if (!ok) {
			*err = xasprintf(_("%s: row %u holds more than %u KiB of text, more than any roster row: the "
					   "workbook is refused"), r->path, rn + 1, ROW_TEXT_MAX >> 10);
			return -1;
		}
		if (r->row.live) {
			r->rownum = (long)rn + 1;
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
	r->cell_col = -1;
	r->tokens_left = TICK_EVERY;
	row_clear(&r->row);
	bool ok = kind == SHEET_XLSX ? xlsx_open(r, path, err) : xls_open(r, path, err);
	if (!ok) {
		parser_close(r);
		return NULL;
	}
	return r;
}

/* The next row into r->row: 1, 0 at the end, -1 with *err. */
static int parser_next(struct sheet_parser *r, char **err)
{
	return r->kind == SHEET_XLSX ? xlsx_next(r, err) : xls_next(r, err);
}

/* 1 with the next row as a csv_row, 0 at the end, -1 with *err. */
static int parser_read(struct sheet_parser *r, struct csv_row *row, char **err)
{
	int rc = parser_next(r, err);
	if (rc != 1)
		return rc;
	if (r->row.n > r->fields_cap) {
		r->fields_cap = r->row.n;
		r->fields = xrealloc(r->fields, r->fields_cap * sizeof *r->fields);
	}
	for (size_t i = 0; i < r->row.n; i++)
		r->fields[i] = r->row.text + r->row.at[i];
	row->fields = r->fields;
	row->n = r->row.n;
	row->line = r->rownum;
	return 1;
}

static void parser_close(struct sheet_parser *r)
{
	if (!r)
		return;
	free(r->row.text);
	free(r->row.at);
	free(r->row.len);
	free(r->fields);
	part_close(&r->sheet);
	if (r->zip)
		zip_discard(r->zip);
	sst_free(r->shared);
	sb_free(&r->scratch);
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

/* Sends one row: its line, its number of fields, each field's length and bytes
 * with the NUL after them, so the parent's fields can point into the record. */
static bool child_send_row(struct sandbox_out *out, const struct sheet_parser *p)
{
	const struct row_buf *row = &p->row;
	sandbox_begin(out, REC_ROW);
	sandbox_add_u32(out, (uint32_t)p->rownum);
	sandbox_add_u32(out, (uint32_t)row->n);
	for (size_t i = 0; i < row->n; i++) {
		sandbox_add_u32(out, (uint32_t)row->len[i]);
		sandbox_add(out, cell_text(row, i), row->len[i] + 1);
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
	int rc;
	while ((rc = parser_next(p, &err)) == 1)
		if (!child_send_row(out, p))
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

/* Takes a row record apart: the fields point into it (each ends in the NUL the
 * child sent); false when it is garbled. */
static bool decode_row(struct sheet_reader *r, const char *p, size_t len, struct csv_row *row)
{
	const char *end = p + len;
	uint32_t line, n;
	if (!sandbox_take_u32(&p, end, &line) || !sandbox_take_u32(&p, end, &n) || n > XLSX_MAX_COLS)
		return false;
	if (n > r->fields_cap) {
		r->fields_cap = n;
		r->fields = xrealloc(r->fields, n * sizeof *r->fields);
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t flen;
		if (!sandbox_take_u32(&p, end, &flen) || flen >= (size_t)(end - p) || p[flen] != '\0')
			return false;
		r->fields[i] = (char *)p;   /* the record is the reader's own buffer, until the next read */
		p += flen + 1;
	}
	r->last_line = (long)line;
	row->fields = r->fields;
	row->n = n;
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
	char *dummy = NULL;
	if (r->direct) {
		int rc = parser_read(r->direct, row, err ? err : &dummy);
		free(dummy);
		return rc;
	}
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
	free(r->fields);
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
