/* fuzz-csv: the CSV reader and the decoding in front of it fed damaged rosters.
 *
 * Built with clang and -DSZ_LIBFUZZER it is a libFuzzer target: the input is a file
 * read as import reads one (encoding detected, decoded, split into records), then
 * read again as GBK and as GB18030. Built otherwise it is a test: the rosters of
 * tests/data (UTF-8 with a BOM, GBK, GB18030, UTF-16, a GBK file cut inside a
 * character) and a few hand-made files, cut at every few bytes, garbled and spliced.
 * Each must be read to its end or refused with a message, and what is read must be
 * valid UTF-8 records whose line numbers never go back. Then fields of quotes,
 * separators, line breaks, spaces and Chinese, written by csv_format_row and read
 * back, must come back the same (a line break in a cell as LF). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "encoding.h"
#include "fuzz.h"
#include "text.h"
#include "util.h"

static int failed;

/* Counts a failure, saying what went wrong (the first few only). */
static void failure(const char *what, const char *why)
{
	failed++;
	if (failed <= 20)
		fprintf(stderr, "%s: %s\n", what, why);
}

/* csv_source over an enc_reader. */
static ssize_t decoded(void *ctx, char *buf, size_t cap, char **err)
{
	return enc_reader_read(ctx, buf, cap, err);
}

/* Reads data as a file in encoding e to its end; the number of records, -1 when
 * refused. Checks what each record is. */
static long read_file(const char *what, const char *data, size_t size, enum enc_kind e)
{
	FILE *f = fmemopen((void *)data, size ? size : 1, "rb");
	if (!f)
		abort();
	if (!size)
		fgetc(f);   /* fmemopen wants a non-empty buffer: an empty file is at its end */
	char *err = NULL;
	struct enc_reader *er = enc_reader_new(f, e, &err);
	long records = -1;
	if (er) {
		struct csv_reader *r = csv_reader_new(decoded, er, 0);
		struct csv_row row;
		long last = 0;
		int rc;
		records = 0;
		while ((rc = csv_read(r, &row, &err)) == 1) {
			records++;
			if (row.line < 1 || row.line < last)
				failure(what, "a record's line number goes back");
			last = row.line;
			for (size_t i = 0; i < row.n; i++)
				if (!text_utf8_valid(row.fields[i], strlen(row.fields[i]), NULL))
					failure(what, "a field that is not UTF-8");
		}
		if (rc < 0)
			records = -1;
		csv_reader_free(r);
		enc_reader_free(er);
	}
	if (records < 0 && (!err || !*err))
		failure(what, "refused without a message");
	free(err);
	fclose(f);
	return records;
}

/* One file as import reads it, and as GBK and GB18030 said on the command line. */
static void exercise(const char *what, const char *data, size_t size)
{
	read_file(what, data, size, ENC_AUTO);
	read_file(what, data, size, ENC_GBK);
	read_file(what, data, size, ENC_GB18030);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's entry point: the input as a roster file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	exercise("input", (const char *)data, size);
	return 0;
}

#ifndef SZ_LIBFUZZER

/* Cut, garbled and spliced copies of one file. */
static void damaged_copies(const char *name, const char *data, size_t size, int rounds)
{
	static const char alphabet[] = "\",\t\r\n '=\x81\x30\xfe\xff\x80\xa1\xe4\xb8\xad\xef\xbb\xbf";
	uint32_t seed = 4242;
	size_t step = size / 40 + 1;
	for (size_t cut = 0; cut < size; cut += step)
		exercise(name, data, cut);
	for (int round = 0; round < rounds; round++) {
		size_t len = size;
		char *copy = round % 4 ? fuzz_garble(&seed, data, size, round % 8 ? 3 : 0, 1 + round % 4,
						     alphabet, sizeof alphabet - 1)
				       : fuzz_splice(&seed, data, size, &len);
		exercise(name, copy, len);
		free(copy);
	}
}

