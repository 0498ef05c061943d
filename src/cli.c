/* cli: parse the command line and run a subcommand or the TUI.
 * Headless first: whatever the TUI does to data is also a subcommand here. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "app.h"
#include "auth.h"
#include "cli-dispute.h"
#include "cli-exchange.h"
#include "cli-ledger.h"
#include "ledger.h"
#include "cli-operators.h"
#include "cli-sync.h"
#include "cli-transfer.h"
#include "cli-register.h"
#include "cli-service.h"
#include "cli-stars.h"
#include "cli-write.h"
#include "config.h"
#include "console.h"
#include "datafiles.h"
#include "form.h"
#include "i18n.h"
#include "paths.h"
#include "store.h"
#include "tui.h"
#include "township.h"
#include "util.h"

/* Opens the store and names the operator; prints the reason and returns NULL on failure. */
struct store *cli_open_store(const struct cli_opts *o, char **path_out)
{
	char *err = NULL;
	char *path = paths_database(o->db);
	struct store *st = store_open(path, &err);
	if (st && auth_cli_operator(st, o->operator_login, o->password_stdin, &err) == 0)
		err = access_command_refusal(st, o->command);
	else if (st && !err)
		err = xstrdup("?");
	if (!st || err) {
		console_printf(stderr, "shanzhi: %s: %s\n", path, err ? err : "?");
		free(err);
		store_close(st);
		free(path);
		return NULL;
	}
	if (path_out)
		*path_out = path;
	else
		free(path);
	return st;
}

long cli_parse_count(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0) {
		console_printf(stderr, _("shanzhi: %s: not a number: %s\n"), what, s);
		return -1;
	}
	return v;
}

/* The row of opts named name, or NULL. */
static const struct cli_option *option_find(const struct cli_option *opts, const char *name)
{
	for (; opts && opts->name; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts;
	return NULL;
}

int cli_parse_options(const char *what, int argc, char **argv, int first,
		      const struct cli_option *opts, const char **words, size_t nwords)
{
	size_t nw = 0;
	for (int i = first; i < argc; i++) {
		const struct cli_option *opt = option_find(opts, argv[i]);
		if (opt && opt->value && i + 1 < argc) {
			*opt->value = argv[++i];
		} else if (opt && opt->value) {
			console_printf(stderr, _("shanzhi: %s: %s needs a value\n"), what, argv[i]);
			return 2;
		} else if (opt) {
			*opt->flag = true;
		} else if (nw < nwords && strncmp(argv[i], "--", 2) != 0) {
			words[nw++] = argv[i];
		} else {
			console_printf(stderr, _("shanzhi: %s: unknown argument: %s\n"), what, argv[i]);
			return 2;
		}
	}
	return 0;
}

/* `print KIND ...` and `report KIND ...`: one row per kind, its code in a cli-*.c
 * file (the row's run gets argv starting at KIND). */
static const struct cli_command cli_print_kinds[] = {
	{ "notice", "notice --village V [--year Y] [--encoding utf-8|gbk|gb18030] [--output FILE[.csv|.xlsx]] [--csv]",
	  N_("the public notice list of star households of a village's round"), cli_stars_notice },
	{ "agreement", "agreement CASE [--encoding utf-8|gbk|gb18030] [--output FILE]", N_("the written agreement of a mediation case (人民调解协议书)"), cli_dispute_agreement },
	{ "record", "record CASE [--encoding utf-8|gbk|gb18030] [--output FILE]", N_("the session records of a mediation case (调解笔录)"), cli_dispute_record },
	{ "receipt", "receipt NUMBER [--encoding utf-8|gbk] [--output FILE | --printer]",
	  N_("the receipt of a service request"), cli_service_receipt },
	{ NULL, NULL, NULL, NULL },
};
static const struct cli_command cli_report_kinds[] = {
	{ "stars", "stars [--year Y] [--output FILE] [--by village] [--village CODE] [--csv]",
	  N_("star households per level, by village, for a year"), cli_stars_report },
	{ "disputes", "disputes [--year YYYY] [--by village] [--village CODE] [--csv]", N_("mediation cases by month, village and category"), cli_dispute_report },
	{ "services", "services [--month YYYY-MM] [--by village] [--village CODE] [--csv]",
	  N_("service requests of a month: by item, handler and village, ratings, follow-ups"), cli_service_report },
	{ NULL, NULL, NULL, NULL },
};

static const struct cli_command cli_resident_kinds[] = {
	{ "add", "add FIELD=VALUE ... [--duplicate-ok]",
	  N_("register a resident (fields as in forms/resident.form; household=HHNO), checked by the resident form"),
	  cli_write_resident_add },
	{ "set", "set ID FIELD=VALUE ...", N_("change the given fields of a resident, checked by the resident form"),
	  cli_write_resident_set },
	{ "status", "status ID CODE [DATE] [--reason TEXT]",
	  N_("set a resident's living status (moved away, died, cancelled) with its date and reason"),
	  cli_write_resident_status },
	{ "move-out", "move-out ID --to VILLAGE_CODE [DATE] [--reason TEXT] [--household]",
	  N_("a resident (or their whole household) moves to another village of the township (迁出)"),
	  cli_transfer_move_out },
	{ "move-in", "move-in ID --household HHNO | --new-household HHNO [--address TEXT] [--relation CODE] [DATE]",
	  N_("a resident the township sent here joins a household (迁入)"), cli_transfer_move_in },
	{ "transfers", "transfers [--all]", N_("the moves between villages this register knows, waiting ones first"),
	  cli_transfer_list },
	{ "transfer-history", "transfer-history ID", N_("the history a resident's move brought along"),
	  cli_transfer_history },
	{ NULL, NULL, NULL, NULL },
};
static const struct cli_command cli_household_kinds[] = {
	{ "head", "head HHNO RESIDENT_ID [--former-relation CODE]",
	  N_("make a member the head of the household; the former head takes the relation given"),
	  cli_write_household_head },
	{ "move", "move RESIDENT_ID HHNO --relation CODE", N_("move a resident to another household"),
	  cli_write_household_move },
	{ NULL, NULL, NULL, NULL },
};

/* Runs the kind named by argv[1] from a NULL-terminated table. */
static int run_kind(const struct cli_command *kinds, const struct cli_opts *o, int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && kinds[i].name; i++)
		if (strcmp(argv[1], kinds[i].name) == 0) {
			char command[64];
			struct cli_opts ko = *o;
			snprintf(command, sizeof command, "%s %s", argv[0], kinds[i].name);
			ko.command = command;
			return kinds[i].run(&ko, argc - 1, argv + 1);
		}
	console_printf(stderr, _("shanzhi: %s: say what, one of:\n"), argv[0]);
	for (size_t i = 0; kinds[i].name; i++)
		console_printf(stderr, "  %s %s\n      %s\n", argv[0], kinds[i].usage, _(kinds[i].help));
	return 2;
}

