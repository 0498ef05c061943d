/* cli-transfer: the transfer commands (see cli-transfer.h). No rule lives here: the
 * words typed become the model's arguments, its refusal is printed (exit 3). */
#include "cli-transfer.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "console.h"
#include "form.h"
#include "i18n.h"
#include "resident.h"
#include "store.h"
#include "sync-down.h"
#include "transfer.h"
#include "util.h"

#define CLI_REFUSED 3

/* A resident id as typed, 0 when it is none. */
static int64_t id_of(const char *s)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return s && *s && *end == '\0' && v > 0 ? v : 0;
}

/* Opens the register and the forms for a change; 0, or 1 after printing why. */
static int open_for_change(const struct cli_opts *o, struct store **st, struct form_registry **forms)
{
	*forms = NULL;
	if (!(*st = cli_open_store(o, NULL)))
		return 1;
	if ((*forms = cli_load_forms()))
		return 0;
	store_close(*st);
	return 1;
}

int cli_transfer_move_out(const struct cli_opts *o, int argc, char **argv)
{
	const char *words[2] = { NULL }, *to = NULL, *reason = NULL;
	bool whole = false;
	const struct cli_option opts[] = { { "--to", &to }, { "--reason", &reason }, { "--household", NULL, &whole },
					   { NULL } };
	int rc = cli_parse_options("resident move-out", argc, argv, 1, opts, words, 2);
	int64_t id = rc ? 0 : id_of(words[0]);
	if (rc || !id || !to) {
		console_printf(stderr, "%s\n", _("usage: shanzhi resident move-out ID --to VILLAGE_CODE [DATE] [--reason TEXT] [--household]"));
		return 2;
	}
	struct store *st;
	struct form_registry *forms;
	if (open_for_change(o, &st, &forms) != 0)
		return 1;
	int64_t first = 0;
	int count = 0;
	char *err = NULL;
	if (transfer_move_out(st, forms, id, to, words[1], reason, whole, &first, &count, &err) == 0) {
		char *name = resident_name(st, id);
		console_printf(stdout, _("%s moved out to %s (迁出, transfer %lld): %d residents; the move goes to the "
					 "township in the next package.\n"), name ? name : "", to, (long long)first, count);
		free(name);
	} else {
		console_printf(stderr, "shanzhi: resident move-out: %s\n", err ? err : "?");
		rc = CLI_REFUSED;
	}
	free(err);
	form_registry_free(forms);
	store_close(st);
	return rc;
}

int cli_transfer_move_in(const struct cli_opts *o, int argc, char **argv)
{
	const char *words[2] = { NULL }, *hh = NULL, *new_hh = NULL, *address = NULL, *relation = NULL;
	const struct cli_option opts[] = { { "--household", &hh }, { "--new-household", &new_hh }, { "--address", &address },
					   { "--relation", &relation }, { NULL } };
	int rc = cli_parse_options("resident move-in", argc, argv, 1, opts, words, 2);
	int64_t id = rc ? 0 : id_of(words[0]);
	if (rc || !id || !hh == !new_hh) {
		console_printf(stderr, "%s\n", _("usage: shanzhi resident move-in ID --household HHNO | --new-household HHNO "
						 "[--address TEXT] [--relation CODE] [DATE]"));
		return 2;
	}
	struct store *st;
	struct form_registry *forms;
	if (open_for_change(o, &st, &forms) != 0)
		return 1;
	char *err = NULL;
	const char *no = hh ? hh : new_hh;
	if (transfer_move_in(st, forms, id, no, new_hh != NULL, address, relation, words[1], &err) == 0) {
		char *name = resident_name(st, id);
		console_printf(stdout, _("%s moved in (迁入) to household %s.\n"), name ? name : "", no);
		free(name);
	} else {
		console_printf(stderr, "shanzhi: resident move-in: %s\n", err ? err : "?");
		rc = CLI_REFUSED;
	}
	free(err);
	form_registry_free(forms);
	store_close(st);
	return rc;
}

/* The state of a transfer as a clerk reads it. */
static const char *state_text(const struct transfer_row *r)
{
	if (strcmp(r->state, "in") == 0)
		return _("moved in");
	if (r->here)
		return _("arrived, waiting to move in");
	return *r->sent ? _("sent down") : _("moved out");
}

int cli_transfer_list(const struct cli_opts *o, int argc, char **argv)
{
	bool all = false;
	const struct cli_option opts[] = { { "--all", NULL, &all }, { NULL } };
	if (cli_parse_options("resident transfers", argc, argv, 1, opts, NULL, 0))
		return 2;
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	struct transfer_row *r;
	size_t n;
	char *err = NULL;
	int rc = transfer_list(st, !all, &r, &n, &err) == 0 ? 0 : 1;
	if (rc == 0 && n == 0)
		console_printf(stdout, "%s\n", all ? _("No moves between villages.") : _("No moves waiting."));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		console_printf(stdout, _("%lld\t%s %s\tresident %lld\tfrom %s\tto %s\tsince %s\t%s"), (long long)r[i].id,
			       r[i].name, r[i].id_masked, (long long)r[i].resident_id, r[i].from, r[i].to,
			       r[i].moved_out_on, state_text(&r[i]));
		if (*r[i].sent)
			console_printf(stdout, _(" (down package %s)"), r[i].sent);
		if (*r[i].moved_in_on)
			console_printf(stdout, " %s", r[i].moved_in_on);
		console_printf(stdout, "\n");
	}
	if (rc != 0)
		console_printf(stderr, "shanzhi: resident transfers: %s\n", err ? err : "?");
	if (rc == 0)
		transfer_list_free(r, n);
	free(err);
	store_close(st);
	return rc;
}

int cli_transfer_history(const struct cli_opts *o, int argc, char **argv)
{
	const char *words[1] = { NULL };
	int rc = cli_parse_options("resident transfer-history", argc, argv, 1, NULL, words, 1);
	int64_t id = rc ? 0 : id_of(words[0]);
	if (rc || !id) {
		console_printf(stderr, "%s\n", _("usage: shanzhi resident transfer-history RESIDENT_ID"));
		return 2;
	}
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	int64_t t = transfer_of_resident(st, id);
	char *text = t ? transfer_history_text(st, t) : NULL;
	if (text)
		console_printf(stdout, "%s", text);
	else
		console_printf(stderr, "shanzhi: resident transfer-history: %s\n", _("this resident has not moved between villages"));
	rc = text ? 0 : 1;
	free(text);
	store_close(st);
	return rc;
}

int cli_transfer_down_export(struct store *st, int argc, char **argv, char **err)
{
	const char *file = NULL, *village = NULL, *seq_text = NULL;
	const struct cli_option opts[] = { { "--village", &village }, { "--seq", &seq_text }, { NULL } };
	if (cli_parse_options("sync down-export", argc, argv, 2, opts, &file, 1) || !file || !village)
		return 2;
	long seq = seq_text ? cli_parse_count(seq_text, "--seq") : 0;
	if (seq < 0)
		return 2;
	long long out = 0, n = 0, resolved = 0;
	if (sync_down_export(st, village, file, seq, &out, &n, &resolved, err) != 0)
		return 1;
	if (n == 0 && resolved == 0 && seq == 0)
		console_printf(stdout, _("Nothing to send down to %s: no file written.\n"), village);
	else
		console_printf(stdout, _("Down package %lld for %s written to %s: %lld residents moving there, %lld "
					 "conflicts resolved.\n"), out, village, file, n, resolved);
	return 0;
}
