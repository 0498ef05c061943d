/* The import and export screen in a pseudo-terminal, as a clerk drives it: menu 6,
 * a GBK roster named, its first rows seen decoded with the column mapping, the dry
 * run's report, the import; then an export to GBK that meets a name GBK lacks, is
 * refused by name, and is written in GB18030 instead.
 *
 * usage: test-tui-exchange SHANZHI LOCALE    (zh_CN.UTF-8 or zh_CN.GBK) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 8000

static const char *shanzhi, *locale;

/* printf into a new string (the pty tests do not link the program's util.c). */
static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}
static char *dir, *db;

/* Waits for text, dumping the screen when it does not come. */
static bool wait_for(struct pty *t, const char *utf8)
{
	if (pty_wait_for(t, utf8, WAIT_MS))
		return true;
	fprintf(stderr, "waited for: %s\n", utf8);
	pty_dump(t, stderr, "not found");
	return false;
}

/* Runs a subcommand on the test's database; its exit status. */
static int run(const char *const extra[])
{
	const char *argv[16] = {shanzhi, "--db", db};
	size_t n = 3;
	for (size_t i = 0; extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	int status = -1;
	free(pty_run(argv, locale, &status));
	return status;
}

/* F10 until the main menu asks about leaving, then yes; true when the program ended
 * with status 0. */
static bool quit(struct pty *t)
{
	for (int i = 0; i < 6 && !pty_contains(t, "离开善治"); i++)
		step_key(t, "F10");
	CHECK(wait_for(t, "离开善治"));
	step_type(t, "y");
	int status = -1;
	return pty_wait_exit(t, WAIT_MS, &status) && status == 0;
}

/* Clears the prompt's proposed text (Ctrl-U) and types a path. */
static void type_path(struct pty *t, const char *path)
{
	pty_send_raw(t, "\x15", 1);
	step_type(t, path);
	step_key(t, "Enter");
}

/* Menu 6, import the roster, check the preview and the dry run, import. */
static void import_roster(const char *roster)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 30, 100);
	CHECK(t && pty_contains(t, "主菜单"));
	CHECK(pty_contains(t, "导入导出"));
	step_type(t, "6");
	CHECK(wait_for(t, "从文件导入人口信息"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "文件（.csv .txt .xlsx .xls）"));
	/* a mistyped name first: said inside the dialog, which keeps it; then the dialog
	 * again, and the message gone once the right file is open */
	char *missing = xasprintf("%s.missing", roster);
	type_path(t, missing);
	CHECK(wait_for(t, "无法读取"));
	CHECK(pty_contains(t, "文件（.csv .txt .xlsx .xls）"));
	CHECK(pty_contains(t, ".missing"));
	free(missing);
	step_key(t, "F10");
	CHECK(wait_for(t, "从文件导入人口信息"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "文件（.csv .txt .xlsx .xls）"));
	/* the path typed after the folder the prompt proposes (it starts again), completed
	 * with Tab as in a shell: as far as the two rosters agree, then both listed on the
	 * message line, then the one meant */
	const char *slash = strrchr(roster, '/');
	char *start = xasprintf("%.*s/ro", (int)(slash - roster), roster);
	step_type(t, start);
	free(start);
	step_key(t, "Tab");
	int row = pty_find(t, "文件（.csv .txt .xlsx .xls）", NULL);
	char *line = row >= 0 ? pty_row(t, row + 1) : NULL;
	CHECK(line && strstr(line, "/roster") && !strstr(line, "roster."));
	free(line);
	step_key(t, "Tab");
	CHECK(wait_for(t, "roster-old.txt  roster.csv"));
	step_type(t, ".");
	step_key(t, "Tab");
	line = row >= 0 ? pty_row(t, row + 1) : NULL;
	CHECK(line && strstr(line, "/roster.csv"));
	free(line);
	step_key(t, "Enter");
	/* the first rows, decoded from GBK, and where each column goes */
	CHECK(wait_for(t, "导入人口信息"));
	CHECK(!pty_contains(t, "无法读取"));
	CHECK(pty_contains(t, "gb18030"));
	CHECK(pty_contains(t, "龙德明"));
	CHECK(pty_contains(t, "5.20111E+17"));
	CHECK(pty_contains(t, "-> 姓名"));
	CHECK(pty_contains(t, "-> 与户主关系"));
	/* the dry run: what would be imported and refused, with reasons */
	step_key(t, "F2");
	CHECK(wait_for(t, "导入预演"));
	CHECK(!pty_contains(t, "正在逐行检查"));   /* the check is over: it says so no more */
	CHECK(pty_contains(t, "将导入 5 行，拒绝 4 行"));
	CHECK(pty_contains(t, "第 7 行"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "现在导入 5 人"));
	step_type(t, "y");
	CHECK(wait_for(t, "已导入 5 行，拒绝 4 行"));
	step_key(t, "Enter");
	/* an imported resident's history says by whom and from which file */
	step_key(t, "F10");
	CHECK(wait_for(t, "从文件导入人口信息"));
	step_key(t, "F10");
	CHECK(wait_for(t, "居民户籍登记"));
	step_type(t, "1");
	CHECK(wait_for(t, "查找 姓名/拼音/尾号/户号"));
	step_type(t, "王大山");
	CHECK(wait_for(t, "王大山"));
	step_key(t, "F9");
	CHECK(wait_for(t, "整条记录"));
	const char *base = strrchr(roster, '/');
	CHECK(pty_contains(t, "admin") && pty_contains(t, base ? base + 1 : roster));
	CHECK(quit(t));
	pty_close(t);
	/* the data: the head of 9003 came after his wife, and is the head */
	const char *search[] = {"search", "王大山", NULL};
	CHECK_INT(run(search), 0);
}

