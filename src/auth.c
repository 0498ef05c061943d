/* auth: operators, yescrypt passwords, sign-in and lockout. */
#include "auth.h"

#include <crypt.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "audit.h"
#include "console.h"
#include "i18n.h"
#include "paths.h"
#include "rowset.h"
#include "store.h"
#include "text.h"
#include "util.h"

const char auth_schema_v1[] =
	/* the audit log, rebuilt with its hash chain and without a foreign key to
	 * operator (operators are never deleted; the log outlives any rebuild) */
	"CREATE TABLE audit_chained (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  at TEXT NOT NULL,\n"
	"  operator_id INTEGER,\n"
	"  tbl TEXT NOT NULL,\n"
	"  row_id INTEGER NOT NULL,\n"
	"  action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'bulk', 'unmask')),\n"
	"  before TEXT CHECK (before IS NULL OR json_valid(before)),\n"
	"  after TEXT CHECK (after IS NULL OR json_valid(after)),\n"
	"  reason TEXT,\n"
	"  prev_hash TEXT,\n"
	"  hash TEXT\n"
	");\n"
	"INSERT INTO audit_chained(id, at, operator_id, tbl, row_id, action, before, after, reason)\n"
	"  SELECT id, at, operator_id, tbl, row_id, action, before, after, reason FROM audit ORDER BY id;\n"
	"DROP TABLE audit;\n"
	"ALTER TABLE audit_chained RENAME TO audit;\n"
	"CREATE INDEX audit_row ON audit(tbl, row_id);\n"
	/* append-only: an entry is sealed by its hash (older entries are sealed once,
	 * right after this step) */
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN OLD.hash IS NOT NULL BEGIN\n"
	"  SELECT RAISE(ABORT, 'the audit log is append-only');\n"
	"END;\n"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN\n"
	"  SELECT RAISE(ABORT, 'the audit log is append-only');\n"
	"END;\n"
	/* operators: the mediator role, passwords, the lockout, the last sign-in */
	"CREATE TABLE operator_v2 (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  login TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 32),\n"
	"  name TEXT,\n"
	"  role TEXT NOT NULL DEFAULT 'clerk' CHECK (role IN ('admin', 'clerk', 'mediator', 'viewer')),\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
	"  password_hash TEXT,\n"
	"  password_set_at TEXT,\n"
	"  failed_attempts INTEGER NOT NULL DEFAULT 0,\n"
	"  locked_until INTEGER NOT NULL DEFAULT 0,\n"
	"  last_signin_at TEXT\n"
	");\n"
	"INSERT INTO operator_v2(id, login, name, role, created_at, disabled)\n"
	"  SELECT id, login, name, role, created_at, disabled FROM operator;\n"
	"DROP TABLE operator;\n"
	"ALTER TABLE operator_v2 RENAME TO operator;\n"
	"CREATE TRIGGER operator_no_delete BEFORE DELETE ON operator BEGIN\n"
	"  SELECT RAISE(ABORT, 'operators are never deleted: disable them instead');\n"
	"END;\n"
	/* a form being edited, saved as the clerk types (draft.h) */
	"CREATE TABLE draft (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  operator_id INTEGER NOT NULL,\n"
	"  form TEXT NOT NULL,\n"
	"  record_id INTEGER NOT NULL DEFAULT 0,\n"
	"  title TEXT,\n"
	"  field INTEGER NOT NULL DEFAULT 0,\n"
	"  cursor INTEGER NOT NULL DEFAULT 0,\n"
	"  vals TEXT NOT NULL CHECK (json_valid(vals)),\n"
	"  saved_at TEXT NOT NULL,\n"
	"  UNIQUE (operator_id, form, record_id)\n"
	");\n";

#define DEFAULT_MAX_FAILURES 5
#define DEFAULT_LOCK_MINUTES 15

/* Sets *err to a copy of msg. */
static void auth_err(char **err, const char *msg)
{
	if (err) {
		free(*err);
		*err = xstrdup(msg);
	}
}

/* Overwrites libcrypt's work area (it held the password) and frees it. */
static void wipe_free(struct crypt_data *cd)
{
	if (cd)
		explicit_bzero(cd, sizeof *cd);
	free(cd);
}

