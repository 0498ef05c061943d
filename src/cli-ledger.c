/* cli-ledger: the declared registers (ledger.h) as commands: `ledger`, `ledger NAME
 * list|add|show|step|print`, the registers' reports under `report`, and
 * `check-forms`. The words a clerk types become the declaration's form values; the
 * form and the engine decide, nothing is checked here. */
#include "cli-ledger.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "console.h"
#include "datafiles.h"
#include "form.h"
#include "household.h"
#include "i18n.h"
#include "idcard.h"
#include "ledger.h"
#include "paths.h"
#include "printout.h"
#include "rowset.h"
#include "store.h"
#include "township.h"
#include "util.h"

/* Exit status of a change the form or the engine refused: nothing written. */
#define CLI_REFUSED 3

/* The operator and right of a `ledger ACTION` (a row of access.c's read rule). */
static struct store *open_for(const struct cli_opts *o, const char *action)
{
	char command[64];
	struct cli_opts ko = *o;
	snprintf(command, sizeof command, "ledger%s%s", action ? " " : "", action ? action : "");
	ko.command = command;
	return cli_open_store(&ko, NULL);
}

static const char *title_of(const struct ledger_def *d)
{
	return _(d->title);
}

/* The overdue records of every register (ledger_overdue), the most overdue first,
 * as the clerk's work list shows them: appended to sb when there are any. */
static int overdue_text(struct store *st, const struct ledger_set *s, struct strbuf *sb)
{
	struct rowset r = { 0 };
	char *err = NULL;
	if (ledger_overdue(st, s, 0, &r, &err) != 0) {
		console_printf(stderr, "shanzhi: %s\n", err ? err : "?");
		free(err);
		return -1;
	}
	if (r.n) {
		const char *heads[] = { _("Due on"), _("Register"), "ID", _("Number"), _("State") };
		char **cells = xcalloc(r.n * 5 + 1, sizeof *cells);
		for (size_t i = 0; i < r.n; i++) {
			const struct ledger_def *d = ledger_find(s, rowset_text(&r, i, LEDGER_OD_REGISTER));
			const char *number = rowset_text(&r, i, LEDGER_OD_NUMBER);
			cells[i * 5] = xstrdup(rowset_text(&r, i, LEDGER_OD_DUE));
			cells[i * 5 + 1] = xasprintf("%s %s", d ? title_of(d) : "", rowset_text(&r, i, LEDGER_OD_REGISTER));
			cells[i * 5 + 2] = xstrdup(rowset_text(&r, i, LEDGER_OD_ID));
			cells[i * 5 + 3] = xstrdup(number);
			cells[i * 5 + 4] = xstrdup(d ? ledger_state_label(d, rowset_text(&r, i, LEDGER_OD_STATE)) : "");
		}
		sb_appendf(sb, "\n%s\n", _("Overdue records (shanzhi ledger NAME show ID):"));
		ledger_table_text(sb, heads, 5, (const char *const *)cells, r.n);
		for (size_t i = 0; i < r.n * 5; i++)
			free(cells[i]);
		free(cells);
	}
	rowset_free(&r);
	return 0;
}

/* `shanzhi ledger`: every declared register, its group and what is due, then the
 * overdue records themselves. */
