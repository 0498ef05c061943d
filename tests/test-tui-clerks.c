/* Pseudo-terminal tests of two clerks on one register, each in a terminal of his own:
 * saves of different fields of one resident are merged, a field both changed is shown
 * to the second clerk field by field and never written over unseen, a draft resumed
 * after a kill is merged with what was saved meanwhile, and a kill at any moment
 * around F2 leaves either the save or the draft, never both and never neither.
 *
 * usage: test-tui-clerks SHANZHI LOCALE */
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

#define WAIT_MS 8000

static const char *shanzhi;
static const char *locale;
static char *db;
static char *dir;
static long long resident;   /* the resident both clerks open */
static char id_tail[8];      /* the last six characters of his ID number: his search */

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

/* One value from the register through the sqlite3 shell. Caller frees. */
__attribute__((format(printf, 1, 2)))
static char *sql(const char *query, ...)
{
	va_list ap;
	char *q = NULL;
	va_start(ap, query);
	if (vasprintf(&q, query, ap) < 0)
		abort();
	va_end(ap);
	char *cmd = fmt("sqlite3 '%s' \"%s\"", db, q);
	FILE *p = popen(cmd, "r");
	char buf[4096] = "";
	size_t n = p ? fread(buf, 1, sizeof buf - 1, p) : 0;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (p)
		pclose(p);
	free(cmd);
	free(q);
	return strdup(buf);
}

/* Checks one value of the register. */
#define CHECK_SQL(want, ...)                   \
	do {                                   \
		char *got_ = sql(__VA_ARGS__); \
		CHECK_STR(got_, want);         \
		free(got_);                    \
	} while (0)

/* The program on the register, at its sign-in screen, login and password typed. */
static struct pty *sign_in(const char *login, const char *password)
{
	const char *argv[] = {shanzhi, "--db", db, NULL};
	struct pty *t = pty_spawn(argv, locale, 24, 80);
	CHECK(pty_wait_for(t, "登录", WAIT_MS));
	pty_type(t, login);
	pty_key(t, "Tab");
	pty_type(t, password);
	step_key(t, "Enter");
	return t;
}

/* Signs login in and goes to the main menu (a clerk starts at his work list). */
static struct pty *clerk(const char *login, const char *password)
{
	struct pty *t = sign_in(login, password);
	for (int i = 0; i < 3 && !pty_wait_for(t, "主菜单", 1000); i++)
		step_key(t, "F10");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	return t;
}

/* Signs login in after his program died: the unsaved form is offered and taken. */
static struct pty *clerk_resumes(const char *login, const char *password)
{
	struct pty *t = sign_in(login, password);
	CHECK(pty_wait_for(t, "未保存的表单", WAIT_MS));
	step_type(t, "y");
	return t;
}

/* From the main menu, finds the resident by his ID number's tail and opens him. */
static void open_resident(struct pty *t)
{
	step_type(t, "1");
	CHECK(pty_wait_for(t, "查找 姓名", WAIT_MS));
	step_type(t, id_tail);
	CHECK(pty_wait_for(t, id_tail + 2, WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "联系电话", WAIT_MS));
}

/* Replaces what the field labelled label holds with text. */
static void retype(struct pty *t, const char *label, const char *text)
{
	CHECK(step_goto_field(t, label));
	pty_send_raw(t, "\x15", 1);  /* Ctrl-U empties the field */
	step_type(t, text);
}

/* Pumps until the resident's draft (written half a second after the last key)
 * holds text; false after WAIT_MS. */
static bool wait_for_draft(struct pty *t, const char *text)
{
	bool found = false;
	for (int i = 0; i < WAIT_MS / 50 && !found; i++) {
		pty_pump(t, 20, 50);
		char *n = sql("SELECT count(*) FROM draft, json_tree(draft.vals) j WHERE draft.record_id = %lld"
			      " AND j.atom LIKE '%%%s%%'", resident, text);
		found = strcmp(n, "0") != 0;
		free(n);
	}
	return found;
}

/* Back from the resident to the main menu. */
static void back_to_menu(struct pty *t)
{
	for (int i = 0; i < 4 && !pty_contains(t, "主菜单"); i++)
		step_key(t, "F10");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
}

/* Each test starts with no draft left by the one before. */
static void no_drafts(void)
{
	free(sql("DELETE FROM draft"));
}

/* admin changes the phone, wang the notes; both save, both are kept, and wang's
 * screen shows admin's phone once his own save is done. */
