/* tui-system: 系统管理 for administrators: the operators (add, disable or enable,
 * a new password, a role, their history), a backup now, the settings of the
 * sign-in, the idle lock and the daily backups, and the villages' groups (tui-groups). Every change goes through auth.c and
 * the audited write path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "access.h"
#include "app.h"
#include "auth.h"
#include "backup.h"
#include "i18n.h"
#include "resident.h"
#include "store.h"
#include "text.h"
#include "tui-list.h"
#include "tui-screens.h"
#include "tui-signin.h"
#include "util.h"

static const struct tui_hint operator_hints[] = {
	{ "F5", N_("Password") }, { "F6", N_("Role") }, { "F7", N_("New") }, { "F8", N_("Disable/enable") },
	{ "F9", N_("History") }, { "F10", N_("Back") },
};

/* The column heads of the operator list. */
static char *operator_header(void)
{
	struct strbuf sb = {0};
	tui_col(&sb, _("Login"), 14);
	tui_col(&sb, _("Name"), 14);
	tui_col(&sb, _("Role"), 10);
	tui_col(&sb, _("State"), 8);
	sb_append(&sb, _("Last sign-in"));
	return sb_take(&sb);
}

/* Every operator whose login or name contains the query. */
static int operator_fetch(void *ctx, const char *query, size_t offset, size_t limit, struct tui_rows *out,
			  char **err)
{
	struct tui *t = ctx;
	struct auth_operator *ops;
	size_t n = auth_operators(t->app->st, &ops);
	time_t now = time(NULL);
	(void)offset, (void)limit, (void)err;   /* a whole list: the engine pages it */
	for (size_t i = 0; i < n; i++) {
		const struct auth_operator *op = &ops[i];
		if (query && *query && !strstr(op->login, query) && !strstr(op->name, query))
			continue;
		const char *state = op->disabled ? _("disabled") : op->locked_until > (int64_t)now ? _("locked")
				  : !op->has_password ? _("no password") : _("enabled");
		struct strbuf sb = {0};
		tui_col(&sb, op->login, 14);
		tui_col(&sb, op->name, 14);
		tui_col(&sb, access_role_label(op->role), 10);
		tui_col(&sb, state, 8);
		sb_append(&sb, op->last_signin ? op->last_signin : "-");
		tui_rows_add(out, op->id, sb_take(&sb));
	}
	auth_operators_free(ops, n);
	return 0;
}

/* A role picked from the role table; NULL when cancelled. Borrowed. */
static const char *pick_role(struct tui *t)
{
	const char *labels[8];
	size_t n = 0;
	for (; access_roles[n] && n < ARRAY_LEN(labels); n++)
		labels[n] = access_role_label(access_roles[n]);
	int i = tui_choose(t, _("Role"), labels, n, 1);
	return i >= 0 ? access_roles[i] : NULL;
}

/* Shows the outcome of an operator change. */
static void report(struct tui *t, int rc, char *err, const char *done)
{
	if (rc == 0)
		tui_message(t, "%s", done);
	else
		tui_error(t, "%s", err ? err : "?");
	free(err);
}

/* The login dialog's check: a login that is not one, or is taken, is said there. */
static char *login_refusal(void *ctx, const char *login)
{
	struct tui *t = ctx;
	return auth_login_refusal(t->app->st, login);
}

/* F7: a new operator. */
static void operator_add(struct tui *t)
{
	char *login = tui_prompt_checked(t, _("New operator"), _("Login:"), NULL, AUTH_LOGIN_MAX, login_refusal, t);
	char *err = NULL;
	if (!login)
		return;
	char *name = tui_prompt(t, _("New operator"), _("Full name:"), NULL, 40);
	const char *role = name ? pick_role(t) : NULL;
	char *intro = xasprintf(_("The password of %s (at least %d characters)."), login, AUTH_PASSWORD_MIN);
	char *pw = role ? tui_ask_password(t, N_("New operator"), intro, true) : NULL;
	if (pw) {
		char *done = xasprintf(_("Operator %s added."), login);
		report(t, auth_user_add(t->app->st, login, name, role, pw, &err), err, done);
		free(done);
		memset(pw, 0, strlen(pw));
	}
	free(pw);
	free(intro);
	free(name);
	free(login);
}

/* F5: a new password for the operator (which also lifts a lock). */
static void operator_password(struct tui *t, const char *login)
{
	char *intro = xasprintf(_("A new password for %s. It also lifts a lock after wrong passwords."), login);
	char *pw = tui_ask_password(t, N_("New password"), intro, true), *err = NULL;
	if (pw) {
		char *done = xasprintf(_("The password of %s is set."), login);
		report(t, auth_user_passwd(t->app->st, login, pw, &err), err, done);
		free(done);
		memset(pw, 0, strlen(pw));
	}
	free(pw);
	free(intro);
}

