/* cli-stars: `print notice` and `report stars`. */
#include "cli-stars.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "console.h"
#include "i18n.h"
#include "paths.h"
#include "printout.h"
#include "rubric.h"
#include "stars.h"
#include "store.h"
#include "township.h"
#include "util.h"
#include "xlsx.h"

/* Options shared by the two subcommands. */
struct stars_args {
	const char *village, *encoding, *output, *by;
	long year;
	bool csv;
};

/* Parses --village V --year Y --encoding E --output F --csv (report: --year,
 * --output, and --by village / --village / --csv for the per-village table); 2 on a mistake. */
static int parse_args(int argc, char **argv, struct stars_args *a, bool want_village)
{
	char today[11];
	const char *year = NULL;
	const struct cli_option notice_opts[] = {
		{ "--village", &a->village }, { "--year", &year }, { "--encoding", &a->encoding },
		{ "--output", &a->output }, { "--csv", NULL, &a->csv }, { NULL },
	};
	const struct cli_option report_opts[] = {
		{ "--year", &year }, { "--output", &a->output }, { "--by", &a->by }, { "--village", &a->village },
		{ "--csv", NULL, &a->csv }, { NULL },
	};
	if (cli_parse_options(argv[0], argc, argv, 1, want_village ? notice_opts : report_opts, NULL, 0))
		return 2;
	store_today(today);
	a->year = year ? cli_parse_count(year, "--year") : atoi(today);
	if (a->year < 0)
		return 2;
	if (want_village && !a->village) {
		console_printf(stderr, _("shanzhi: %s: --village is needed (its name or code)\n"), argv[0]);
		return 2;
	}
	return 0;
}

/* Writes the notice of the village's round of the year: text or CSV through
 * printout (encoding, file, stdout or printer), or an .xlsx workbook. 0, or 1 after
 * printing why. */
static int notice_deliver(struct store *st, const struct stars_args *a)
{
	int64_t village = stars_village_find(st, a->village);
	struct stars_round round;
	char *err = NULL, *errors = NULL;
	if (!village) {
		console_printf(stderr, _("shanzhi: notice: no village is called %s\n"), a->village);
		return 1;
	}
	if (stars_round_get(st, village, (int)a->year, &round, &err) != 0) {
		console_printf(stderr, _("shanzhi: notice: %s has no round in %ld\n"), a->village, a->year);
		free(err);
		return 1;
	}
	char *local = paths_forms_local();
	struct rubric_set *set = rubric_set_load(paths_forms(), local, &errors);
	free(local);
	const struct rubric *r = stars_round_rubric(set, &round, &err);
	int rc = r ? 0 : -1;
	bool csv = a->csv || (a->output && strlen(a->output) > 4 &&
			      strcasecmp(a->output + strlen(a->output) - 4, ".csv") == 0);
	if (r && a->output && sheet_is_xlsx(a->output)) {
		rc = stars_notice_xlsx(st, r, &round, a->output, &err);
	} else if (r) {
		char *doc = csv ? stars_notice_csv(st, r, &round, &err) : stars_notice_text(st, r, &round, &err);
		rc = doc ? printout_deliver(doc, a->encoding, a->output, &err) : -1;
		free(doc);
	}
	if (rc != 0)
		console_printf(stderr, "shanzhi: notice: %s\n%s", err ? err : "?", errors ? errors : "");
	free(errors);
	free(err);
	rubric_set_free(set);
	stars_round_free(&round);
	return rc ? 1 : 0;
}

int cli_stars_notice(const struct cli_opts *o, int argc, char **argv)
{
	struct stars_args a = { 0 };
	int rc = parse_args(argc, argv, &a, true);
	if (rc)
		return rc;
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	rc = notice_deliver(st, &a);
	store_close(st);
	return rc;
}

int cli_stars_report(const struct cli_opts *o, int argc, char **argv)
{
	struct stars_args a = { 0 };
	int rc = parse_args(argc, argv, &a, false);
	if (rc)
		return rc;
	if (a.by || a.village || a.csv) {  /* the township's table: a row per village and the total */
		char period[16];
		snprintf(period, sizeof period, "%ld", a.year);
		return cli_township_report(o, TOWNSHIP_STARS, period, a.by, a.village, a.csv);
	}
	char *err = NULL;
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	char *text = stars_report_text(st, (int)a.year, &err);
	if (!text) {
		console_printf(stderr, "shanzhi: report: %s\n", err ? err : "?");
		rc = 1;
	} else if (a.output) {
		rc = printout_deliver(text, NULL, a.output, &err) == 0 ? 0 : 1;
		if (rc)
			console_printf(stderr, "shanzhi: report: %s\n", err);
	} else {
		console_puts(stdout, text);
	}
	free(text);
	free(err);
	store_close(st);
	return rc;
}
