/* Pseudo-terminal tests of sign-in, roles, the idle lock, unmasking and drafts: the
 * real shanzhi binary driven as a clerk drives it.
 *
 * usage: test-tui-auth SHANZHI LOCALE    (LOCALE zh_CN.UTF-8 or zh_CN.GBK)
 *
 * The first administrator of a fresh register; wrong passwords and the lockout;
 * each role's refusals on the screen; the idle lock giving the screen back as it
 * was, or (F3) letting another operator in with the first one's form kept as his
 * draft; an unmasking recorded with its reason; and a half-typed form killed with
 * SIGKILL and hung up with SIGHUP, found again on the next start. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 5000

static const char *shanzhi;
static const char *locale;
static char *db;
static char *dir;

/* A formatted, allocated string. */
__attribute__((format(printf, 1, 2)))
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

/* Opens the TUI on db without signing in. */
static struct pty *open_tui(const char *path)
{
	const char *argv[] = {shanzhi, "--db", path, NULL};
	return pty_spawn(argv, locale, 24, 80);
}

/* Opens the TUI on db as open_tui does, its screen locking after two idle seconds
 * (the setting only for the program started here). */
static struct pty *open_tui_idle_lock(void)
{
	setenv("SHANZHI_IDLE_LOCK_SECONDS", "2", 1);
	struct pty *t = open_tui(db);
	unsetenv("SHANZHI_IDLE_LOCK_SECONDS");
	return t;
}

/* Types a login and password into the sign-in screen. */
static void sign_in(struct pty *t, const char *login, const char *password)
{
	CHECK(pty_wait_for(t, "登录", WAIT_MS));
	pty_type(t, login);
	pty_key(t, "Tab");
	pty_type(t, password);
	pty_key(t, "Enter");
	pty_settle(t);
}

/* Signs the clerk lin in and goes to the main menu (a clerk starts at a work list). */
static bool clerk_sign_in(struct pty *t)
{
	sign_in(t, "lin", "clerk-pw");
	for (int i = 0; i < 3 && !pty_contains(t, "主菜单"); i++)
		step_key(t, "F10");
	return pty_wait_for(t, "主菜单", WAIT_MS);
}

/* Runs `shanzhi --db DB ARGS` (ARGS as the shell splits them) with input on its
 * standard input, without a terminal; its exit status. */