/* At 80x24 a long roster's preview shows what fits and scrolls, and a dry run with
 * more refusals than lines scrolls inside its box instead of running off it. */
static void preview_at_80x24(void)
{
	char *path = xasprintf("%s/long.csv", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("姓名,公民身份号码,性别,民族,家庭住址\n", f);
	for (int i = 1; i <= 40; i++)
		fprintf(f, "测试%02d,12345,男,汉族,龙井村%d组\n", i, i);
	fclose(f);
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t && pty_contains(t, "主菜单"));
	step_type(t, "6");
	CHECK(wait_for(t, "从文件导入人口信息"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "文件（.csv .txt .xlsx .xls）"));
	type_path(t, path);
	CHECK(wait_for(t, "第 1–15 行（共读入 40 行）"));
	CHECK(pty_contains(t, "-> 姓名"));
	/* a cut heading says it is cut: … is 1 column in UTF-8, 2 in GBK */
	CHECK(pty_contains(t, "-> 公民身份") && pty_contains(t, "…"));
	CHECK(pty_contains(t, "测试01") && pty_contains(t, "测试15") && !pty_contains(t, "测试16"));
	step_key(t, "PgDn");
	CHECK(wait_for(t, "第 16–30 行"));
	CHECK(pty_contains(t, "测试16") && !pty_contains(t, "测试01"));
	step_key(t, "F2");
	CHECK(wait_for(t, "PgUp/PgDn 滚动，Enter 继续"));
	step_key(t, "PgDn");
	CHECK(wait_for(t, "行，共"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "没有可导入的"));
	CHECK(quit(t));
	pty_close(t);
	free(path);
}

/* A column no field takes is shown going to the notes before anything is written,
 * the dry run names it with its cells and tells a member who disagrees with his
 * household, by line; the import keeps both in the notes. */
