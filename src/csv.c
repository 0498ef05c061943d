/* csv: a streaming reader and a writer for Excel's and WPS's CSV and tab-separated text.
 *
 * The reader is a small state machine over blocks from the source. A record's
 * fields are collected in one buffer, separated by NULs, and handed out as pointers
 * into it: memory is bounded by the longest record, not by the file. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

#define CSV_BLOCK 65536
/* A record longer than this is not a roster line: refuse rather than grow for ever. */
#define CSV_MAX_RECORD (4u << 20)

struct csv_reader {
	csv_source src;
	void *ctx;
	char sep;
	char *buf;            /* block from the source, buf[pos..len) unread */
	size_t pos, len, bufcap;
	bool eof;
	struct strbuf rec;    /* the current record's fields, NUL-separated */
	size_t *starts;       /* offset of each field in rec */
	size_t nfields, cap_fields;
	char **fields;        /* pointers handed out */
	size_t cap_pointers;  /* room in fields */
	long line;            /* physical line of the next character */
	bool pending_cr;      /* a CR was just read: an LF next belongs to it */
};

struct csv_reader *csv_reader_new(csv_source src, void *ctx, char sep)
{
	struct csv_reader *r = xcalloc(1, sizeof *r);
	r->src = src;
	r->ctx = ctx;
	r->sep = sep;
	r->buf = xmalloc(CSV_BLOCK);
	r->bufcap = CSV_BLOCK;
	r->line = 1;
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	sb_free(&r->rec);
	free(r->starts);
	free(r->fields);
	free(r);
}

char csv_reader_sep(const struct csv_reader *r)
{
	return r->sep ? r->sep : ',';
}

