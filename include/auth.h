/* auth: operators and their passwords, sign-in with a lockout, and the `user`
 * subcommands.
 *
 * Passwords are stored as libcrypt yescrypt hashes ("$y$..."), never in clear and
 * never in the audit log: the operator's login, name, role, disabled flag and the
 * time a password was set go through the audited write path; the hash, the count of
 * failed attempts and the lock go to the operator row directly.
 *
 * Settings (the settings table): signin_max_failures (default 5) wrong passwords in a
 * row lock an operator for signin_lock_minutes (default 15). */
#ifndef SZ_AUTH_H
#define SZ_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* The schema step of this module (src/schema.c runs it): the operator table with
 * the mediator role and the password columns, the audit log's hash chain columns and
 * append-only triggers, and the drafts table (see draft.h). */
extern const char auth_schema_v1[];

#define AUTH_LOGIN_MAX 32
#define AUTH_PASSWORD_MIN 4
#define AUTH_PASSWORD_MAX 128

struct auth_operator {
	int64_t id;
	char *login, *name, *role;
	bool disabled, has_password;
	char *last_signin;    /* ISO time or NULL */
	int failed;
	int64_t locked_until; /* Unix seconds, 0 when not locked */
};

/* A yescrypt hash of password. Caller frees; NULL with *err on failure. */
char *auth_hash_password(const char *password, char **err);
/* Whether password hashes to hash (a constant-time comparison). */
bool auth_password_matches(const char *hash, const char *password);

/* Whether login may name an operator: 1..32 characters, no spaces or control
 * characters. False with a translated *err. */
bool auth_login_valid(const char *login, char **err);
/* Why login cannot name a new operator (not valid, or taken), translated (caller
 * frees); NULL when it can: what auth_user_add checks, for a dialog to say first. */
char *auth_login_refusal(struct store *st, const char *login);
/* Whether a new password is acceptable. False with a translated *err. */
bool auth_password_valid(const char *password, char **err);

/* Adds an operator with a password, by the store's current operator. */
int auth_user_add(struct store *st, const char *login, const char *name, const char *role,
		  const char *password, char **err);
/* Sets a password (and clears failed attempts and the lock). */
int auth_user_passwd(struct store *st, const char *login, const char *password, char **err);
/* Disables (or enables again) an operator; the last enabled administrator stays. */
int auth_user_disable(struct store *st, const char *login, bool disabled, char **err);
/* Why disabling login would be refused (no such operator, not an administrator's
 * right, the last administrator), translated (caller frees), or NULL: asked before
 * "Disable ...?", so a clerk never confirms what is then refused. */
char *auth_disable_refusal(struct store *st, const char *login);
/* Changes an operator's role; the last enabled administrator stays one. */
int auth_user_role(struct store *st, const char *login, const char *role, char **err);

/* Every operator, by login. Returns the count; free with auth_operators_free. */
size_t auth_operators(struct store *st, struct auth_operator **out);
void auth_operators_free(struct auth_operator *ops, size_t n);

/* True when no enabled operator has a password yet: the TUI asks for the first
 * administrator, and `user add` may add one without being signed in. */
bool auth_needs_first_admin(struct store *st);
/* Creates (or, for an operator without a password, completes) the first
 * administrator and makes it the store's operator. */
int auth_first_admin(struct store *st, const char *login, const char *password, char **err);

enum auth_result { AUTH_OK, AUTH_WRONG, AUTH_LOCKED, AUTH_DISABLED, AUTH_FAILED };
/* Checks a login and password, counts failures and locks after too many; on success
 * the login becomes the store's operator and the sign-in is audited. *msg (caller
 * frees) says what went wrong, in words a clerk understands. */
enum auth_result auth_sign_in(struct store *st, const char *login, const char *password, char **msg);
/* The lock screen's switch to another operator, in two steps: auth_check_signin
 * checks login and password as auth_sign_in does (failures counted, audited and
 * locked out alike) without making it the store's operator, so that what the
 * operator in hand left open is put away as his first; auth_switch then makes
 * operator id the store's operator, auditing the handover as the one leaving and
 * the sign-in as the one coming (disabled or locked meanwhile: refused, -1). */
enum auth_result auth_check_signin(struct store *st, const char *login, const char *password, int64_t *id,
				   char **msg);
int auth_switch(struct store *st, int64_t id, char **err);
/* Checks the password of the store's current operator (the idle lock); counts
 * failures like a sign-in. */
enum auth_result auth_reauth(struct store *st, const char *password, char **msg);
/* The login of the store's operator. Caller frees; NULL when none. */
char *auth_current_login(struct store *st);
/* The login of operator id. Caller frees; NULL when unknown. */
char *auth_operator_login(struct store *st, int64_t id);
/* The store's operator as the header names them: their name, else their login.
 * Caller frees; NULL when none is signed in. */
char *auth_current_name(struct store *st);
/* Operator id as lists name them: their name, else their login; and the role of the
 * store's operator. Caller frees; NULL when there is none. */
char *auth_operator_name(struct store *st, int64_t id);
char *auth_current_role(struct store *st);

/* The operator the system login maps to: $SUDO_USER when set (the clerk who ran
 * `sudo -u shanzhi shanzhi`, which sudo sets and a clerk cannot), else the login of
 * the process's real user id. Caller frees. */
char *auth_own_login(void);
/* For the command line: makes login (NULL: auth_own_login()) the store's operator.
 * A login the register does not know leaves no operator set: such a name may run
 * nothing the read rule guards (access.c), and writes need an operator. A known
 * operator that is disabled, locked or without a password is refused; one other
 * than the own login needs its password, read from standard input when
 * password_stdin, else asked on the terminal: a sign-in, audited as one either way. */
int auth_cli_operator(struct store *st, const char *login, bool password_stdin, char **err);

/* Names login the store's operator, without a sign-in, when it is a known and
 * enabled operator: a register just restored, by whoever signed in on the one it
 * replaced. */
void auth_name_operator(struct store *st, const char *login);

/* Reads a password: from the terminal without echo (asking twice when confirm), or
 * one line of standard input when from_stdin. Caller frees; NULL with *err. */
char *auth_read_password(const char *prompt, bool confirm, bool from_stdin, char **err);

/* The demo register's administrator: login admin, password demo. */
#define AUTH_DEMO_LOGIN "admin"
#define AUTH_DEMO_PASSWORD "demo"
int auth_demo_operators(struct store *st, char **err);

/* Why the store's operator may not add an operator with role, translated (caller
 * frees), before a password is asked: the first one must be an administrator, later
 * ones need one. NULL when allowed. */
char *auth_add_refusal(struct store *st, const char *role);
/* Why the store's operator may not set login's password (no such operator, or
 * another's without being an administrator); NULL when allowed. */
char *auth_passwd_refusal(struct store *st, const char *login);

#endif
