/* Tests for the pseudo-terminal harness itself, against small shell programs: what
 * they print must be read back as a clerk would see it, in UTF-8 and in GBK, and the
 * keys must arrive as the bytes a real xterm sends. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pty.h"

#define UTF8 "zh_CN.UTF-8"
#define GBK "zh_CN.GBK"

static struct pty *sh(const char *script, const char *locale, int rows, int cols)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	return pty_spawn(argv, locale, rows, cols);
}

/* Text printed in UTF-8 is read back by row; a wide character fills two cells. */
static void test_utf8_screen(void)
{
	struct pty *t = sh("printf 'hello\\n龙发利 end\\n'; sleep 5", UTF8, 24, 80);
	CHECK(t != NULL);
	char *r0 = pty_row(t, 0), *r1 = pty_row(t, 1), *r2 = pty_row(t, 2);
	CHECK_STR(r0, "hello");
	CHECK_STR(r1, "龙发利 end");
	CHECK_STR(r2, "");
	free(r0);
	free(r1);
	free(r2);
	int w;
	bool half;
	CHECK_INT(pty_cell(t, 1, 0, &w, &half), 0x9F99);
	CHECK_INT(w, 2);
	CHECK(!half);
	CHECK_INT(pty_cell(t, 1, 1, &w, &half), 0);
	CHECK(half);
	CHECK_INT(pty_cell(t, 1, 2, &w, &half), 0x53D1);
	CHECK_INT(pty_cell(t, 1, 6, &w, &half), ' ');
	int col = -1;
	CHECK_INT(pty_find(t, "end", &col), 1);
	CHECK_INT(col, 7);
	CHECK(pty_contains(t, "发利"));
	CHECK(!pty_contains(t, "nowhere"));
	int r, c;
	pty_cursor(t, &r, &c);
	CHECK_INT(r, 2);
	CHECK_INT(c, 0);
	int status = pty_close(t);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

/* GBK output is decoded before libvterm sees it, even when a character is split
 * across two reads. */
static void test_gbk_screen(void)
{
	struct pty *t = sh("printf 'a\\301\\372\\267'; sleep 0.3; printf '\\242\\300\\373 b\\n'; "
			   "printf 'locale=%s\\n' \"$LC_ALL\"; sleep 5", GBK, 24, 80);
	CHECK(t != NULL);
	CHECK(pty_wait_for(t, "locale=", 3000));
	char *r0 = pty_row(t, 0), *r1 = pty_row(t, 1);
	CHECK_STR(r0, "a龙发利 b");
	CHECK_STR(r1, "locale=zh_CN.GBK");
	free(r0);
	free(r1);
	pty_close(t);
}

/* In a GBK terminal every two-byte character takes two cells, as zh_CN.GBK's
 * wcwidth() counts it, ambiguous ones (· ★) included; they read back as themselves. */
static void test_gbk_widths(void)
{
	struct pty *t = sh("printf 'a\\241\\244b\\241\\357c\\301\\372d\\n'; sleep 5", GBK, 24, 80);
	CHECK(pty_wait_for(t, "d", 3000));
	char *r0 = pty_row(t, 0);
	CHECK_STR(r0, "a·b★c龙d");
	free(r0);
	int w, col = -1;
	bool half;
	CHECK_INT(pty_cell(t, 0, 1, &w, &half), 0xB7);
	CHECK_INT(w, 2);
	CHECK_INT(pty_cell(t, 0, 2, &w, &half), 0);
	CHECK(half);
	CHECK_INT(pty_cell(t, 0, 3, &w, &half), 'b');
	CHECK_INT(pty_cell(t, 0, 4, &w, &half), 0x2605);
	CHECK_INT(pty_find(t, "d", &col), 0);
	CHECK_INT(col, 9);
	pty_close(t);
}

/* Typed text is converted to GBK: the tty echo and cat's copy both come back as 龙发利. */
static void test_gbk_typing(void)
{
	struct pty *t = sh("exec cat", GBK, 24, 80);
	pty_type(t, "龙发利\r");
	CHECK(pty_wait_for(t, "龙发利", 2000));
	pty_settle(t);
	char *r0 = pty_row(t, 0), *r1 = pty_row(t, 1);
	CHECK_STR(r0, "龙发利");
	CHECK_STR(r1, "龙发利");
	free(r0);
	free(r1);
	pty_close(t);
}

/* Named keys arrive as xterm's bytes. */
static void test_keys(void)
{
	static const struct {
		const char *key;
		const char *hex;
	} cases[] = {
		{"F1", "1b 4f 50"}, {"F2", "1b 4f 51"}, {"F7", "1b 5b 31 38 7e"},
		{"F10", "1b 5b 32 31 7e"}, {"BTab", "1b 5b 5a"}, {"Up", "1b 4f 41"},
		{"PgDn", "1b 5b 36 7e"}, {"Enter", "0d"}, {"Backspace", "7f"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = (strlen(cases[i].hex) + 1) / 3;
		char script[160];
		snprintf(script, sizeof script,
			 "stty raw -echo; head -c %zu | od -An -tx1; printf 'done\\n'; sleep 5", n);
		struct pty *t = sh(script, UTF8, 24, 80);
		CHECK(pty_key(t, cases[i].key));
		if (!pty_wait_for(t, "done", 3000))
			fprintf(stderr, "key %s\n", cases[i].key);
		CHECK(pty_contains(t, cases[i].hex));
		pty_close(t);
	}
	struct pty *t = sh("sleep 5", UTF8, 24, 80);
	CHECK(!pty_key(t, "NoSuchKey"));
	pty_close(t);
}

/* Underlined and reverse cells are told apart, and a run of them is measured, a
 * wide character counting its two cells. */
static void test_attributes(void)
{
	struct pty *t = sh("printf 'ab\\033[4m龙发 x\\033[0m \\033[1;7mB\\033[0m\\n'; sleep 5",
			   UTF8, 24, 80);
	CHECK(pty_wait_for(t, "龙发 x", 2000));
	int start = -1;
	CHECK_INT(pty_attr_run(t, 0, 0, PTY_ATTR_UNDERLINE, &start), 6);
	CHECK_INT(start, 2);
	CHECK_INT(pty_cell_attr(t, 0, 0), 0);
	CHECK_INT(pty_cell_attr(t, 0, 3) & PTY_ATTR_UNDERLINE, PTY_ATTR_UNDERLINE);
	CHECK_INT(pty_cell_attr(t, 0, 9), PTY_ATTR_BOLD | PTY_ATTR_REVERSE);
	CHECK_INT(pty_attr_run(t, 0, 8, PTY_ATTR_UNDERLINE, &start), 0);
	pty_close(t);
}

/* A resize reaches the program (its tty size changes) and the screen grows. */
static void test_resize(void)
{
	struct pty *t = sh("stty size; read x; stty size; sleep 5", UTF8, 24, 80);
	CHECK(pty_wait_for(t, "24 80", 2000));
	pty_resize(t, 30, 100);
	int rows, cols;
	pty_size(t, &rows, &cols);
	CHECK_INT(rows, 30);
	CHECK_INT(cols, 100);
	pty_key(t, "Enter");
	CHECK(pty_wait_for(t, "30 100", 2000));
	pty_close(t);
}

/* The terminal answers a cursor position query, as xterm would. */
static void test_query_answered(void)
{
	struct pty *t = sh("stty raw -echo; printf 'ab\\033[6n'; head -c 6 | od -An -c; sleep 5",
			   UTF8, 24, 80);
	CHECK(pty_wait_for(t, "R", 3000));
	CHECK(pty_contains(t, "033   [   1   ;   3   R"));
	pty_close(t);
}

/* Waiting for what never comes fails (and dumps the screen); an exit is seen and
 * reaped, with no zombie left. */
static void test_timeouts_and_exit(void)
{
	struct pty *t = sh("printf 'bye\\n'; exit 3", UTF8, 24, 80);
	fprintf(stderr, "(a screen dump follows on purpose)\n");
	CHECK(!pty_wait_for(t, "never shown", 300));
	int status = -1;
	CHECK(pty_wait_exit(t, 2000, &status));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	CHECK(pty_contains(t, "bye"));
	CHECK_INT(pty_close(t), status);
	errno = 0;
	CHECK_INT(waitpid(-1, NULL, WNOHANG), -1);
	CHECK_INT(errno, ECHILD);
}

/* pty_run gives the fixed environment and converts GBK output. */
static void test_run(void)
{
	int status;
	const char *argv[] = {"/bin/sh", "-c", "printf '%s %s %s' \"$SHANZHI_TODAY\" \"$TERM\" \"$LC_ALL\"", NULL};
	char *out = pty_run(argv, UTF8, &status);
	CHECK_STR(out, "2026-11-26 xterm zh_CN.UTF-8");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(out);
	const char *gbk[] = {"/bin/sh", "-c", "printf '\\301\\372\\267\\242\\300\\373'; exit 4", NULL};
	out = pty_run(gbk, GBK, &status);
	CHECK_STR(out, "龙发利");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4);
	free(out);
}

/* The temporary folder exists and is removed with what it holds. */
static void test_tempdir(void)
{
	char *dir = pty_tempdir();
	CHECK(dir && access(dir, W_OK) == 0);
	char path[512];
	snprintf(path, sizeof path, "%s/x.db", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	pty_rmdir(dir);
	CHECK(access(dir, F_OK) != 0);
	free(dir);
}

int main(void)
{
	test_utf8_screen();
	test_gbk_screen();
	test_gbk_widths();
	test_gbk_typing();
	test_keys();
	test_attributes();
	test_resize();
	test_query_answered();
	test_timeouts_and_exit();
	test_run();
	test_tempdir();
	return check_finish();
}
