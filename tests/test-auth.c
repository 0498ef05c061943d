/* Tests of operators, passwords, roles, the audit hash chain and many writers at
 * once: SHA-256 against the standard's vectors, yescrypt hashes, the sign-in with its
 * lockout, each role's refusals, a tampered audit log found by store_check, hostile
 * text stored verbatim, and 20 processes saving at the same time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "access.h"
#include "audit.h"
#include "auth.h"
#include "check.h"
#include "draft.h"
#include "form.h"
#include "sha256.h"
#include "store.h"
#include "util.h"

static char dir[] = "/tmp/sz-test-auth-XXXXXX";

/* A fresh database path inside the test's folder. */
static char *db_path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* One text value of a query with up to one text parameter; "(null)" for NULL. */
static char *query_text(struct store *st, const char *sql, const char *arg)
{
	sqlite3_stmt *stmt = NULL;
	char *v = NULL;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "prepare failed: %s: %s\n", sql, sqlite3_errmsg(store_db(st)));
		return xstrdup("(error)");
	}
	if (arg)
		sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = xstrdup(sqlite3_column_type(stmt, 0) == SQLITE_NULL ? "(null)"
			    : (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return v ? v : xstrdup("(no row)");
}

#define CHECK_QUERY(st, sql, want)                                                 \
	do {                                                                       \
		char *got_ = query_text(st, sql, NULL);                            \
		CHECK_STR(got_, want);                                             \
		free(got_);                                                        \
	} while (0)

static long long query_int(struct store *st, const char *sql, const char *arg)
{
	char *s = query_text(st, sql, arg);
	long long v = atoll(s);
	free(s);
	return v;
}

/* Runs SQL as the sqlite3 shell would (no checks of the program). */
static void shell(struct store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(st), sql, NULL, NULL, &msg) != SQLITE_OK)
		fprintf(stderr, "shell: %s: %s\n", sql, msg);
	sqlite3_free(msg);
}

