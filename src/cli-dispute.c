/* cli-dispute: `print agreement`, `print record` and `report disputes`. */
#include "cli-dispute.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "console.h"
#include "dispute.h"
#include "form.h"
#include "i18n.h"
#include "print-dispute.h"
#include "printout.h"
#include "store.h"
#include "township.h"
#include "util.h"

/* The options of a print command: CASE [--encoding E] [--output FILE]. */
struct print_args {
	const char *key, *encoding, *output;
};

/* Parses the arguments of a print command; false after printing the usage problem. */
static bool print_args_parse(int argc, char **argv, struct print_args *a)
{
	memset(a, 0, sizeof *a);
	const struct cli_option opts[] = { { "--encoding", &a->encoding }, { "--output", &a->output }, { NULL } };
	char what[64];
	snprintf(what, sizeof what, "print %s", argv[0]);
	if (cli_parse_options(what, argc, argv, 1, opts, &a->key, 1))
		return false;
	if (!a->key) {
		console_printf(stderr, _("shanzhi: print %s: which case? Give its number or key.\n"), argv[0]);
		return false;
	}
	return true;
}

/* Runs a print command with the document maker. */
static int print_document(const struct cli_opts *o, int argc, char **argv,
			  char *(*make)(struct store *, const struct form_registry *, int64_t, char **))
{
	struct print_args a;
	if (!print_args_parse(argc, argv, &a))
		return 2;
	char *err = NULL;
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	int rc = 1;
	struct form_registry *reg = NULL;
	int64_t id = 0;
	char *doc = NULL;
	if (!(id = dispute_find(st, a.key))) {
		err = xasprintf(_("no mediation case %s"), a.key);
	} else if ((reg = cli_load_forms())) {  /* NULL: its errors are printed already */
		doc = make(st, reg, id, &err);
		if (doc && printout_deliver(doc, a.encoding, a.output ? a.output : NULL, &err) == 0)
			rc = 0;
	}
	if (rc != 0) {
		if (reg || err)
			console_printf(stderr, "shanzhi: print %s: %s\n", argv[0], err ? err : "?");
	} else if (a.output && strcmp(a.output, "-") != 0)
		console_printf(stdout, _("Written to %s.\n"), a.output);
	free(doc);
	free(err);
	form_registry_free(reg);
	store_close(st);
	return rc;
}

/* `print agreement CASE`: the 人民调解协议书. */
int cli_dispute_agreement(const struct cli_opts *o, int argc, char **argv)
{
	return print_document(o, argc, argv, dispute_agreement_text);
}

/* `print record CASE`: the 调解笔录 of every session. */
int cli_dispute_record(const struct cli_opts *o, int argc, char **argv)
{
	return print_document(o, argc, argv, dispute_record_text);
}

/* `report disputes [--year YYYY]`: the statistics table. */
int cli_dispute_report(const struct cli_opts *o, int argc, char **argv)
{
	char today[11];
	const char *year_arg = NULL, *by = NULL, *village = NULL;
	bool csv = false;
	const struct cli_option opts[] = {
		{ "--year", &year_arg }, { "--by", &by }, { "--village", &village }, { "--csv", NULL, &csv }, { NULL },
	};
	if (cli_parse_options("report disputes", argc, argv, 1, opts, NULL, 0))
		return 2;
	store_today(today);
	long year = year_arg ? cli_parse_count(year_arg, "--year") : strtol(today, NULL, 10);
	if (year < 0)
		return 2;
	if (year < 1900 || year > 9999) {
		console_printf(stderr, "%s\n", _("shanzhi: report disputes: --year takes a year such as 2026"));
		return 2;
	}
	if (by || village || csv) {  /* the township's table: a row per village and the total */
		char period[16];
		snprintf(period, sizeof period, "%ld", year);
		return cli_township_report(o, TOWNSHIP_DISPUTES, period, by, village, csv);
	}
	char *err = NULL;
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	struct form_registry *reg = cli_load_forms();
	if (!reg) {
		store_close(st);
		return 1;
	}
	char *text = dispute_report_text(st, reg, (int)year, &err);
	int rc = text ? 0 : 1;
	if (text)
		console_puts(stdout, text);
	else
		console_printf(stderr, "shanzhi: report disputes: %s\n", err ? err : "?");
	free(text);
	free(err);
	form_registry_free(reg);
	store_close(st);
	return rc;
}