/* yescrypt cost 3: 4 MiB and about 4 ms a hash, so signing in keeps the program under
 * its 16 MiB budget (libxcrypt's default, 5, takes 16 MiB); the lockout after a few
 * wrong passwords guards against guessing at the screen. */
#define AUTH_YESCRYPT_COST 3

char *auth_hash_password(const char *password, char **err)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	if (!crypt_gensalt_rn("$y$", AUTH_YESCRYPT_COST, NULL, 0, setting, sizeof setting)) {
		auth_err(err, _("cannot make a password hash (no random numbers)"));
		return NULL;
	}
	struct crypt_data *cd = xcalloc(1, sizeof *cd);
	const char *h = crypt_rn(password, setting, cd, (int)sizeof *cd);
	char *out = h && h[0] == '$' ? xstrdup(h) : NULL;
	wipe_free(cd);
	if (!out)
		auth_err(err, _("cannot make a password hash"));
	return out;
}

bool auth_password_matches(const char *hash, const char *password)
{
	if (!hash || !*hash || !password)
		return false;
	struct crypt_data *cd = xcalloc(1, sizeof *cd);
	const char *h = crypt_rn(password, hash, cd, (int)sizeof *cd);
	bool same = false;
	if (h && h[0] == '$' && strlen(h) == strlen(hash)) {
		unsigned char diff = 0;
		for (size_t i = 0; hash[i]; i++)
			diff |= (unsigned char)(h[i] ^ hash[i]);
		same = diff == 0;
	}
	wipe_free(cd);
	return same;
}

bool auth_login_valid(const char *login, char **err)
{
	size_t n = login ? text_char_count(login) : 0;
	if (n == 0 || n > AUTH_LOGIN_MAX) {
		if (err) {
			free(*err);
			*err = xasprintf(_("a login has 1 to %d characters"), AUTH_LOGIN_MAX);
		}
		return false;
	}
	for (const char *p = login; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '\'' || *p == '"' || *p == '\\') {
			auth_err(err, _("a login has no spaces, quotes or control characters"));
			return false;
		}
	if (!text_utf8_valid(login, strlen(login), NULL)) {
		auth_err(err, _("a login must be valid text"));
		return false;
	}
	return true;
}

bool auth_password_valid(const char *password, char **err)
{
	size_t n = password ? strlen(password) : 0;
	if (n < AUTH_PASSWORD_MIN || n > AUTH_PASSWORD_MAX) {
		if (err) {
			free(*err);
			*err = xasprintf(_("a password has %d to %d characters"), AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
		}
		return false;
	}
	for (const char *p = password; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			auth_err(err, _("a password has no control characters"));
			return false;
		}
	return true;
}

/* The id of an operator by login, 0 when unknown; *disabled and *hash (caller
 * frees) when wanted. */
static int64_t operator_find(struct store *st, const char *login, bool *disabled, char **hash)
{
	sqlite3_stmt *stmt;
	int64_t id = 0;
	if (sqlite3_prepare_v2(store_db(st), "SELECT id, disabled, password_hash FROM operator WHERE login = ?1",
			       -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(stmt, 1, login, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		if (disabled)
			*disabled = sqlite3_column_int(stmt, 1) != 0;
		if (hash)
			*hash = xstrdup((const char *)sqlite3_column_text(stmt, 2));
	}
	sqlite3_finalize(stmt);
	return id;
}

/* One integer from a query with an optional integer parameter; dflt on failure. */
static int64_t auth_query_int(struct store *st, const char *sql, int64_t arg, int64_t dflt)
{
	sqlite3_stmt *stmt;
	int64_t v = dflt;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK)
		return dflt;
	if (sqlite3_bind_parameter_count(stmt) > 0)
		sqlite3_bind_int64(stmt, 1, arg);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* Runs an UPDATE of one operator row with up to two bound values (text, integer). */
static int operator_set(struct store *st, const char *sql, int64_t id, const char *text, int64_t num,
			char **err)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_bind_parameter_count(stmt) >= 2)
			sqlite3_bind_text(stmt, 2, text, -1, SQLITE_TRANSIENT);
		if (sqlite3_bind_parameter_count(stmt) >= 3)
			sqlite3_bind_int64(stmt, 3, num);
		rc = sqlite3_step(stmt);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		if (err) {
			free(*err);
			*err = xasprintf("%s: %s", _("operator"), sqlite3_errmsg(store_db(st)));
		}
		return -1;
	}
	return 0;
}