static int list_registers(const struct cli_opts *o)
{
	const struct ledger_set *s = ledger_set_default();
	struct store *st = open_for(o, NULL);
	if (!st)
		return 1;
	static const char *heads_en[] = { N_("Register"), N_("Title"), N_("Menu"), N_("Records"), N_("Overdue") };
	const char *heads[5];
	for (size_t c = 0; c < 5; c++)
		heads[c] = _(heads_en[c]);
	size_t n = ledger_count(s);
	char **cells = xcalloc(n * 5 + 1, sizeof *cells);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ledger_def *d = ledger_at(s, i);
		int64_t due = 0, overdue = 0;
		char *err = NULL;
		if (ledger_due_counts(st, d, &due, &overdue, &err) != 0) {
			console_printf(stderr, "shanzhi: %s: %s\n", d->name, err ? err : "?");
			rc = 1;
		}
		free(err);
		cells[i * 5] = xstrdup(d->name);
		cells[i * 5 + 1] = xstrdup(title_of(d));
		cells[i * 5 + 2] = xstrdup(_(d->menu));
		cells[i * 5 + 3] = xasprintf("%lld", (long long)ledger_list_count(st, d, NULL));
		cells[i * 5 + 4] = xasprintf("%lld", (long long)overdue);
	}
	struct strbuf sb = { 0 };
	ledger_table_text(&sb, heads, 5, (const char *const *)cells, n);
	if (!n)
		sb_appendf(&sb, "%s\n", _("(no register is declared: see forms/registers/README.md)"));
	else if (overdue_text(st, s, &sb) != 0)
		rc = 1;
	console_puts(stdout, sb.s);
	sb_free(&sb);
	for (size_t i = 0; i < n * 5; i++)
		free(cells[i]);
	free(cells);
	store_close(st);
	return rc;
}

/* A value as a list or `show` prints it: labels and names, ID and phone numbers masked. */
static char *shown(struct store *st, const struct ledger_def *d, const char *column, const char *value)
{
	int fi = form_field_index(d->columns, column);
	char masked[32];
	if (fi >= 0 && value && *value && d->columns->fields[fi].type == FIELD_IDNUMBER) {
		idcard_mask(value, masked);
		return xstrdup(masked);
	}
	if (fi >= 0 && value && *value && d->columns->fields[fi].type == FIELD_PHONE) {
		phone_mask(value, masked);
		return xstrdup(masked);
	}
	return ledger_cell_text(st, d, column, value);
}

/* The heading of a list column. */
static const char *column_heading(const struct ledger_def *d, const char *name)
{
	int fi = form_field_index(d->columns, name);
	if (fi >= 0)
		return _(d->columns->fields[fi].label);
	if (strcmp(name, "state") == 0)
		return _("State");
	if (strcmp(name, "deadline") == 0)
		return _("Due");
	return _("Number");
}

static int cmd_list(const struct cli_opts *o, const struct ledger_def *d, int argc, char **argv)
{
	const char *search = NULL, *limit_s = NULL, *offset_s = NULL;
	const struct cli_option opts[] = {
		{ "--search", &search }, { "--limit", &limit_s }, { "--offset", &offset_s }, { NULL },
	};
	if (cli_parse_options("ledger list", argc, argv, 1, opts, NULL, 0))
		return 2;
	long limit = limit_s ? cli_parse_count(limit_s, "--limit") : 50;
	long offset = offset_s ? cli_parse_count(offset_s, "--offset") : 0;
	if (limit < 0 || offset < 0)
		return 2;
	struct store *st = open_for(o, "list");
	if (!st)
		return 1;
	struct rowset r = { 0 };
	char *err = NULL;
	if (ledger_list(st, d, search, (size_t)offset, (size_t)limit, &r, &err) != 0) {
		console_printf(stderr, "shanzhi: %s\n", err ? err : "?");
		free(err);
		store_close(st);
		return 1;
	}
	/* the id first (what show, step and print take), the number, then the columns */
	size_t ncols = 2 + d->nlist;
	const char **heads = xcalloc(ncols, sizeof *heads);
	heads[0] = "ID";
	heads[1] = _("Number");
	for (size_t c = 0; c < d->nlist; c++)
		heads[2 + c] = column_heading(d, d->list[c]);
	char **cells = xcalloc(r.n * ncols + 1, sizeof *cells);
	for (size_t i = 0; i < r.n; i++) {
		char **row = &cells[i * ncols];
		row[0] = xstrdup(rowset_text(&r, i, LEDGER_COL_ID));
		row[1] = xstrdup(rowset_text(&r, i, LEDGER_COL_NUMBER));
		for (size_t c = 0; c < d->nlist; c++) {
			const char *v = rowset_null(&r, i, LEDGER_COL_FIRST + c) ? NULL
									   : rowset_text(&r, i, LEDGER_COL_FIRST + c);
			row[2 + c] = shown(st, d, d->list[c], v);
			if (strcmp(d->list[c], "deadline") == 0 && strcmp(rowset_text(&r, i, LEDGER_COL_OVERDUE), "1") == 0) {
				char *marked = xasprintf("%s %s", row[2 + c], _("overdue"));
				free(row[2 + c]);
				row[2 + c] = marked;
			}
		}
	}
	struct strbuf sb = { 0 };
	ledger_table_text(&sb, heads, ncols, (const char *const *)cells, r.n);
	sb_appendf(&sb, _("%zu of %lld records\n"), r.n, (long long)ledger_list_count(st, d, search));
	console_puts(stdout, sb.s);
	sb_free(&sb);
	for (size_t i = 0; i < r.n * ncols; i++)
		free(cells[i]);
	free(cells);
	free(heads);
	rowset_free(&r);
	store_close(st);
	return 0;
}

