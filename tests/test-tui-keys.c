/* Keys that must not misfire, whatever the terminal: the real shanzhi binary in a
 * pseudo-terminal with TERM set as clerks' PuTTY sessions set it.
 *
 * usage: test-tui-keys SHANZHI LOCALE    (LOCALE zh_CN.UTF-8 or zh_CN.GBK)
 *
 * TERM=vt100 with xterm's F-keys (ESC [ 18 ~ ...), the Esc-digit fallback typed
 * slowly, a sequence split on a slow link, and TERM=putty and an unknown TERM, which
 * must start. TUI_TRACE=1 dumps every step. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 5000
/* Slower than the old 0.4 s Esc-digit window, within the new second. */
#define SLOW_DIGIT_MS 600

static const char *shanzhi;
static const char *locale;
static char *db;

/* The TUI on the demo register under TERM=term (NULL: unset), signed in as admin;
 * true once the main menu shows. */
static bool open_signed_in(struct pty **t, const char *term)
{
	const char *argv[] = {shanzhi, "--db", db, NULL};
	*t = pty_spawn_term(argv, locale, 24, 80, term);
	if (!*t)
		return false;
	step_trace(*t, term ? term : "TERM unset");
	return pty_sign_in(*t, "admin", "demo");
}

/* Sends raw bytes (a key's sequence) and lets the screen settle. */
static void send_raw(struct pty *t, const char *bytes)
{
	pty_send_raw(t, bytes, strlen(bytes));
	pty_settle(t);
	step_trace(t, bytes + 1);
}

/* Esc, a pause a slow typist makes, then a digit: that F-key. */
static void slow_esc_digit(struct pty *t, const char *digit)
{
	pty_key(t, "Esc");
	usleep(SLOW_DIGIT_MS * 1000);
	step_type(t, digit);
}

/* `shanzhi search QUERY`: how many lines name the resident. */
static int search_count(const char *query, const char *name)
{
	const char *argv[] = {shanzhi, "--db", db, "search", query, NULL};
	int status, n = 0;
	char *out = pty_run(argv, locale, &status);
	for (const char *p = out; p && (p = strstr(p, name)); p += strlen(name))
		n++;
	free(out);
	return n;
}

/* TERM=vt100 knows no ESC [ 18 ~: xterm's F7 opens a new resident, Esc then 2 typed
 * slowly saves it, xterm's F10 goes back to the list and then the main menu. */
static void test_vt100_xterm_keys(void)
{
	struct pty *t;
	CHECK(open_signed_in(&t, "vt100"));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "查找 姓名", WAIT_MS));
	send_raw(t, "\033[18~");                   /* xterm's F7 */
	CHECK(pty_wait_for(t, "登记新居民", WAIT_MS));
	step_type(t, "韦慢键");
	step_key(t, "Tab");
	step_type(t, "520111199005060027");
	slow_esc_digit(t, "2");
	CHECK(pty_wait_for(t, "韦慢键已登记", WAIT_MS));
	send_raw(t, "\033[21~");                   /* xterm's F10 */
	CHECK(pty_wait_for(t, "查找 姓名", WAIT_MS));
	CHECK(!pty_contains(t, "登记新居民"));
	CHECK(!pty_contains(t, "21~"));
	send_raw(t, "\033[21~");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	CHECK(step_quit(t, 4, WAIT_MS));
	CHECK(search_count("韦慢键", "韦慢键") == 1);
}

/* Esc then 7 after a pause opens a new record; F10 split on a slow link (Esc, then
 * the rest 100 ms later) goes back and types nothing; a plain Esc still goes back. */
static void test_slow_link(void)
{
	struct pty *t;
	CHECK(open_signed_in(&t, "xterm"));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "查找 姓名", WAIT_MS));
	slow_esc_digit(t, "7");
	CHECK(pty_wait_for(t, "登记新居民", WAIT_MS));
	pty_send_raw(t, "\033", 1);
	usleep(100 * 1000);                        /* past ncurses' wait for the rest */
	send_raw(t, "[21~");
	CHECK(pty_wait_for(t, "查找 姓名", WAIT_MS));
	CHECK(!pty_contains(t, "登记新居民"));
	CHECK(!pty_contains(t, "21~"));
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	CHECK(step_quit(t, 4, WAIT_MS));
}

/* TERM=putty (ncurses-term's) starts as it is, its F1 shows the help; an unknown or
 * missing TERM starts as a vt100 and says so on the message line. */
static void test_terms_start(void)
{
	struct pty *t;
	CHECK(open_signed_in(&t, "putty"));
	CHECK(!pty_contains(t, "vt100"));
	send_raw(t, "\033[11~");                   /* PuTTY's F1 */
	CHECK(pty_wait_for(t, "按菜单项前的数字", WAIT_MS));
	step_key(t, "Enter");
	CHECK(step_quit(t, 4, WAIT_MS));

	const char *argv[] = {shanzhi, "--db", db, NULL};
	t = pty_spawn_term(argv, locale, 24, 80, "nosuchterm");
	CHECK(pty_wait_for(t, "未知的终端类型“nosuchterm”", WAIT_MS));
	step_trace(t, "TERM=nosuchterm");
	CHECK(pty_sign_in(t, "admin", "demo"));
	CHECK(step_quit(t, 4, WAIT_MS));

	t = pty_spawn_term(argv, locale, 24, 80, NULL);
	CHECK(pty_wait_for(t, "未设置 TERM", WAIT_MS));
	CHECK(pty_sign_in(t, "admin", "demo"));
	CHECK(step_quit(t, 4, WAIT_MS));
}

int main(int argc, char **argv)
{
	char *dir;
	if (!step_village_begin(argc, argv, 50, &shanzhi, &locale, &dir, &db))
		return 2;
	CHECK(db != NULL);
	if (!db)
		return check_finish();

	test_vt100_xterm_keys();
	test_slow_link();
	test_terms_start();

	step_village_end(dir, db);
	return check_finish();
}