static int cmd_print(const struct cli_opts *o, int argc, char **argv)
{
	return run_kind(cli_print_kinds, o, argc, argv);
}

/* `report KIND`: the program's own reports, then every declared register's; with no
 * KIND, the list of them all. */
static int cmd_report(const struct cli_opts *o, int argc, char **argv)
{
	if (argc > 1 && cli_ledger_has_report(argv[1]))
		return cli_ledger_report(o, argc - 1, argv + 1);
	if (argc < 2) {
		console_printf(stdout, "%s\n", _("Reports (shanzhi report NAME ...):"));
		for (size_t i = 0; cli_report_kinds[i].name; i++)
			console_printf(stdout, "  report %s\n      %s\n", cli_report_kinds[i].usage,
				       _(cli_report_kinds[i].help));
		cli_ledger_report_list(stdout);
		return 0;
	}
	int rc = run_kind(cli_report_kinds, o, argc, argv);
	if (rc == 2)
		cli_ledger_report_list(stderr);
	return rc;
}

static int cmd_resident(const struct cli_opts *o, int argc, char **argv)
{
	return run_kind(cli_resident_kinds, o, argc, argv);
}

static int cmd_household(const struct cli_opts *o, int argc, char **argv)
{
	return run_kind(cli_household_kinds, o, argc, argv);
}