/* The field a FIELD=VALUE word names (a ref also without its "_id"), or -1. */
static int field_named(const struct form_def *def, const char *name, size_t len)
{
	for (size_t i = 0; i < def->nfields; i++) {
		const char *f = def->fields[i].name;
		size_t n = strlen(f);
		if ((n == len && strncmp(f, name, len) == 0) ||
		    (def->fields[i].type == FIELD_REF && n == len + 3 && strncmp(f, name, len) == 0 &&
		     strcmp(f + len, "_id") == 0))
			return (int)i;
	}
	return -1;
}

/* A reference as the clerk knows it: a household by its number (户号), else the id. */
static char *ref_value(struct store *st, const struct field_def *f, const char *typed)
{
	if (*typed && f->type == FIELD_REF && strcmp(f->ref_table, "household") == 0) {
		int64_t hh = household_by_number(st, typed);
		if (hh)
			return xasprintf("%lld", (long long)hh);
	}
	return xstrdup(typed);
}

/* FIELD=VALUE words into d. 0, or 2 after printing a word that names no field. */
static int assign(struct store *st, struct form_data *d, const char *what, const char **words, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const char *eq = strchr(words[k], '=');
		int i = eq ? field_named(d->def, words[k], (size_t)(eq - words[k])) : -1;
		if (i < 0 || !d->def->fields[i].column) {
			struct strbuf names = { 0 };
			for (size_t f = 0; f < d->def->nfields; f++)
				sb_appendf(&names, "%s%s", f ? ", " : "", d->def->fields[f].name);
			console_printf(stderr, _("shanzhi: %s: %s is not FIELD=VALUE with a field of the form (%s)\n"),
				       what, words[k], names.s ? names.s : "");
			sb_free(&names);
			return 2;
		}
		form_data_take(d, (size_t)i, ref_value(st, &d->def->fields[i], eq + 1));
	}
	return 0;
}

#define MAX_WORDS 64

static int cmd_add(const struct cli_opts *o, const struct ledger_def *d, int argc, char **argv)
{
	const char *words[MAX_WORDS];
	size_t n = 0;
	for (int i = 1; i < argc && n < MAX_WORDS; i++)
		words[n++] = argv[i];
	struct store *st = open_for(o, "add");
	if (!st)
		return 1;
	struct form_data rec;
	form_data_init(&rec, ledger_form(d));
	int rc = assign(st, &rec, "ledger add", words, n);
	char *err = NULL;
	int64_t id = 0;
	if (rc == 0 && ledger_save(st, d, &rec, &id, &err) != 0) {
		console_printf(stderr, "shanzhi: ledger add: %s\n", err ? err : "?");
		rc = CLI_REFUSED;
	} else if (rc == 0) {
		struct ledger_record_info info = { 0 };
		struct form_data again;
		form_data_init(&again, ledger_form(d));
		if (ledger_load(st, d, id, &again, &info, NULL) == 0)
			console_printf(stdout, _("saved %s %s (id %lld)\n"), title_of(d), info.number ? info.number : "",
				       (long long)id);
		ledger_record_info_free(&info);
		form_data_free(&again);
	}
	free(err);
	form_data_free(&rec);
	store_close(st);
	return rc;
}

static int64_t parse_id(const char *s)
{
	long v = s ? cli_parse_count(s, "ID") : -1;
	return v > 0 ? (int64_t)v : 0;
}

