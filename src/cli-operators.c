/* cli-operators: the operators' commands: `user ...`, `backup` and `restore`. */
#include "cli-operators.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "auth.h"
#include "backup.h"
#include "cli.h"
#include "console.h"
#include "i18n.h"
#include "paths.h"
#include "store.h"
#include "util.h"

/* Prints one line per operator. */
static int user_list(struct store *st)
{
	struct auth_operator *ops;
	size_t n = auth_operators(st, &ops);
	time_t now = time(NULL);
	for (size_t i = 0; i < n; i++) {
		const struct auth_operator *op = &ops[i];
		const char *state = op->disabled ? _("disabled")
			: op->locked_until > (int64_t)now ? _("locked")
			: !op->has_password ? _("no password") : _("enabled");
		console_printf(stdout, "%s\t%s\t%s\t%s\t%s\n", op->login, op->name, access_role_label(op->role), state,
			       op->last_signin ? op->last_signin : "-");
	}
	auth_operators_free(ops, n);
	return 0;
}

/* `user add NAME --role ROLE [--name FULL] [--password-stdin]` */
static int user_add(struct store *st, int argc, char **argv, char **err)
{
	const char *login = NULL, *role = NULL, *name = NULL;
	bool from_stdin = false;
	const struct cli_option opts[] = {
		{ "--role", &role }, { "--name", &name }, { "--password-stdin", NULL, &from_stdin }, { NULL },
	};
	if (cli_parse_options("user add", argc, argv, 2, opts, &login, 1) || !login || !role)
		return 2;
	bool first = auth_needs_first_admin(st);
	if ((*err = auth_add_refusal(st, role)))
		return 1;
	char *pw = auth_read_password(_("Password: "), true, from_stdin, err);
	if (!pw)
		return 1;
	int rc = first ? auth_first_admin(st, login, pw, err) : auth_user_add(st, login, name, role, pw, err);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	if (rc == 0)
		console_printf(stdout, _("Operator %s added (%s).\n"), login, access_role_label(role));
	return rc ? 1 : 0;
}

/* `user passwd NAME [--password-stdin]` */
static int user_passwd(struct store *st, int argc, char **argv, char **err)
{
	const char *login = NULL;
	bool from_stdin = false;
	const struct cli_option opts[] = { { "--password-stdin", NULL, &from_stdin }, { NULL } };
	if (cli_parse_options("user passwd", argc, argv, 2, opts, &login, 1) || !login)
		return 2;
	if ((*err = auth_passwd_refusal(st, login)))
		return 1;
	char *pw = auth_read_password(_("New password: "), true, from_stdin, err);
	if (!pw)
		return 1;
	int rc = auth_user_passwd(st, login, pw, err);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	if (rc == 0)
		console_printf(stdout, _("The password of %s is set.\n"), login);
	return rc ? 1 : 0;
}

int cli_operators_user(const struct cli_opts *o, int argc, char **argv)
{
	static const char usage[] =
		"user add NAME --role admin|clerk|mediator|viewer [--name FULL_NAME] [--password-stdin]\n"
		"  user passwd NAME [--password-stdin]\n"
		"  user disable NAME | user enable NAME | user role NAME ROLE | user list";
	if (argc < 2) {
		console_printf(stderr, _("shanzhi: usage: %s\n"), usage);
		return 2;
	}
	char *err = NULL;
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	const char *what = argv[1];
	int rc = 2;
	if (strcmp(what, "list") == 0 && argc == 2)
		rc = (err = access_command_refusal(st, "user list")) ? 1 : user_list(st);
	else if (strcmp(what, "add") == 0)
		rc = user_add(st, argc, argv, &err);
	else if (strcmp(what, "passwd") == 0)
		rc = user_passwd(st, argc, argv, &err);
	else if ((strcmp(what, "disable") == 0 || strcmp(what, "enable") == 0) && argc == 3) {
		bool off = strcmp(what, "disable") == 0;
		rc = auth_user_disable(st, argv[2], off, &err) == 0 ? 0 : 1;
		if (rc == 0)
			console_printf(stdout, off ? _("Operator %s is disabled.\n") : _("Operator %s is enabled.\n"), argv[2]);
	} else if (strcmp(what, "role") == 0 && argc == 4) {
		rc = auth_user_role(st, argv[2], argv[3], &err) == 0 ? 0 : 1;
		if (rc == 0)
			console_printf(stdout, _("Operator %s is now %s.\n"), argv[2], access_role_label(argv[3]));
	}
	if (rc == 2)
		console_printf(stderr, _("shanzhi: usage: %s\n"), usage);
	else if (rc != 0)
		console_printf(stderr, "shanzhi: user %s: %s\n", what, err ? err : "?");
	free(err);
	store_close(st);
	return rc;
}