static int run(const char *input, const char *args)
{
	char *cmd = fmt("printf '%s\\n' | '%s' --db '%s' %s >/dev/null 2>&1", input, shanzhi, db, args);
	int status = system(cmd);
	free(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* One SQL value from the database through the sqlite3 shell. Caller frees. */
static char *sql(const char *query)
{
	char *cmd = fmt("sqlite3 '%s' \"%s\"", db, query);
	FILE *p = popen(cmd, "r");
	char buf[4096] = "";
	size_t n = p ? fread(buf, 1, sizeof buf - 1, p) : 0;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (p)
		pclose(p);
	free(cmd);
	return strdup(buf);
}

static void test_first_administrator(void)
{
	char *fresh = fmt("%s/fresh.db", dir);
	struct pty *t = open_tui(fresh);
	CHECK(pty_wait_for(t, "首位管理员", WAIT_MS));
	pty_type(t, "zhuren");
	pty_key(t, "Tab");
	pty_type(t, "pass-1");
	pty_key(t, "Tab");
	pty_type(t, "pass-2");
	step_key(t, "Enter");
	CHECK(pty_contains(t, "两次输入的密码不一致"));
	CHECK(!pty_contains(t, "主菜单"));
	pty_type(t, "pass-1");
	pty_key(t, "Tab");
	pty_type(t, "pass-1");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	CHECK(step_quit(t, 8, WAIT_MS));
	/* the next start signs in with it */
	t = open_tui(fresh);
	CHECK(pty_wait_for(t, "登录", WAIT_MS));
	CHECK(!pty_contains(t, "首位管理员"));
	CHECK(pty_sign_in(t, "zhuren", "pass-1"));
	CHECK(step_quit(t, 8, WAIT_MS));
	free(fresh);
}

/* An operator without a password (never set, or empty, as an old demo's "demo"
 * administrator) is refused whatever is typed, and told why. */
static void test_no_password(void)
{
	free(sql("INSERT INTO operator(login, name, role) VALUES ('demo', 'demo', 'admin'), ('kong', 'kong', 'clerk');"
		 " UPDATE operator SET password_hash = '' WHERE login = 'kong'"));
	struct pty *t = open_tui(db);
	sign_in(t, "demo", "demo");
	CHECK(pty_wait_for(t, "操作员 demo 没有密码，无法登录", WAIT_MS));
	CHECK(!pty_contains(t, "主菜单"));
	step_key(t, "BTab");
	pty_send_raw(t, "\x15", 1);
	sign_in(t, "kong", "x");
	CHECK(pty_wait_for(t, "操作员 kong 没有密码，无法登录", WAIT_MS));
	CHECK(!pty_contains(t, "主菜单"));
	step_key(t, "F10");
	int status;
	CHECK(pty_wait_exit(t, WAIT_MS, &status) && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pty_close(t);
	/* nor on the command line, as its own login or named */
	CHECK_INT(run("", "--operator demo search 王"), 1);
	free(sql("UPDATE operator SET disabled = 1 WHERE login IN ('demo', 'kong')"));
}

static void test_wrong_passwords_and_lockout(void)
{
	struct pty *t = open_tui(db);
	sign_in(t, "lin", "wrong-1");
	CHECK(pty_wait_for(t, "登录名或密码错误（再错 2 次", WAIT_MS));
	/* the login stays, the password is typed again */
	pty_type(t, "wrong-2");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "再错 1 次", WAIT_MS));
	pty_type(t, "wrong-3");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "lin 已锁定，还需 7 分钟", WAIT_MS));
	/* locked: the right password is refused too, and told why */
	pty_type(t, "clerk-pw");
	step_key(t, "Enter");
	CHECK(pty_contains(t, "lin 已锁定"));
	CHECK(!pty_contains(t, "主菜单"));
	/* the lock holds on the command line too */
	CHECK_INT(run("", "--operator lin search 王"), 1);
	/* an unknown login reads like a wrong password */
	step_key(t, "BTab");
	pty_send_raw(t, "\x15", 1);
	sign_in(t, "nobody", "whatever");
	CHECK(pty_wait_for(t, "登录名或密码错误。", WAIT_MS));
	step_key(t, "F10");
	int status;
	CHECK(pty_wait_exit(t, WAIT_MS, &status) && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pty_close(t);
	/* each failure is in lin's audit history: two wrong passwords, the lock, the
	 * refusal while locked; the unknown login by the name tried */
	char *lin = sql("SELECT group_concat(e, ' ') FROM (SELECT json_extract(after, '$.failed_attempts') || '/' ||"
			" (json_extract(after, '$.locked_until') IS NOT NULL) AS e FROM audit"
			" WHERE tbl = 'operator' AND row_id = (SELECT id FROM operator WHERE login = 'lin')"
			" AND json_extract(after, '$.failed_attempts') IS NOT NULL ORDER BY id)");
	CHECK_STR(lin, "1/0 2/0 3/1 0/1");
	free(lin);
	char *nobody = sql("SELECT count(*) FROM audit WHERE tbl = 'operator' AND row_id = 0"
			   " AND json_extract(after, '$.login') = 'nobody'");
	CHECK_STR(nobody, "1");
	free(nobody);
	/* an administrator's new password lifts the lock */
	CHECK_INT(run("clerk-pw", "--operator admin user passwd lin --password-stdin"), 0);
	t = open_tui(db);
	CHECK(clerk_sign_in(t));
	CHECK(step_quit(t, 8, WAIT_MS));
}

