/* csv: comma- and tab-separated text as Excel and WPS write and read it.
 *
 * The reader works on UTF-8 text that comes from a source callback a block at a
 * time (an enc_reader, or memory in the tests), so a file of a million rows is never
 * held whole. It takes quotes ("" inside a quoted field is one quote), separators
 * and line breaks inside quotes, CRLF or LF or CR line ends, skips blank lines and
 * lines of nothing but separators (Excel writes those for empty rows), and keeps
 * trailing empty columns as empty fields. A quoted field left open at the end of the
 * file is an error naming the line where it began. */
#ifndef SZ_CSV_H
#define SZ_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* Fills buf with up to cap bytes; 0 at the end, -1 with *err (caller-freed). */
typedef ssize_t (*csv_source)(void *ctx, char *buf, size_t cap, char **err);

struct csv_reader;

/* One record: fields[i] are NUL-terminated UTF-8 owned by the reader and valid until
 * the next csv_read; line is the physical line the record starts on (1-based). */
struct csv_row {
	char **fields;
	size_t n;
	long line;
};

/* sep is ',' or '\t', or 0 to decide on the first record (a tab in it outside quotes
 * means tab-separated, as Excel's "Text (Tab delimited)" and "Unicode text" are). */
struct csv_reader *csv_reader_new(csv_source src, void *ctx, char sep);
void csv_reader_free(struct csv_reader *r);
/* 1 with a record in *row, 0 at the end, -1 with *err (caller-freed). */
int csv_read(struct csv_reader *r, struct csv_row *row, char **err);
/* The separator in use (after the first record when it was detected). */
char csv_reader_sep(const struct csv_reader *r);

/* A source reading from memory, for strings and tests: ctx is a struct csv_memory. */
struct csv_memory {
	const char *data;
	size_t len, pos;
	size_t chunk;   /* bytes handed out per call; 0: as many as fit */
};
ssize_t csv_memory_read(void *ctx, char *buf, size_t cap, char **err);

/* Appends one record to sb: fields joined by sep, each quoted when it holds sep, a
 * quote, CR or LF, or begins or ends with a space; ends with CRLF when crlf (what
 * Excel writes) else LF. A control or format character other than a line break or
 * tab is written escaped (text_escape: \x1b, \u202e). */
void csv_format_row(struct strbuf *sb, const char *const *fields, size_t n, char sep, bool crlf);
/* Appends one field as csv_format_row would. */
void csv_format_field(struct strbuf *sb, const char *field, char sep);
/* A report laid out in columns (lines of text, columns apart by two or more spaces,
 * as `shanzhi report` prints them) as CSV for a spreadsheet: one row per line, one
 * field per column, CRLF line ends; blank lines stay as empty rows. Caller frees. */
char *csv_from_columns(const char *text);

#endif
