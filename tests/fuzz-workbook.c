/* fuzz-workbook: the .xlsx and .xls readers fed hostile and damaged workbooks.
 *
 * Built with clang and -DSZ_LIBFUZZER it is a libFuzzer target: an input starting
 * with "PK" is read as an .xlsx in this process (the reader is ours, its coverage is
 * here), anything else as an .xls through the child process. Built otherwise it is a
 * test: it makes its seeds itself (a workbook inflating to 1 GB of spaces, shared
 * strings over their cap, a cell reference of twenty letters, rows too wide or too
 * long, text that is not UTF-8 or holds a control character or an unknown entity,
 * a DOCTYPE, a stored worksheet whose CRC no longer matches, an .xls that FreeXL
 * 1.0.6 reads out of bounds, a roster as Excel and as
 * Perl's Spreadsheet::WriteExcel write it), then truncated and garbled copies, and
 * checks that each is read or refused with a message naming the file, and that the
 * hostile ones are refused quickly, in little memory, with the limit named. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "util.h"
#include "xlsx.h"

static char dir[] = "/tmp/fuzz-workbook-XXXXXX";
static bool dir_made;   /* not told by the name: mkdtemp may put an X where the X was */

/* A path in the test folder. Caller frees. */
static char *tmp_path(const char *name)
{
	if (!dir_made && !(dir_made = mkdtemp(dir) != NULL))
		abort();
	return xasprintf("%s/%s", dir, name);
}

/* Writes the input as it came. */
static void write_bytes(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
}

/* Reads every row; the number of rows, or -1 with *err. */
static long read_all(const char *path, enum sheet_kind kind, char **err)
{
	struct sheet_reader *r = sheet_open(path, kind, err);
	if (!r)
		return -1;
	struct csv_row row;
	long rows = 0;
	int rc;
	while ((rc = sheet_read(r, &row, err)) == 1)
		rows++;
	sheet_close(r);
	return rc < 0 ? -1 : rows;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's entry point: one workbook read to its end. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool xlsx = size >= 2 && data[0] == 'P' && data[1] == 'K';
	static char *path[2];
	if (!path[xlsx])
		path[xlsx] = tmp_path(xlsx ? "input.xlsx" : "input.xls");
	write_bytes(path[xlsx], data, size);
	sheet_set_in_process(xlsx);
	char *err = NULL;
	read_all(path[xlsx], xlsx ? SHEET_XLSX : SHEET_XLS, &err);
	free(err);
	return 0;
}

#ifndef SZ_LIBFUZZER

/* Sanitizer builds keep shadow memory: their peak is not the program's. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Copies read and garbled: fewer where each fork copies a sanitizer's shadow. */
#define GARBLED_ROUNDS (SANITIZED ? 60 : 200)

#define NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

static int run, failed;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		run++;                                                               \
		if (!(cond)) {                                                       \
			failed++;                                                    \
			fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                    \
	} while (0)

/* ---- making workbooks ---- */

/* A member streamed into the zip: a head, count copies of a filler, a tail. */
struct stream_part {
	const char *head, *fill, *tail;
	unsigned long long count, done;
	size_t at;   /* bytes of the current piece already given */
	int piece;   /* 0 head, 1 fill, 2 tail, 3 end */
};

/* Copies the rest of the current piece; false when it is given whole. */
static bool piece_copy(struct stream_part *sp, const char *text, char *out, size_t cap, size_t *n)
{
	size_t len = strlen(text) - sp->at;
	size_t k = len < cap - *n ? len : cap - *n;
	memcpy(out + *n, text + sp->at, k);
	*n += k;
	sp->at += k;
	return sp->at < strlen(text);
}