static void test_role_refusals(void)
{
	/* a viewer: no system screen, no unmasking */
	struct pty *t = open_tui(db);
	CHECK(pty_sign_in(t, "kan", "view-pw"));
	/* the menu lists only what a viewer may open */
	CHECK(pty_wait_for(t, "1  居民户籍登记", WAIT_MS));
	CHECK(!pty_contains(t, "人民调解") && !pty_contains(t, "导入导出") && !pty_contains(t, "系统管理"));
	step_type(t, "9");
	CHECK(pty_wait_for(t, "无权管理操作员和备份", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "F6", WAIT_MS));
	step_key(t, "F6");
	CHECK(pty_wait_for(t, "无权查看完整身份证号和电话", WAIT_MS));
	/* a viewer's change of a resident is refused by the write path, told why */
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "居民", WAIT_MS));
	CHECK(pty_contains(t, "********"));  /* the form masks the ID number too */
	step_type(t, "甲");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "（只读）无权修改台账", WAIT_MS));
	CHECK(step_quit(t, 8, WAIT_MS));
	/* a clerk: no system screen either */
	t = open_tui(db);
	CHECK(clerk_sign_in(t));
	step_type(t, "9");
	CHECK(pty_wait_for(t, "（办事员）无权管理操作员和备份", WAIT_MS));
	CHECK(step_quit(t, 8, WAIT_MS));
	/* the administrator sees the operators */
	t = open_tui(db);
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "9");
	CHECK(pty_wait_for(t, "系统管理", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "kan", WAIT_MS));
	CHECK(pty_contains(t, "只读"));
	CHECK(pty_contains(t, "办事员"));
	/* an operator's history: who added it, with which role */
	step_type(t, "kan");
	step_key(t, "F9");
	CHECK(pty_wait_for(t, "kan的修改记录", WAIT_MS));
	CHECK(pty_contains(t, "admin"));
	CHECK(pty_contains(t, "身份") && pty_contains(t, "只读"));   /* the role as the screens name it */
	CHECK(!pty_contains(t, "viewer"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

static void test_unmask_recorded(void)
{
	struct pty *t = open_tui(db);
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "1");
	char *id = sql("SELECT id_number FROM resident WHERE id_number IS NOT NULL ORDER BY id LIMIT 1");
	char *name = sql("SELECT name FROM resident WHERE id_number IS NOT NULL ORDER BY id LIMIT 1");
	pty_type(t, id + 12);
	pty_settle(t);
	CHECK(pty_wait_for(t, name, WAIT_MS));
	CHECK(!pty_contains(t, id));  /* masked in the list */
	step_key(t, "F6");
	CHECK(pty_wait_for(t, "为什么需要", WAIT_MS));
	step_type(t, "核对低保");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, id, WAIT_MS));
	step_key(t, "Enter");
	CHECK(!pty_contains(t, id));
	CHECK(step_quit(t, 8, WAIT_MS));
	char *reason = sql("SELECT reason || '|' || (SELECT login FROM operator o WHERE o.id = a.operator_id)"
			   " FROM audit a WHERE action = 'unmask' ORDER BY id DESC LIMIT 1");
	CHECK_STR(reason, "核对低保|admin");
	free(reason);
	/* the resident's history lists the unmasking with its reason */
	t = open_tui(db);
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "1");
	pty_type(t, id + 12);
	pty_settle(t);
	step_key(t, "F9");
	CHECK(pty_wait_for(t, "核对低保", WAIT_MS));
	CHECK(pty_contains(t, "看全号"));
	CHECK(step_quit(t, 8, WAIT_MS));
	free(id);
	free(name);
}

static void test_idle_lock(void)
{
	struct pty *t = open_tui_idle_lock();
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "1");
	step_type(t, "王");
	CHECK(pty_wait_for(t, "屏幕已锁定", 6000));
	CHECK(!pty_contains(t, "查找"));  /* nothing of the register shows while locked */
	step_type(t, "wrong");
	step_key(t, "Enter");
	/* only the password was asked: the lock screen says the password was wrong */
	CHECK(pty_wait_for(t, "密码错误（再错", WAIT_MS));
	CHECK(!pty_contains(t, "登录名或密码错误"));
	step_type(t, "demo");
	step_key(t, "Enter");
	CHECK(!pty_contains(t, "屏幕已锁定"));
	CHECK(pty_contains(t, "王"));  /* the list and its search as they were */
	int row = pty_find(t, "查找", NULL);
	CHECK(row >= 0);
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* The lock screen's F3: the administrator leaves a resident's form half changed, the
 * screen locks, the clerk signs in there. The clerk gets his own start screen and
 * nothing of the form; the administrator gets his change back as his draft. */