/* Shows the copy's anchor, for the clerk to note down or print (check --anchor). */
static void print_anchor(const char *dest)
{
	char *line = backup_anchor(dest);
	if (line)
		console_printf(stdout, _("%s (also in %s.anchor)\n"), line, dest);
	free(line);
}

int cli_operators_backup(const struct cli_opts *o, int argc, char **argv)
{
	bool daily = false;
	const char *file = NULL;
	const struct cli_option opts[] = { { "--daily", NULL, &daily }, { NULL } };
	if (cli_parse_options("backup", argc, argv, 1, opts, &file, 1) || daily == (file != NULL)) {
		console_printf(stderr, "%s\n", _("shanzhi: usage: backup FILE | backup --daily"));
		return 2;
	}
	char *path, *err = NULL, *made = NULL;
	struct store *st = cli_open_store(o, &path);
	if (!st)
		return 1;
	int rc = daily ? backup_daily(st, &made, &err) : backup_make(st, file, &err);
	if (rc == 0 && !daily)
		rc = backup_verify(file, &err);
	if (rc != 0)
		console_printf(stderr, "shanzhi: backup: %s\n", err ? err : "?");
	else if (!daily)
		console_printf(stdout, _("Backup of %s written to %s and checked.\n"), path, file);
	if (rc == 0 && (!daily || made))
		print_anchor(daily ? made : file);
	else if (made)
		console_printf(stdout, _("Daily backup written to %s.\n"), made);
	else
		console_printf(stdout, "%s\n", _("Today's backup exists already (or daily backups are off)."));
	free(made);
	free(err);
	store_close(st);
	free(path);
	return rc ? 1 : 0;
}

/* Whether the command line's operator may restore: an administrator, or anyone
 * when the current file cannot be opened as a register any more (the reason to
 * restore). */
static bool may_restore(const struct cli_opts *o, const char *db_path, char **who, char **err)
{
	struct store *st = store_open(db_path, NULL);
	if (!st)
		return true;
	bool ok = auth_needs_first_admin(st) ||
		  (auth_cli_operator(st, o->operator_login, o->password_stdin, err) == 0 &&
		   access_allows(st, ACCESS_ADMIN));
	if (!ok && err && !*err)
		*err = access_refusal(st, ACCESS_ADMIN);
	if (ok)
		*who = auth_current_login(st);
	store_close(st);
	return ok;
}

int cli_operators_restore(const struct cli_opts *o, int argc, char **argv)
{
	const char *file = NULL;
	if (cli_parse_options("restore", argc, argv, 1, NULL, &file, 1) || !file) {
		console_printf(stderr, "%s\n", _("shanzhi: usage: restore FILE"));
		return 2;
	}
	char *path = paths_database(o->db), *err = NULL, *kept = NULL, *login = NULL;
	int rc = may_restore(o, path, &login, &err) ? backup_restore(file, path, &kept, &err) : -1;
	if (rc != 0) {
		console_printf(stderr, _("shanzhi: restore: nothing was changed: %s\n"), err ? err : "?");
	} else {
		console_printf(stdout, _("%s restored from %s.\n"), path, file);
		if (kept)
			console_printf(stdout, _("The register as it was is kept in %s.\n"), kept);
		char *aerr = NULL;
		if (backup_record_restore(path, file, kept, login, &aerr) != 0)
			console_printf(stderr, _("shanzhi: restore: done, but not written to the audit log: %s\n"),
				       aerr ? aerr : "?");
		free(aerr);
	}
	free(login);
	free(kept);
	free(err);
	free(path);
	return rc ? 1 : 0;
}