/* One "label: value" line of show, CJK-aligned by the label. */
static void show_line(struct strbuf *sb, const char *label, const char *value)
{
	char *padded = printout_pad(label, 14);
	sb_appendf(sb, "%s %s\n", padded, value ? value : "");
	free(padded);
}

static int cmd_show(const struct cli_opts *o, const struct ledger_def *d, int argc, char **argv)
{
	const char *idw = NULL;
	if (cli_parse_options("ledger show", argc, argv, 1, (const struct cli_option[]){ { NULL } }, &idw, 1))
		return 2;
	int64_t id = parse_id(idw);
	if (!id)
		return 2;
	struct store *st = open_for(o, "show");
	if (!st)
		return 1;
	struct form_data rec;
	form_data_init(&rec, d->columns);  /* every field, the steps' too */
	struct ledger_record_info info = { 0 };
	char *err = NULL;
	int rc = 0;
	if (ledger_load(st, d, id, &rec, &info, &err) != 0) {
		console_printf(stderr, "shanzhi: ledger show: %s\n", err ? err : "?");
		rc = 1;
	} else {
		struct strbuf sb = { 0 };
		sb_appendf(&sb, "%s %s\n\n", title_of(d), info.number ? info.number : "");
		for (size_t i = 0; i < d->columns->nfields; i++) {
			char *v = shown(st, d, d->columns->fields[i].name, rec.values[i]);
			show_line(&sb, _(d->columns->fields[i].label), v);
			free(v);
		}
		if (d->nstates) {
			show_line(&sb, _("State"), ledger_state_label(d, info.state));
			char *due = info.due ? xasprintf("%s%s%s", info.due, info.overdue ? " " : "",
							 info.overdue ? _("overdue") : "")
					     : NULL;
			show_line(&sb, _("Due"), due);
			free(due);
		}
		struct rowset h = { 0 };
		if (ledger_history(st, d, id, &h, NULL) == 0 && h.n) {
			sb_appendf(&sb, "\n%s\n", _("Steps:"));
			for (size_t i = 0; i < h.n; i++)
				sb_appendf(&sb, "  %.16s  %s  %s → %s  %s  %s\n", rowset_text(&h, i, LEDGER_HIST_AT),
					   rowset_text(&h, i, LEDGER_HIST_TRANSITION), rowset_text(&h, i, LEDGER_HIST_FROM),
					   rowset_text(&h, i, LEDGER_HIST_TO), rowset_text(&h, i, LEDGER_HIST_OPERATOR),
					   rowset_text(&h, i, LEDGER_HIST_NOTE));
		}
		rowset_free(&h);
		const struct ledger_transition **open = NULL;
		int nopen = ledger_transitions_open(st, d, id, &open, NULL);
		for (int i = 0; i < nopen; i++)
			sb_appendf(&sb, "%s%s (%s)%s", i ? _(", ") : _("Next: "), open[i]->name, _(open[i]->label),
				   i + 1 == nopen ? "\n" : "");
		free(open);
		console_puts(stdout, sb.s);
		sb_free(&sb);
	}
	ledger_record_info_free(&info);
	form_data_free(&rec);
	free(err);
	store_close(st);
	return rc;
}