static void test_sha256(void)
{
	static const struct { const char *in; const char *hex; } vectors[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char hex[SHA256_HEX];
	for (size_t i = 0; i < ARRAY_LEN(vectors); i++) {
		sha256_hex(vectors[i].in, strlen(vectors[i].in), hex);
		CHECK_STR(hex, vectors[i].hex);
	}
	/* a million 'a', fed in uneven pieces across block edges */
	struct sha256 s;
	sha256_init(&s);
	char a[997];
	memset(a, 'a', sizeof a);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof a ? left : sizeof a;
		sha256_update(&s, a, n);
		left -= n;
	}
	sha256_final_hex(&s, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_passwords(void)
{
	char *err = NULL;
	char *h1 = auth_hash_password("geheim 密码", &err), *h2 = auth_hash_password("geheim 密码", &err);
	CHECK(h1 && strncmp(h1, "$y$", 3) == 0);
	CHECK(h1 && h2 && strcmp(h1, h2) != 0);  /* salted */
	CHECK(auth_password_matches(h1, "geheim 密码"));
	CHECK(!auth_password_matches(h1, "geheim 密"));
	CHECK(!auth_password_matches(h1, ""));
	CHECK(!auth_password_matches(NULL, "x"));
	free(h1);
	free(h2);
	static const struct { const char *login; bool ok; } logins[] = {
		{ "admin", true }, { "张三", true }, { "li.si-2", true }, { "", false }, { "a b", false },
		{ "x'; DROP TABLE operator; --", false }, { "tab\there", false },
		{ "abcdefghijklmnopqrstuvwxyz0123456", false }, { "abcdefghijklmnopqrstuvwxyz012345", true },
	};
	for (size_t i = 0; i < ARRAY_LEN(logins); i++) {
		bool ok = auth_login_valid(logins[i].login, &err);
		if (ok != logins[i].ok)
			fprintf(stderr, "login \"%s\"\n", logins[i].login);
		CHECK(ok == logins[i].ok);
	}
	CHECK(!auth_password_valid("abc", &err));
	CHECK(err && strstr(err, "4"));
	CHECK(!auth_password_valid("abc\x01" "def", &err));
	CHECK(auth_password_valid("demo", &err));
	free(err);
}

/* Each role's rights: what it may do and what it is refused, from the one table. */
static void test_role_table(void)
{
	static const struct { const char *role; enum access_right r; bool allowed; } cases[] = {
		{ "admin", ACCESS_ADMIN, true }, { "admin", ACCESS_UNMASK, true },
		{ "clerk", ACCESS_REGISTER_EDIT, true }, { "clerk", ACCESS_UNMASK, true },
		{ "clerk", ACCESS_ADMIN, false }, { "clerk", ACCESS_DISPUTE_VIEW, false },
		{ "mediator", ACCESS_DISPUTE_EDIT, true }, { "mediator", ACCESS_REGISTER_EDIT, false },
		{ "mediator", ACCESS_ADMIN, false },
		{ "viewer", ACCESS_REGISTER_VIEW, true }, { "viewer", ACCESS_REGISTER_EDIT, false },
		{ "viewer", ACCESS_UNMASK, false }, { "viewer", ACCESS_ADMIN, false },
		{ "viewer", ACCESS_EXCHANGE, false }, { "nobody", ACCESS_REGISTER_VIEW, false },
	};
	CHECK_INT(access_table_right("resident"), ACCESS_REGISTER_EDIT);
	CHECK_INT(access_table_right("dispute_case"), ACCESS_DISPUTE_EDIT);
	CHECK_INT(access_table_right("service_request"), ACCESS_SERVICE_EDIT);
	CHECK_INT(access_table_right("star_score"), ACCESS_STARS_EDIT);
	CHECK_INT(access_table_right("resident_key"), ACCESS_RIGHT_COUNT);
	CHECK_INT(access_table_right("operator"), ACCESS_RIGHT_COUNT);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		bool got = access_role_allows(cases[i].role, cases[i].r);
		if (got != cases[i].allowed)
			fprintf(stderr, "role %s right %d\n", cases[i].role, (int)cases[i].r);
		CHECK(got == cases[i].allowed);
	}
}

/* A store with an administrator "boss" (password "boss-pw") signed in. */
static struct store *open_with_admin(const char *name)
{
	char *path = db_path(name), *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	CHECK(auth_needs_first_admin(st));
	CHECK(auth_first_admin(st, "boss", "boss-pw", &err) == 0);
	CHECK(!auth_needs_first_admin(st));
	CHECK_STR(err, NULL);
	free(err);
	free(path);
	return st;
}

static void test_operators_and_refusals(void)
{
	struct store *st = open_with_admin("ops.db");
	char *err = NULL, *msg = NULL;
	static const char *const roles[] = { "clerk", "mediator", "viewer" };
	for (size_t i = 0; i < ARRAY_LEN(roles); i++)
		CHECK(auth_user_add(st, roles[i], NULL, roles[i], "pass-1234", &err) == 0);
	CHECK(auth_user_add(st, "clerk", NULL, "clerk", "pass-1234", &err) != 0);
	/* what the new-operator dialog says before it closes: taken, or not a login */
	char *why = auth_login_refusal(st, "clerk");
	CHECK(why && strstr(why, "clerk"));
	free(why);
	why = auth_login_refusal(st, "li hua");
	CHECK(why != NULL);
	free(why);
	CHECK(auth_login_refusal(st, "lihua") == NULL);
	CHECK(err && strstr(err, "exists"));
	CHECK(auth_user_add(st, "x", NULL, "janitor", "pass-1234", &err) != 0);
	CHECK(err && strstr(err, "janitor"));
	/* the password hash never reaches the audit log */
	CHECK_INT(query_int(st, "SELECT count(*) FROM audit WHERE after LIKE '%$y$%' OR before LIKE '%$y$%'", NULL), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM operator WHERE password_hash LIKE '$y$%'", NULL), 4);
	CHECK_INT(query_int(st, "SELECT count(*) FROM audit WHERE tbl = 'operator' AND after LIKE '%password_set_at%'", NULL), 4);

	/* every role but the administrator is refused the operator screens */
	for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
		CHECK(auth_sign_in(st, roles[i], "pass-1234", &msg) == AUTH_OK);
		free(msg);
		CHECK(auth_user_add(st, "newbie", NULL, "clerk", "pass-1234", &err) != 0);
		CHECK(err && strstr(err, "may not administer operators"));
		CHECK(auth_user_disable(st, "boss", true, &err) != 0);
		CHECK(auth_user_passwd(st, "boss", "hijacked", &err) != 0);
		/* but may change his own password */
		CHECK(auth_user_passwd(st, roles[i], "pass-5678", &err) == 0);
		/* the write path asks the role table: only the clerk may change the register */
		struct store_field rf[] = { { "name", "试写" }, { "form_version", "1" } };
		bool wrote = store_insert(st, "resident", rf, 2, NULL, &err) == 0;
		CHECK(wrote == (strcmp(roles[i], "clerk") == 0));
		if (!wrote)
			CHECK(err && strstr(err, "may not change the register"));
		char *refusal = access_refusal(st, ACCESS_ADMIN);
		CHECK(strstr(refusal, access_role_label(roles[i])) != NULL);
		free(refusal);
	}
	CHECK(!access_allows(st, ACCESS_UNMASK));  /* the viewer is signed in last */
	CHECK(auth_sign_in(st, "boss", "boss-pw", &msg) == AUTH_OK);
	free(msg);
	CHECK(access_allows(st, ACCESS_ADMIN));
	/* the last administrator stays */
	CHECK(auth_user_disable(st, "boss", true, &err) != 0);
	CHECK(err && strstr(err, "last administrator"));
	char *ask = auth_disable_refusal(st, "boss");   /* said before "Disable boss?" */
	CHECK(ask && strstr(ask, "last administrator"));
	free(ask);
	CHECK(auth_disable_refusal(st, "mediator") == NULL);
	CHECK(auth_user_role(st, "boss", "clerk", &err) != 0);
	CHECK(auth_user_role(st, "mediator", "viewer", &err) == 0);
	CHECK(auth_user_disable(st, "clerk", true, &err) == 0);
	CHECK(auth_sign_in(st, "clerk", "pass-5678", &msg) == AUTH_DISABLED);
	CHECK(msg && strstr(msg, "disabled"));
	free(msg);
	/* a command-line login the register does not know names nobody: it may
	 * neither read what the read rule guards nor write */
	CHECK(auth_cli_operator(st, "stranger", false, &err) == 0);
	CHECK_INT(store_operator_id(st), query_int(st, "SELECT id FROM operator WHERE login = 'boss'", NULL));
	store_close(st);
	char *path = db_path("ops.db");
	st = store_open(path, &err);
	CHECK(auth_cli_operator(st, "stranger", false, &err) == 0);
	CHECK_INT(store_operator_id(st), 0);
	CHECK(!access_allows(st, ACCESS_REGISTER_VIEW));
	why = access_command_refusal(st, "search");
	CHECK(why && strstr(why, "(none)"));
	free(why);
	struct store_field f[] = { { "name", "无名" }, { "form_version", "1" } };
	CHECK(store_insert(st, "resident", f, 2, NULL, &err) != 0);
	CHECK(err && strstr(err, "--operator"));
	CHECK(auth_cli_operator(st, "clerk", false, &err) != 0);  /* disabled */
	/* the own login (sudo's SUDO_USER) needs no password; another one does */
	setenv("SUDO_USER", "viewer", 1);
	CHECK(auth_cli_operator(st, NULL, false, &err) == 0);
	CHECK_INT(store_operator_id(st), query_int(st, "SELECT id FROM operator WHERE login = 'viewer'", NULL));
	CHECK(auth_cli_operator(st, "viewer", false, &err) == 0);
	/* an operator without a password comes in by no way */
	sqlite3_exec(store_db(st), "UPDATE operator SET password_hash = '' WHERE login = 'viewer'", NULL, NULL, NULL);
	CHECK(auth_cli_operator(st, NULL, false, &err) != 0);
	CHECK(err && strstr(err, "has no password"));
	CHECK(auth_sign_in(st, "viewer", "", &msg) != AUTH_OK);
	CHECK(msg && strstr(msg, "has no password"));
	free(msg);
	unsetenv("SUDO_USER");
	store_close(st);
	free(path);
	free(err);
}

static void test_lockout(void)
{
	struct store *st = open_with_admin("lock.db");
	char *err = NULL, *msg = NULL;
	CHECK(auth_user_add(st, "wang", "王会计", "clerk", "right-pw", &err) == 0);
	CHECK(store_set_setting(st, "signin_max_failures", "3", &err) == 0);
	CHECK(store_set_setting(st, "signin_lock_minutes", "7", &err) == 0);
	CHECK(auth_sign_in(st, "wang", "wrong-1", &msg) == AUTH_WRONG);
	CHECK(msg && strstr(msg, "2 more attempt"));
	free(msg);
	CHECK(auth_sign_in(st, "wang", "wrong-2", &msg) == AUTH_WRONG);
	free(msg);
	CHECK(auth_sign_in(st, "wang", "wrong-3", &msg) == AUTH_LOCKED);
	CHECK(msg && strstr(msg, "locked for 7 more minute"));
	free(msg);
	/* locked: even the right password is refused, and told why */
	CHECK(auth_sign_in(st, "wang", "right-pw", &msg) == AUTH_LOCKED);
	CHECK(msg && strstr(msg, "wang is locked"));
	free(msg);
	/* an unknown login reads like a wrong password */
	CHECK(auth_sign_in(st, "nobody", "x", &msg) == AUTH_WRONG);
	CHECK_STR(msg, "Wrong login or password.");
	free(msg);
	/* an administrator's new password unlocks */
	CHECK(auth_sign_in(st, "boss", "boss-pw", &msg) == AUTH_OK);
	free(msg);
	CHECK(auth_user_passwd(st, "wang", "new-pw-1", &err) == 0);
	CHECK(auth_sign_in(st, "wang", "new-pw-1", &msg) == AUTH_OK);
	free(msg);
	CHECK_QUERY(st, "SELECT login FROM operator WHERE id = (SELECT max(id) FROM operator"
		    " WHERE last_signin_at IS NOT NULL AND login = 'wang')", "wang");
	CHECK(auth_reauth(st, "new-pw-1", &msg) == AUTH_OK);
	free(msg);
	CHECK(auth_reauth(st, "nope", &msg) == AUTH_WRONG);
	free(msg);
	store_close(st);
	free(err);
}

/* The lock screen's switch: the password is checked while the first operator stays
 * the store's; the switch then audits the handover under both, and refuses one
 * disabled since his password was checked. */
static void test_switch(void)
{
	struct store *st = open_with_admin("switch.db");
	char *err = NULL, *msg = NULL;
	int64_t id = -1;
	CHECK(auth_user_add(st, "wang", "王会计", "clerk", "right-pw", &err) == 0);
	CHECK(auth_user_add(st, "li", "李", "clerk", "li-pw", &err) == 0);
	CHECK(auth_sign_in(st, "boss", "boss-pw", &msg) == AUTH_OK);
	free(msg);
	int64_t boss = store_operator_id(st);
	CHECK(auth_check_signin(st, "wang", "wrong", &id, &msg) == AUTH_WRONG);
	CHECK(msg && strstr(msg, "Wrong login or password"));
	free(msg);
	CHECK_QUERY(st, "SELECT failed_attempts FROM operator WHERE login = 'wang'", "1");
	CHECK(auth_check_signin(st, "wang", "right-pw", &id, &msg) == AUTH_OK);
	free(msg);
	CHECK(store_operator_id(st) == boss);   /* not yet: the screens close first */
	CHECK(auth_switch(st, id, &err) == 0);
	CHECK(store_operator_id(st) == id);
	CHECK(access_allows(st, ACCESS_SERVICE_EDIT) && !access_allows(st, ACCESS_ADMIN));
	CHECK_QUERY(st, "SELECT group_concat(x, ' ') FROM (SELECT (SELECT login FROM operator o WHERE o.id = a.operator_id)"
		    " || '>' || (SELECT login FROM operator o WHERE o.id = a.row_id) || ':' || coalesce(reason, '') AS x"
		    " FROM audit a WHERE tbl = 'operator' AND reason LIKE '%lock screen%' ORDER BY id)",
		    "boss>boss:another operator signed in at the lock screen wang>wang:signed in at the lock screen of boss");
	/* disabled after the password was checked: the switch is refused */
	CHECK(auth_check_signin(st, "li", "li-pw", &id, &msg) == AUTH_OK);
	free(msg);
	shell(st, "UPDATE operator SET disabled = 1 WHERE login = 'li'");
	CHECK(auth_switch(st, id, &err) != 0);
	CHECK(err && strstr(err, "disabled"));
	CHECK(store_operator_id(st) != id);
	free(err);
	store_close(st);
}

/* Hostile text goes in verbatim through bound parameters, or is refused with a
 * message; nothing of it is executed. */
static void test_hostile_text(void)
{
	struct store *st = open_with_admin("hostile.db");
	char *err = NULL;
	char *long_notes = xmalloc(100001);
	memset(long_notes, 'x', 100000);
	long_notes[100000] = '\0';
	static const char *const names[] = {
		"O'Brien", "\"引号\"", "'; DROP TABLE resident; --", "Robert'); DELETE FROM audit; --",
		"张·三", "%s%n%x",
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		struct store_field f[] = { { "name", names[i] }, { "notes", long_notes }, { "form_version", "1" } };
		int64_t id = 0;
		CHECK(store_insert(st, "resident", f, 3, &id, &err) == 0);
		char *sql = xasprintf("SELECT name FROM resident WHERE id = %lld", (long long)id);
		char *got = query_text(st, sql, NULL);
		CHECK_STR(got, names[i]);
		free(got);
		free(sql);
	}
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident", NULL), (long long)ARRAY_LEN(names));
	CHECK_INT(query_int(st, "SELECT min(length(notes)) FROM resident", NULL), 100000);
	/* a terminal escape is refused with a message, not stored */
	struct store_field esc[] = { { "name", "a\x01" "b\x1b[31mc" }, { "form_version", "1" } };
	CHECK(store_insert(st, "resident", esc, 2, NULL, &err) != 0);
	CHECK(err && strstr(err, "resident, name"));
	free(err);
	err = NULL;
	/* a name longer than the register allows is refused with a message */
	char *long_name = xmalloc(400);
	memset(long_name, 'y', 399);
	long_name[399] = '\0';
	struct store_field f[] = { { "name", long_name }, { "form_version", "1" } };
	CHECK(store_insert(st, "resident", f, 2, NULL, &err) != 0);
	CHECK(err && strstr(err, "resident"));
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident", NULL), (long long)ARRAY_LEN(names));
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 0);
	free(report);
	free(long_name);
	free(long_notes);
	free(err);
	store_close(st);
}