/* A field as the reader gives it back: a line break in a cell (CRLF, CR or LF) is LF,
 * as Excel means it. Caller frees. */
static char *line_breaks_as_lf(const char *field)
{
	char *out = xstrdup(field), *o = out;
	for (const char *p = field; *p; p++)
		if (*p != '\r')
			*o++ = *p;
		else if (p[1] != '\n')
			*o++ = '\n';
	*o = '\0';
	return out;
}

/* Fields with everything CSV must quote, written and read back unchanged. */
static void round_trips(int rounds)
{
	static const char *const pieces[] = {
		"a", "龙井村", "\"", ",", "\t", "\n", "\r\n", " ", "'0851", "=1+1", "", "１２",
	};
	uint32_t seed = 77;
	for (int round = 0; round < rounds; round++) {
		char sep = round % 2 ? '\t' : ',';
		char *fields[4];
		size_t n = 1 + fuzz_next(&seed) % 4;
		for (size_t i = 0; i < n; i++) {
			struct strbuf sb = {0};
			sb_append(&sb, "x");   /* never a record of empty fields, which is skipped */
			for (int k = fuzz_next(&seed) % 5; k > 0; k--)
				sb_append(&sb, pieces[fuzz_next(&seed) % ARRAY_LEN(pieces)]);
			fields[i] = sb_take(&sb);
		}
		struct strbuf text = {0};
		csv_format_row(&text, (const char *const *)fields, n, sep, round % 3 == 0);
		struct csv_memory m = { text.s, text.len, 0, 1 + fuzz_next(&seed) % 7 };
		struct csv_reader *r = csv_reader_new(csv_memory_read, &m, sep);
		struct csv_row row;
		char *err = NULL;
		bool same = csv_read(r, &row, &err) == 1 && row.n == n;
		for (size_t i = 0; same && i < n; i++) {
			char *want = line_breaks_as_lf(fields[i]);
			same = strcmp(row.fields[i], want) == 0;
			free(want);
		}
		if (!same)
			failure(text.s, "written and read back, the record is not the same");
		free(err);
		csv_reader_free(r);
		sb_free(&text);
		for (size_t i = 0; i < n; i++)
			free(fields[i]);
	}
}

int main(void)
{
	static const char *const files[] = {
		"roster-utf8-bom.csv", "roster-gbk.csv", "roster-gb18030.csv", "roster-utf16.txt",
		"truncated-gbk.csv", "broken-gbk.csv",
	};
	static const char *const made[] = {
		"a,\"b\"\"c\",\"d\ne\"\r\n,,,\r\n\"open",
		"户号\t姓名\n9001\t\"龙\t德明\"\n",
		"\xef\xbb\xbf\"\"\"\",\r\r\n\n",
		"\x81\x30\x81\x30,\x84\x31\xa4\x39,\xfe\x39\xfe\x39\n\x81",
	};
	static const char utf16[] = "\xff\xfe" "a\0,\0b\0\n\0\x3d\xd8";   /* ends in half a pair */
	const char *root = getenv("SOURCE_ROOT");
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *path = xasprintf("%s/tests/data/%s", root ? root : ".", files[i]);
		size_t size;
		char *data = fuzz_slurp(path, &size);
		if (!data) {
			fprintf(stderr, "%s: cannot read\n", path);
			return 1;
		}
		if (read_file(files[i], data, size, ENC_AUTO) < 0 && strstr(files[i], "roster"))
			failure(files[i], "a good roster refused");
		damaged_copies(files[i], data, size, 900 * fuzz_scale());
		free(data);
		free(path);
	}
	for (size_t i = 0; i < ARRAY_LEN(made); i++)
		damaged_copies("hand-made", made[i], strlen(made[i]), 900 * fuzz_scale());
	damaged_copies("utf-16", utf16, sizeof utf16 - 1, 900 * fuzz_scale());
	round_trips(9000 * fuzz_scale());
	printf("csv: %d failed\n", failed);
	return failed ? 1 : 0;
}

#endif