/* F8: disables an enabled operator, enables a disabled one. */
static void operator_toggle(struct tui *t, int64_t id, const char *login)
{
	bool disabled = false;
	struct auth_operator *ops;
	size_t n = auth_operators(t->app->st, &ops);
	for (size_t i = 0; i < n; i++)
		if (ops[i].id == id)
			disabled = ops[i].disabled;
	auth_operators_free(ops, n);
	/* refused before it is asked: a clerk never confirms what is then refused */
	char *why = disabled ? NULL : auth_disable_refusal(t->app->st, login);
	if (why) {
		tui_error(t, "%s", why);
		free(why);
		return;
	}
	char *q = xasprintf(disabled ? _("Enable %s again?") : _("Disable %s? The operator can no longer sign in."), login);
	if (tui_confirm(t, q, false)) {
		char *err = NULL;
		char *done = xasprintf(disabled ? _("Operator %s is enabled.") : _("Operator %s is disabled."), login);
		report(t, auth_user_disable(t->app->st, login, !disabled, &err), err, done);
		free(done);
	}
	free(q);
}

/* Keys of the operator list. */
static enum tui_list_action operator_key(void *ctx, struct tui *t, int key, int64_t sel)
{
	(void)ctx;
	if (key == TK_F7) {
		operator_add(t);
		return TUI_LIST_RELOAD;
	}
	char *login = sel > 0 ? auth_operator_login(t->app->st, sel) : NULL;
	enum tui_list_action act = TUI_LIST_STAY;
	if (!login) {
		/* nothing selected */
	} else if (key == TK_F5) {
		operator_password(t, login);
		act = TUI_LIST_RELOAD;
	} else if (key == TK_F6) {
		const char *role = pick_role(t);
		char *err = NULL, *done = role ? xasprintf(_("Operator %s is now %s."), login, access_role_label(role)) : NULL;
		if (role)
			report(t, auth_user_role(t->app->st, login, role, &err), err, done);
		free(done);
		act = TUI_LIST_RELOAD;
	} else if (key == TK_F8) {
		operator_toggle(t, sel, login);
		act = TUI_LIST_RELOAD;
	} else if (key == TK_F9) {
		tui_history_show(t, "operator", sel, login);
		act = TUI_LIST_RELOAD;
	}
	free(login);
	return act;
}

/* The operator list. */
static void system_operators(struct tui *t)
{
	char *header = operator_header();
	struct tui_list_def def = {
		.title = N_("Operators"), .header = header, .query = true, .query_label = N_("Search (login, name):"),
		.hints = operator_hints, .nhints = ARRAY_LEN(operator_hints),
		.ctx = t, .fetch = operator_fetch, .whole = true, .on_key = operator_key,
	};
	tui_list_run(t, &def, NULL);
	free(header);
}

/* A backup now, into the backup folder. */
static void system_backup(struct tui *t)
{
	char *folder = backup_folder(t->app->st), stamp[32], *err = NULL;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	char *dest = xasprintf("%s/manual-%s.db", folder, stamp);
	if (mkdir(folder, 0700) != 0 && errno != EEXIST)
		err = xasprintf("%s: %s", folder, strerror(errno));
	if (!err && backup_make(t->app->st, dest, &err) == 0 && backup_verify(dest, &err) == 0)
		tui_message(t, _("Backup written to %s and checked."), dest);
	else
		tui_error(t, _("The backup failed: %s"), err ? err : "?");
	free(err);
	free(dest);
	free(folder);
}

/* A setting the system screen offers: its key, what it is, its default, and the
 * range of a number (max 0: free text). */
struct setting_def {
	const char *key;
	const char *label;
	const char *dflt;
	long min, max;
};

static const struct setting_def settings[] = {
	{ "idle_lock_minutes", N_("Lock the screen after minutes without keys (0 = never)"), "10", 0, 24 * 60 },
	{ "signin_max_failures", N_("Wrong passwords in a row before a login is locked"), "5", 1, 100 },
	{ "signin_lock_minutes", N_("Minutes a login stays locked"), "15", 1, 24 * 60 },
	{ "backup_daily_keep", N_("Daily backups kept (0 = none)"), "7", 0, 3650 },
	{ "backup_folder", N_("Folder of the backups (empty: beside the database)"), "", 0, 0 },
};

/* A setting's value, or its default. Caller frees. */
static char *setting_value(struct tui *t, const struct setting_def *sd)
{
	char *v = store_setting(t->app->st, sd->key);
	return v ? v : xstrdup(sd->dflt);
}