static void test_audit_chain(void)
{
	struct store *st = open_with_admin("chain.db");
	char *err = NULL, *report = NULL;
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "居民%d", i);
		struct store_field f[] = { { "name", name }, { "form_version", "1" } };
		int64_t id;
		CHECK(store_insert(st, "resident", f, 2, &id, &err) == 0);
		struct store_field g[] = { { "notes", "改过" } };
		CHECK(store_update(st, "resident", id, g, 1, "核对", &err) == 0);
	}
	CHECK(audit_event(st, "resident", 1, "unmask", "{\"unmasked\":\"id_number\"}", "办理低保", &err) == 0);
	CHECK_INT(store_check(st, &report), 0);
	free(report);
	/* every entry follows its predecessor */
	CHECK_INT(query_int(st, "SELECT count(*) FROM audit a JOIN audit b ON b.id = a.id - 1"
			    " WHERE a.prev_hash IS NOT b.hash", NULL), 0);
	CHECK_QUERY(st, "SELECT reason FROM audit WHERE action = 'unmask'", "办理低保");
	/* the log is append-only for the program */
	CHECK(sqlite3_exec(store_db(st), "UPDATE audit SET reason = 'x' WHERE id = 3", NULL, NULL, NULL) != SQLITE_OK);
	CHECK(sqlite3_exec(store_db(st), "DELETE FROM audit WHERE id = 3", NULL, NULL, NULL) != SQLITE_OK);

	/* the sqlite3 shell can change a row; check names the entry */
	shell(st, "DROP TRIGGER audit_no_update; UPDATE audit SET after = '{\"name\":\"别人\"}' WHERE id = 7");
	/* the entry, the trigger dropped to change it, the row its new "after" misstates */
	CHECK(store_check(st, &report) >= 3);
	CHECK(report && strstr(report, "audit entry 7 ") && strstr(report, "changed after it was written"));
	CHECK(report && strstr(report, "trigger audit_no_update is missing"));
	free(report);
	shell(st, "UPDATE audit SET after = (SELECT after FROM audit WHERE id = 7) WHERE 0");
	store_close(st);

	st = open_with_admin("chain2.db");
	for (int i = 0; i < 4; i++) {
		struct store_field f[] = { { "name", "甲" }, { "form_version", "1" } };
		CHECK(store_insert(st, "resident", f, 2, NULL, &err) == 0);
	}
	shell(st, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 5");
	CHECK(store_check(st, &report) >= 1);
	CHECK(report && strstr(report, "audit entry 6 ") && strstr(report, "removed or inserted"));
	free(report);
	free(err);
	store_close(st);
}