/* The local time as ISO 8601 (seconds), for the operator's columns. */
static void auth_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* Writes a new hash and clears failures; audits that the password was set (the
 * hash itself never reaches the audit log). Inside the caller's transaction. */
static int set_password(struct store *st, int64_t id, const char *password, char **err)
{
	char *hash = auth_hash_password(password, err);
	if (!hash)
		return -1;
	int rc = operator_set(st, "UPDATE operator SET password_hash = ?2, failed_attempts = 0, locked_until = 0"
			      " WHERE id = ?1", id, hash, 0, err);
	free(hash);
	char now[32];
	auth_now(now);
	struct store_field f[] = { { "password_set_at", now } };
	if (rc == 0)
		rc = store_update(st, "operator", id, f, 1, NULL, err);
	return rc;
}

/* Whether the store's operator may administer operators; *err says why not. */
static bool may_administer(struct store *st, char **err)
{
	if (access_allows(st, ACCESS_ADMIN))
		return true;
	if (err) {
		free(*err);
		*err = access_refusal(st, ACCESS_ADMIN);
	}
	return false;
}

char *auth_login_refusal(struct store *st, const char *login)
{
	char *err = NULL;
	if (!auth_login_valid(login, &err))
		return err;
	return operator_find(st, login, NULL, NULL) ? xasprintf(_("an operator %s exists already"), login) : NULL;
}

