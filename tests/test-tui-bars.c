/* Every screen's key bar at 80x24, the smallest terminal a clerk may have, in Chinese
 * and in English (--lang en): each key the screen takes shows at the bottom, bold,
 * with its label whole (nothing cut with "…").
 *
 * usage: test-tui-bars SHANZHI LOCALE    (LOCALE zh_CN.UTF-8 or zh_CN.GBK)
 *
 * TUI_TRACE=1 dumps every step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 8000
#define ROWS 24
#define COLS 80

static const char *shanzhi;
static const char *locale;
static char *db;
static char *roster;   /* a small CSV file, for the import screen */

/* One screen: the keys from the main menu that reach it (digits typed, names pressed),
 * its title in each language, and the keys its bar must show. */
struct bar_case {
	const char *path;
	const char *zh, *en;
	const char *keys[12];
};

#define STATS_KEYS { "\xE2\x86\x90/\xE2\x86\x92", "F5", "F6", "F7", "F3", "F1", "Esc/F10" }

static const struct bar_case cases[] = {
	{ "", "主菜单", "Main menu", { "1-9", "F1", "0/F10" } },
	{ "1", "居民", "Residents", { "F1", "Enter", "F5", "F6", "F7", "F8", "F9", "F10" } },
	{ "1 Enter", " 姓名*", " Name*", { "F1", "F2", "F3", "F4", "F5", "F7", "F8", "F9", "F10" } },
	{ "1 Enter F9", "的修改记录", "History of", { "F1", "PgUp/PgDn", "F10" } },
	{ "2", "户信息", "Households", { "F1", "Enter", "F7", "F9", "F10" } },
	{ "2 Enter", "户 10", "Household 10", { "F1", "F2", "F5", "F6", "F7", "F8", "F9", "F10" } },
	{ "3 1", "便民服务工作清单", "Service work list",
	  { "F1", "F3", "Tab", "F7", "F5", "F8", "F6", "F2", "Enter", "F9", "F10" } },
	/* the three statistics views: one key set */
	{ "3 3", "便民服务统计", "Service statistics", STATS_KEYS },
	{ "4 1", "人民调解：待办事项", "Mediation: work list", { "F1", "Enter", "F10" } },
	{ "4 2", "调解案件", "Mediation cases", { "F1", "Enter", "F7", "F10" } },
	{ "4 4", "人民调解统计", "People's mediation statistics", STATS_KEYS },
	{ "4 2 Enter", "调〔", "调〔", { "Enter", "F3", "F5", "F6", "F7", "F8", "F9", "F10" } },
	{ "5 1", "星级文明户", "Star households", { "F1", "F3", "F5", "F6", "F8", "F9", "F10" } },
	{ "5 3", "星级文明户统计", "Star households: statistics", STATS_KEYS },
	{ "9 1", "操作员", "Operators", { "F5", "F6", "F7", "F8", "F9", "F10" } },
	{ "6 Enter ROSTER", "格式：CSV", "Format: CSV", { "F2", "F4", "F5", "\xE2\x86\x91\xE2\x86\x93\xE2\x86\x90\xE2\x86\x92", "F10" } },
};

/* Appends code point c to s as UTF-8. */
static void put_utf8(char *s, size_t *n, unsigned c)
{
	if (c < 0x80) {
		s[(*n)++] = (char)c;
	} else if (c < 0x800) {
		s[(*n)++] = (char)(0xC0 | c >> 6);
		s[(*n)++] = (char)(0x80 | (c & 0x3F));
	} else {
		s[(*n)++] = (char)(0xE0 | c >> 12);
		s[(*n)++] = (char)(0x80 | (c >> 6 & 0x3F));
		s[(*n)++] = (char)(0x80 | (c & 0x3F));
	}
}

/* The bold runs of the last two rows (the key bar, one or two lines), each between
 * "|": "|F1|Enter|F10|". Caller frees. */
