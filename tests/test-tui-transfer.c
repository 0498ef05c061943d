/* Acceptance test of a resident's move between villages on screen: the real shanzhi
 * binary in a pseudo-terminal. In 歪脚村 the administrator finds a resident by the
 * end of her ID number, F8 → 迁出 → to another village of the township, types 摆托村's
 * code, the date and a reason; the packages go up and down by command; in 摆托村 the
 * same resident is found, F8 → 在册 places her in a household picked from the list as
 * 配偶; at the township, 系统管理 → 村际迁移 shows the move, and Enter what it brought
 * along. The registers and their audit logs say so, naming the operator.
 *
 * usage: test-tui-transfer SHANZHI LOCALE    (LOCALE zh_CN.UTF-8 or zh_CN.GBK) */
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
static char *dir;
static char *town;              /* the township: the demo register set up as 青岩镇 */
static char a[512], b[512];     /* 歪脚村 and 摆托村 */

static char words[4096];
#define RUN(...) (snprintf(words, sizeof words, __VA_ARGS__), run_shanzhi(shanzhi, words))

/* Two villages and their township, each village's first package applied. */
static bool make_township(void)
{
	snprintf(a, sizeof a, "%s/a.db", dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	return RUN("--db '%s' demo --village 520111101203 歪脚村 --residents 60 --seed 5", a) &&
	       RUN("--db '%s' demo --village 520111101202 摆托村 --residents 60 --seed 6", b) &&
	       RUN("--db '%s' sync init --village 520111101203 --name 歪脚村", a) &&
	       RUN("--db '%s' sync init --village 520111101202 --name 摆托村", b) &&
	       RUN("--db '%s' sync init --township 520111101 --name 青岩镇", town) &&
	       RUN("--db '%s' sync export '%s/a1.szp'", a, dir) && RUN("--db '%s' sync apply '%s/a1.szp'", town, dir) &&
	       RUN("--db '%s' sync export '%s/b1.szp'", b, dir) && RUN("--db '%s' sync apply '%s/b1.szp'", town, dir);
}

/* The resident list of db searched for query, the first row selected. */
static struct pty *open_found(const char *db, const char *query)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return NULL;
	step_type(t, "1");
	CHECK(pty_wait_for(t, "查找 姓名", WAIT_MS));
	step_type(t, query);
	return t;
}

/* 歪脚村: F8, 迁出, to another village of the township; its code, today, a reason. */
static void test_move_out(const char *tail, const char *name, const char *rid)
{
	struct pty *t = open_found(a, tail);
	if (!t)
		return;
	CHECK(pty_wait_for(t, name, WAIT_MS));
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "人员状态（居民记录从不删除）", WAIT_MS));
	step_type(t, "2");
	CHECK(pty_wait_for(t, "迁往本乡镇的另一个村", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "迁往村的 12 位代码", WAIT_MS));
	step_type(t, "520111102201");   /* another township's village: refused in the box */
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "不是本乡镇", WAIT_MS));
	step_type(t, "\x15" "520111101202");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "2026-11-26", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "原因（可不填）", WAIT_MS));
	step_type(t, "婚迁");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "已迁出到 520111101202", WAIT_MS));
	if (!pty_contains(t, "已迁出到"))
		pty_dump(t, stderr, "after the move out");
	CHECK(step_quit(t, 8, WAIT_MS));
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT r.living_status || r.status_date || coalesce(r.household_id, '-') || t.moved_out_by"
		 " FROM resident r JOIN transfer t ON t.resident_id = r.id WHERE r.id = %s", rid);
	char *state = db_value(a, sql);
	CHECK_STR(state, "22026-11-26-admin");
	free(state);
}

/* 摆托村: the same resident found, F8, 在册: a household picked, 配偶. */
static void test_move_in(const char *tail, const char *name, const char *rid, const char *hh)
{
	struct pty *t = open_found(b, tail);
	if (!t)
		return;
	CHECK(pty_wait_for(t, name, WAIT_MS));
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "人员状态（居民记录从不删除）", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "迁入的户（F7 新立户）", WAIT_MS));
	step_type(t, hh);
	CHECK(pty_wait_for(t, hh, WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "与户主关系", WAIT_MS));
	step_type(t, "配偶");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "已迁入户", WAIT_MS));
	if (!pty_contains(t, "已迁入户"))
		pty_dump(t, stderr, "after the move in");
	CHECK(step_quit(t, 8, WAIT_MS));
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT r.living_status || r.relation || h.hh_no || t.state || t.moved_in_by"
		 " FROM resident r JOIN household h ON h.id = r.household_id JOIN transfer t ON t.resident_id = r.id"
		 " WHERE r.id = %s", rid);
	char *state = db_value(b, sql);
	char want[128];
	snprintf(want, sizeof want, "110%sinadmin", hh);
	CHECK_STR(state, want);
	free(state);
}

/* The township: 9, 村际迁移: the move listed as moved in; Enter reads its history. */
static void test_township_list(const char *name)
{
	struct pty *t = step_start_admin(shanzhi, town, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "9");
	CHECK(step_menu_open(t, "村际迁移"));
	CHECK(pty_wait_for(t, name, WAIT_MS));
	CHECK(step_row_with(t, name, "已迁入"));
	CHECK(step_row_with(t, name, "歪脚村"));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "迁移随带的记录", WAIT_MS));
	CHECK(pty_contains(t, "婚迁"));
	if (!pty_contains(t, "婚迁"))
		pty_dump(t, stderr, "the history at the township");
	step_key(t, "Esc");
	CHECK(step_quit(t, 8, WAIT_MS));
}

int main(int argc, char **argv)
{
	if (!step_village_begin(argc, argv, 60, &shanzhi, &locale, &dir, &town))
		return 2;
	CHECK(town != NULL);
	if (!town)
		return check_finish();
	bool made = make_township();
	CHECK(made);
	char *rid = db_value(a, "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id"
			     " WHERE h.head_id <> r.id AND r.living_status = '1' AND length(r.id_number) = 18 ORDER BY r.id LIMIT 1");
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT substr(id_number, 13) FROM resident WHERE id = %s", rid);
	char *tail = db_value(a, sql);
	snprintf(sql, sizeof sql, "SELECT name FROM resident WHERE id = %s", rid);
	char *name = db_value(a, sql);
	char *hh = db_value(b, "SELECT hh_no FROM household WHERE head_id IS NOT NULL ORDER BY id LIMIT 1");
	if (made) {
		test_move_out(tail, name, rid);
		bool sent = RUN("--db '%s' sync export '%s/a2.szp'", a, dir) && RUN("--db '%s' sync apply '%s/a2.szp'", town, dir) &&
			    RUN("--db '%s' sync down-export --village 520111101202 '%s/d1.szp'", town, dir) &&
			    RUN("--db '%s' sync apply '%s/d1.szp'", b, dir);
		CHECK(sent);
		test_move_in(tail, name, rid, hh);
		bool up = RUN("--db '%s' sync export '%s/b2.szp'", b, dir) && RUN("--db '%s' sync apply '%s/b2.szp'", town, dir);
		CHECK(up);
		char *conflicts = db_value(town, "SELECT count(*) FROM sync_conflict");
		CHECK_STR(conflicts, "0");
		free(conflicts);
		test_township_list(name);
	}
	free(rid);
	free(tail);
	free(name);
	free(hh);
	step_village_end(dir, town);
	return check_finish();
}