static void cells_to_notes(void)
{
	char *path = xasprintf("%s/cells.csv", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("户号,姓名,公民身份号码,与户主关系,家庭住址,籍贯\n"
	      "C1,蒙一,110101198001010010,户主,三组,湖南\n"
	      "C1,蒙二,110101198202020020,配偶,\"三组\n(老屋)\",湖北\n", f);
	fclose(f);
	struct pty *t = step_start_admin(shanzhi, db, locale, 30, 100);
	CHECK(t && pty_contains(t, "主菜单"));
	step_type(t, "6");
	CHECK(wait_for(t, "从文件导入人口信息"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "文件（.csv .txt .xlsx .xls）"));
	type_path(t, path);
	CHECK(wait_for(t, "-> 住址"));
	CHECK(pty_contains(t, "-> （入备注）"));
	step_key(t, "F2");
	CHECK(wait_for(t, "导入预演"));
	CHECK(pty_contains(t, "没有对应字段的列"));
	CHECK(pty_contains(t, "籍贯（"));   /* its count of cells after, on the next line */
	CHECK(pty_contains(t, "第 3 行：家庭住址与本户住址（三组）不同，已记入备注"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "现在导入 2 人"));
	step_type(t, "y");
	CHECK(wait_for(t, "已导入 2 行，拒绝 0 行"));
	step_key(t, "Enter");
	CHECK(quit(t));
	pty_close(t);
	free(path);
}

/* Export with the default template in GBK: refused naming 李一𬱖 (the demo has
 * him), then written in GB18030 from the offered choices. */
static void export_gbk(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 30, 100);
	CHECK(t && pty_contains(t, "主菜单"));
	step_type(t, "6");
	CHECK(wait_for(t, "把人口信息导出到文件"));
	step_type(t, "2");
	CHECK(wait_for(t, "导出模板"));
	CHECK(pty_contains(t, "人口信息（全部字段）"));
	CHECK(pty_contains(t, "低保户花名册"));
	step_type(t, "1");
	CHECK(wait_for(t, "按模板规定"));
	step_type(t, "4");   /* GBK */
	CHECK(wait_for(t, "不打码"));
	step_type(t, "n");
	CHECK(wait_for(t, "文件（.csv .txt .xlsx）"));
	char *out = xasprintf("%s/out.csv", dir);
	type_path(t, out);
	CHECK(wait_for(t, "编码中没有的字符"));
	CHECK(pty_contains(t, "不在 GBK 中"));
	CHECK(pty_contains(t, "姓名"));
	CHECK(pty_contains(t, "什么也没有写入"));
	CHECK(!pty_contains(t, "--encoding"));   /* the ways out are the screen's, not the shell's */
	CHECK(access(out, F_OK) != 0);
	step_key(t, "Enter");
	CHECK(wait_for(t, "改用 GB18030 导出"));
	step_type(t, "1");
	CHECK(wait_for(t, "已写入"));
	CHECK(access(out, F_OK) == 0);
	CHECK(quit(t));
	pty_close(t);
	free(out);
}

/* The audit log's reasons of unmasked exports, one a line (caller frees). */
static char *unmask_reasons(void)
{
	char *cmd = xasprintf("sqlite3 '%s' \"SELECT reason FROM audit WHERE action = 'unmask' AND json_extract(after, '$.export') IS NOT NULL ORDER BY id\"", db);
	FILE *p = popen(cmd, "r");
	char *text = calloc(1, 4096);
	size_t n = p ? fread(text, 1, 4095, p) : 0;
	text[n] = '\0';
	if (p)
		pclose(p);
	free(cmd);
	return text;
}

/* Full ID and phone numbers leave as from F6: only with a reason, which the export's
 * audit entry keeps; without one the dialog says so and nothing is written. */
static void export_unmasked(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	char *out = xasprintf("%s/full.csv", dir);
	for (int round = 0; round < 2; round++) {
		if (round == 0) {
			CHECK(t && wait_for(t, "主菜单"));
			step_type(t, "6");
		}
		CHECK(wait_for(t, "把人口信息导出到文件"));
		step_type(t, "2");
		CHECK(wait_for(t, "导出模板"));
		step_type(t, "1");
		CHECK(wait_for(t, "按模板规定"));
		step_type(t, "3");   /* UTF-8 */
		CHECK(wait_for(t, "不打码"));
		step_type(t, "y");
		CHECK(wait_for(t, "为什么需要（将记入审计日志）"));
		if (round == 0) {
			/* refused inside the reason's dialog, which stays; cancelled, nothing goes */
			step_key(t, "Enter");
			CHECK(wait_for(t, "未说明原因，不导出。"));
			CHECK(pty_contains(t, "为什么需要（将记入审计日志）"));
			CHECK(!pty_contains(t, "文件（.csv .txt .xlsx）"));
			step_key(t, "F10");
			continue;
		}
		step_type(t, "低保年审");
		step_key(t, "Enter");
		CHECK(wait_for(t, "文件（.csv .txt .xlsx）"));
		type_path(t, out);
		CHECK(wait_for(t, "已写入"));
	}
	CHECK(access(out, F_OK) == 0);
	char *reasons = unmask_reasons();
	CHECK(strcmp(reasons, "低保年审\n") == 0);
	if (strcmp(reasons, "低保年审\n") != 0)
		fprintf(stderr, "unmasked exports' reasons: %s\n", reasons);
	free(reasons);
	CHECK(quit(t));
	pty_close(t);
	free(out);
}

