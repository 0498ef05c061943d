/* cli-exchange: `import residents` and `export residents`. */
#include "cli-exchange.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cli.h"
#include "console.h"
#include "encoding.h"
#include "export.h"
#include "form.h"
#include "i18n.h"
#include "import.h"
#include "store.h"
#include "util.h"

/* Prints the import's progress on stderr. */
static void import_progress(void *ctx, long rows)
{
	console_printf(stderr, _("  %ld rows...\n"), rows);
}

int cli_exchange_import(const struct cli_opts *o, int argc, char **argv)
{
	struct import_opts io = {.encoding = ENC_AUTO};
	const char *file = NULL, *encoding = NULL;
	bool verbose = false;
	if (argc < 2 || strcmp(argv[1], "residents") != 0) {
		console_printf(stderr, "%s\n", _("shanzhi: import: say what: import residents FILE"));
		return 2;
	}
	const struct cli_option opts[] = {
		{ "--encoding", &encoding }, { "--dry-run", NULL, &io.dry_run }, { "--new-groups", NULL, &io.new_groups },
		{ "--map", &io.map }, { "--rejects", &io.rejects_path }, { "--verbose", NULL, &verbose }, { NULL },
	};
	if (cli_parse_options("import", argc, argv, 2, opts, &file, 1))
		return 2;
	if (encoding && !enc_parse(encoding, &io.encoding)) {
		console_printf(stderr, _("shanzhi: import: unknown encoding %s (auto, utf-8, gbk, gb18030)\n"), encoding);
		return 2;
	}
	if (!file) {
		console_printf(stderr, "%s\n", _("shanzhi: import: a file is needed"));
		return 2;
	}
	if (verbose)
		io.progress = import_progress;
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	int status = 1;
	struct form_registry *reg = NULL;
	if ((reg = cli_load_forms())) {
		struct import_report rep;
		char *err = NULL;
		int rc = import_residents(st, reg, file, &io, &rep, &err);
		if (rc == 0 && verbose && rep.mapping) {
			console_puts(stdout, rep.mapping);
			console_printf(stdout, _("Rows read, checked and written in %.1f s (CPU: reading and checking "
						 "%.1f s, writing %.1f s, search keys %.1f s); search index and commit "
						 "%.1f s, of which search keys merged %.1f s.\n"),
				       rep.seconds_rows, rep.cpu_reader, rep.cpu_writer, rep.cpu_keys,
				       rep.seconds - rep.seconds_rows, rep.seconds_keys);
		}
		char *text = rc == 0 ? import_report_text(&rep) : NULL;
		if (text)
			console_puts(stdout, text);
		free(text);
		if (rc != 0)
			console_printf(stderr, "shanzhi: import: %s: %s\n", file, err ? err : "?");
		status = rc != 0 ? 1 : rep.refused ? 3 : 0;
		free(err);
		import_report_free(&rep);
	}
	form_registry_free(reg);
	store_close(st);
	return status;
}
/* Parses the options after "export residents". 0, or 2 after printing what is wrong. */
static int parse_export_args(int argc, char **argv, struct export_opts *eo, const char **file)
{
	const char *encoding = NULL;
	const struct cli_option opts[] = {
		{ "--encoding", &encoding }, { "--template", &eo->template_name }, { "--unmasked", NULL, &eo->unmasked },
		{ "--reason", &eo->reason }, { "--replace", &eo->replace }, { NULL },
	};
	if (cli_parse_options("export", argc, argv, 2, opts, file, 1))
		return 2;
	if (encoding && (!enc_parse(encoding, &eo->encoding) || eo->encoding == ENC_AUTO)) {
		console_printf(stderr, _("shanzhi: export: unknown encoding %s (utf-8, utf-8-bom, gbk, gb18030)\n"), encoding);
		return 2;
	}
	if (!*file) {
		console_printf(stderr, "%s\n", _("shanzhi: export: a file is needed"));
		return 2;
	}
	if (eo->unmasked && !export_reason_ok(eo->reason)) {
		console_printf(stderr, "%s\n", _("shanzhi: export: --unmasked needs --reason TEXT: why the full ID "
						"and phone numbers leave the register (recorded in the audit log)"));
		return 2;
	}
	return 0;
}

/* True when the operator may export unmasked numbers, if asked (cli_open_store
 * checked the masked export already). */
static bool export_allowed(struct store *st, bool unmasked)
{
	char *why = unmasked ? access_command_refusal(st, "export --unmasked") : NULL;
	if (!why)
		return true;
	console_printf(stderr, "shanzhi: export: %s\n", why);
	free(why);
	return false;
}

int cli_exchange_export(const struct cli_opts *o, int argc, char **argv)
{
	struct export_opts eo = {.encoding = ENC_AUTO};
	const char *file = NULL;
	if (argc < 2 || strcmp(argv[1], "residents") != 0) {
		console_printf(stderr, "%s\n", _("shanzhi: export: say what: export residents FILE"));
		char **names = export_template_names();
		console_printf(stderr, "%s\n", _("Templates (--template NAME):"));
		for (size_t i = 0; names[i]; i++) {
			struct export_template *t = export_template_load(names[i], NULL);
			console_printf(stderr, "  %-12s %s\n", names[i], t ? export_template_title(t) : "");
			export_template_free(t);
			free(names[i]);
		}
		free(names);
		return 2;
	}
	int usage = parse_export_args(argc, argv, &eo, &file);
	if (usage)
		return usage;
	struct store *st = cli_open_store(o, NULL);
	if (!st)
		return 1;
	int status = 1;
	struct form_registry *reg = NULL;
	if (export_allowed(st, eo.unmasked) && (reg = cli_load_forms())) {
		struct export_report rep;
		char *err = NULL;
		int rc = export_residents(st, reg, file, &eo, &rep, &err);
		char *text = export_report_text(&rep);
		console_puts(rc == 0 ? stdout : stderr, text);
		free(text);
		if (rc != 0)
			console_printf(stderr, "shanzhi: export: %s: %s\n", file, err ? err : "?");
		status = rc == 0 ? 0 : 1;
		free(err);
		export_report_free(&rep);
	}
	form_registry_free(reg);
	store_close(st);
	return status;
}
