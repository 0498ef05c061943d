/* cli-write: what a clerk changes in the register's screens, as commands: `resident
 * add|set|status` and `household head|move`, over the model functions the screens
 * call (resident_save, resident_set_status, household_change_head,
 * household_move_member). The resident form checks every value as its F2 does; no
 * rule lives here, only the words a clerk types turned into the form's values. */
#include "cli-write.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "console.h"
#include "form.h"
#include "household.h"
#include "i18n.h"
#include "record.h"
#include "resident.h"
#include "store.h"
#include "transfer.h"
#include "util.h"

/* Exit status of a change the form or the register's rules refused: nothing written. */
#define CLI_REFUSED 3

/* The register and the resident form a write command works on. */
struct writer {
	struct store *st;
	struct form_registry *forms;
	const struct form_def *def;
	const char *what;  /* "resident add", for messages */
};

/* Opens the register as o's operator (the command's right checked) and loads the
 * forms. 0, or 1 after printing why. */
static int writer_open(const struct cli_opts *o, const char *what, struct writer *w)
{
	*w = (struct writer){ .what = what };
	if (!(w->st = cli_open_store(o, NULL)))
		return 1;
	if ((w->forms = cli_load_forms()) && (w->def = form_get(w->forms, "resident")))
		return 0;
	if (w->forms)
		console_printf(stderr, "shanzhi: %s\n", _("The resident form definition (resident.form) is missing."));
	return 1;
}

static void writer_close(struct writer *w)
{
	form_registry_free(w->forms);
	store_close(w->st);
}

/* Prints a refusal of the form or the model and gives the refused exit status. */
static int refused(const struct writer *w, const char *why)
{
	console_printf(stderr, "shanzhi: %s: %s\n", w->what, why ? why : "?");
	return CLI_REFUSED;
}

/* A record id as typed, or 0 after printing what is wrong. */
static int64_t parse_id(const char *s, const char *what)
{
	long v = s ? cli_parse_count(s, what) : -1;
	return v > 0 ? (int64_t)v : 0;
}

/* The field a FIELD=VALUE word names: the form's field name, or a reference's name
 * without its "_id" (household= for household_id). -1 when none. */
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

/* The stored value of a reference as the clerk knows it: a household by its number
 * (户号). NULL with *why when there is none. Caller frees. */
static char *ref_value(struct writer *w, const struct field_def *fd, const char *typed, char **why)
{
	if (!*typed || !fd->ref_table || strcmp(fd->ref_table, "household") != 0)
		return xstrdup(typed);
	int64_t hh = household_by_number(w->st, typed);
	if (!hh) {
		char *no = xasprintf(_("there is no household numbered %s"), typed);
		*why = xasprintf(_("%s: %s"), _(fd->label), no);
		free(no);
		return NULL;
	}
	return xasprintf("%lld", (long long)hh);
}

/* Puts the FIELD=VALUE words into d, each field then normalised and derived as a
 * field left on the screen (changes NULL: a new record, derived once whole by the
 * caller). 0; 2 after printing a word that names no field the clerk types; 3 after
 * printing a household that is not there. */
static int assign_fields(struct writer *w, struct form_data *d, struct form_eval *ev, const char **words,
			 size_t n, bool changes)
{
	for (size_t k = 0; k < n; k++) {
		const char *eq = strchr(words[k], '=');
		int i = eq ? field_named(w->def, words[k], (size_t)(eq - words[k])) : -1;
		if (i < 0 || w->def->fields[i].readonly || !w->def->fields[i].column) {
			console_printf(stderr, _("shanzhi: %s: %s is not FIELD=VALUE with a field of the resident form you may type\n"),
				       w->what, words[k]);
			return 2;
		}
		char *why = NULL, *v = ref_value(w, &w->def->fields[i], eq + 1, &why);
		if (!v) {
			int rc = refused(w, why);
			free(why);
			return rc;
		}
		form_data_take(d, (size_t)i, v);
		if (changes)
			form_normalize_and_derive(ev, d, i);
	}
	return 0;
}

/* The form's checks as F2 runs them, then the ID number another resident holds and,
 * for a new one, a namesake born the same day (the screen asks; here
 * --duplicate-ok says yes). NULL when d may be saved, else why not. Caller frees. */