static char *bar_keys(const struct pty *t)
{
	char *s = malloc(4 * COLS * 2 * 4 + 2);
	size_t n = 0;
	s[n++] = '|';
	for (int r = ROWS - 2; r < ROWS; r++) {
		bool in = false;
		for (int c = 0; c < COLS; c++) {
			int width;
			bool right;
			unsigned cp = pty_cell(t, r, c, &width, &right);
			if (right)
				continue;
			bool bold = (pty_cell_attr(t, r, c) & PTY_ATTR_BOLD) && cp && cp != ' ';
			if (bold)
				put_utf8(s, &n, cp);
			else if (in)
				s[n++] = '|';
			in = bold;
		}
		if (in)
			s[n++] = '|';
	}
	s[n] = '\0';
	return s;
}

/* Presses or types each of path's words: digits are typed, ROSTER types the CSV
 * file's name over the proposed one, anything else is a key's name. */
static void follow(struct pty *t, const char *path)
{
	char *copy = strdup(path);
	for (char *w = strtok(copy, " "); w; w = strtok(NULL, " ")) {
		if (strcmp(w, "ROSTER") == 0) {
			pty_wait_for(t, ".csv", WAIT_MS);
			pty_send_raw(t, "\x15", 1);    /* Ctrl-U clears the proposed folder */
			step_type(t, roster);
			step_key(t, "Enter");
		} else if (strspn(w, "0123456789") == strlen(w)) {
			step_type(t, w);
		} else {
			step_key(t, w);
		}
	}
	free(copy);
}

/* Whether the main menu is up, alone. */
static bool at_menu(const struct pty *t)
{
	char *title = pty_row(t, 0);
	bool yes = strstr(title, "主菜单") || strstr(title, "Main menu");
	free(title);
	return yes && !pty_contains(t, "+--");   /* no dialog (a submenu, a question) over it */
}

/* Goes to the screen of c, checks its bar shows every key whole, and backs out to the
 * main menu. */
static void check_bar(struct pty *t, const struct bar_case *c, bool english)
{
	follow(t, c->path);
	const char *title = english ? c->en : c->zh;
	bool there = pty_wait_for(t, title, WAIT_MS);
	CHECK(there);
	pty_settle(t);
	char *keys = bar_keys(t);
	for (size_t i = 0; i < 12 && c->keys[i]; i++) {
		char want[64];
		snprintf(want, sizeof want, "|%s|", c->keys[i]);
		if (!strstr(keys, want)) {
			fprintf(stderr, "%s (%s): key %s not in the bar %s\n", title, english ? "en" : "zh",
				c->keys[i], keys);
			pty_dump(t, stderr, "a key is missing");
		}
		CHECK(strstr(keys, want) != NULL);
	}
	for (int r = ROWS - 2; r < ROWS; r++) {
		char *row = pty_row(t, r);
		if (strstr(row, "…"))
			pty_dump(t, stderr, "a label in the bar is cut");
		CHECK(!strstr(row, "…"));
		free(row);
	}
	free(keys);
	for (int i = 0; i < 6 && !at_menu(t); i++)
		step_key(t, "F10");
	CHECK(at_menu(t));
}

/* Every screen of cases in one language. */
static void test_bars(bool english)
{
	const char *argv[] = { shanzhi, "--db", db, "--lang", english ? "en" : "zh", NULL };
	struct pty *t = pty_spawn(argv, locale, ROWS, COLS);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(pty_sign_in(t, "admin", "demo"));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_bar(t, &cases[i], english);
	CHECK(step_quit(t, 8, WAIT_MS));
}

int main(int argc, char **argv)
{
	char *dir;
	if (!step_village_begin(argc, argv, 200, &shanzhi, &locale, &dir, &db))
		return 2;
	CHECK(db != NULL);
	if (!db)
		return check_finish();
	size_t n = strlen(dir) + 16;
	roster = malloc(n);
	snprintf(roster, n, "%s/roster.csv", dir);
	FILE *f = fopen(roster, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("姓名,性别,公民身份号码\n", f);
		fputs("韦测试,女,520111199005060027\n", f);
		fclose(f);
	}
	test_bars(false);
	test_bars(true);
	free(roster);
	step_village_end(dir, db);
	return check_finish();
}