static void test_different_fields_merge(void)
{
	no_drafts();
	struct pty *a = clerk("admin", "demo"), *b = clerk("wang", "wang-pw");
	open_resident(a);
	open_resident(b);
	retype(a, "联系电话", "13911110001");
	retype(b, "备注", "乙改的备注");
	step_key(a, "F2");
	CHECK(pty_wait_for(a, "修改已保存", WAIT_MS));
	step_key(b, "F2");
	CHECK(pty_wait_for(b, "修改已保存", WAIT_MS));
	CHECK(pty_wait_for(b, "13911110001", WAIT_MS));
	CHECK_SQL("13911110001|乙改的备注", "SELECT phone || '|' || notes FROM resident WHERE id = %lld", resident);
	/* each save is audited under its clerk, with only the field it changed */
	CHECK_SQL("1", "SELECT count(*) FROM audit a JOIN operator o ON o.id = a.operator_id WHERE o.login = 'wang'"
		       " AND a.tbl = 'resident' AND a.row_id = %lld AND a.after LIKE '%%notes%%'"
		       " AND a.after NOT LIKE '%%phone%%'", resident);
	back_to_menu(a);
	back_to_menu(b);
	CHECK(step_quit(a, 8, WAIT_MS));
	CHECK(step_quit(b, 8, WAIT_MS));
}

/* Both change the phone: the second save is refused with both values shown; taking
 * the other's value keeps it and still saves his other change; going back and
 * pressing F2 again writes his own value, knowingly. */
static void test_same_field_conflict(void)
{
	no_drafts();
	struct pty *a = clerk("admin", "demo"), *b = clerk("wang", "wang-pw");
	open_resident(a);
	open_resident(b);
	retype(a, "联系电话", "13911112222");
	retype(b, "联系电话", "13733334444");
	retype(b, "备注", "乙的备注");
	step_key(a, "F2");
	CHECK(pty_wait_for(a, "修改已保存", WAIT_MS));
	step_key(b, "F2");
	CHECK(pty_wait_for(b, "未保存：在您打开此记录之后，admin 于", WAIT_MS));
	CHECK(pty_contains(b, "联系电话：现为 13911112222，您改为 13733334444"));
	CHECK_SQL("13911112222|乙改的备注", "SELECT phone || '|' || notes FROM resident WHERE id = %lld", resident);
	step_type(b, "y");   /* take admin's phone, save the notes */
	CHECK(pty_wait_for(b, "修改已保存", WAIT_MS));
	CHECK_SQL("13911112222|乙的备注", "SELECT phone || '|' || notes FROM resident WHERE id = %lld", resident);

	/* again, and this time wang keeps his value after seeing admin's */
	retype(a, "联系电话", "13955556666");
	step_key(a, "F2");
	CHECK(pty_wait_for(a, "修改已保存", WAIT_MS));
	retype(b, "联系电话", "13777778888");
	step_key(b, "F2");
	CHECK(pty_wait_for(b, "联系电话：现为 13955556666，您改为 13777778888", WAIT_MS));
	step_type(b, "n");
	CHECK(pty_wait_for(b, "您的值仍在表单上", WAIT_MS));
	CHECK_SQL("13955556666", "SELECT phone FROM resident WHERE id = %lld", resident);
	step_key(b, "F2");
	CHECK(pty_wait_for(b, "修改已保存", WAIT_MS));
	CHECK_SQL("13777778888", "SELECT phone FROM resident WHERE id = %lld", resident);
	back_to_menu(a);
	back_to_menu(b);
	CHECK(step_quit(a, 8, WAIT_MS));
	CHECK(step_quit(b, 8, WAIT_MS));
}

/* Kills the clerk's program as a crash or a dropped link would. */
static void kill_clerk(struct pty *t)
{
	kill(pty_pid(t), SIGKILL);
	int status;
	CHECK(pty_wait_exit(t, WAIT_MS, &status));
	pty_close(t);
}

/* admin's half-typed phone is kept as a draft when his program dies; meanwhile wang
 * saves new notes. Resumed, the draft shows wang's notes and F2 writes only the
 * phone: wang's saved work is not wiped by the older values of the draft. */
