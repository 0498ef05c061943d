/* Acceptance test of the township's conflicts screen (系统管理 → 同步冲突): the real
 * shanzhi binary in a pseudo-terminal. A village's package changes a resident the
 * township changed too; the administrator opens the screen, sees the conflict with
 * both phone numbers, keeps the village's, and the register and the audit log say so,
 * naming the operator who chose.
 *
 * usage: test-tui-sync SHANZHI LOCALE    (LOCALE zh_CN.UTF-8 or zh_CN.GBK) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pty.h"
#include "tui-db.h"
#include "tui-steps.h"

#define WAIT_MS 5000

static const char *shanzhi;
static const char *locale;
static char *db;
static char *dir;

static char words[4096];
#define RUN(...) (snprintf(words, sizeof words, __VA_ARGS__), run_shanzhi(shanzhi, words))

/* The township (the demo register set up as 青岩镇) and village 摆托村, one package
 * applied, then the same resident's phone changed at both ends: one conflict. */
static bool make_conflict(void)
{
	char v[512];
	snprintf(v, sizeof v, "%s/v.db", dir);
	char *pkg1 = NULL, *pkg2 = NULL;
	if (asprintf(&pkg1, "%s/v1.szp", dir) < 0 || asprintf(&pkg2, "%s/v2.szp", dir) < 0)
		return false;
	bool ok = RUN("--db '%s' demo --village 520111101202 摆托村 --residents 100 --seed 9", v) &&
		  RUN("--db '%s' sync init --village 520111101202 --name 摆托村", v) &&
		  RUN("--db '%s' sync init --township 520111101 --name 青岩镇", db) &&
		  RUN("--db '%s' sync export '%s'", v, pkg1) && RUN("--db '%s' sync apply '%s'", db, pkg1);
	char *rid = db_value(db, "SELECT min(id) FROM resident WHERE id / 1099511627776 = 101202");
	char set[256];
	snprintf(set, sizeof set, "%s phone=13800000001", rid);
	ok = ok && RUN("--db '%s' resident set %s", db, set);
	snprintf(set, sizeof set, "%s phone=13900000002", rid);
	ok = ok && RUN("--db '%s' resident set %s", v, set) && RUN("--db '%s' sync export '%s'", v, pkg2) &&
	     RUN("--db '%s' sync apply '%s'", db, pkg2);
	free(rid);
	free(pkg1);
	free(pkg2);
	return ok;
}

/* 9, 5: the conflict listed as open; Enter shows both values; 1 keeps the village's. */
static void test_resolve_on_screen(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "9");
	CHECK(pty_wait_for(t, "同步冲突", WAIT_MS));
	step_type(t, "5");
	CHECK(pty_wait_for(t, "摆托村", WAIT_MS));
	CHECK(pty_contains(t, "未解决") && pty_contains(t, "resident"));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "村里的值", WAIT_MS));
	CHECK(pty_contains(t, "13900000002") && pty_contains(t, "13800000001"));
	if (!pty_contains(t, "13900000002"))
		pty_dump(t, stderr, "the conflict's two sides");
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "采用村里的值", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "已解决", WAIT_MS));
	CHECK(pty_wait_for(t, "村 (admin)", WAIT_MS));
	char *phone = db_value(db, "SELECT phone FROM resident WHERE id / 1099511627776 = 101202 ORDER BY id LIMIT 1");
	CHECK_STR(phone, "13900000002");
	free(phone);
	char *who = db_value(db, "SELECT o.login || ' ' || a.reason FROM audit a JOIN operator o ON o.id = a.operator_id "
			     "WHERE a.tbl = 'sync_conflict' ORDER BY a.id DESC LIMIT 1");
	CHECK(strncmp(who, "admin ", 6) == 0 && strstr(who, "admin 决定采用村里的值"));
	if (!strstr(who, "admin 决定采用村里的值"))
		fprintf(stderr, "audit: %s\n", who);
	free(who);
	CHECK(step_quit(t, 8, WAIT_MS));
}

int main(int argc, char **argv)
{
	if (!step_village_begin(argc, argv, 100, &shanzhi, &locale, &dir, &db))
		return 2;
	CHECK(db != NULL);
	if (!db)
		return check_finish();
	bool made = make_conflict();
	CHECK(made);
	if (made)
		test_resolve_on_screen();
	step_village_end(dir, db);
	return check_finish();
}