/* A draft keeps every value verbatim (quotes, control characters, CJK), the field
 * and the cursor; it belongs to one operator; a newer draft of a form nobody can
 * open does not hide an older one; armed, it goes to the next form run of the same
 * form and record only. */
static void test_drafts(void)
{
	struct store *st = open_with_admin("drafts.db");
	char *errors = NULL, *err = NULL;
	const char *forms_dir = getenv("SHANZHI_FORMS");
	struct form_registry *reg = form_registry_load(forms_dir ? forms_dir : "forms", NULL, &errors);
	const struct form_def *def = reg ? form_get(reg, "resident") : NULL;
	CHECK(def != NULL);
	if (!def) {
		form_registry_free(reg);
		free(errors);
		store_close(st);
		return;
	}
	struct form_data d;
	form_data_init(&d, def);
	int name = form_field_index(def, "name"), notes = form_field_index(def, "notes");
	form_data_set(&d, (size_t)name, "O'Brien \"张\" \\ \x01");
	form_data_set(&d, (size_t)notes, "'; DROP TABLE draft; --");
	draft_note_record(&d, 42);
	CHECK_INT(draft_record_of(&d), 42);
	CHECK(draft_save(st, "Resident", &d, 42, (size_t)notes, 7, &err) == 0);
	/* a newer draft of a form without an opener */
	struct form_data other;
	form_data_init(&other, def);
	CHECK(draft_save(st, "Resident", &other, 0, 0, 0, &err) == 0);
	shell(st, "UPDATE draft SET form = 'elsewhere', saved_at = '2999-01-01T00:00:00' WHERE record_id = 0");
	static const char *const wanted[] = { "resident", NULL };
	struct draft dr;
	CHECK(draft_latest(st, wanted, &dr));
	CHECK_INT(dr.record_id, 42);
	CHECK_INT(dr.field, notes);
	CHECK_INT(dr.cursor, 7);
	bool seen_name = false, seen_notes = false;
	for (size_t i = 0; i < dr.n; i++) {
		if (strcmp(dr.names[i], "name") == 0)
			seen_name = dr.values[i] && strcmp(dr.values[i], "O'Brien \"张\" \\ \x01") == 0;
		if (strcmp(dr.names[i], "notes") == 0)
			seen_notes = dr.values[i] && strcmp(dr.values[i], "'; DROP TABLE draft; --") == 0;
	}
	CHECK(seen_name && seen_notes);
	draft_arm(&dr);
	struct draft got;
	CHECK(!draft_take("resident", 7, &got));
	CHECK(!draft_take("household", 42, &got));
	CHECK(draft_take("resident", 42, &got));
	CHECK(!draft_take("resident", 42, &got));  /* taken once */
	draft_free(&got);
	/* another operator sees none of them */
	char *msg = NULL;
	CHECK(auth_user_add(st, "other", NULL, "clerk", "pass-1234", &err) == 0);
	CHECK(auth_sign_in(st, "other", "pass-1234", &msg) == AUTH_OK);
	free(msg);
	CHECK(!draft_latest(st, NULL, &dr));
	CHECK(auth_sign_in(st, "boss", "boss-pw", &msg) == AUTH_OK);
	free(msg);
	draft_discard(st, "resident", 42);
	CHECK(!draft_latest(st, wanted, &dr));
	CHECK(draft_latest(st, NULL, &dr));  /* the other form's draft stays */
	draft_free(&dr);
	draft_forget(&d);
	CHECK_INT(draft_record_of(&d), 0);
	form_data_free(&d);
	form_data_free(&other);
	form_registry_free(reg);
	free(errors);
	free(err);
	store_close(st);
}