/* The setting dialog's check: a number in its range, a folder that can hold backups. */
static char *setting_refusal(void *ctx, const char *value)
{
	const struct setting_def *sd = ctx;
	long n;
	if (sd->max > 0)
		return text_whole_number(value, sd->min, sd->max, &n)
			       ? NULL : xasprintf(_("%s: a whole number from %ld to %ld"), _(sd->label), sd->min, sd->max);
	return strcmp(sd->key, "backup_folder") == 0 ? backup_folder_refusal(value) : NULL;
}

/* Asks for one setting's new value, kept in the dialog until it is valid, and stores it. */
static void setting_edit(struct tui *t, const struct setting_def *sd)
{
	char *old = setting_value(t, sd);
	bool folder = strcmp(sd->key, "backup_folder") == 0;   /* Tab completes it */
	char *v = (folder ? tui_prompt_path : tui_prompt_checked)(t, _("Settings"), _(sd->label), old, 200,
								   setting_refusal, (void *)sd);
	free(old);
	if (!v)
		return;
	char *err = NULL;
	if (store_set_setting(t->app->st, sd->key, v, &err) == 0) {
		tui_message(t, _("%s: %s"), _(sd->label), *v ? v : _("(empty)"));
		if (strcmp(sd->key, "idle_lock_minutes") == 0)
			tui_idle_arm(t);
	} else {
		tui_error(t, "%s", err ? err : "?");
	}
	free(err);
	free(v);
}

/* The settings, one picked at a time. */
static void system_settings(struct tui *t)
{
	for (;;) {
		char *labels[ARRAY_LEN(settings)];
		for (size_t i = 0; i < ARRAY_LEN(settings); i++) {
			char *v = setting_value(t, &settings[i]);
			labels[i] = xasprintf("%s: %s", _(settings[i].label), *v ? v : "-");
			free(v);
		}
		int i = tui_choose(t, _("Settings"), (const char *const *)labels, ARRAY_LEN(settings), 0);
		for (size_t j = 0; j < ARRAY_LEN(settings); j++)
			free(labels[j]);
		if (i < 0 || t->quit)
			return;
		setting_edit(t, &settings[i]);
	}
}

void tui_system_run(struct tui *t)
{
	if (!access_allows(t->app->st, ACCESS_ADMIN)) {
		char *why = access_refusal(t->app->st, ACCESS_ADMIN);
		tui_error(t, "%s", why);
		free(why);
		return;
	}
	for (;;) {
		const char *labels[] = { _("Operators"), _("Back up now"), _("Settings"), _("Village groups"),
					 _("Sync conflicts"), _("Moves between villages") };
		int i = tui_choose(t, _("System"), labels, ARRAY_LEN(labels), 0);
		if (t->quit)
			return;   /* another operator came in at the lock screen */
		if (i == 0)
			system_operators(t);
		else if (i == 1)
			system_backup(t);
		else if (i == 2)
			system_settings(t);
		else if (i == 3)
			tui_groups_run(t);
		else if (i == 4)
			tui_sync_conflicts_run(t);
		else if (i == 5)
			tui_transfers_run(t);
		else
			return;
	}
}

/* The unmasking dialog's check: full numbers are shown only with a reason. */
static char *unmask_refusal(void *ctx, const char *reason)
{
	(void)ctx;
	return reason[strspn(reason, " \t")] ? NULL : xstrdup(_("Nothing is shown without a reason."));
}

void tui_unmask_resident(struct tui *t, int64_t id)
{
	if (!access_allows(t->app->st, ACCESS_UNMASK)) {
		char *why = access_refusal(t->app->st, ACCESS_UNMASK);
		tui_error(t, "%s", why);
		free(why);
		return;
	}
	char *reason = tui_prompt_checked(t, _("Full ID and phone numbers"),
					  _("Why are they needed (recorded in the audit log)?"), NULL, 100, unmask_refusal, NULL);
	if (!reason)
		return;
	char *err = NULL, *name = NULL, *idn = NULL, *phone = NULL;
	if (resident_unmask(t->app->st, id, reason, &name, &idn, &phone, &err) != 0) {
		tui_error(t, "%s", err ? err : "?");
	} else {
		char *text = xasprintf(_("%s\nID number: %s\nPhone: %s\n\nThis unmasking is recorded with its reason."),
				       name, idn, phone);
		tui_show_text(t, _("Full ID and phone numbers"), text);
		free(text);
	}
	free(name);
	free(idn);
	free(phone);
	free(err);
	free(reason);
}