/* libzip's source of a streamed member. */
static zip_int64_t stream_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct stream_part *sp = ud;
	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		sp->done = 0;
		sp->at = 0;
		sp->piece = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		size_t n = 0;
		while (n < len && sp->piece < 3) {
			const char *text = sp->piece == 0 ? sp->head : sp->piece == 1 ? sp->fill : sp->tail;
			if (sp->piece == 1 && sp->done == sp->count) {
				sp->piece = 2;
				continue;
			}
			if (piece_copy(sp, text, data, len, &n))
				break;
			sp->at = 0;
			if (sp->piece == 1)
				sp->done++;
			else
				sp->piece++;
		}
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE:
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_STAT:
		zip_stat_init(data);
		return sizeof(zip_stat_t);
	case ZIP_SOURCE_ERROR:
		return 2 * sizeof(int);
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
						      ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		return -1;
	}
}

/* Adds a member of text to the zip. */
static void add_text(zip_t *z, const char *name, const char *text)
{
	char *copy = xstrdup(text);
	zip_source_t *src = zip_source_buffer(z, copy, strlen(copy), 1);
	if (!src || zip_file_add(z, name, src, ZIP_FL_OVERWRITE) < 0)
		abort();
}

/* Adds a streamed member, deflated fast (the seeds are made in a second or two). */
static void add_stream(zip_t *z, const char *name, struct stream_part *sp)
{
	zip_source_t *src = zip_source_function(z, stream_cb, sp);
	zip_int64_t i = src ? zip_file_add(z, name, src, ZIP_FL_OVERWRITE) : -1;
	if (i < 0)
		abort();
	zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_DEFLATE, 1);
}

/* An .xlsx of a worksheet (the <sheetData> body) and optional shared strings. */
static char *workbook(const char *name, const char *shared, const char *rows)
{
	char *path = tmp_path(name);
	int zerr;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!z)
		abort();
	char *sheet = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"" NS "\">"
				"<sheetData>%s</sheetData></worksheet>", rows);
	add_text(z, "xl/worksheets/sheet1.xml", sheet);
	free(sheet);
	if (shared) {
		char *sst = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"" NS "\">%s</sst>", shared);
		add_text(z, "xl/sharedStrings.xml", sst);
		free(sst);
	}
	if (zip_close(z) != 0)
		abort();
	return path;
}

/* A roster as Excel writes it: shared strings, a header and rows of residents. */
static char *roster_workbook(const char *name, int rows)
{
	struct strbuf sst = {0}, sheet = {0};
	sb_append(&sst, "<si><t>姓名</t></si><si><t>公民身份号码</t></si><si><t>备注</t></si>");
	sb_append(&sheet, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
			  "<c r=\"C1\" t=\"s\"><v>2</v></c></row>");
	for (int r = 0; r < rows; r++) {
		sb_appendf(&sst, "<si><t>居民%d号</t></si>", r);
		sb_appendf(&sheet, "<row r=\"%d\"><c r=\"A%d\" t=\"s\"><v>%d</v></c><c r=\"B%d\" t=\"inlineStr\">"
				   "<is><t>52011119800101%04d</t></is></c><c r=\"C%d\"><v>%d</v></c></row>",
			   r + 2, r + 2, r + 3, r + 2, r, r + 2, r * 7);
	}
	char *path = workbook(name, sst.s, sheet.s);
	sb_free(&sst);
	sb_free(&sheet);
	return path;
}

/* An .xls from Perl's Spreadsheet::WriteExcel (as test-import makes it); NULL when
 * Perl cannot make it. */