static int cmd_step(const struct cli_opts *o, const struct ledger_def *d, int argc, char **argv)
{
	const char *note = NULL, *words[MAX_WORDS];
	const struct cli_option opts[] = { { "--note", &note }, { NULL } };
	for (size_t i = 0; i < MAX_WORDS; i++)
		words[i] = NULL;
	if (cli_parse_options("ledger step", argc, argv, 1, opts, words, MAX_WORDS))
		return 2;
	int64_t id = parse_id(words[0]);
	const struct form_def *stage = words[1] ? ledger_stage_form(d, words[1]) : NULL;
	if (!id || !stage) {
		console_printf(stderr, _("shanzhi: ledger step: say ID TRANSITION (one of:"));
		for (size_t i = 0; i < d->ntransitions; i++)
			console_printf(stderr, " %s", d->transitions[i].name);
		console_printf(stderr, ")\n");
		return 2;
	}
	size_t n = 2;
	while (n < MAX_WORDS && words[n])
		n++;
	struct store *st = open_for(o, "step");
	if (!st)
		return 1;
	struct form_data asked;
	form_data_init(&asked, stage);
	int rc = assign(st, &asked, "ledger step", words + 2, n - 2);
	char *err = NULL;
	if (rc == 0 && ledger_step(st, d, id, words[1], &asked, note, &err) != 0) {
		console_printf(stderr, "shanzhi: ledger step: %s\n", err ? err : "?");
		rc = CLI_REFUSED;
	} else if (rc == 0) {
		const struct ledger_transition *t = ledger_transition(d, words[1]);
		console_printf(stdout, _("%s: now %s\n"), _(t->label), ledger_state_label(d, t->to));
	}
	free(err);
	form_data_free(&asked);
	store_close(st);
	return rc;
}

static int cmd_print(const struct cli_opts *o, const struct ledger_def *d, int argc, char **argv)
{
	const char *encoding = NULL, *output = "-", *words[2] = { NULL, NULL };
	bool printer = false;
	const struct cli_option opts[] = {
		{ "--encoding", &encoding }, { "--output", &output }, { "--printer", NULL, &printer }, { NULL },
	};
	if (cli_parse_options("ledger print", argc, argv, 1, opts, words, 2))
		return 2;
	if (printer)
		output = NULL;  /* the default printer, lpr */
	int64_t id = parse_id(words[0]);
	const char *print = words[1] ? words[1] : d->nprints ? d->prints[0].name : NULL;
	if (!id || !print) {
		console_printf(stderr, "%s\n", _("usage: shanzhi ledger NAME print ID [PRINTOUT] [--encoding utf-8|gbk|gb18030] [--output FILE | --printer]"));
		return 2;
	}
	struct store *st = open_for(o, "print");
	if (!st)
		return 1;
	char *err = NULL;
	char *text = ledger_print(st, d, print, id, &err);
	int rc = 0;
	if (!text || printout_deliver(text, encoding ? encoding : "utf-8", output, &err) != 0) {
		console_printf(stderr, "shanzhi: ledger print: %s\n", err ? err : "?");
		rc = 1;
	}
	free(text);
	free(err);
	store_close(st);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(const struct cli_opts *, const struct ledger_def *, int, char **);
} actions[] = {
	{ "list", cmd_list }, { "add", cmd_add }, { "show", cmd_show }, { "step", cmd_step }, { "print", cmd_print },
};

int cli_ledger(const struct cli_opts *o, int argc, char **argv)
{
	if (argc < 2)
		return list_registers(o);
	const struct ledger_def *d = ledger_find(ledger_set_default(), argv[1]);
	if (!d) {
		console_printf(stderr, _("shanzhi: ledger: no register is called %s (shanzhi ledger lists them)\n"), argv[1]);
		return 2;
	}
	for (size_t i = 0; argc > 2 && i < ARRAY_LEN(actions); i++)
		if (strcmp(argv[2], actions[i].name) == 0)
			return actions[i].run(o, d, argc - 2, argv + 2);
	console_printf(stderr, "%s\n", _("usage: shanzhi ledger NAME list [--search S] | add FIELD=VALUE ... | show ID |"
					 " step ID TRANSITION [FIELD=VALUE ...] [--note TEXT] | print ID [PRINTOUT]"));
	return 2;
}

void cli_ledger_report_list(FILE *out)
{
	const struct ledger_set *s = ledger_set_default();
	for (size_t i = 0; i < ledger_count(s); i++) {
		const struct ledger_def *d = ledger_at(s, i);
		for (size_t j = 0; j < d->nreports; j++) {
			const struct ledger_report *r = &d->reports[j];
			const char *period = r->period == LEDGER_PERIOD_MONTH ? " [--month YYYY-MM] [--by village] [--csv]"
					     : r->period == LEDGER_PERIOD_YEAR ? " [--year YYYY] [--by village] [--csv]" : " [--by village] [--csv]";
			console_printf(out, "  report %s%s\n      %s (%s)\n", r->name, period, _(r->title), title_of(d));
		}
	}
}