static void test_switch_user(void)
{
	char *id = sql("SELECT id_number FROM resident WHERE id_number IS NOT NULL ORDER BY id LIMIT 1");
	char *name = sql("SELECT name FROM resident WHERE id_number IS NOT NULL ORDER BY id LIMIT 1");
	struct pty *t = open_tui_idle_lock();
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "1");
	pty_type(t, id + 12);
	pty_settle(t);
	CHECK(pty_wait_for(t, name, WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "公民身份号码", WAIT_MS));
	CHECK(pty_contains(t, id));   /* the administrator sees the whole number */
	step_type(t, "换人甲");
	CHECK(pty_contains(t, "换人甲"));
	step_key(t, "F1");   /* a pop-up open over the form when the screen locks */
	CHECK(pty_wait_for(t, "按任意键", WAIT_MS));
	CHECK(pty_wait_for(t, "屏幕已锁定", 6000));
	CHECK(pty_contains(t, "F3") && pty_contains(t, "换人"));
	step_key(t, "F3");
	CHECK(pty_wait_for(t, "登录名", WAIT_MS));
	CHECK(pty_contains(t, "草稿"));   /* says what becomes of the open form */
	/* a wrong password: told, and the screen stays locked */
	step_type(t, "lin");
	step_key(t, "Tab");
	step_type(t, "wrong");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "密码错误", WAIT_MS));
	CHECK(pty_contains(t, "已锁定"));
	CHECK(!pty_contains(t, "换人甲") && !pty_contains(t, id));
	step_type(t, "clerk-pw");
	pty_watch(t, id);   /* not even a glimpse of the form while its screens close */
	step_key(t, "Enter");
	/* the clerk starts at his work list, as himself, with nothing of the form */
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	CHECK(!pty_watched(t));
	CHECK(pty_contains(t, "操作员：lin"));
	CHECK(!pty_contains(t, "admin"));
	CHECK(!pty_contains(t, "换人甲") && !pty_contains(t, "公民身份号码") && !pty_contains(t, "已锁定"));
	CHECK(!pty_contains(t, id) && !pty_contains(t, name));
	CHECK(!pty_contains(t, "未保存的表单"));   /* the draft is not his */
	/* his rights, not the administrator's: the menu has no system entry */
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	CHECK(!pty_contains(t, "系统管理"));
	CHECK(step_quit(t, 8, WAIT_MS));
	char *owner = sql("SELECT group_concat(o.login) FROM draft d JOIN operator o ON o.id = d.operator_id");
	CHECK_STR(owner, "admin");
	free(owner);
	/* the administrator's next sign-in offers his change back */
	t = open_tui(db);
	sign_in(t, "admin", "demo");
	CHECK(pty_wait_for(t, "未保存的表单", WAIT_MS));
	CHECK(pty_contains(t, "换人甲"));
	step_type(t, "y");
	CHECK(pty_wait_for(t, "草稿已按原样恢复", WAIT_MS));
	CHECK(pty_contains(t, "换人甲"));
	CHECK(step_quit(t, 8, WAIT_MS));
	/* the audit log: the administrator handed over, the clerk came in from his lock */
	char *who = sql("SELECT group_concat(x, ' ') FROM (SELECT (SELECT login FROM operator o WHERE o.id = a.operator_id)"
			" || ':' || coalesce(json_extract(after, '$.switched_to'), '') || ':' ||"
			" (json_extract(after, '$.last_signin_at') IS NOT NULL) || ':' || coalesce(reason, '') AS x"
			" FROM audit a WHERE tbl = 'operator' AND (json_extract(after, '$.switched_to') IS NOT NULL"
			" OR (json_extract(after, '$.last_signin_at') IS NOT NULL AND reason IS NOT NULL)) ORDER BY id)");
	CHECK_STR(who, "admin:lin:0:另一操作员在锁屏处登录 lin::1:在 admin 的锁屏处登录");
	free(who);
	/* and the administrator's history says to whom his screen went */
	t = open_tui(db);
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "9");
	step_type(t, "1");
	CHECK(pty_wait_for(t, "kan", WAIT_MS));
	step_type(t, "admin");
	step_key(t, "F9");
	CHECK(pty_wait_for(t, "屏幕交给", WAIT_MS));
	CHECK(pty_contains(t, "另一操作员在锁屏"));
	CHECK(pty_contains(t, "上次登录"));   /* the sign-ins by their name, not the column's */
	CHECK(!pty_contains(t, "last_signin"));
	CHECK(step_quit(t, 8, WAIT_MS));
	free(id);
	free(name);
}

