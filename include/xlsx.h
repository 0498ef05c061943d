/* xlsx: spreadsheets in and out: .xlsx read with libzip and our own strict streaming
 * scanner of its XML (xmlscan.h), legacy .xls read with FreeXL, .xlsx written with
 * libxlsxwriter in its constant-memory mode. Only the first worksheet is read.
 *
 * Cell values come out as UTF-8 text as the clerk sees them: a shared or inline
 * string as is, a number as its shortest exact decimal text (an ID number Excel
 * stored as a number comes out as 5.20111198001010E+17, to be refused by import),
 * a date cell of an .xls as YYYY-MM-DD. Rows come out as struct csv_row, the line
 * being the spreadsheet's row number. Empty rows are skipped, as in CSV. */
#ifndef SZ_XLSX_H
#define SZ_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "csv.h"

enum sheet_kind { SHEET_XLSX, SHEET_XLS };

struct sheet_reader;

/* Opens the first worksheet of an .xlsx or .xls file, parsed in a child process with
 * limits on its time and memory (see xlsx.c). NULL with *err. */
struct sheet_reader *sheet_open(const char *path, enum sheet_kind kind, char **err);
/* 1 with a row, 0 at the end, -1 with *err. Fields are valid until the next call. */
int sheet_read(struct sheet_reader *r, struct csv_row *row, char **err);
void sheet_close(struct sheet_reader *r);
/* How many bytes of a workbook's shared strings are kept in memory before the table
 * moves to a temporary file (4 MiB unless changed; tests make it small). */
void sheet_set_shared_memory_max(size_t bytes);
/* Parses workbooks in this process instead of a child: for the libFuzzer target,
 * whose coverage is of this process only. */
void sheet_set_in_process(bool yes);

/* True when path ends in .xlsx / .xls (any case). */
bool sheet_is_xlsx(const char *path);
bool sheet_is_xls(const char *path);

struct xlsx_writer;

/* A new workbook at path with one worksheet named sheet. NULL with *err. */
struct xlsx_writer *xlsx_writer_new(const char *path, const char *sheet, char **err);
/* Writes the next row; text[i] true stores the cell as text with the "@" format so
 * that Excel and WPS keep every digit of an ID number; otherwise a value that is a
 * plain number is stored as a number. bold for a header row. */
int xlsx_write_row(struct xlsx_writer *w, const char *const *fields, size_t n,
		   const bool *text, bool bold, char **err);
/* Sets a column's width in characters (before any row). */
void xlsx_set_width(struct xlsx_writer *w, size_t col, double width);
/* Writes the file and frees the writer; -1 with *err when it could not be saved. */
int xlsx_writer_close(struct xlsx_writer *w, char **err);
/* Frees the writer without keeping what was written (the file is removed). */
void xlsx_writer_abandon(struct xlsx_writer *w);

#endif