static char *perl_xls(const char *name)
{
	char *path = tmp_path(name);
	char *cmd = xasprintf(
		"perl -Mutf8 -MSpreadsheet::WriteExcel -e '"
		"my $b = Spreadsheet::WriteExcel->new($ARGV[0]) or exit 1; my $s = $b->add_worksheet();"
		"$s->write_row(0, 0, [\"姓名\", \"公民身份号码\", \"户号\", \"与户主关系\", \"出生日期\"]);"
		"$s->write_string(1, 0, \"杨秀\"); $s->write_string(1, 1, \"520111199001010022\");"
		"$s->write_string(1, 2, \"9401\"); $s->write_string(1, 3, \"户主\");"
		"$s->write_string(2, 0, \"杨明\"); $s->write_number(2, 1, 520111199202020031);"
		"$s->write_string(2, 2, \"9401\"); $s->write_string(2, 3, \"子\");"
		"$b->close();' '%s'", path);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* A whole file. Caller frees. */
static char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = xmalloc((size_t)n + 1);
	*size = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

/* ---- the checks ---- */

/* Seconds since t0. */
static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Reads a hostile workbook: refused, with the file and every piece of want named. */
static void expect_refused(const char *path, enum sheet_kind kind, const char *const *want)
{
	char *err = NULL;
	long rows = read_all(path, kind, &err);
	CHECK(rows == -1 && err && strstr(err, path));
	for (size_t i = 0; err && want[i]; i++)
		CHECK(strstr(err, want[i]) != NULL);
	if (rows != -1 || !err)
		fprintf(stderr, "%s: read %ld rows, not refused\n", path, rows);
	else
		printf("refused as it should be: %s\n", err);
	free(err);
}

/* 1 GB of spaces in a 4 MB file: refused in a moment, the reader's memory small. It
 * took 13 s and 2.1 GB. Run first: the children's peak memory is counted from here. */
static void test_whitespace_bomb(void)
{
	char *path = tmp_path("bomb.xlsx");
	int zerr;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	struct stream_part sp = {
		.head = "<?xml version=\"1.0\"?><worksheet xmlns=\"" NS "\"><sheetData><row r=\"1\">"
			"<c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row>",
		.fill = "                                                                ",
		.count = 1000000000ull / 64,
		.tail = "</sheetData></worksheet>",
	};
	add_stream(z, "xl/worksheets/sheet1.xml", &sp);
	CHECK(zip_close(z) == 0);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_refused(path, SHEET_XLSX, (const char *const[]){"sheet1.xml", "1024 KiB", NULL});
	double seconds = since(&t0);
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("whitespace bomb: refused in %.2f s, reader's peak %ld KiB\n", seconds, ru.ru_maxrss);
	CHECK(seconds < 5);
	CHECK(SANITIZED || ru.ru_maxrss < 32 * 1024);
	free(path);
}

/* Shared strings that inflate past their cap: refused naming the part and the cap. */
static void test_shared_strings_cap(void)
{
	char *path = tmp_path("shared-bomb.xlsx");
	int zerr;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	struct stream_part sp = {
		.head = "<?xml version=\"1.0\"?><sst xmlns=\"" NS "\">",
		.fill = "<si><t>x</t></si>",
		.count = (300ull << 20) / 17,
		.tail = "</sst>",
	};
	add_stream(z, "xl/sharedStrings.xml", &sp);
	add_text(z, "xl/worksheets/sheet1.xml", "<worksheet xmlns=\"" NS "\"><sheetData/></worksheet>");
	CHECK(zip_close(z) == 0);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_refused(path, SHEET_XLSX, (const char *const[]){"sharedStrings.xml", "256 MiB", NULL});
	CHECK(since(&t0) < 5);
	free(path);
}

/* A cell reference of twenty letters overflowed the column number (UBSan); a row of
 * more cells than a worksheet has, a row with too much text, a row number past
 * Excel's: each refused, naming the row. */
static void test_bad_cells(void)
{
	static const char head[] = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row>";
	char *rows = xasprintf("%s<row r=\"2\"><c r=\"AAAAAAAAAAAAAAAAAAAA2\" t=\"inlineStr\"><is><t>龙</t></is></c></row>",
			       head);
	char *path = workbook("long-ref.xlsx", NULL, rows);
	expect_refused(path, SHEET_XLSX, (const char *const[]){"row 2", "AAAAAAAAAAAAAAAAAAAA2", "XFD", NULL});
	free(path);
	free(rows);

	struct strbuf sb = {0};
	sb_appendf(&sb, "%s<row r=\"2\">", head);
	for (int i = 0; i <= 16384; i++)
		sb_append(&sb, "<c><v>1</v></c>");
	sb_append(&sb, "</row>");
	path = workbook("wide.xlsx", NULL, sb.s);
	expect_refused(path, SHEET_XLSX, (const char *const[]){"row 2", "16384", NULL});
	free(path);
	sb_free(&sb);

	sb_appendf(&sb, "%s<row r=\"3\">", head);
	for (int i = 0; i < 200; i++)
		sb_appendf(&sb, "<c t=\"inlineStr\"><is><t>%0400d</t></is></c>", i);
	sb_append(&sb, "</row>");
	path = workbook("long-row.xlsx", NULL, sb.s);
	expect_refused(path, SHEET_XLSX, (const char *const[]){"row 3", "64 KiB", NULL});
	free(path);
	sb_free(&sb);

	rows = xasprintf("%s<row r=\"99999999999999999999\"><c><v>1</v></c></row>", head);
	path = workbook("row-number.xlsx", NULL, rows);
	expect_refused(path, SHEET_XLSX, (const char *const[]){"after row 1", "1048576", NULL});
	free(path);
	free(rows);
}

/* A worksheet of the given bytes (not through printf: they may hold anything),
 * stored or deflated. */
static char *raw_workbook(const char *name, const char *sheet, size_t len, bool stored)
{
	char *path = tmp_path(name);
	int zerr;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	char *copy = xmalloc(len);
	memcpy(copy, sheet, len);
	zip_source_t *src = zip_source_buffer(z, copy, len, 1);
	zip_int64_t i = src ? zip_file_add(z, "xl/worksheets/sheet1.xml", src, ZIP_FL_OVERWRITE) : -1;
	if (i < 0 || zip_set_file_compression(z, (zip_uint64_t)i, stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) < 0 ||
	    zip_close(z) != 0)
		abort();
	return path;
}

/* Text that is not UTF-8, a control character, an entity XML lacks, a tag closing
 * the wrong element, a DOCTYPE: each refused with the row and the cell (or the row
 * near it), and what is wrong; the rows before it were read. A stored worksheet
 * whose bytes no longer match its CRC is refused, not read as sound. */
static void test_bad_text(void)
{
	static const struct {
		const char *cell, *want;
	} cases[] = {
		{"<is><t>龙\xff\xfe</t></is>", "UTF-8"},
		{"<is><t>\xe9\xbe</t></is>", "UTF-8"},
		{"<is><t>a\x1b[2Jb</t></is>", "0x1B"},
		{"<is><t>&nbsp;</t></is>", "&nbsp;"},
		{"<is><t>x</is></t>", "</is>"},
	};
	static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"" NS "\"><sheetData>"
				   "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row>";
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *sheet = xasprintf("%s<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>龙</t></is></c>"
					"<c r=\"B2\" t=\"inlineStr\">%s</c></row></sheetData></worksheet>", head, cases[i].cell);
		char *path = raw_workbook("bad-text.xlsx", sheet, strlen(sheet), false);
		expect_refused(path, SHEET_XLSX, (const char *const[]){"row 2", "B2", cases[i].want, NULL});
		free(path);
		free(sheet);
	}
	char *sheet = xasprintf("<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY e \"x\">]><worksheet xmlns=\"" NS "\">"
				"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&e;</t></is></c></row>"
				"</sheetData></worksheet>");
	char *path = raw_workbook("doctype.xlsx", sheet, strlen(sheet), false);
	expect_refused(path, SHEET_XLSX, (const char *const[]){"near row 0", "document type", NULL});
	free(path);
	free(sheet);

	sheet = xasprintf("%s<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>龙发利</t></is></c></row></sheetData>"
			  "</worksheet>", head);
	path = raw_workbook("crc.xlsx", sheet, strlen(sheet), true);
	size_t size;
	char *bytes = slurp(path, &size);
	char *at = bytes ? memmem(bytes, size, "龙发利", strlen("龙发利")) : NULL;
	CHECK(at != NULL);
	if (at) {
		memcpy(at, "龙发财", strlen("龙发财"));   /* the same length, another CRC */
		write_bytes(path, bytes, size);
		expect_refused(path, SHEET_XLSX, (const char *const[]){"near row 2", NULL});
	}
	free(bytes);
	free(path);
	free(sheet);
}