/* The switch from deep in a screen's own loops (the system screen's settings, a
 * pop-up over a pop-up): all of it closes, the clerk gets his work list. */
static void test_switch_from_system(void)
{
	struct pty *t = open_tui_idle_lock();
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "9");
	CHECK(pty_wait_for(t, "系统管理", WAIT_MS));
	step_type(t, "3");
	CHECK(pty_wait_for(t, "锁屏", WAIT_MS));   /* the settings: the idle lock's minutes */
	CHECK(pty_wait_for(t, "屏幕已锁定", 6000));
	step_key(t, "F3");
	step_type(t, "lin");
	step_key(t, "Tab");
	step_type(t, "clerk-pw");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	CHECK(!pty_contains(t, "系统管理") && !pty_contains(t, "锁屏"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* The switch while the notes of a new resident are edited on several lines: the
 * notes go back into the form, which is kept as the administrator's draft. */
static void test_switch_in_memo(void)
{
	struct pty *t = open_tui_idle_lock();
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "1");
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "登记新居民", WAIT_MS));
	step_type(t, "换人戊");
	step_key(t, "PgDn");
	step_key(t, "PgDn");
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "第 1/1 行", WAIT_MS));
	step_type(t, "锁屏前的备注");
	CHECK(pty_wait_for(t, "屏幕已锁定", 6000));
	step_key(t, "F3");
	step_type(t, "lin");
	step_key(t, "Tab");
	step_type(t, "clerk-pw");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	CHECK(!pty_contains(t, "锁屏前的备注"));
	CHECK(step_quit(t, 8, WAIT_MS));
	t = open_tui(db);
	sign_in(t, "admin", "demo");
	CHECK(pty_wait_for(t, "未保存的表单", WAIT_MS));
	CHECK(pty_contains(t, "换人戊"));
	step_type(t, "y");
	CHECK(pty_wait_for(t, "锁屏前的备注", WAIT_MS));
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* Pumps until the form's draft (written half a second after the last key) holds
 * text; false after WAIT_MS. */
static bool wait_for_draft(struct pty *t, const char *text)
{
	char *q = fmt("SELECT count(*) FROM draft, json_tree(draft.vals) j WHERE j.atom LIKE '%%%s%%'", text);
	bool found = false;
	for (int i = 0; i < WAIT_MS / 50 && !found; i++) {
		pty_pump(t, 20, 50);
		char *n = sql(q);
		found = strcmp(n, "0") != 0;
		free(n);
	}
	free(q);
	return found;
}

/* Opens a new resident form and types a name; returns with the draft saved. */
static struct pty *half_typed_new(const char *name)
{
	struct pty *t = open_tui(db);
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "1");
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "登记新居民", WAIT_MS));
	step_type(t, name);
	step_key(t, "Tab");
	step_type(t, "1990");
	CHECK(wait_for_draft(t, "1990"));
	return t;
}