ssize_t csv_memory_read(void *ctx, char *buf, size_t cap, char **err)
{
	struct csv_memory *m = ctx;
	size_t n = m->len - m->pos;
	if (n > cap)
		n = cap;
	if (m->chunk && n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

/* The next character, or -1 at the end, -2 on a source error. */
static int next_char(struct csv_reader *r, char **err)
{
	if (r->pos == r->len) {
		if (r->eof)
			return -1;
		ssize_t n = r->src(r->ctx, r->buf, r->bufcap, err);
		if (n < 0)
			return -2;
		if (n == 0) {
			r->eof = true;
			return -1;
		}
		r->pos = 0;
		r->len = (size_t)n;
	}
	return UCH(r->buf[r->pos++]);
}

/* Room for n more bytes of the record and its NUL. */
static void rec_reserve(struct csv_reader *r, size_t n)
{
	if (r->rec.len + n + 1 < r->rec.cap)
		return;
	while (r->rec.len + n + 1 >= r->rec.cap)
		r->rec.cap = r->rec.cap ? r->rec.cap * 2 : 256;
	r->rec.s = xrealloc(r->rec.s, r->rec.cap);
}

/* Appends one byte to the current field (no strbuf call). */
static void field_add(struct csv_reader *r, char c)
{
	rec_reserve(r, 1);
	r->rec.s[r->rec.len++] = c;
	r->rec.s[r->rec.len] = '\0';
}

/* Starts a new field in the record. */
static void field_start(struct csv_reader *r)
{
	if (r->nfields == r->cap_fields) {
		r->cap_fields = r->cap_fields ? r->cap_fields * 2 : 32;
		r->starts = xrealloc(r->starts, r->cap_fields * sizeof *r->starts);
	}
	if (r->nfields)
		field_add(r, '\0');  /* ends the previous field */
	r->starts[r->nfields++] = r->rec.len;
}

/* Appends the run of unread bytes that mean nothing in this state, up to the
 * separator or a line end outside quotes, a quote or a line end inside: most bytes
 * of a file go in this way, not one by one. */
static void field_add_run(struct csv_reader *r, bool quoted)
{
	const char *p = r->buf + r->pos, *end = r->buf + r->len, *q = p;
	/* a byte above all those that end a run (most: digits, letters, UTF-8) is one test */
	unsigned char top = UCH(r->sep) > '"' ? UCH(r->sep) : '"';
	if (quoted)
		while (q < end && (UCH(*q) > top || (*q != '"' && *q != '\n' && *q != '\r')))
			q++;
	else
		while (q < end && (UCH(*q) > top || (*q != r->sep && *q != '\n' && *q != '\r')))
			q++;
	size_t n = (size_t)(q - p);
	if (n == 0)
		return;
	rec_reserve(r, n);
	memcpy(r->rec.s + r->rec.len, p, n);
	r->rec.len += n;
	r->rec.s[r->rec.len] = '\0';
	r->pos += n;
}

/* Scans the unread buffer for the end of the first line (outside quotes); *tab is
 * set when a tab comes before it. True when the line end was found. */
static bool scan_first_line(const struct csv_reader *r, bool *tab)
{
	bool quoted = false;
	*tab = false;
	for (size_t i = r->pos; i < r->len; i++) {
		char c = r->buf[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '\n' || c == '\r'))
			return true;
		else if (!quoted && c == '\t')
			*tab = true;
	}
	return false;
}

/* Decides the separator from the first record's raw characters, reading on until
 * its line is whole (the source may hand out small blocks). */
static int detect_sep(struct csv_reader *r, char **err)
{
	if (r->sep)
		return 0;
	bool tab;
	while (!scan_first_line(r, &tab) && !tab && !r->eof && r->len - r->pos < CSV_MAX_RECORD) {
		if (r->len == r->bufcap) {
			r->bufcap *= 2;
			r->buf = xrealloc(r->buf, r->bufcap);
		}
		ssize_t n = r->src(r->ctx, r->buf + r->len, r->bufcap - r->len, err);
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = true;
		r->len += (size_t)n;
	}
	r->sep = tab ? '\t' : ',';
	return 0;
}

/* True when every field of the record is empty (a blank line or ",,,,"). */
static bool record_blank(const struct csv_reader *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (r->rec.s && r->rec.s[r->starts[i]])
			return false;
	return true;
}

enum csv_state { ST_FIELD_START, ST_UNQUOTED, ST_QUOTED, ST_QUOTE_IN_QUOTED };

/* Reads one physical record (possibly spanning lines inside quotes): 1, 0 at the
 * end with nothing read, -1 on error. */
static int read_record(struct csv_reader *r, long *start_line, char **err)
{
	r->rec.len = 0;
	if (r->rec.s)
		r->rec.s[0] = '\0';
	r->nfields = 0;
	enum csv_state st = ST_FIELD_START;
	bool any = false;
	long quote_line = 0;
	*start_line = r->line;
	for (;;) {
		/* not while a CR waits to see whether an LF follows it */
		if ((st == ST_UNQUOTED || st == ST_QUOTED) && !r->pending_cr)
			field_add_run(r, st == ST_QUOTED);
		int c = next_char(r, err);
		if (c == -2)
			return -1;
		if (r->pending_cr) {
			r->pending_cr = false;
			if (c == '\n')
				continue;   /* the LF of a CRLF whose CR ended the record */
		}
		if (c == -1) {
			if (st == ST_QUOTED) {
				if (err)
					*err = xasprintf(_("line %ld: a quoted field is never closed"), quote_line);
				return -1;
			}
			if (!any)
				return 0;
			if (st == ST_FIELD_START)
				field_start(r);
			return 1;
		}
		if (!any) {
			if (r->pos > 0)
				r->pos--;   /* let the separator detection see this character */
			if (detect_sep(r, err) != 0)
				return -1;
			r->pos++;
			field_start(r);
			any = true;
		}
		if (r->rec.len > CSV_MAX_RECORD) {
			if (err)
				*err = xasprintf(_("line %ld: a record longer than %u bytes"), *start_line,
						 CSV_MAX_RECORD);
			return -1;
		}
		switch (st) {
		case ST_FIELD_START:
		case ST_UNQUOTED:
			if (c == r->sep) {
				field_start(r);
				st = ST_FIELD_START;
			} else if (c == '\n' || c == '\r') {
				r->line++;
				r->pending_cr = c == '\r';
				return 1;
			} else if (c == '"' && st == ST_FIELD_START) {
				st = ST_QUOTED;
				quote_line = r->line;
			} else {
				field_add(r, (char)c);
				st = ST_UNQUOTED;
			}
			break;
		case ST_QUOTED:
			if (c == '"') {
				st = ST_QUOTE_IN_QUOTED;
			} else if (c == '\r') {
				/* CRLF inside a cell is one line break, as Excel means it */
				r->line++;
				field_add(r, '\n');
				r->pending_cr = true;
			} else {
				if (c == '\n')
					r->line++;
				field_add(r, (char)c);
			}
			break;
		case ST_QUOTE_IN_QUOTED:
			if (c == '"') {
				field_add(r, '"');
				st = ST_QUOTED;
			} else if (c == r->sep) {
				field_start(r);
				st = ST_FIELD_START;
			} else if (c == '\n' || c == '\r') {
				r->line++;
				r->pending_cr = c == '\r';
				return 1;
			} else {
				/* text after the closing quote: kept, as Excel keeps it */
				field_add(r, (char)c);
				st = ST_UNQUOTED;
			}
			break;
		}
	}
}

int csv_read(struct csv_reader *r, struct csv_row *row, char **err)
{
	for (;;) {
		long start;
		int rc = read_record(r, &start, err);
		if (rc <= 0)
			return rc;
		if (record_blank(r))
			continue;
		if (r->nfields > r->cap_pointers) {
			r->cap_pointers = r->cap_fields;
			free(r->fields);
			r->fields = xcalloc(r->cap_pointers, sizeof *r->fields);
		}
		for (size_t i = 0; i < r->nfields; i++)
			r->fields[i] = r->rec.s + r->starts[i];
		row->fields = r->fields;
		row->n = r->nfields;
		row->line = start;
		return 1;
	}
}

/* What the quotes of a field carry as they are: its line breaks and tabs. */
#define CSV_KEEP "\n\r\t"

static void format_safe_field(struct strbuf *sb, const char *f, char sep);

void csv_format_field(struct strbuf *sb, const char *field, char sep)
{
	/* an ESC or U+202E from the register is written visibly (\x1b, \u202e): the
	 * file is opened in editors and printed to terminals */
	if (field && text_needs_escape(field, CSV_KEEP)) {
		char *shown = text_escape(field, CSV_KEEP);
		format_safe_field(sb, shown, sep);
		free(shown);
		return;
	}
	format_safe_field(sb, field ? field : "", sep);
}

static void format_safe_field(struct strbuf *sb, const char *f, char sep)
{
	size_t len = strlen(f);
	bool quote = len && (f[0] == ' ' || f[len - 1] == ' ');
	for (const char *p = f; *p && !quote; p++)
		quote = *p == sep || *p == '"' || *p == '\n' || *p == '\r';
	if (!quote) {
		sb_append_n(sb, f, len);
		return;
	}
	sb_append_n(sb, "\"", 1);
	for (const char *p = f; *p; p++) {
		const char *q = strchr(p, '"');
		if (!q) {
			sb_append(sb, p);
			break;
		}
		sb_append_n(sb, p, (size_t)(q - p + 1));
		sb_append_n(sb, "\"", 1);
		p = q;
	}
	sb_append_n(sb, "\"", 1);
}

void csv_format_row(struct strbuf *sb, const char *const *fields, size_t n, char sep, bool crlf)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_append_n(sb, &sep, 1);
		csv_format_field(sb, fields[i], sep);
	}
	sb_append(sb, crlf ? "\r\n" : "\n");
}