/* An .xls that FreeXL 1.0.6 reads before a stack buffer (ASan: stack-buffer-underflow
 * in iconv from xls_open): refused with a message, this process unharmed. */
static void test_mutated_xls(const char *base, const char *text, size_t size)
{
	static const struct {
		size_t at;
		unsigned char byte;
	} patches[] = {{3956, 0xff}, {4801, 0x7f}};
	char *copy = xmalloc(size);
	memcpy(copy, text, size);
	for (size_t i = 0; i < sizeof patches / sizeof *patches; i++)
		if (patches[i].at < size)
			copy[patches[i].at] = (char)patches[i].byte;
	char *path = tmp_path("mutated.xls");
	write_bytes(path, copy, size);
	expect_refused(path, SHEET_XLS, (const char *const[]){NULL});
	free(path);
	free(copy);
	(void)base;
}

/* A sound workbook read whole through the child: the rows and their text arrive. */
static void test_sound(const char *xlsx, const char *xls)
{
	char *err = NULL;
	CHECK(read_all(xlsx, SHEET_XLSX, &err) == 301);
	struct sheet_reader *r = sheet_open(xlsx, SHEET_XLSX, &err);
	struct csv_row row;
	CHECK(r && sheet_read(r, &row, &err) == 1 && row.n == 3 && strcmp(row.fields[0], "姓名") == 0);
	CHECK(r && sheet_read(r, &row, &err) == 1 && row.line == 2 && strcmp(row.fields[1], "520111198001010000") == 0);
	sheet_close(r);   /* before the end: the child is stopped */
	if (xls)
		CHECK(read_all(xls, SHEET_XLS, &err) == 3);
	if (err)
		fprintf(stderr, "sound: %s\n", err);
	free(err);
}