/* Starts again after the program died: the offer, accepted. */
static struct pty *start_and_resume(void)
{
	struct pty *t = open_tui(db);
	sign_in(t, "admin", "demo");
	CHECK(pty_wait_for(t, "未保存的表单", WAIT_MS));
	CHECK(pty_contains(t, "回到原处继续"));
	step_type(t, "y");
	return t;
}

/* Kills the program with sig; the form's draft is kept, and offered and taken on
 * the next start. Returns the new session, on the form. */
static struct pty *kill_and_resume(struct pty *t, int sig)
{
	pid_t pid = pty_pid(t);
	CHECK(pid > 0);
	if (pid > 0)
		kill(pid, sig);
	int status;
	CHECK(pty_wait_exit(t, WAIT_MS, &status));
	pty_close(t);
	char *count = sql("SELECT count(*) FROM draft");
	CHECK_STR(count, "1");
	free(count);
	t = start_and_resume();
	CHECK(pty_wait_for(t, "登记新居民", WAIT_MS));
	return t;
}

static void test_draft_after_kill(int sig, const char *name, const char *typed_tail)
{
	struct pty *t = kill_and_resume(half_typed_new(name), sig);
	CHECK(pty_contains(t, name));
	CHECK(pty_contains(t, typed_tail));
	CHECK(pty_contains(t, "草稿已按原样恢复"));
	/* the cursor is where the clerk was: after what he typed in the second field */
	int row, col, frow, fcol;
	pty_cursor(t, &row, &col);
	frow = pty_find(t, typed_tail, &fcol);
	CHECK_INT(row, frow);
	CHECK(col >= fcol + (int)strlen(typed_tail));
	/* nothing reached the register before saving */
	char *sqlq = fmt("SELECT count(*) FROM resident WHERE name = '%s'", name);
	char *stored = sql(sqlq);
	CHECK_STR(stored, "0");
	free(stored);
	free(sqlq);
	/* leaving without saving gives the draft up */
	CHECK(step_quit(t, 8, WAIT_MS));
	char *count = sql("SELECT count(*) FROM draft");
	CHECK_STR(count, "0");
	free(count);
}

/* The link drops while notes are typed in the box of several lines: the text typed
 * before the last pause is the draft's, and comes back in the form. */
static void test_memo_draft_after_hangup(void)
{
	struct pty *t = open_tui(db);
	CHECK(pty_sign_in(t, "admin", "demo"));
	step_type(t, "1");
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "登记新居民", WAIT_MS));
	step_type(t, "断线丙");
	step_key(t, "PgDn");
	step_key(t, "PgDn");
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "第 1/1 行", WAIT_MS));
	step_type(t, "调解中");
	step_key(t, "Enter");
	step_type(t, "待回访");
	CHECK(wait_for_draft(t, "待回访"));  /* past the memo's half second */
	t = kill_and_resume(t, SIGHUP);
	CHECK(pty_contains(t, "断线丙"));
	CHECK(pty_contains(t, "调解中 待回访"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

int main(int argc, char **argv)
{
	if (!step_village_begin(argc, argv, 200, &shanzhi, &locale, &dir, &db))
		return 2;
	CHECK(db != NULL);
	if (!db)
		return check_finish();
	CHECK_INT(run("clerk-pw", "--operator admin user add lin --role clerk --password-stdin"), 0);
	CHECK_INT(run("view-pw", "--operator admin user add kan --role viewer --password-stdin"), 0);
	char *q = fmt("INSERT INTO settings(key, value) VALUES ('signin_max_failures', '3'),"
				" ('signin_lock_minutes', '7'), ('backup_daily_keep', '%s')", "0");
	free(sql(q));
	free(q);

	test_first_administrator();
	test_no_password();
	test_wrong_passwords_and_lockout();
	test_role_refusals();
	test_unmask_recorded();
	test_idle_lock();
	test_switch_user();
	test_switch_from_system();
	test_switch_in_memo();
	test_draft_after_kill(SIGKILL, "草稿甲", "1990");
	test_draft_after_kill(SIGHUP, "断线乙", "1990");
	test_memo_draft_after_hangup();

	step_village_end(dir, db);
	return check_finish();
}