/* Every subcommand: one line here, its code in a cli-*.c file. */
static const struct cli_command cli_commands[] = {
	{ "demo", "demo [--residents N] [--seed N] [--force] [--village CODE NAME | --villages N]",
	  N_("create a demo village database (default 2000 residents)"), cli_register_demo },
	{ "search", "search QUERY [--limit N]",
	  N_("find residents by name, pinyin initials, ID or phone tail, household number"), cli_register_search },
	{ "check", "check [--anchor ENTRY:HASH | FILE]", N_("check the database's integrity and the register's rules"), cli_register_check },
	{ "resident", "resident add|set|status|move-out|move-in|transfers ...", N_("change the register's residents (see shanzhi resident)"), cmd_resident },
	{ "household", "household head|move ...", N_("change a household's head or members (see shanzhi household)"), cmd_household },
	{ "print", "print KIND ...", N_("print a document (see shanzhi print)"), cmd_print },
	{ "report", "report KIND ...", N_("print a statistics table (see shanzhi report)"), cmd_report },
	{ "ledger", "ledger [NAME list|add|show|step|print ...]",
	  N_("the declared registers (forms/registers): list them, or list, add, show, step and print records"), cli_ledger },
	{ "check-forms", "check-forms [DIR]",
	  N_("check the forms, code lists and register declarations (exit 1 with file:line problems)"), cli_check_forms },
	{ "import", "import residents FILE [--encoding auto|utf-8|gbk|gb18030] [--dry-run] [--map COL=FIELD,...] [--rejects FILE] [--new-groups]",
	  N_("import residents from a CSV, tab-separated, .xlsx or .xls roster, through the form's checks"), cli_exchange_import },
	{ "export", "export residents FILE [--template NAME] [--encoding utf-8|utf-8-bom|gbk|gb18030] [--unmasked] [--replace CHAR]",
	  N_("export residents to .csv, .txt or .xlsx through an export template (forms/templates)"), cli_exchange_export },
	{ "user", "user add NAME --role ROLE | passwd NAME | disable NAME | enable NAME | role NAME ROLE | list",
	  N_("operators: add one (password asked without echo, or --password-stdin), set a password, disable, list"), cli_operators_user },
	{ "sync", "sync init|export|ack|apply|conflicts|resolve|log|status ...",
	  N_("send a village's changes to its township by package files, apply them there (see shanzhi sync)"), cli_sync },
	{ "backup", "backup FILE | backup --daily",
	  N_("a consistent copy of the database while others work (--daily: today's rotating copy)"), cli_operators_backup },
	{ "restore", "restore FILE",
	  N_("replace the database with a backup, after checking the backup (administrators)"), cli_operators_restore },
};

static void print_usage(FILE *out)
{
	console_printf(out, "%s\n", _("Usage: shanzhi [--db FILE] [--lang zh|en] [COMMAND [ARGS]]"));
	console_printf(out, "\n%s\n", _("Without a command the full-screen interface opens."));
	console_printf(out, "\n%s\n", _("Commands:"));
	for (size_t i = 0; i < ARRAY_LEN(cli_commands); i++)
		console_printf(out, "  %s\n      %s\n", cli_commands[i].usage, _(cli_commands[i].help));
	console_printf(out, "\n%s\n", _("Options:"));
	console_printf(out, "  --db FILE        %s\n", _("database file (default $SHANZHI_DB or $XDG_DATA_HOME/shanzhi/shanzhi.db)"));
	console_printf(out, "  --lang zh|en     %s\n", _("language of the interface (default Chinese)"));
	console_printf(out, "  --operator NAME  %s\n", _("the operator to act as (default: the system user, or sudo's SUDO_USER)"));
	console_printf(out, "                   %s\n", _("another operator than your own login needs that operator's password"));
	console_printf(out, "  --password-stdin %s\n", _("read --operator's password from the first line of standard input"));
	console_printf(out, "  --help, --version\n");
}

struct form_registry *cli_load_forms(void)
{
	char *ferr = NULL, *local = paths_forms_local();
	struct form_registry *reg = form_registry_load(paths_forms(), local, &ferr);
	free(local);
	/* a broken file is left out or replaced by the shipped one, never half used, so
	 * only a forms folder with no form at all stops a command; the problems are
	 * shown when the command ends (warn_datafiles) */
	if (!form_count(reg)) {
		console_printf(stderr, "%s\n%s", _("shanzhi: the form definitions have errors:"),
			       ferr ? ferr : "");
		form_registry_free(reg);
		reg = NULL;
	}
	free(ferr);
	return reg;
}

/* Shows what was wrong in the forms folder: the command went on without the broken
 * files (or with the shipped ones), and the clerk should know. */
static void warn_datafiles(void)
{
	char *problems = datafiles_take_reported();
	if (problems)
		console_printf(stderr, "%s\n%s",
			       _("shanzhi: warning: files in the forms folder have mistakes; a broken local file is replaced by the shipped one, any other is left out:"),
			       problems);
	free(problems);
}

static int run_tui(const struct cli_opts *o)
{
	if (!isatty(0) || !isatty(1)) {
		console_printf(stderr, "%s\n", _("shanzhi: the full-screen interface needs a terminal; see --help for the commands"));
		return 2;
	}
	/* the operator is whoever signs in on the first screen */
	char *path = paths_database(o->db), *err = NULL;
	struct store *st = store_open(path, &err);
	if (!st) {
		console_printf(stderr, "shanzhi: %s: %s\n", path, err ? err : "?");
		free(err);
		free(path);
		return 1;
	}
	struct form_registry *reg = cli_load_forms();
	if (!reg) {
		store_close(st);
		free(path);
		return 1;
	}
	/* the declared registers' tables made or migrated, their rules and report queries
	 * prepared: what does not, said when the screens close, as the forms' problems */
	char *ledger_problems = NULL, *ledger_err = NULL;
	if (ledger_migrate(st, ledger_set_default(), &ledger_problems, &ledger_err) != 0) {
		free(ledger_problems);
		ledger_problems = ledger_err;
	}
	struct app app = {.st = st, .forms = reg, .db_path = path};
	int rc = tui_run(&app);
	if (ledger_problems)
		console_printf(stderr, "%s\n%s\n", _("shanzhi: warning: the declared registers have problems:"), ledger_problems);
	free(ledger_problems);
	form_registry_free(reg);
	store_close(st);
	free(path);
	return rc;
}