int auth_user_add(struct store *st, const char *login, const char *name, const char *role,
		  const char *password, char **err)
{
	if (!auth_login_valid(login, err) || !auth_password_valid(password, err))
		return -1;
	if (!access_role_valid(role)) {
		if (err) {
			free(*err);
			*err = xasprintf(_("unknown role %s (admin, clerk, mediator or viewer)"), role ? role : "");
		}
		return -1;
	}
	if (!auth_needs_first_admin(st) && !may_administer(st, err))
		return -1;
	if (operator_find(st, login, NULL, NULL)) {
		if (err) {
			free(*err);
			*err = xasprintf(_("an operator %s exists already"), login);
		}
		return -1;
	}
	if (store_begin(st, err) != 0)
		return -1;
	struct store_field f[] = { { "login", login }, { "name", name && *name ? name : login }, { "role", role } };
	int64_t id;
	if (store_insert(st, "operator", f, ARRAY_LEN(f), &id, err) != 0 || set_password(st, id, password, err) != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

/* The operator named login, or 0 with "no such operator" in *err. */
static int64_t operator_needed(struct store *st, const char *login, char **err)
{
	int64_t id = login ? operator_find(st, login, NULL, NULL) : 0;
	if (!id && err) {
		free(*err);
		*err = xasprintf(_("there is no operator %s"), login ? login : "");
	}
	return id;
}

int auth_user_passwd(struct store *st, const char *login, const char *password, char **err)
{
	int64_t id = operator_needed(st, login, err);
	if (!id || !auth_password_valid(password, err))
		return -1;
	/* an operator may change his own password; others' need an administrator */
	if (id != store_operator_id(st) && !may_administer(st, err))
		return -1;
	if (store_begin(st, err) != 0)
		return -1;
	if (set_password(st, id, password, err) != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

/* Enabled administrators other than id. */
static int64_t other_admins(struct store *st, int64_t id)
{
	return auth_query_int(st, "SELECT count(*) FROM operator WHERE role = 'admin' AND disabled = 0"
			      " AND password_hash IS NOT NULL AND id <> ?1", id, 0);
}

char *auth_disable_refusal(struct store *st, const char *login)
{
	char *err = NULL;
	int64_t id = operator_needed(st, login, &err);
	if (!id || !may_administer(st, &err))
		return err ? err : xstrdup("?");
	if (other_admins(st, id) == 0 &&
	    auth_query_int(st, "SELECT role = 'admin' FROM operator WHERE id = ?1", id, 0))
		return xstrdup(_("this is the last administrator: add another before disabling it"));
	return NULL;
}

int auth_user_disable(struct store *st, const char *login, bool disabled, char **err)
{
	int64_t id = operator_needed(st, login, err);
	if (!id || !may_administer(st, err))
		return -1;
	char *why = disabled ? auth_disable_refusal(st, login) : NULL;
	if (why) {
		auth_err(err, why);
		free(why);
		return -1;
	}
	struct store_field f[] = { { "disabled", disabled ? "1" : "0" } };
	return store_update(st, "operator", id, f, 1, NULL, err);
}

int auth_user_role(struct store *st, const char *login, const char *role, char **err)
{
	int64_t id = operator_needed(st, login, err);
	if (!id || !may_administer(st, err))
		return -1;
	if (!access_role_valid(role)) {
		if (err) {
			free(*err);
			*err = xasprintf(_("unknown role %s (admin, clerk, mediator or viewer)"), role ? role : "");
		}
		return -1;
	}
	if (strcmp(role, "admin") != 0 && other_admins(st, id) == 0 &&
	    auth_query_int(st, "SELECT role = 'admin' FROM operator WHERE id = ?1", id, 0)) {
		auth_err(err, _("this is the last administrator: add another before changing its role"));
		return -1;
	}
	struct store_field f[] = { { "role", role } };
	return store_update(st, "operator", id, f, 1, NULL, err);
}

/* A column's text copied, or NULL. */
static char *col_dup(sqlite3_stmt *stmt, int i)
{
	return xstrdup((const char *)sqlite3_column_text(stmt, i));
}

size_t auth_operators(struct store *st, struct auth_operator **out)
{
	sqlite3_stmt *stmt;
	size_t n = 0;
	*out = NULL;
	if (sqlite3_prepare_v2(store_db(st),
			       "SELECT id, login, coalesce(name, ''), role, disabled, password_hash IS NOT NULL,"
			       " last_signin_at, failed_attempts, locked_until FROM operator ORDER BY login",
			       -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		*out = xrealloc(*out, (n + 1) * sizeof **out);
		struct auth_operator *o = &(*out)[n++];
		o->id = sqlite3_column_int64(stmt, 0);
		o->login = col_dup(stmt, 1);
		o->name = col_dup(stmt, 2);
		o->role = col_dup(stmt, 3);
		o->disabled = sqlite3_column_int(stmt, 4) != 0;
		o->has_password = sqlite3_column_int(stmt, 5) != 0;
		o->last_signin = col_dup(stmt, 6);
		o->failed = sqlite3_column_int(stmt, 7);
		o->locked_until = sqlite3_column_int64(stmt, 8);
	}
	sqlite3_finalize(stmt);
	return n;
}

void auth_operators_free(struct auth_operator *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ops[i].login);
		free(ops[i].name);
		free(ops[i].role);
		free(ops[i].last_signin);
	}
	free(ops);
}

bool auth_needs_first_admin(struct store *st)
{
	return auth_query_int(st, "SELECT count(*) FROM operator WHERE disabled = 0 AND coalesce(password_hash, '') <> ''",
			      0, 1) == 0;
}

int auth_first_admin(struct store *st, const char *login, const char *password, char **err)
{
	if (!auth_needs_first_admin(st)) {
		auth_err(err, _("the register has an administrator already: sign in"));
		return -1;
	}
	if (!auth_login_valid(login, err) || !auth_password_valid(password, err))
		return -1;
	if (store_begin(st, err) != 0)
		return -1;
	bool disabled = false;
	int64_t id = operator_find(st, login, &disabled, NULL);
	int rc = 0;
	if (id) {
		/* an operator the command line registered without a password */
		store_set_operator(st, login, NULL);
		struct store_field f[] = { { "role", "admin" }, { "disabled", "0" } };
		rc = store_update(st, "operator", id, f, ARRAY_LEN(f), NULL, err);
	} else {
		struct store_field f[] = { { "login", login }, { "name", login }, { "role", "admin" } };
		rc = store_insert(st, "operator", f, ARRAY_LEN(f), &id, err);
	}
	if (rc == 0 && store_set_operator(st, login, err) == 0 && set_password(st, id, password, err) == 0)
		return store_commit(st, err);
	store_rollback(st);
	return -1;
}

/* The lockout settings. */
static int64_t setting_int(struct store *st, const char *key, int64_t dflt, int64_t min, int64_t max)
{
	char *v = store_setting(st, key);
	char *end = NULL;
	long long n = v ? strtoll(v, &end, 10) : dflt;
	if (v && (*v == '\0' || *end != '\0'))
		n = dflt;
	free(v);
	return n < min ? min : n > max ? max : n;
}

/* Minutes (rounded up) until a lock ends. */
static long minutes_left(int64_t until, time_t now)
{
	return (long)((until - now + 59) / 60);
}

/* The lock message for an operator locked until `until`. Caller frees. */
static char *locked_message(const char *login, int64_t until, time_t now)
{
	time_t u = (time_t)until;
	struct tm tm;
	char hhmm[8];
	localtime_r(&u, &tm);
	strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
	return xasprintf(_("Too many wrong passwords: %s is locked for %ld more minute(s), until %s. "
			   "An administrator can unlock it by setting a new password."),
			 login, minutes_left(until, now), hhmm);
}

/* Writes a failed sign-in into the audit log as a change of the operator's row (row
 * 0: a login the register does not know, named), so that the operator's history
 * lists it: the wrong passwords in a row and the end of a lock. Best effort: a
 * refusal stands even when the log cannot be written. */
static void audit_signin_failure(struct store *st, int64_t id, const char *login, int failed,
				 int64_t locked_until, const char *reason, const char *via)
{
	sqlite3_stmt *stmt;
	char *after = NULL;
	if (sqlite3_prepare_v2(store_db(st),
			       "SELECT CASE WHEN ?4 = 0 THEN json_object('login', ?1)"
			       " WHEN ?3 > 0 THEN json_object('failed_attempts', ?2,"
			       "   'locked_until', datetime(?3, 'unixepoch', 'localtime'))"
			       " ELSE json_object('failed_attempts', ?2) END",
			       -1, &stmt, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(stmt, 1, login ? login : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 2, failed);
	sqlite3_bind_int64(stmt, 3, locked_until);
	sqlite3_bind_int64(stmt, 4, id);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		after = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	char *why = via ? xasprintf("%s (%s)", reason, via) : xstrdup(reason);
	if (after)
		audit_event(st, "operator", id, "update", after, why, NULL);
	free(why);
	free(after);
}

/* The refusal of a disabled operator. Caller frees. */
static char *disabled_message(const char *login)
{
	return xasprintf(_("The operator %s is disabled. An administrator can enable it again."), login);
}

/* The refusal of an operator without a password. Caller frees. */
static char *no_password_message(const char *login)
{
	return xasprintf(_("Operator %s has no password and cannot sign in: an administrator sets one."), login);
}

/* Why operator id may not come in by any way (a screen, a command): disabled,
 * locked by wrong passwords, or without a password. Caller frees; NULL when it may. */
static char *way_in_refusal(struct store *st, int64_t id, const char *login)
{
	time_t now = time(NULL);
	int64_t until = auth_query_int(st, "SELECT locked_until FROM operator WHERE id = ?1", id, 0);
	if (auth_query_int(st, "SELECT disabled FROM operator WHERE id = ?1", id, 0))
		return disabled_message(login);
	if (until > (int64_t)now)
		return locked_message(login, until, now);
	if (!auth_query_int(st, "SELECT coalesce(password_hash, '') <> '' FROM operator WHERE id = ?1", id, 0))
		return no_password_message(login);
	return NULL;
}

/* Counts a failed attempt and locks at the limit; returns the message for the clerk:
 * "wrong password" when only a password was asked (the lock screen), else "wrong
 * login or password" (the sign-in does not reveal which logins exist). */
static char *count_failure(struct store *st, int64_t id, const char *login, int failed, time_t now,
			   bool password_only, const char *via, enum auth_result *res)
{
	int64_t max = setting_int(st, "signin_max_failures", DEFAULT_MAX_FAILURES, 1, 1000);
	int64_t minutes = setting_int(st, "signin_lock_minutes", DEFAULT_LOCK_MINUTES, 1, 24 * 60);
	failed++;
	if (failed >= max) {
		int64_t until = (int64_t)now + minutes * 60;
		operator_set(st, "UPDATE operator SET failed_attempts = 0, locked_until = ?3 WHERE id = ?1",
			     id, NULL, until, NULL);
		audit_signin_failure(st, id, login, failed, until, _("locked after too many wrong passwords"), via);
		*res = AUTH_LOCKED;
		return locked_message(login, until, now);
	}
	operator_set(st, "UPDATE operator SET failed_attempts = ?3 WHERE id = ?1", id, NULL, failed, NULL);
	audit_signin_failure(st, id, login, failed, 0, _("wrong password"), via);
	*res = AUTH_WRONG;
	if (password_only)
		return xasprintf(_("Wrong password (%lld more attempt(s) before the login is locked for %lld minutes)."),
				 (long long)(max - failed), (long long)minutes);
	return xasprintf(_("Wrong login or password (%lld more attempt(s) before the login is locked for %lld minutes)."),
			 (long long)(max - failed), (long long)minutes);
}

/* Checks password against operator id; counts failures and locks. */
static enum auth_result check_password(struct store *st, int64_t id, const char *login, const char *password,
				       bool password_only, const char *via, char **msg)
{
	sqlite3_stmt *stmt;
	enum auth_result res = AUTH_FAILED;
	if (sqlite3_prepare_v2(store_db(st), "SELECT disabled, password_hash, failed_attempts, locked_until"
			       " FROM operator WHERE id = ?1", -1, &stmt, NULL) != SQLITE_OK) {
		*msg = xstrdup(sqlite3_errmsg(store_db(st)));
		return AUTH_FAILED;
	}
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		*msg = xstrdup(_("Wrong login or password."));
		return AUTH_WRONG;
	}
	bool disabled = sqlite3_column_int(stmt, 0) != 0;
	char *hash = col_dup(stmt, 1);
	int failed = sqlite3_column_int(stmt, 2);
	int64_t until = sqlite3_column_int64(stmt, 3);
	sqlite3_finalize(stmt);
	time_t now = time(NULL);
	if (until > (int64_t)now) {
		*msg = locked_message(login, until, now);
		audit_signin_failure(st, id, login, failed, until, _("sign-in refused: the login is locked"), via);
		res = AUTH_LOCKED;
	} else if (!hash || !*hash) {
		/* an operator without a password comes in by no way at all */
		*msg = no_password_message(login);
		audit_signin_failure(st, id, login, failed, 0, _("sign-in refused: the operator has no password"), via);
		res = AUTH_WRONG;
	} else if (!auth_password_matches(hash, password)) {
		*msg = count_failure(st, id, login, failed, now, password_only, via, &res);
	} else if (disabled) {
		*msg = disabled_message(login);
		audit_signin_failure(st, id, login, failed, 0, _("sign-in refused: the operator is disabled"), via);
		res = AUTH_DISABLED;
	} else {
		operator_set(st, "UPDATE operator SET failed_attempts = 0, locked_until = 0 WHERE id = ?1",
			     id, NULL, 0, NULL);
		res = AUTH_OK;
	}
	free(hash);
	return res;
}

/* Checks a sign-in without making it: the operator's id on AUTH_OK. via (NULL on
 * the screens) says how, in the audit log of a failure. */
static enum auth_result check_signin(struct store *st, const char *login, const char *password, const char *via,
				     int64_t *id, char **msg)
{
	*msg = NULL;
	*id = login && *login ? operator_find(st, login, NULL, NULL) : 0;
	if (!*id) {
		/* the same cost and words as a wrong password: logins are not revealed */
		char *h = auth_hash_password(password ? password : "", NULL);
		free(h);
		audit_signin_failure(st, 0, login, 1, 0, _("sign-in with a login the register does not know"), via);
		*msg = xstrdup(_("Wrong login or password."));
		return AUTH_WRONG;
	}
	return check_password(st, *id, login, password, false, via, msg);
}

enum auth_result auth_check_signin(struct store *st, const char *login, const char *password, int64_t *id,
				   char **msg)
{
	return check_signin(st, login, password, NULL, id, msg);
}

/* Operator id becomes the store's operator; its sign-in time goes through the audited
 * path, with reason (may be NULL) saying how it came in. */
static int sign_in_record(struct store *st, int64_t id, const char *login, const char *reason, char **err)
{
	char now[32];
	auth_now(now);
	struct store_field f[] = { { "last_signin_at", now } };
	if (store_set_operator(st, login, err) != 0 || store_update(st, "operator", id, f, 1, reason, err) != 0)
		return -1;
	return 0;
}

/* A sign-in; via (NULL on the screens) says how, in the audit log. */
static enum auth_result sign_in(struct store *st, const char *login, const char *password, const char *via,
				char **msg)
{
	int64_t id;
	enum auth_result res = check_signin(st, login, password, via, &id, msg);
	if (res != AUTH_OK)
		return res;
	char *err = NULL;
	if (sign_in_record(st, id, login, via, &err) != 0) {
		*msg = err;
		return AUTH_FAILED;
	}
	return AUTH_OK;
}

enum auth_result auth_sign_in(struct store *st, const char *login, const char *password, char **msg)
{
	return sign_in(st, login, password, NULL, msg);
}

char *auth_operator_login(struct store *st, int64_t id)
{
	return rowset_value(st, "SELECT login FROM operator WHERE id = ?1", "l", id);
}

/* Audits, as the operator leaving, that his screen went to login: who let whom in. */
static int audit_handover(struct store *st, const char *login, char **err)
{
	sqlite3_stmt *stmt;
	char *after = NULL;
	if (sqlite3_prepare_v2(store_db(st), "SELECT json_object('switched_to', ?1)", -1, &stmt, NULL) != SQLITE_OK) {
		*err = xstrdup(sqlite3_errmsg(store_db(st)));
		return -1;
	}
	sqlite3_bind_text(stmt, 1, login, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		after = col_dup(stmt, 0);
	sqlite3_finalize(stmt);
	int rc = audit_event(st, "operator", store_operator_id(st), "update", after,
			     _("another operator signed in at the lock screen"), err);
	free(after);
	return rc;
}

int auth_switch(struct store *st, int64_t id, char **err)
{
	char *to = auth_operator_login(st, id), *from = auth_current_login(st);
	/* disabled or locked since the password was checked: not let in after all */
	char *refusal = to ? way_in_refusal(st, id, to) : xstrdup(_("Wrong login or password."));
	int rc = -1;
	if (refusal) {
		*err = refusal;
	} else if (audit_handover(st, to, err) == 0) {
		char *reason = xasprintf(_("signed in at the lock screen of %s"), from ? from : "?");
		rc = sign_in_record(st, id, to, reason, err);
		free(reason);
	}
	free(to);
	free(from);
	return rc;
}

char *auth_current_login(struct store *st)
{
	return auth_operator_login(st, store_operator_id(st));
}

char *auth_operator_name(struct store *st, int64_t id)
{
	return rowset_value(st, "SELECT coalesce(nullif(trim(name), ''), login) FROM operator WHERE id = ?1", "l", id);
}

char *auth_current_name(struct store *st)
{
	return auth_operator_name(st, store_operator_id(st));
}

char *auth_current_role(struct store *st)
{
	return rowset_value(st, "SELECT role FROM operator WHERE id = ?1", "l", store_operator_id(st));
}

enum auth_result auth_reauth(struct store *st, const char *password, char **msg)
{
	*msg = NULL;
	char *login = auth_current_login(st);
	if (!login) {
		*msg = xstrdup(_("Wrong login or password."));
		return AUTH_WRONG;
	}
	enum auth_result res = check_password(st, store_operator_id(st), login, password, true, NULL, msg);
	free(login);
	return res;
}

char *auth_own_login(void)
{
	const char *sudo_user = getenv("SUDO_USER");
	if (sudo_user && *sudo_user)
		return xstrdup(sudo_user);
	struct passwd *pw = getpwuid(getuid());
	return xstrdup(pw ? pw->pw_name : "");
}

/* Puts msg, taken, in *err (or frees it). */
static void auth_err_take(char **err, char *msg)
{
	if (err) {
		free(*err);
		*err = msg;
	} else {
		free(msg);
	}
}

/* Signs in as another operator than one's own login: its password, audited. */
static int cli_sign_in_as(struct store *st, const char *login, const char *own, bool password_stdin, char **err)
{
	char *prompt = xasprintf(_("Password of operator %s: "), login);
	char *pw = auth_read_password(prompt, false, password_stdin, err);
	free(prompt);
	if (!pw) {
		auth_err_take(err, xasprintf(_("acting as operator %s needs its password: type it when asked, or give "
					       "it with --password-stdin"), login));
		return -1;
	}
	char *via = xasprintf(_("--operator on the command line, by system user %s"), own);
	char *msg = NULL;
	enum auth_result res = sign_in(st, login, pw, via, &msg);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	free(via);
	if (res == AUTH_OK) {
		free(msg);
		return 0;
	}
	auth_err_take(err, msg ? msg : xstrdup("?"));
	return -1;
}

int auth_cli_operator(struct store *st, const char *login, bool password_stdin, char **err)
{
	char *own = auth_own_login();
	if (!login)
		login = own;
	int64_t id = *login ? operator_find(st, login, NULL, NULL) : 0;
	int rc = 0;
	char *refusal = id ? way_in_refusal(st, id, login) : NULL;
	if (refusal) {
		auth_err_take(err, refusal);
		rc = -1;
	} else if (id && strcmp(login, own) != 0) {
		rc = cli_sign_in_as(st, login, own, password_stdin, err);
	} else if (id) {
		rc = store_set_operator(st, login, err);
	}
	free(own);
	return rc;
}

void auth_name_operator(struct store *st, const char *login)
{
	bool disabled = true;
	if (operator_find(st, login, &disabled, NULL) && !disabled)
		store_set_operator(st, login, NULL);
}

/* Reads one line without its newline; NULL at end of input. Caller frees. */
static char *read_line(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* Asks once on the terminal with echo off. Caller frees; NULL at end of input. */
static char *ask_hidden(FILE *tty, const char *prompt)
{
	struct termios old, quiet;
	int fd = fileno(tty);
	bool restore = tcgetattr(fd, &old) == 0;
	console_printf(stderr, "%s", prompt);
	fflush(stderr);
	if (restore) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	char *line = read_line(tty);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	return line;
}

char *auth_read_password(const char *prompt, bool confirm, bool from_stdin, char **err)
{
	if (from_stdin) {
		char *line = read_line(stdin);
		if (!line)
			auth_err(err, _("no password on standard input"));
		return line;
	}
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty) {
		auth_err(err, _("no terminal to ask for the password: use --password-stdin"));
		return NULL;
	}
	char *pw = ask_hidden(tty, prompt);
	if (pw && confirm) {
		char *again = ask_hidden(tty, _("The same password again: "));
		if (!again || strcmp(again, pw) != 0) {
			auth_err(err, _("the two passwords differ"));
			free(pw);
			pw = NULL;
		}
		free(again);
	}
	fclose(tty);
	if (!pw && err && !*err)
		*err = xstrdup(_("no password given"));
	return pw;
}

char *auth_add_refusal(struct store *st, const char *role)
{
	char *err = NULL;
	if (auth_needs_first_admin(st))
		return role && strcmp(role, "admin") == 0 ? NULL
			: xstrdup(_("the register has no administrator yet: the first operator added must be an administrator (--role admin)"));
	may_administer(st, &err);
	return err;
}

char *auth_passwd_refusal(struct store *st, const char *login)
{
	char *err = NULL;
	if (operator_needed(st, login, &err) && operator_find(st, login, NULL, NULL) != store_operator_id(st))
		may_administer(st, &err);
	return err;
}

int auth_demo_operators(struct store *st, char **err)
{
	if (auth_first_admin(st, AUTH_DEMO_LOGIN, AUTH_DEMO_PASSWORD, err) != 0)
		return -1;
	struct store_field f[] = { { "name", _("Demo administrator") } };
	return store_update(st, "operator", store_operator_id(st), f, 1, NULL, err);
}