/* A workbook whose third row points past its shared strings, as a damaged copy does. */
static char *damaged_workbook(const char *name)
{
	static const char ns[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
	char *path = xasprintf("%s/%s", dir, name);
	char *sst = xasprintf("<sst xmlns=\"%s\"><si><t>姓名</t></si><si><t>龙发利</t></si></sst>", ns);
	char *sheet = xasprintf("<worksheet xmlns=\"%s\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
				"<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c></row>"
				"<row r=\"3\"><c r=\"A3\" t=\"s\"><v>9</v></c></row></sheetData></worksheet>", ns);
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	CHECK(z != NULL);
	if (z) {
		zip_source_t *a = zip_source_buffer(z, sst, strlen(sst), 1);
		zip_source_t *b = zip_source_buffer(z, sheet, strlen(sheet), 1);
		CHECK(a && zip_file_add(z, "xl/sharedStrings.xml", a, 0) >= 0);
		CHECK(b && zip_file_add(z, "xl/worksheets/sheet1.xml", b, 0) >= 0);
		CHECK(zip_close(z) == 0);
	} else {
		free(sst);
		free(sheet);
	}
	return path;
}

/* Bad files at 80x24: a roster cut inside a two-byte character is refused on the
 * message line with its line and byte; a damaged workbook, named as townships name
 * their files, gives a refusal wider than the line, so it is shown whole. */
static void bad_files(void)
{
	char *csv = xasprintf("%s/cut.csv", dir);
	FILE *f = fopen(csv, "wb");
	CHECK(f != NULL);
	if (f) {
		fputs("\xd0\xd5\xc3\xfb\n\xc1\xfa\xb7\n", f);   /* 姓名, then 龙 and half a character */
		fclose(f);
	}
	char *book = damaged_workbook("青岩镇龙井村2026年人口信息花名册（乡镇下发第二版）.xlsx");
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t && pty_contains(t, "主菜单"));
	step_type(t, "6");
	CHECK(wait_for(t, "从文件导入人口信息"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "文件（.csv .txt .xlsx .xls）"));
	type_path(t, csv);
	CHECK(wait_for(t, "第 2 行，字节偏移 7：字节 0xB7 0x0A 不是有效的 GB18030"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "文件（.csv .txt .xlsx .xls）"));
	type_path(t, book);
	CHECK(wait_for(t, "未能完成"));
	CHECK(pty_contains(t, "A3 单元格"));
	CHECK(pty_contains(t, "文件已损坏"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "从文件导入人口信息"));
	CHECK(quit(t));
	pty_close(t);
	free(csv);
	free(book);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s SHANZHI LOCALE\n", argv[0]);
		return 2;
	}
	shanzhi = argv[1];
	locale = argv[2];
	dir = pty_tempdir();
	db = xasprintf("%s/exchange.db", dir);
	const char *demo[] = {"demo", "--residents", "300", NULL};
	CHECK_INT(run(demo), 0);
	/* the roster is copied so that its rejects file is written beside the copy */
	const char *root = getenv("SOURCE_ROOT");
	char *roster = xasprintf("%s/roster.csv", dir);
	char *cmd = xasprintf("cp '%s/tests/data/roster-gbk.csv' '%s'", root ? root : ".", roster);
	CHECK(system(cmd) == 0);
	free(cmd);
	char *old = xasprintf("%s/roster-old.txt", dir);   /* a second name for Tab to tell apart */
	FILE *f = fopen(old, "w");
	if (f)
		fclose(f);
	free(old);
	import_roster(roster);
	char *rejects = xasprintf("%s/roster.rejects.csv", dir);
	CHECK(access(rejects, F_OK) == 0);
	free(rejects);
	export_gbk();
	export_unmasked();
	bad_files();
	preview_at_80x24();
	cells_to_notes();
	free(roster);
	pty_rmdir(dir);
	free(db);
	return check_finish();
}