/* True when the spaces line[i..j) part two columns: two or more, or one beside a
 * Chinese character (案件数 结案数); one space between ASCII words is text (3 stars). */
static bool column_gap(const char *line, size_t len, size_t i, size_t j)
{
	return j - i >= 2 || i == 0 || j >= len || (unsigned char)line[i - 1] >= 0x80 ||
	       (unsigned char)line[j] >= 0x80;
}

/* Appends the field line[start..end) to *f. */
static void column_add(char ***f, size_t *n, const char *start, size_t len)
{
	*f = xrealloc(*f, (*n + 1) * sizeof **f);
	(*f)[(*n)++] = xstrndup(start, len);
}

/* The fields of one report line, split at column gaps; a line indented by a gap
 * (a table's heads over the labels' column) starts with an empty field. */
static size_t column_fields(const char *line, size_t len, char ***out)
{
	size_t n = 0, start = 0, i = 0;
	char **f = NULL;
	while (i < len && line[i] == ' ')
		i++;
	if (i >= 2 && i < len)
		column_add(&f, &n, line, 0);
	start = i;
	while (i < len) {
		if (line[i] != ' ') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && line[j] == ' ')
			j++;
		if (column_gap(line, len, i, j)) {
			column_add(&f, &n, line + start, i - start);
			start = j;
		}
		i = j;
	}
	if (start < len)
		column_add(&f, &n, line + start, len - start);
	*out = f;
	return n;
}

char *csv_from_columns(const char *text)
{
	struct strbuf sb = { 0 };
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, "\n");
		size_t keep = len && p[len - 1] == '\r' ? len - 1 : len;
		char **fields;
		size_t n = column_fields(p, keep, &fields);
		csv_format_row(&sb, (const char *const *)fields, n, ',', true);
		for (size_t i = 0; i < n; i++)
			free(fields[i]);
		free(fields);
		p += len + (p[len] == '\n');
	}
	return sb_take(&sb);
}