#define WRITERS 20
#define PER_WRITER 25

/* One writer process: its own connection, PER_WRITER residents, one at a time. */
static int writer(const char *path, int n)
{
	char *err = NULL;
	struct store *st = store_open(path, &err);
	if (!st || store_set_operator(st, "boss", &err) != 0) {
		fprintf(stderr, "writer %d: open: %s\n", n, err ? err : "?");
		return 1;
	}
	int failed = 0;
	for (int i = 0; i < PER_WRITER; i++) {
		char name[64];
		snprintf(name, sizeof name, "写者%d之%d", n, i);
		struct store_field f[] = { { "name", name }, { "notes", "并发" }, { "form_version", "1" } };
		if (store_insert(st, "resident", f, 3, NULL, &err) != 0) {
			fprintf(stderr, "writer %d: insert %d: %s\n", n, i, err ? err : "?");
			failed++;
		}
	}
	store_close(st);
	free(err);
	return failed ? 1 : 0;
}

/* WRITERS processes open a file that does not exist yet, all at once: one creates
 * and migrates it, the others wait their turn, and every row arrives. */
static void test_concurrent_first_open(void)
{
	char *path = db_path("fresh-many.db");
	pid_t kids[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(writer(path, i));
	}
	int ok = 0;
	for (int i = 0; i < WRITERS; i++) {
		int status;
		waitpid(kids[i], &status, 0);
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	CHECK_INT(ok, WRITERS);
	char *err = NULL, *report = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	if (st) {
		CHECK_INT(query_int(st, "SELECT count(*) FROM resident", NULL), WRITERS * PER_WRITER);
		CHECK_INT(query_int(st, "SELECT count(*) FROM operator", NULL), 1);
		CHECK_INT(store_check(st, &report), 0);
		if (report && *report)
			fprintf(stderr, "%s", report);
	}
	free(report);
	free(err);
	store_close(st);
	free(path);
}

static void test_concurrent_writers(void)
{
	struct store *st = open_with_admin("many.db");
	store_close(st);
	char *path = db_path("many.db");
	pid_t kids[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(writer(path, i));
	}
	int ok = 0;
	for (int i = 0; i < WRITERS; i++) {
		int status;
		waitpid(kids[i], &status, 0);
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	CHECK_INT(ok, WRITERS);
	char *err = NULL, *report = NULL;
	st = store_open(path, &err);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE notes = '并发'", NULL), WRITERS * PER_WRITER);
	CHECK_INT(query_int(st, "SELECT count(DISTINCT name) FROM resident", NULL), WRITERS * PER_WRITER);
	CHECK_INT(query_int(st, "SELECT count(*) FROM audit WHERE tbl = 'resident' AND action = 'insert'", NULL),
		  WRITERS * PER_WRITER);
	CHECK_INT(store_check(st, &report), 0);
	if (report && *report)
		fprintf(stderr, "%s", report);
	free(report);
	free(err);
	store_close(st);
	free(path);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_sha256();
	test_passwords();
	test_role_table();
	test_operators_and_refusals();
	test_lockout();
	test_switch();
	test_hostile_text();
	test_audit_chain();
	test_drafts();
	test_concurrent_writers();
	test_concurrent_first_open();
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return check_finish();
}
