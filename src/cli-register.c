/* cli-register: the register's own commands: demo, search, check. */
#include "cli-register.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "auth.h"
#include "cli.h"
#include "console.h"
#include "datafiles.h"
#include "demo.h"
#include "form.h"
#include "i18n.h"
#include "ledger-index.h"
#include "ledger.h"
#include "import.h"
#include "idcard.h"
#include "paths.h"
#include "rubric.h"
#include "search.h"
#include "stars.h"
#include "store.h"
#include "text.h"
#include "village.h"
#include "util.h"

int cli_register_demo(const struct cli_opts *o, int argc, char **argv)
{
	const char *residents_arg = NULL, *seed_arg = "20261126", *village = NULL, *villages_arg = NULL;
	const char *village_name = NULL;
	bool force = false;
	const struct cli_option opts[] = {
		{ "--residents", &residents_arg }, { "--seed", &seed_arg }, { "--force", NULL, &force },
		{ "--village", &village }, { "--villages", &villages_arg }, { NULL },
	};
	if (cli_parse_options("demo", argc, argv, 1, opts, &village_name, 1))
		return 2;
	if ((village && !village_name) || (!village && village_name) || (village && villages_arg)) {
		console_printf(stderr, "%s\n", _("usage: shanzhi demo [--residents N] [--seed N] [--force] [--village CODE NAME | --villages N]"));
		return 2;
	}
	if (village && !village_code_ok(village, 12)) {
		console_printf(stderr, _("shanzhi: demo: --village %s: a village code has 12 digits (the town's 9 and the village's 3)\n"), village);
		return 2;
	}
	/* --residents counts per village with --villages (a township of N villages) */
	if (!residents_arg)
		residents_arg = villages_arg ? "3000" : "2000";
	long residents = cli_parse_count(residents_arg, "--residents");
	long seed = residents < 0 ? 0 : cli_parse_count(seed_arg, "--seed");
	long villages = villages_arg && residents >= 0 && seed >= 0 ? cli_parse_count(villages_arg, "--villages") : 0;
	if (residents < 0 || seed < 0 || villages < 0)
		return 2;
	if (villages_arg && (villages < 1 || villages > 122)) {
		console_printf(stderr, "%s\n", _("shanzhi: demo: --villages must be between 1 and 122"));
		return 2;
	}
	if (villages)
		residents *= villages;
	if (residents < 1 || residents > 1000000) {
		console_printf(stderr, "%s\n", _("shanzhi: demo: --residents must be between 1 and 1000000"));
		return 2;
	}
	char *path = paths_database(o->db);
	if (access(path, F_OK) == 0) {
		if (!force) {
			console_printf(stdout, _("The database %s already exists; it is left as it is (--force replaces it).\n"), path);
			free(path);
			return 0;
		}
		if (run_by_sudo()) {
			/* the service account's register is the centre's: no clerk wipes it */
			console_printf(stderr, "%s\n", _("shanzhi: demo: run through sudo, --force does not replace the register"));
			free(path);
			return 1;
		}
		char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
		unlink(path);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	/* a new file: its first operator is the demo's administrator, with a password */
	char *err = NULL;
	struct store *st = store_open(path, &err);
	if (!st) {
		console_printf(stderr, "shanzhi: %s: %s\n", path, err ? err : "?");
		free(err);
		free(path);
		return 1;
	}
	int rc = village ? demo_create_village(st, village, village_name, residents, (unsigned)seed, isatty(2), &err)
		: villages ? demo_create_villages(st, villages, residents / villages, (unsigned)seed, isatty(2), &err)
		: demo_create(st, residents, (unsigned)seed, isatty(2), &err);
	if (rc != 0)
		console_printf(stderr, "shanzhi: demo: %s\n", err ? err : "?");
	else {
		if (village)
			console_printf(stdout, _("Demo register of %s (%s) created in %s with %ld residents.\n"),
				       village_name, village, path, residents);
		else if (villages)
			console_printf(stdout, _("Demo township created in %s: %ld villages, %ld residents.\n"),
				       path, villages, residents);
		else
			console_printf(stdout, _("Demo village created in %s with %ld residents.\n"), path, residents);
		console_printf(stdout, _("Sign in as %s with the password %s.\n"), AUTH_DEMO_LOGIN, AUTH_DEMO_PASSWORD);
	}
	free(err);
	store_close(st);
	free(path);
	return rc ? 1 : 0;
}

/* One resident found, a line of tab-separated fields, numbers masked. */
static void print_resident_line(const struct resident_row *r)
{
	char id[32], phone[32];
	idcard_mask(r->id_number ? r->id_number : "", id);
	phone_mask(r->phone ? r->phone : "", phone);
	const char *sex = strcmp(r->sex, "1") == 0 ? _("male") : strcmp(r->sex, "2") == 0 ? _("female") : "";
	/* one line per resident: a stored tab or line break is shown escaped as well */
	char *name = text_escape(r->name, ""), *hh_no = text_escape(r->hh_no, "");
	char *address = text_escape(r->address, "");
	console_printf(stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, sex, r->birth, id, phone,
		       hh_no, address);
	free(name);
	free(hh_no);
	free(address);
}

int cli_register_search(const struct cli_opts *o, int argc, char **argv)
{
	const char *query = NULL, *limit_arg = "50";
	const struct cli_option opts[] = { { "--limit", &limit_arg }, { NULL } };
	if (cli_parse_options("search", argc, argv, 1, opts, &query, 1))
		return 2;
	long limit = cli_parse_count(limit_arg, "--limit");
	if (limit < 0)
		return 2;
	if (!query) {
		console_printf(stderr, "%s\n", _("shanzhi: search: a query is needed"));
		return 2;
	}
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	struct search_result res = {0};
	char *err = NULL;
	int rc = search_residents(st, query, 0, (size_t)limit, &res, &err);
	if (rc != 0)
		console_printf(stderr, "shanzhi: search: %s\n", err ? err : "?");
	for (size_t i = 0; i < res.n; i++)
		print_resident_line(&res.rows[i]);
	if (rc == 0 && res.n == 0)
		console_printf(stderr, _("No resident matches \"%s\".\n"), query);
	size_t found = res.n;
	search_result_free(&res);
	free(err);
	store_close(st);
	return rc ? 1 : (found ? 0 : 3);
}

/* check --anchor: the entry a backup or a printout recorded is still the chain's. */
static int check_anchor(struct store *st, const char *arg, struct strbuf *out)
{
	int64_t id;
	char hex[SHA256_HEX], *err = NULL;
	if (audit_anchor_read(arg, &id, hex, &err) != 0) {
		sb_appendf(out, "%s\n", err);
		free(err);
		return 1;
	}
	return audit_verify_anchor(store_db(st), id, hex, out);
}

int cli_register_check(const struct cli_opts *o, int argc, char **argv)
{
	const char *anchor = NULL;
	const struct cli_option opts[] = { { "--anchor", &anchor }, { NULL } };
	if (cli_parse_options("check", argc, argv, 1, opts, NULL, 0)) {
		console_printf(stderr, "%s\n", _("shanzhi: usage: check [--anchor ENTRY:HASH | --anchor FILE]"));
		return 2;
	}
	char *path;
	struct store *st = cli_open_store(o, &path);
	if (!st)
		return 1;
	char *report = NULL;
	int problems = store_check(st, &report);
	struct strbuf anchored = {0};
	if (anchor)
		problems += check_anchor(st, anchor, &anchored);
	if (anchored.len)
		console_puts(stdout, anchored.s);
	sb_free(&anchored);
	char *ferr = NULL;
	char *local = paths_forms_local();
	struct form_registry *reg = form_registry_load(paths_forms(), local, &ferr);
	if (ferr && *ferr) {
		console_puts(stdout, ferr);
		problems++;
	}
	/* a township's rubric with a mistake, or one changed under a round that uses it,
	 * is refused by the star screens: say so here first */
	char *rerr = NULL;
	struct rubric_set *rubrics = rubric_set_load(paths_forms(), local, &rerr);
	if (rerr && *rerr) {
		console_puts(stdout, rerr);
		problems++;
	}
	free(rerr);
	/* the declared registers: their files, then their rules and report queries on
	 * this register's tables (migrated first, as at start) */
	char *lerr = NULL, *lfail = NULL;
	struct ledger_set *ledgers = ledger_set_load(reg, paths_forms(), local, &lerr);
	if (ledger_migrate(st, ledgers, &lerr, &lfail) != 0) {
		console_printf(stdout, "%s\n", lfail ? lfail : "?");
		problems++;
	}
	if (lerr && *lerr) {
		console_puts(stdout, lerr);
		problems++;
	}
	free(lerr);
	free(lfail);
	/* each register's search index in step with its table (ledger-index.h) */
	struct strbuf idx = {0};
	for (size_t i = 0; i < ledger_count(ledgers); i++)
		problems += ledger_index_check(store_db(st), ledger_at(ledgers, i), &idx);
	if (idx.len)
		console_puts(stdout, idx.s);
	sb_free(&idx);
	ledger_set_free(ledgers);
	char *herr = import_header_problems();
	if (herr) {
		console_puts(stdout, herr);
		problems++;
	}
	free(herr);
	free(datafiles_take_reported());   /* shown above, as problems */
	struct strbuf changed = {0};
	problems += stars_check_rubrics(st, rubrics, &changed);
	if (changed.len)
		console_puts(stdout, changed.s);
	sb_free(&changed);
	rubric_set_free(rubrics);
	if (report && *report)
		console_puts(stdout, report);
	if (problems == 0)
		console_printf(stdout, _("%s: no problems found.\n"), path);
	else
		console_printf(stdout, _("%s: %d problem(s) found.\n"), path, problems);
	form_registry_free(reg);
	free(local);
	free(ferr);
	free(report);
	store_close(st);
	free(path);
	return problems ? 1 : 0;
}
