/* cli-sync: the sync commands; everything they do is sync.c's. */
#include "cli-sync.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-transfer.h"
#include "console.h"
#include "i18n.h"
#include "store.h"
#include "sync.h"
#include "util.h"

static const char usage[] =
	"sync init --village CODE --name NAME [--site N] | sync init --township CODE --name NAME\n"
	"  sync export FILE [--seq N] | sync forms-export FILE | sync ack FILE|SEQ | sync apply FILE | sync status\n"
	"  sync transfers [--all] | sync down-export --village CODE FILE [--seq N]\n"
	"  sync conflicts [--all] | sync resolve ID --keep village|township | sync log";

/* `sync init --village CODE --name NAME [--site N]` or `--township CODE`. */
static int sync_init_cmd(struct store *st, int argc, char **argv, char **err)
{
	const char *village = NULL, *township = NULL, *name = NULL, *site = NULL;
	const struct cli_option opts[] = {
		{ "--village", &village }, { "--township", &township }, { "--name", &name }, { "--site", &site }, { NULL },
	};
	if (cli_parse_options("sync init", argc, argv, 2, opts, NULL, 0) || (!village == !township) || !name)
		return 2;
	long site_no = site ? cli_parse_count(site, "--site") : 0;
	if (site_no < 0)
		return 2;
	if (sync_init(st, village ? "village" : "township", village ? village : township, name, site_no, err) != 0)
		return 1;
	char role[16], code[16];
	long long no = 0;
	sync_self(st, role, code, &no);
	console_printf(stdout, _("This register is now %s %s (site %lld); its rows are numbered from %lld.\n"),
		       village ? _("village") : _("township"), code, no, no << SYNC_BLOCK_BITS);
	return 0;
}

static int sync_export_cmd(struct store *st, int argc, char **argv, char **err)
{
	const char *file = NULL, *seq_text = NULL;
	const struct cli_option opts[] = { { "--seq", &seq_text }, { NULL } };
	if (cli_parse_options("sync export", argc, argv, 2, opts, &file, 1) || !file)
		return 2;
	long seq = seq_text ? cli_parse_count(seq_text, "--seq") : 0;
	if (seq < 0)
		return 2;
	long long out = 0, n = 0;
	if (sync_export(st, file, seq, &out, &n, err) != 0)
		return 1;
	if (n == 0 && seq == 0)
		console_printf(stdout, "%s\n", _("Nothing changed since the last package: no file written."));
	else
		console_printf(stdout, _("Package %lld written to %s: %lld changes.\n"), out, file, n);
	return 0;
}

static int sync_ack_cmd(struct store *st, const char *arg, char **err)
{
	long long seq;
	char *end;
	seq = strtoll(arg, &end, 10);
	if (*end != '\0' && sync_package_seq(arg, &seq, err) != 0)
		return 1;
	if (sync_ack(st, seq, err) != 0)
		return 1;
	console_printf(stdout, _("Packages up to %lld are acknowledged by the township.\n"), seq);
	return 0;
}

static int sync_conflicts_cmd(struct store *st, bool all, char **err)
{
	size_t n;
	struct sync_conflict *c = sync_conflicts(st, !all, &n, err);
	if (!c && *err)
		return 1;
	if (n == 0)
		console_printf(stdout, "%s\n", _("No open conflicts."));
	for (size_t i = 0; i < n; i++)
		console_printf(stdout, _("%lld\t%s\tpackage %lld\t%s %lld\t%s\n    village: %s\n    township: %s\n"),
			       c[i].id, c[i].village, c[i].seq, c[i].tbl, c[i].row_id,
			       strcmp(c[i].state, "open") == 0 ? _("open") : c[i].resolved_by ? c[i].resolved_by : "",
			       c[i].theirs ? c[i].theirs : "", c[i].ours ? c[i].ours : "");
	sync_conflicts_free(c, n);
	return 0;
}

static int sync_resolve_cmd(struct store *st, int argc, char **argv, char **err)
{
	const char *id = NULL, *keep = NULL;
	const struct cli_option opts[] = { { "--keep", &keep }, { NULL } };
	if (cli_parse_options("sync resolve", argc, argv, 2, opts, &id, 1) || !id || !keep)
		return 2;
	long n = cli_parse_count(id, "ID");
	if (n < 0)
		return 2;
	if (sync_resolve(st, n, keep, err) != 0)
		return 1;
	console_printf(stdout, strcmp(keep, "village") == 0 ? _("Conflict %ld resolved: the village's values kept.\n")
							    : _("Conflict %ld resolved: the township's values kept.\n"), n);
	return 0;
}

static int sync_status_cmd(struct store *st)
{
	char role[16], code[16];
	long long site;
	if (!sync_self(st, role, code, &site)) {
		console_printf(stdout, "%s\n", _("This register is not set up for sync."));
		return 0;
	}
	console_printf(stdout, _("%s %s, site %lld\n"), strcmp(role, "village") == 0 ? _("village") : _("township"), code,
		       site);
	return 0;
}

int cli_sync(const struct cli_opts *o, int argc, char **argv)
{
	if (argc < 2) {
		console_printf(stderr, _("shanzhi: usage: %s\n"), usage);
		return 2;
	}
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	const char *what = argv[1];
	char *err = NULL, *summary = NULL;
	int rc = 2;
	if (strcmp(what, "init") == 0)
		rc = sync_init_cmd(st, argc, argv, &err);
	else if (strcmp(what, "export") == 0)
		rc = sync_export_cmd(st, argc, argv, &err);
	else if (strcmp(what, "down-export") == 0)
		rc = cli_transfer_down_export(st, argc, argv, &err);
	else if (strcmp(what, "transfers") == 0) {
		store_close(st);   /* the same list as `resident transfers`, opened as that command */
		return cli_transfer_list(o, argc - 1, argv + 1);
	} else if (strcmp(what, "forms-export") == 0 && argc == 3) {
		long long seq = 0, nfiles = 0;
		rc = sync_forms_export(st, argv[2], &seq, &nfiles, &err) == 0 ? 0 : 1;
		if (rc == 0)
			console_printf(stdout, _("Forms package %lld written to %s: %lld files.\n"), seq, argv[2], nfiles);
	} else if (strcmp(what, "ack") == 0 && argc == 3)
		rc = sync_ack_cmd(st, argv[2], &err);
	else if ((strcmp(what, "apply") == 0 || strcmp(what, "forms-apply") == 0) && argc == 3) {
		rc = sync_apply(st, argv[2], &summary, &err) == 0 ? 0 : 1;
		if (rc == 0)
			console_printf(stdout, "%s\n", summary);
	} else if (strcmp(what, "conflicts") == 0)
		rc = sync_conflicts_cmd(st, argc == 3 && strcmp(argv[2], "--all") == 0, &err);
	else if (strcmp(what, "resolve") == 0)
		rc = sync_resolve_cmd(st, argc, argv, &err);
	else if (strcmp(what, "log") == 0 && argc == 2) {
		char *log = sync_log_text(st, &err);
		rc = log ? 0 : 1;
		if (log)
			console_printf(stdout, "%s", log);
		free(log);
	} else if (strcmp(what, "status") == 0 && argc == 2)
		rc = sync_status_cmd(st);
	if (rc == 2)
		console_printf(stderr, _("shanzhi: usage: %s\n"), usage);
	else if (rc != 0)
		console_printf(stderr, "shanzhi: sync %s: %s\n", what, err ? err : "?");
	free(err);
	free(summary);
	store_close(st);
	return rc;
}