static void test_resumed_draft_merges(void)
{
	no_drafts();
	struct pty *a = clerk("admin", "demo");
	open_resident(a);
	retype(a, "联系电话", "13922223333");
	CHECK(wait_for_draft(a, "13922223333"));
	kill_clerk(a);
	CHECK_SQL("1", "SELECT count(*) FROM draft WHERE record_id = %lld", resident);

	struct pty *b = clerk("wang", "wang-pw");
	open_resident(b);
	retype(b, "备注", "断线期间乙保存的备注");
	step_key(b, "F2");
	CHECK(pty_wait_for(b, "修改已保存", WAIT_MS));
	back_to_menu(b);
	CHECK(step_quit(b, 8, WAIT_MS));

	a = clerk_resumes("admin", "demo");
	CHECK(pty_wait_for(a, "此后另一会话修改了此记录的 1 个字段", WAIT_MS));
	CHECK(pty_contains(a, "13922223333"));
	step_key(a, "F2");
	CHECK(pty_wait_for(a, "修改已保存", WAIT_MS));
	CHECK_SQL("13922223333|断线期间乙保存的备注", "SELECT phone || '|' || notes FROM resident WHERE id = %lld",
		  resident);
	CHECK_SQL("0", "SELECT count(*) FROM draft");
	back_to_menu(a);
	CHECK(step_quit(a, 8, WAIT_MS));
}

/* F2 and a kill at once, the kill a little later each time: afterwards the phone is
 * saved and no draft is left, or it is not saved and the draft holds it; then the
 * next start finishes the save. No kill loses the save or leaves both. */
static void test_kills_around_the_save(int rounds, int *tried, int *lost)
{
	no_drafts();
	for (int i = 0; i < rounds; i++) {
		char phone[16];
		snprintf(phone, sizeof phone, "139%08d", 40000000 + i);
		struct pty *t = clerk("admin", "demo");
		open_resident(t);
		retype(t, "联系电话", phone);
		CHECK(wait_for_draft(t, phone));
		pty_key(t, "F2");
		usleep((useconds_t)(i * 5000));  /* 0, 5, 10 ... ms after F2 */
		kill_clerk(t);
		char *stored = sql("SELECT phone FROM resident WHERE id = %lld", resident);
		char *drafts = sql("SELECT count(*) FROM draft WHERE record_id = %lld", resident);
		bool saved = strcmp(stored, phone) == 0, drafted = strcmp(drafts, "1") == 0;
		if (saved == drafted)
			fprintf(stderr, "kill %d ms after F2: saved %d, draft %d\n", i * 5, saved, drafted);
		CHECK(saved != drafted);
		if (drafted) {
			/* the next start offers the draft, and F2 saves it */
			t = clerk_resumes("admin", "demo");
			CHECK(pty_wait_for(t, phone, WAIT_MS));
			step_key(t, "F2");
			CHECK(pty_wait_for(t, "修改已保存", WAIT_MS));
			back_to_menu(t);
			CHECK(step_quit(t, 8, WAIT_MS));
		}
		free(stored);
		stored = sql("SELECT phone FROM resident WHERE id = %lld", resident);
		*tried += 1;
		*lost += strcmp(stored, phone) != 0;
		CHECK_STR(stored, phone);
		CHECK_SQL("0", "SELECT count(*) FROM draft");
		free(stored);
		free(drafts);
	}
}

int main(int argc, char **argv)
{
	if (!step_village_begin(argc, argv, 200, &shanzhi, &locale, &dir, &db))
		return 2;
	CHECK(db != NULL);
	if (!db)
		return check_finish();
	char *add = fmt("printf 'wang-pw\\n' | '%s' --db '%s' --operator admin user add wang --role clerk"
			" --password-stdin >/dev/null 2>&1", shanzhi, db);
	CHECK_INT(system(add), 0);
	free(add);
	/* a resident whose ID number's last six characters are his alone */
	char *row = sql("SELECT id || ' ' || substr(id_number, -6) FROM resident r WHERE id_number IS NOT NULL"
			" AND (SELECT count(*) FROM resident o WHERE o.id_number LIKE '%%' || substr(r.id_number, -6)"
			" OR o.phone LIKE '%%' || substr(r.id_number, -6)) = 1 ORDER BY id LIMIT 1");
	CHECK(sscanf(row, "%lld %6s", &resident, id_tail) == 2);
	free(row);

	test_different_fields_merge();
	test_same_field_conflict();
	test_resumed_draft_merges();
	int tried = 0, lost = 0;
	test_kills_around_the_save(6, &tried, &lost);
	fprintf(stderr, "kills around F2: %d tried, %d saves lost\n", tried, lost);

	step_village_end(dir, db);
	return check_finish();
}