static char *save_refusal(struct writer *w, struct form_eval *ev, const struct form_data *d, int64_t id,
			  bool duplicate_ok)
{
	char *left = transfer_left_refusal(w->st, id);   /* moved to another village: theirs now */
	if (left)
		return left;
	struct form_check chk;
	struct strbuf sb = { 0 };
	form_validate(ev, d, &chk);
	for (size_t p = 0; p < chk.n; p++)
		sb_appendf(&sb, "%s%s", p ? "\n  " : "", chk.items[p].message);
	form_check_free(&chk);
	if (sb.len)
		return sb_take(&sb);
	char *why = resident_id_refusal(w->st, d, id);
	if (why || id || duplicate_ok)
		return why;
	int n = form_field_index(w->def, "name"), b = form_field_index(w->def, "birth_date");
	char *dups = n >= 0 && b >= 0 ? resident_duplicates(w->st, d->values[n], d->values[b], 0) : NULL;
	if (dups)
		why = xasprintf(_("Not saved: a resident with the same name and birth date is registered:%s\n"
				  "Check first (shanzhi search); --duplicate-ok registers this one anyway."), dups);
	free(dups);
	return why;
}

/* The record's name, for the message that says it is saved. */
static const char *record_name(const struct form_data *d)
{
	const char *name = form_data_value(d, "name");
	return name ? name : "";
}

/* Checks d and saves it as resident *id (0: a new one) through resident_save. */
static int save_resident(struct writer *w, struct form_eval *ev, struct form_data *d, int64_t id,
			 bool duplicate_ok)
{
	char *why = save_refusal(w, ev, d, id, duplicate_ok);
	int64_t saved = id;
	if (!why && resident_save(w->st, d, &saved, &why) == 0) {
		if (id)
			console_printf(stdout, _("The changes to %s are saved."), record_name(d));
		else
			console_printf(stdout, _("%s is registered (record %lld)."), record_name(d), (long long)saved);
		console_printf(stdout, "\n");
		return 0;
	}
	int rc = refused(w, why);
	free(why);
	return rc;
}

/* Runs one change of a resident's record: a new one (id 0) or the stored one. */
static int write_resident(struct writer *w, int64_t id, const char **words, size_t n, bool duplicate_ok)
{
	struct form_data d;
	char *err = NULL;
	struct form_eval *ev = NULL;
	int rc = 1;
	form_data_init(&d, w->def);
	if (id && record_load(w->st, &d, id, &err) != 0) {
		rc = refused(w, err);  /* no such resident */
		goto out;
	}
	if (!(ev = record_form_eval(w->def, w->st, &err))) {
		console_printf(stderr, "shanzhi: %s: %s\n", w->what, err ? err : "?");
		goto out;
	}
	if (id) {
		/* derived once as the screen shows the record, so that a new ID number
		 * brings its sex and birth date as when typed there */
		struct form_data shown;
		form_data_init(&shown, w->def);
		for (size_t i = 0; i < w->def->nfields; i++)
			form_data_set(&shown, i, d.values[i]);
		form_normalize_and_derive(ev, &shown, -1);
		form_data_free(&shown);
	}
	rc = assign_fields(w, &d, ev, words, n, id != 0);
	if (rc == 0 && !id)
		form_normalize_and_derive(ev, &d, -1);
	if (rc == 0)
		rc = save_resident(w, ev, &d, id, duplicate_ok);
out:
	free(err);
	form_eval_free(ev);
	form_data_free(&d);
	return rc;
}

int cli_write_resident_add(const struct cli_opts *o, int argc, char **argv)
{
	const char **words = xcalloc((size_t)argc + 1, sizeof *words);
	bool duplicate_ok = false;
	const struct cli_option opts[] = { { "--duplicate-ok", NULL, &duplicate_ok }, { NULL } };
	int rc = cli_parse_options("resident add", argc, argv, 1, opts, words, (size_t)argc);
	size_t n = 0;
	while (words[n])
		n++;
	if (rc || n == 0) {
		console_printf(stderr, "%s\n", _("usage: shanzhi resident add FIELD=VALUE ... [--duplicate-ok]"));
		free(words);
		return 2;
	}
	struct writer w;
	rc = writer_open(o, "resident add", &w);
	if (rc == 0)
		rc = write_resident(&w, 0, words, n, duplicate_ok);
	writer_close(&w);
	free(words);
	return rc;
}

int cli_write_resident_set(const struct cli_opts *o, int argc, char **argv)
{
	const char **words = xcalloc((size_t)argc + 1, sizeof *words);
	int rc = cli_parse_options("resident set", argc, argv, 1, NULL, words, (size_t)argc);
	size_t n = 0;
	while (words[n])
		n++;
	int64_t id = !rc && n > 0 ? parse_id(words[0], "resident set") : 0;
	if (rc || n < 2 || !id) {
		console_printf(stderr, "%s\n", _("usage: shanzhi resident set ID FIELD=VALUE ..."));
		free(words);
		return 2;
	}
	struct writer w;
	rc = writer_open(o, "resident set", &w);
	if (rc == 0)
		rc = write_resident(&w, id, words + 1, n - 1, false);
	writer_close(&w);
	free(words);
	return rc;
}

