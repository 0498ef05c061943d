/* cli-service: `print receipt` and `report services`. */
#include "cli-service.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "console.h"
#include "i18n.h"
#include "printout.h"
#include "service.h"
#include "store.h"
#include "township.h"
#include "util.h"

/* The encoding of the terminal, for a document written to standard output without
 * --encoding: GBK on a GBK terminal, else UTF-8. */
static const char *terminal_encoding(void)
{
	const char *cs = nl_langinfo(CODESET);
	if (strcasecmp(cs, "GBK") == 0 || strcasecmp(cs, "GB2312") == 0)
		return "gbk";
	return strcasecmp(cs, "GB18030") == 0 ? "gb18030" : "utf-8";
}

int cli_service_receipt(const struct cli_opts *o, int argc, char **argv)
{
	const char *number = NULL, *encoding = NULL, *output = "-";
	bool printer = false;
	const struct cli_option opts[] = {
		{ "--encoding", &encoding }, { "--output", &output }, { "--printer", NULL, &printer }, { NULL },
	};
	int usage = cli_parse_options("print receipt", argc, argv, 1, opts, &number, 1);
	if (printer)
		output = NULL;
	if (usage || !number) {
		console_printf(stderr, "%s\n", _("usage: shanzhi print receipt NUMBER [--encoding utf-8|gbk] [--output FILE | --printer]"));
		return 2;
	}
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	char *err = NULL;
	char *text = service_receipt_text(st, number, &err);
	int rc = 0;
	if (!encoding)
		encoding = output && strcmp(output, "-") == 0 ? terminal_encoding() : "utf-8";
	if (!text || printout_deliver(text, encoding, output, &err) != 0) {
		console_printf(stderr, "shanzhi: %s\n", err ? err : "?");
		rc = 1;
	}
	free(err);
	free(text);
	store_close(st);
	return rc;
}

int cli_service_report(const struct cli_opts *o, int argc, char **argv)
{
	char month[16] = "";
	const char *month_arg = NULL, *by = NULL, *village = NULL;
	bool csv = false;
	const struct cli_option opts[] = {
		{ "--month", &month_arg }, { "--by", &by }, { "--village", &village }, { "--csv", NULL, &csv }, { NULL },
	};
	if (cli_parse_options("report services", argc, argv, 1, opts, NULL, 0)) {
		console_printf(stderr, "%s\n", _("usage: shanzhi report services [--month YYYY-MM] [--by village] [--village CODE] [--csv]"));
		return 2;
	}
	if (month_arg)
		snprintf(month, sizeof(month), "%s", month_arg);
	else {
		char today[11];
		store_today(today);
		snprintf(month, sizeof(month), "%.7s", today);
	}
	if (by || village || csv)  /* the township's table: a row per village and the total */
		return cli_township_report(o, TOWNSHIP_SERVICES, month, by, village, csv);
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	struct service_stats s;
	char *err = NULL;
	int rc = 0;
	if (service_stats_month(st, month, &s, &err) != 0) {
		console_printf(stderr, "shanzhi: %s\n", err);
		free(err);
		rc = 2;
	} else {
		char *text = service_report_text(&s);
		console_puts(stdout, text);
		free(text);
		service_stats_free(&s);
	}
	store_close(st);
	return rc;
}