/* Said on the terminal when opening the register waits for a session that has it to
 * itself: otherwise the clerk sees nothing happen. */
static void cli_open_notice(void)
{
	console_printf(stderr, "%s\n", _("Waiting: another session has the register to itself (an import); "
					 "this goes on when it is done..."));
}

int cli_main(int argc, char **argv)
{
	struct cli_opts o = {0};
	store_set_open_notice(cli_open_notice);
	enum { OPT_DB = 1, OPT_LANG, OPT_OPERATOR, OPT_PASSWORD_STDIN, OPT_HELP, OPT_VERSION };
	static const struct option longopts[] = {
		{"db", required_argument, NULL, OPT_DB},
		{"lang", required_argument, NULL, OPT_LANG},
		{"operator", required_argument, NULL, OPT_OPERATOR},
		{"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
		{"help", no_argument, NULL, OPT_HELP},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	/* the global options come first; "+" stops at the subcommand */
	int c, want_help = 0, want_version = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: o.db = optarg; break;
		case OPT_LANG: o.lang = optarg; break;
		case OPT_OPERATOR: o.operator_login = optarg; break;
		case OPT_PASSWORD_STDIN: o.password_stdin = true; break;
		case 'h':
		case OPT_HELP: want_help = 1; break;
		case OPT_VERSION: want_version = 1; break;
		default:
			i18n_init(o.lang);
			console_printf(stderr, _("shanzhi: unknown option: %s\n"), argv[optind - 1]);
			print_usage(stderr);
			return 2;
		}
	}
	if (o.lang && strcmp(o.lang, "zh") != 0 && strcmp(o.lang, "en") != 0) {
		i18n_init(NULL);
		console_printf(stderr, _("shanzhi: --lang takes zh or en, not %s\n"), o.lang);
		return 2;
	}
	i18n_init(o.lang);
	if (o.db && run_by_sudo()) {
		/* the register is the service account's own: a clerk names no other file */
		console_printf(stderr, "%s\n", _("shanzhi: --db is not taken when sudo runs shanzhi: the register is the "
						 "service account's ~/.local/share/shanzhi/shanzhi.db"));
		return 2;
	}
	if (want_help) {
		print_usage(stdout);
		return 0;
	}
	if (want_version) {
		console_printf(stdout, "shanzhi %s\n", SZ_VERSION);
		return 0;
	}
	int nargs = argc - optind;
	char **args = argv + optind;
	if (nargs == 0) {
		int status = run_tui(&o);
		warn_datafiles();
		return status;
	}
	for (size_t i = 0; i < ARRAY_LEN(cli_commands); i++)
		if (strcmp(args[0], cli_commands[i].name) == 0) {
			o.command = cli_commands[i].name;
			int status = cli_commands[i].run(&o, nargs, args);
			warn_datafiles();
			return status;
		}
	if (strcmp(args[0], "help") == 0) {
		print_usage(stdout);
		return 0;
	}
	console_printf(stderr, _("shanzhi: unknown command: %s\n"), args[0]);
	print_usage(stderr);
	return 2;
}

int cli_township_report(const struct cli_opts *o, int kind, const char *period, const char *by,
			const char *village, bool csv)
{
	if (by && strcmp(by, "village") != 0) {
		console_printf(stderr, _("shanzhi: report: --by %s: only --by village is known\n"), by);
		return 2;
	}
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	struct township_table t;
	char *err = NULL;
	int rc = kind == TOWNSHIP_SERVICES ? township_services(st, period, village, &t, &err)
		: kind == TOWNSHIP_DISPUTES ? township_disputes(st, atoi(period), village, &t, &err)
		: township_stars(st, atoi(period), village, &t, &err);
	if (rc != 0) {
		console_printf(stderr, "shanzhi: report: %s\n", err ? err : "?");
		free(err);
		store_close(st);
		return 1;
	}
	char *text = csv ? township_csv(&t) : township_text(&t);
	console_puts(stdout, text);
	free(text);
	township_free(&t);
	store_close(st);
	return 0;
}