bool cli_ledger_has_report(const char *name)
{
	return ledger_find_report(ledger_set_default(), name, NULL) != NULL;
}

int cli_ledger_report(const struct cli_opts *o, int argc, char **argv)
{
	const struct ledger_report *r = NULL;
	const struct ledger_def *d = ledger_find_report(ledger_set_default(), argv[0], &r);
	const char *month = NULL, *year = NULL, *by = NULL;
	bool csv = false;
	const struct cli_option opts[] = {
		{ "--month", &month }, { "--year", &year }, { "--by", &by }, { "--csv", NULL, &csv }, { NULL },
	};
	if (!d || cli_parse_options("report", argc, argv, 1, opts, NULL, 0))
		return 2;
	if (by && strcmp(by, "village") != 0) {
		console_printf(stderr, _("shanzhi: report: --by %s: only --by village is known\n"), by);
		return 2;
	}
	char today[11], period[16];
	store_today(today);
	if (month || year)
		snprintf(period, sizeof period, "%s", month ? month : year);
	else
		snprintf(period, sizeof period, "%.*s", r->period == LEDGER_PERIOD_YEAR ? 4 : 7, today);
	struct cli_opts ko = *o;
	ko.command = "report ledger";
	struct store *st = cli_open_store(&ko, NULL);
	if (!st)
		return 1;
	char *err = NULL;
	/* at a township, --by village: each village's records alone, then all */
	char *text = by ? township_ledger_text(st, d, r->name, period, csv, &err)
			: ledger_report_text(st, d, r->name, period, csv, &err);
	int rc = 0;
	if (!text) {
		console_printf(stderr, "shanzhi: report %s: %s\n", r->name, err ? err : "?");
		rc = 2;
	} else if (csv) {
		/* UTF-8 with CRLF for a spreadsheet, as written (csv_format_row escaped its cells) */
		fputs(text, stdout);
	} else {
		console_puts(stdout, text);
	}
	free(text);
	free(err);
	store_close(st);
	return rc;
}

/* The number of lines of text (problems, one a line). */
static int count_lines(const char *text)
{
	int n = 0;
	for (const char *p = text; p && *p; p++)
		n += *p == '\n';
	return n;
}

int cli_check_forms(const struct cli_opts *o, int argc, char **argv)
{
	const char *dir = NULL;
	if (cli_parse_options("check-forms", argc, argv, 1, (const struct cli_option[]){ { NULL } }, &dir, 1))
		return 2;
	/* a folder named: that folder alone; none: the shipped one and the local one */
	char *local = dir ? NULL : paths_forms_local();
	const char *forms_dir = dir ? dir : paths_forms();
	char *problems = NULL;
	struct form_registry *reg = form_registry_load(forms_dir, local, &problems);
	struct ledger_set *set = ledger_set_load(reg, forms_dir, local, &problems);
	/* the rules and queries prepare against a register of their own, made empty */
	char path[] = "/tmp/shanzhi-check-forms-XXXXXX";
	int fd = mkstemp(path);
	char *err = NULL;
	struct store *st = NULL;
	if (fd >= 0) {
		close(fd);
		unlink(path);
		st = store_open(path, &err);
	}
	if (!st || ledger_migrate(st, set, &problems, &err) != 0) {
		char *more = xasprintf("%s%s\n", problems ? problems : "", err ? err : "?");
		free(problems);
		problems = more;
	}
	store_close(st);
	unlink(path);
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
	int rc = 0;
	if (problems) {
		console_puts(stdout, problems);
		console_printf(stderr, _("shanzhi: check-forms: %d problems\n"), count_lines(problems));
		rc = 1;
	} else {
		console_printf(stdout, _("%zu forms, %zu registers: no problems\n"), form_count(reg), ledger_count(set));
	}
	(void)o;
	free(problems);
	free(err);
	ledger_set_free(set);
	form_registry_free(reg);
	free(local);
	free(datafiles_take_reported());  /* shown above, not again as a warning */
	return rc;
}