int cli_write_resident_status(const struct cli_opts *o, int argc, char **argv)
{
	const char *words[3] = { NULL }, *reason = NULL;
	const struct cli_option opts[] = { { "--reason", &reason }, { NULL } };
	int rc = cli_parse_options("resident status", argc, argv, 1, opts, words, 3);
	int64_t id = !rc && words[1] ? parse_id(words[0], "resident status") : 0;
	if (rc || !id) {
		console_printf(stderr, "%s\n", _("usage: shanzhi resident status ID CODE [DATE] [--reason TEXT]"));
		return 2;
	}
	struct writer w;
	if ((rc = writer_open(o, "resident status", &w)) == 0) {
		enum resident_status_field field;
		char *err = NULL;
		if (resident_set_status(w.st, w.forms, id, words[1], words[2], reason, &field, &err) == 0) {
			const struct codelist *cl = form_codelist(w.forms, "living_status");
			const char *code = codelist_find(cl, words[1]);
			const char *label = code ? codelist_label(cl, code) : NULL;
			console_printf(stdout, _("Living status set to %s."), label ? label : words[1]);
			console_printf(stdout, "\n");
		} else {
			rc = refused(&w, err);
		}
		free(err);
	}
	writer_close(&w);
	return rc;
}

/* A relation as typed (a code of codes/relation or its label, 户主 -> 02), as the
 * screen's picker offers it; NULL after printing that it is not one. */
static const char *relation_code(struct writer *w, const char *typed)
{
	int i = form_field_index(w->def, "relation");
	const char *code = i >= 0 && typed ? codelist_find(w->def->fields[i].list, typed) : NULL;
	if (!code && typed) {
		char *no = xasprintf(_("%s is not in the list (forms/codes/relation.codes)"), typed);
		char *why = xasprintf(_("%s: %s"), i >= 0 ? _(w->def->fields[i].label) : "relation", no);
		refused(w, why);
		free(why);
		free(no);
	}
	return code;
}

/* A household by its number; 0 after printing that there is none. */
static int64_t household_named(struct writer *w, const char *hh_no)
{
	int64_t hh = household_by_number(w->st, hh_no);
	if (!hh) {
		char *why = xasprintf(_("there is no household numbered %s"), hh_no);
		refused(w, why);
		free(why);
	}
	return hh;
}

int cli_write_household_head(const struct cli_opts *o, int argc, char **argv)
{
	const char *words[2] = { NULL }, *former = NULL;
	const struct cli_option opts[] = { { "--former-relation", &former }, { NULL } };
	int rc = cli_parse_options("household head", argc, argv, 1, opts, words, 2);
	int64_t id = !rc && words[1] ? parse_id(words[1], "household head") : 0;
	if (rc || !id) {
		console_printf(stderr, "%s\n", _("usage: shanzhi household head HHNO RESIDENT_ID [--former-relation CODE]"));
		return 2;
	}
	struct writer w;
	if ((rc = writer_open(o, "household head", &w)) == 0) {
		int64_t hh = household_named(&w, words[0]);
		const char *relation = former ? relation_code(&w, former) : NULL;
		char *err = NULL;
		if (!hh || (former && !relation))
			rc = CLI_REFUSED;
		else if (household_change_head(w.st, hh, id, relation, &err) != 0)
			rc = refused(&w, err);
		else {
			char *name = resident_name(w.st, id);
			console_printf(stdout, _("%s is now the head of the household."), name ? name : "");
			console_printf(stdout, "\n");
			free(name);
		}
		free(err);
	}
	writer_close(&w);
	return rc;
}

int cli_write_household_move(const struct cli_opts *o, int argc, char **argv)
{
	const char *words[2] = { NULL }, *relation = NULL;
	const struct cli_option opts[] = { { "--relation", &relation }, { NULL } };
	int rc = cli_parse_options("household move", argc, argv, 1, opts, words, 2);
	int64_t id = !rc && words[1] ? parse_id(words[0], "household move") : 0;
	if (rc || !id) {
		console_printf(stderr, "%s\n", _("usage: shanzhi household move RESIDENT_ID HHNO --relation CODE"));
		return 2;
	}
	struct writer w;
	if ((rc = writer_open(o, "household move", &w)) == 0) {
		int64_t hh = household_named(&w, words[1]);
		const char *code = relation ? relation_code(&w, relation) : NULL;
		char *err = NULL;
		if (!hh || (relation && !code))
			rc = CLI_REFUSED;
		else if (household_move_member(w.st, id, hh, code, &err) != 0)
			rc = refused(&w, err);
		else {
			char *name = resident_name(w.st, id), *where = household_text(w.st, hh);
			console_printf(stdout, _("%s moved to household %s."), name ? name : "", where ? where : "");
			console_printf(stdout, "\n");
			free(name);
			free(where);
		}
		free(err);
	}
	writer_close(&w);
	return rc;
}