/* Reads a damaged copy: read or refused naming the file; never this process's end. */
static void try_copy(const char *what, const char *name, const char *data, size_t size, enum sheet_kind kind)
{
	char *path = tmp_path(name);
	write_bytes(path, data, size);
	char *err = NULL;
	long rows = read_all(path, kind, &err);
	run++;
	if (rows < 0 && (!err || !strstr(err, name))) {
		failed++;
		fprintf(stderr, "%s: refused without naming the file: %s\n", what, err ? err : "(no message)");
	}
	free(err);
	unlink(path);
	free(path);
}

/* Truncations, then bytes garbled, of a sound file. */
static void damaged_copies(const char *name, const char *text, size_t size, enum sheet_kind kind, int rounds)
{
	char *copy = xmalloc(size);
	for (size_t cut = 0; cut < size; cut += size / 40 + 1)
		try_copy("truncated", name, text, cut, kind);
	unsigned seed = 2026;
	for (int round = 0; round < rounds; round++) {
		memcpy(copy, text, size);
		for (int k = 0; k < 1 + round % 6; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % size;
			static const unsigned char bytes[] = {0x00, 0xff, 0x7f, 0x80, '<', '"', 'A'};
			copy[at] = (char)bytes[(seed >> 4) % sizeof bytes];
		}
		try_copy("garbled", name, copy, size, kind);
	}
	free(copy);
}

int main(void)
{
	test_whitespace_bomb();
	test_shared_strings_cap();
	test_bad_cells();
	test_bad_text();
	char *xlsx = roster_workbook("roster.xlsx", 300);
	char *xls = perl_xls("roster.xls");
	CHECK(xls != NULL);
	test_sound(xlsx, xls);
	size_t size;
	char *text = slurp(xlsx, &size);
	damaged_copies("copy.xlsx", text, size, SHEET_XLSX, GARBLED_ROUNDS);
	free(text);
	if (xls) {
		text = slurp(xls, &size);
		test_mutated_xls(xls, text, size);
		damaged_copies("copy.xls", text, size, SHEET_XLS, GARBLED_ROUNDS);
		free(text);
		unlink(xls);
	}
	free(xls);
	free(xlsx);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "%s: not removed\n", dir);
	free(cmd);
	printf("%d checks, %d failed\n", run, failed);
	return failed ? 1 : 0;
}

#endif
