/* dispute: 人民调解 cases, their parties, sessions, outcome, confirmation window and
 * follow-up visits (see dispute.h). The rules of the law live here, so the screens,
 * the commands and the demo refuse the same things with the same messages. */
#include "dispute.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "form.h"
#include "i18n.h"
#include "idcard.h"
#include "rowset.h"
#include "statsheet.h"
#include "village.h"
#include "util.h"

#define DATE_OK(col) "(" col " IS NULL OR (" col " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'" \
	" AND date(" col ") IS " col "))"
#define STAMPS \
	"  form_version INTEGER,\n" \
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n" \
	"  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n"

const char dispute_schema_v1[] =
	"CREATE TABLE dispute_case (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_key TEXT NOT NULL UNIQUE,\n"
	"  case_no TEXT NOT NULL UNIQUE,\n"
	"  village_id INTEGER NOT NULL REFERENCES village(id),\n"
	"  year INTEGER NOT NULL,\n"
	"  seq INTEGER NOT NULL CHECK (seq > 0),\n"
	"  received_date TEXT NOT NULL CHECK " DATE_OK("received_date") ",\n"
	"  source TEXT CHECK (source IS NULL OR source GLOB '[123]'),\n"
	"  category TEXT CHECK (category IS NULL OR category GLOB '[0-9][0-9]'),\n"
	"  summary TEXT,\n"
	"  amount NUMERIC CHECK (amount IS NULL OR amount >= 0),\n"
	"  risk TEXT CHECK (risk IS NULL OR risk NOT GLOB '*[^12,]*'),\n"
	"  mediators TEXT,\n"
	"  outcome TEXT CHECK (outcome IS NULL OR outcome GLOB '[123]'),\n"
	"  outcome_date TEXT CHECK " DATE_OK("outcome_date") ",\n"
	"  outcome_reason TEXT,\n"
	"  agreement_form TEXT CHECK (agreement_form IS NULL OR agreement_form GLOB '[12]'),\n"
	"  agreement_date TEXT CHECK " DATE_OK("agreement_date") ",\n"
	"  facts TEXT,\n"
	"  responsibility TEXT,\n"
	"  terms TEXT,\n"
	"  performance TEXT,\n"
	"  performance_deadline TEXT CHECK " DATE_OK("performance_deadline") ",\n"
	"  copies INTEGER CHECK (copies IS NULL OR copies BETWEEN 1 AND 20),\n"
	"  confirm_applied_date TEXT CHECK " DATE_OK("confirm_applied_date") ",\n"
	"  confirm_late INTEGER CHECK (confirm_late IS NULL OR confirm_late IN (0, 1)),\n"
	"  confirm_court TEXT,\n"
	"  confirm_result TEXT CHECK (confirm_result IS NULL OR confirm_result GLOB '[123]'),\n"
	"  confirm_result_date TEXT CHECK " DATE_OK("confirm_result_date") ",\n"
	STAMPS ",\n"
	"  UNIQUE (village_id, year, seq),\n"
	"  CHECK (outcome IS NOT '1' OR agreement_form IS NOT NULL)\n"
	");\n"
	"CREATE INDEX dispute_case_received ON dispute_case(received_date);\n"
	"CREATE INDEX dispute_case_open ON dispute_case(outcome, received_date);\n"
	"CREATE TABLE dispute_party (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES dispute_case(id),\n"
	"  role TEXT NOT NULL CHECK (role GLOB '[123]'),\n"
	"  resident_id INTEGER REFERENCES resident(id),\n"
	"  name TEXT CHECK (name IS NULL OR length(name) <= 100),\n"
	"  id_number TEXT CHECK (id_number IS NULL OR length(id_number) = 18),\n"
	"  phone TEXT CHECK (phone IS NULL OR length(phone) <= 20),\n"
	"  address TEXT,\n"
	STAMPS ",\n"
	"  CHECK (resident_id IS NOT NULL OR name IS NOT NULL)\n"
	");\n"
	"CREATE INDEX dispute_party_case ON dispute_party(case_id);\n"
	"CREATE INDEX dispute_party_resident ON dispute_party(resident_id);\n"
	"CREATE TABLE dispute_session (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES dispute_case(id),\n"
	"  session_date TEXT NOT NULL CHECK " DATE_OK("session_date") ",\n"
	"  session_time TEXT CHECK (session_time IS NULL OR session_time GLOB '[0-2][0-9]:[0-5][0-9]'),\n"
	"  place TEXT,\n"
	"  participants TEXT,\n"
	"  applicant_said TEXT,\n"
	"  respondent_said TEXT,\n"
	"  result TEXT,\n"
	STAMPS
	");\n"
	"CREATE INDEX dispute_session_case ON dispute_session(case_id, session_date);\n"
	"CREATE TABLE dispute_visit (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES dispute_case(id),\n"
	"  due_date TEXT NOT NULL CHECK " DATE_OK("due_date") ",\n"
	"  done_date TEXT CHECK " DATE_OK("done_date") ",\n"
	"  performance TEXT CHECK (performance IS NULL OR performance GLOB '[123]'),\n"
	"  notes TEXT,\n"
	STAMPS
	");\n"
	"CREATE INDEX dispute_visit_case ON dispute_visit(case_id);\n"
	"CREATE INDEX dispute_visit_due ON dispute_visit(done_date, due_date);\n";

/* ---- dates ---- */


/* Whether y is a leap year of the Gregorian calendar. */
static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m of year y. */
static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

/* Parses a real YYYY-MM-DD date. */
static bool parse_date(const char *s, int *y, int *m, int *d)
{
	char tail;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", y, m, d, &tail) != 3)
		return false;
	return *y >= 1900 && *y <= 9999 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= month_days(*y, *m);
}

/* Writes YYYY-MM-DD. */
static void format_date(int y, int m, int d, char out[11])
{
	unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
	snprintf(out, 11, "%04u-%02u-%02u", uy, um, ud);
}

bool dispute_days_between(const char *from, const char *to, int *days)
{
	int y1, m1, d1, y2, m2, d2;
	if (!parse_date(from, &y1, &m1, &d1) || !parse_date(to, &y2, &m2, &d2))
		return false;
	*days = civil_to_days(y2, m2, d2) - civil_to_days(y1, m1, d1);
	return true;
}

bool dispute_add_days(const char *date, int days, char out[11])
{
	int y, m, d;
	if (!parse_date(date, &y, &m, &d))
		return false;
	civil_from_days(civil_to_days(y, m, d) + days, &y, &m, &d);
	format_date(y, m, d, out);
	return true;
}

bool dispute_add_months(const char *date, int months, char out[11])
{
	int y, m, d;
	if (!parse_date(date, &y, &m, &d))
		return false;
	int total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	format_date(y, m, d, out);
	return true;
}

bool dispute_due_date(const char *received, char out[11])
{
	return dispute_add_months(received, 1, out);
}

bool dispute_overdue(const char *received, const char *today)
{
	char due[11];
	return dispute_due_date(received, due) && strcmp(today, due) > 0;
}

bool dispute_confirm_deadline(const char *agreement_date, char out[11])
{
	return dispute_add_days(agreement_date, DISPUTE_CONFIRM_DAYS, out);
}

bool dispute_confirm_days_left(const char *agreement_date, const char *today, int *left)
{
	char deadline[11];
	return dispute_confirm_deadline(agreement_date, deadline) &&
	       dispute_days_between(today, deadline, left);
}

/* ---- helpers ---- */

const char *dispute_field(const struct store_field *f, size_t n, const char *column)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].column && strcmp(f[i].column, column) == 0)
			return f[i].value && *f[i].value ? f[i].value : NULL;
	return NULL;
}

/* Sets *err to a translated message (printf-style) and returns -1. */
static int refuse(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(char **err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		*err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The count a query with one bound id gives. */
static int64_t row_count(struct store *st, const char *sql, int64_t id)
{
	char *v = rowset_value(st, sql, "l", id);
	int64_t n = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return n;
}

/* A copy of f with room for extra more columns. Caller frees the array (not the strings). */
static struct store_field *fields_plus(const struct store_field *f, size_t n, size_t extra)
{
	struct store_field *all = xcalloc(n + extra + 1, sizeof *all);
	memcpy(all, f, n * sizeof *f);
	return all;
}

/* ---- cases ---- */

/* The committee's short name for the number: the village's name and 调 (村调委). */
static char *committee_of(struct store *st, int64_t village_id, char **code)
{
	*code = rowset_value(st, "SELECT code FROM village WHERE id = ?1", "l", village_id);
	return village_name(st, village_id);
}

int dispute_case_create(struct store *st, int64_t village_id, const struct store_field *f,
			size_t n, int64_t *id, char **err)
{
	const char *received = dispute_field(f, n, "received_date");
	int y, m, d;
	if (!parse_date(received, &y, &m, &d))
		return refuse(err, "%s", _("A case needs the date it was received."));
	char *code = NULL, *village = committee_of(st, village_id, &code);
	if (!village || !code) {
		free(village);
		free(code);
		return refuse(err, _("village %lld is not in the register"), (long long)village_id);
	}
	if (store_begin(st, err) != 0) {
		free(village);
		free(code);
		return -1;
	}
	char *next = rowset_value(st, "SELECT coalesce(max(seq), 0) + 1 FROM dispute_case"
				  " WHERE village_id = ?1 AND year = ?2", "li", village_id, y);
	int64_t seq = next ? strtoll(next, NULL, 10) : 1;
	free(next);
	char *key = xasprintf("%s-%04d-%04lld", code, y, (long long)seq);
	/* 龙井村调〔2026〕第7号: the committee, the year in 〔〕, the sequence */
	char *no = xasprintf("%s\xe8\xb0\x83\xe3\x80\x94%04d\xe3\x80\x95\xe7\xac\xac%lld\xe5\x8f\xb7",
			     village, y, (long long)seq);
	char *vid = xasprintf("%lld", (long long)village_id);
	char *year = xasprintf("%d", y), *seqs = xasprintf("%lld", (long long)seq);
	struct store_field *all = fields_plus(f, n, 5);
	size_t k = n;
	all[k++] = (struct store_field){ "case_key", key };
	all[k++] = (struct store_field){ "case_no", no };
	all[k++] = (struct store_field){ "village_id", vid };
	all[k++] = (struct store_field){ "year", year };
	all[k++] = (struct store_field){ "seq", seqs };
	int rc = store_insert(st, "dispute_case", all, k, id, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	free(all);
	free(key);
	free(no);
	free(vid);
	free(year);
	free(seqs);
	free(village);
	free(code);
	return rc;
}

/* Columns the case form may not write: the number and what other steps record. */
static bool case_column_protected(const char *c)
{
	static const char *const prot[] = {
		"case_key", "case_no", "village_id", "year", "seq", "outcome", "agreement_form",
		"confirm_applied_date", "confirm_late", "confirm_result",
	};
	for (size_t i = 0; i < ARRAY_LEN(prot); i++)
		if (strcmp(c, prot[i]) == 0)
			return true;
	return false;
}

int dispute_case_update(struct store *st, int64_t id, const struct store_field *f, size_t n,
			char **err)
{
	struct store_field *mine = xcalloc(n + 1, sizeof *mine);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (f[i].column && !case_column_protected(f[i].column))
			mine[k++] = f[i];
	const char *received = dispute_field(f, n, "received_date");
	int y, m, d;
	int rc;
	if (received && !parse_date(received, &y, &m, &d))
		rc = refuse(err, "%s", _("A case needs the date it was received."));
	else
		rc = store_update(st, "dispute_case", id, mine, k, NULL, err);
	free(mine);
	return rc;
}

int dispute_party_save(struct store *st, int64_t case_id, int64_t *id,
		       const struct store_field *f, size_t n, char **err)
{
	const char *resident = dispute_field(f, n, "resident_id");
	const char *name = dispute_field(f, n, "name");
	const char *idn = dispute_field(f, n, "id_number");
	if (!dispute_field(f, n, "role"))
		return refuse(err, "%s", _("A party is an applicant, a respondent or a third party: say which."));
	if (!resident && !name)
		return refuse(err, "%s", _("A party is a resident picked from the register or a person with a name."));
	struct idcard card;
	char *normal = NULL;
	if (!resident && idn) {
		enum idcard_status s = idcard_parse(idn, &card);
		if (s != IDCARD_OK) {
			char *why = idcard_message(s, &card);
			int rc = refuse(err, _("ID number of %s: %s"), name, why);
			free(why);
			return rc;
		}
		normal = card.number;
	}
	struct store_field *all = fields_plus(f, n, 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!f[i].column || strcmp(f[i].column, "case_id") == 0)
			continue;
		all[k] = f[i];
		/* a resident's particulars are the register's, never copied */
		if (resident && strcmp(f[i].column, "resident_id") != 0 && strcmp(f[i].column, "role") != 0 &&
		    strcmp(f[i].column, "form_version") != 0)
			all[k].value = NULL;
		if (normal && strcmp(f[i].column, "id_number") == 0)
			all[k].value = normal;
		k++;
	}
	int rc;
	if (*id == 0) {
		char *cid = xasprintf("%lld", (long long)case_id);
		all[k++] = (struct store_field){ "case_id", cid };
		rc = store_insert(st, "dispute_party", all, k, id, err);
		free(cid);
	} else {
		rc = store_update(st, "dispute_party", *id, all, k, NULL, err);
	}
	free(all);
	return rc;
}

/* Inserts (with case_id) or updates a row of a table that belongs to a case. */
static int save_child(struct store *st, const char *table, int64_t case_id, int64_t *id,
		      const struct store_field *f, size_t n, char **err)
{
	struct store_field *all = fields_plus(f, n, 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (f[i].column && strcmp(f[i].column, "case_id") != 0)
			all[k++] = f[i];
	int rc;
	if (*id == 0) {
		char *cid = xasprintf("%lld", (long long)case_id);
		all[k++] = (struct store_field){ "case_id", cid };
		rc = store_insert(st, table, all, k, id, err);
		free(cid);
	} else {
		rc = store_update(st, table, *id, all, k, NULL, err);
	}
	free(all);
	return rc;
}

int dispute_session_save(struct store *st, int64_t case_id, int64_t *id,
			 const struct store_field *f, size_t n, char **err)
{
	const char *date = dispute_field(f, n, "session_date");
	int y, m, d;
	if (!parse_date(date, &y, &m, &d))
		return refuse(err, "%s", _("A session record needs its date."));
	char *received = rowset_value(st, "SELECT received_date FROM dispute_case WHERE id = ?1", "l", case_id);
	bool early = received && strcmp(date, received) < 0;
	int rc = early ? refuse(err, _("The session (%s) cannot be before the case was received (%s)."), date, received)
		       : save_child(st, "dispute_session", case_id, id, f, n, err);
	free(received);
	return rc;
}

/* Number of parties of a case. */
static int party_count(struct store *st, int64_t case_id)
{
	return (int)row_count(st, "SELECT count(*) FROM dispute_party WHERE case_id = ?1", case_id);
}

/* The outcome's record as dispute_outcome.form holds it, from the fields given; the
 * form's own check of it (what is required, which fields belong to the outcome: the
 * others are emptied) in *why, translated, or NULL. */
static bool outcome_record(struct store *st, const struct store_field *f, size_t n, struct form_data *d,
			   char **why)
{
	const struct form_def *def = form_get(form_registry_default(), "dispute_outcome");
	if (!def) {
		*why = xstrdup(_("The outcome form definition (dispute_outcome.form) is missing."));
		return false;
	}
	form_data_init(d, def);
	for (size_t i = 0; i < def->nfields; i++)
		form_data_set(d, i, dispute_field(f, n, def->fields[i].name));
	*why = form_record_refusal(def, store_db(st), d);
	return true;
}

/* Why an outcome cannot be recorded beyond what its form says (translated, caller
 * frees), or NULL: the parties and the dates, which the form does not know. */
static char *outcome_refusal(struct store *st, int64_t case_id, const struct form_data *d)
{
	const char *outcome = form_data_value(d, "outcome");
	const char *date = form_data_value(d, "outcome_date");
	const char *agreed = form_data_value(d, "agreement_date");
	const char *deadline = form_data_value(d, "performance_deadline");
	if (party_count(st, case_id) < 2)
		return xstrdup(_("A case has at least two parties: add them before the outcome."));
	char *received = rowset_value(st, "SELECT received_date FROM dispute_case WHERE id = ?1", "l", case_id);
	bool early = received && strcmp(date, received) < 0;
	bool agreed_early = received && agreed && strcmp(agreed, received) < 0;
	free(received);
	if (early)
		return xstrdup(_("The outcome cannot be dated before the case was received."));
	if (strcmp(outcome, DISPUTE_SUCCESS) == 0 && agreed_early)
		return xstrdup(_("The agreement cannot be dated before the case was received."));
	if (strcmp(outcome, DISPUTE_SUCCESS) == 0 && agreed && strcmp(agreed, date) > 0)
		return xstrdup(_("The agreement cannot be dated after the outcome."));
	if (deadline && strcmp(deadline, agreed ? agreed : date) < 0)
		return xstrdup(_("The time limit of performance cannot be before the agreement."));
	return NULL;
}

/* A settled case's first follow-up visit on performance: due on the time limit of a
 * written agreement, or DISPUTE_ORAL_VISIT_DAYS after an oral one. Nothing when the
 * case has a visit already. */
static int schedule_visit(struct store *st, int64_t case_id, const char *from, bool oral, char **err)
{
	char due[11];
	if (row_count(st, "SELECT count(*) FROM dispute_visit WHERE case_id = ?1", case_id) > 0 ||
	    !dispute_add_days(from, oral ? DISPUTE_ORAL_VISIT_DAYS : 0, due))
		return 0;
	char *cid = xasprintf("%lld", (long long)case_id);
	struct store_field v[] = { { "case_id", cid }, { "due_date", due }, { "form_version", "1" } };
	int64_t id;
	int rc = store_insert(st, "dispute_visit", v, ARRAY_LEN(v), &id, err);
	free(cid);
	return rc;
}

int dispute_outcome_save(struct store *st, int64_t case_id, const struct store_field *f,
			 size_t n, char **err)
{
	struct form_data d = { 0 };
	char *why = NULL;
	bool reopen = !dispute_field(f, n, "outcome");   /* back to open: every field emptied */
	if (outcome_record(st, f, n, &d, &why) && reopen) {
		free(why);
		why = NULL;
		for (size_t i = 0; i < d.def->nfields; i++)
			form_data_set(&d, i, NULL);
	} else if (!why) {
		why = outcome_refusal(st, case_id, &d);
	}
	if (why) {
		if (err)
			*err = why;
		else
			free(why);
		form_data_free(&d);
		return -1;
	}
	const char *outcome = form_data_value(&d, "outcome");
	bool success = outcome && strcmp(outcome, DISPUTE_SUCCESS) == 0;
	bool written = success && strcmp(form_data_value(&d, "agreement_form"), DISPUTE_WRITTEN) == 0;
	if (success && !form_data_value(&d, "agreement_date"))   /* agreed on the day of the outcome */
		form_data_set(&d, (size_t)form_field_index(d.def, "agreement_date"), form_data_value(&d, "outcome_date"));
	/* the form's fields, those that do not belong to this outcome emptied */
	struct store_field *out = xcalloc(d.def->nfields + 1, sizeof *out);
	size_t k = 0;
	for (size_t i = 0; i < d.def->nfields; i++)
		if (d.def->fields[i].column)
			out[k++] = (struct store_field){ d.def->fields[i].name, form_data_value(&d, d.def->fields[i].name) };
	int rc = store_begin(st, err);
	if (rc == 0 && (store_update(st, "dispute_case", case_id, out, k, NULL, err) != 0 ||
			(success && schedule_visit(st, case_id, written ? form_data_value(&d, "performance_deadline")
									: form_data_value(&d, "outcome_date"), !written, err) != 0))) {
		store_rollback(st);
		rc = -1;
	}
	if (rc == 0)
		rc = store_commit(st, err);
	free(out);
	form_data_free(&d);
	return rc;
}

int dispute_confirm_save(struct store *st, int64_t case_id, const struct store_field *f,
			 size_t n, bool late_confirmed, char **err)
{
	char *form = rowset_value(st, "SELECT agreement_form FROM dispute_case WHERE id = ?1 AND outcome = '1'", "l", case_id);
	char *agreed = rowset_value(st, "SELECT agreement_date FROM dispute_case WHERE id = ?1", "l", case_id);
	const char *applied = dispute_field(f, n, "confirm_applied_date");
	const char *result = dispute_field(f, n, "confirm_result");
	const char *result_date = dispute_field(f, n, "confirm_result_date");
	int rc = 0, late = 0;
	int y, m, d;
	if (!form || strcmp(form, DISPUTE_WRITTEN) != 0 || !agreed)
		rc = refuse(err, "%s", _("Judicial confirmation is applied for on a written agreement: record it first."));
	else if (applied && !parse_date(applied, &y, &m, &d))
		rc = refuse(err, "%s", _("The date of the application is not a date."));
	else if (applied && strcmp(applied, agreed) < 0)
		rc = refuse(err, "%s", _("The application cannot be dated before the agreement."));
	else if ((result || result_date) && !applied)
		rc = refuse(err, "%s", _("A result needs the application it answers: record the application's date."));
	else if (result_date && strcmp(result_date, applied) < 0)
		rc = refuse(err, "%s", _("The result cannot be dated before the application."));
	if (rc == 0 && applied) {
		int left = 0;
		dispute_confirm_days_left(agreed, applied, &left);
		late = left < 0;
		if (late && !late_confirmed)
			rc = refuse(err, _("The application is %d day(s) after the 30-day window closed: the court may refuse it. Confirm to record it anyway."),
				    -left);
	}
	if (rc == 0) {
		struct store_field out[] = {
			{ "confirm_applied_date", applied },
			{ "confirm_court", applied ? dispute_field(f, n, "confirm_court") : NULL },
			{ "confirm_result", result },
			{ "confirm_result_date", result_date },
			{ "confirm_late", applied ? (late ? "1" : "0") : NULL },
		};
		rc = store_update(st, "dispute_case", case_id, out, ARRAY_LEN(out), NULL, err);
	}
	free(form);
	free(agreed);
	return rc;
}

int dispute_visit_save(struct store *st, int64_t case_id, int64_t *id,
		       const struct store_field *f, size_t n, char **err)
{
	const char *due = dispute_field(f, n, "due_date");
	const char *done = dispute_field(f, n, "done_date");
	int y, m, d;
	if (!parse_date(due, &y, &m, &d))
		return refuse(err, "%s", _("A follow-up visit needs the day it is due."));
	if (done && !dispute_field(f, n, "performance"))
		return refuse(err, "%s", _("A visit made records how the agreement is being performed."));
	if (!done && dispute_field(f, n, "performance"))
		return refuse(err, "%s", _("Record the day of the visit with what it found."));
	return save_child(st, "dispute_visit", case_id, id, f, n, err);
}

int64_t dispute_find(struct store *st, const char *key)
{
	if (!key || !*key)
		return 0;
	char *v = rowset_value(st, "SELECT id FROM dispute_case WHERE case_key = ?1 OR case_no = ?1"
			       " OR (?1 NOT GLOB '*[^0-9]*' AND id = CAST(?1 AS INTEGER))", "t", key);
	int64_t id = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return id;
}

/* ---- what the screens show ---- */

int dispute_case_list(struct store *st, const char *query, size_t offset, size_t limit,
		      struct rowset *out, char **err)
{
	return dispute_case_list_in(st, query, 0, offset, limit, out, err);
}

int dispute_case_list_in(struct store *st, const char *query, int64_t village, size_t offset, size_t limit,
			 struct rowset *out, char **err)
{
	return rowset_select(st, out, err,
		"SELECT c.id, c.case_no, c.received_date, c.category, c.outcome,"
		" (SELECT group_concat(coalesce(r.name, p.name), ' ') FROM dispute_party p"
		"  LEFT JOIN resident r ON r.id = p.resident_id WHERE p.case_id = c.id)"
		" FROM dispute_case c WHERE (?1 = '' OR instr(c.case_no, ?1) > 0 OR instr(c.summary, ?1) > 0"
		" OR EXISTS (SELECT 1 FROM dispute_party p LEFT JOIN resident r ON r.id = p.resident_id"
		"  WHERE p.case_id = c.id AND instr(coalesce(r.name, p.name), ?1) > 0))"
		" AND (?4 = 0 OR c.village_id = ?4)"
		" ORDER BY c.outcome IS NOT NULL, CASE WHEN c.outcome IS NULL THEN c.received_date END,"
		" c.received_date DESC, c.id DESC LIMIT ?2 OFFSET ?3",
		"tlll", query ? query : "", (int64_t)limit, (int64_t)offset, village);
}

int dispute_work_list(struct store *st, enum dispute_work kind, const char *today, struct rowset *out,
		      char **err)
{
	return dispute_work_list_in(st, kind, today, 0, out, err);
}

int dispute_work_list_in(struct store *st, enum dispute_work kind, const char *today, int64_t village,
			 struct rowset *out, char **err)
{
	static const char *const sql[] = {
		[DISPUTE_WORK_OPEN] = "SELECT c.id, c.case_no, c.received_date, c.summary FROM dispute_case c"
			" WHERE c.outcome IS NULL AND ?1 IS NOT NULL AND (?2 = 0 OR c.village_id = ?2) ORDER BY c.received_date, c.id",
		[DISPUTE_WORK_VISIT] = "SELECT c.id, c.case_no, v.due_date, NULL FROM dispute_visit v"
			" JOIN dispute_case c ON c.id = v.case_id"
			" WHERE v.done_date IS NULL AND v.due_date <= ?1 AND (?2 = 0 OR c.village_id = ?2) ORDER BY v.due_date, v.id",
		[DISPUTE_WORK_CONFIRM] = "SELECT c.id, c.case_no, c.agreement_date, NULL FROM dispute_case c"
			" WHERE c.outcome = '1' AND c.agreement_form = '2' AND c.confirm_applied_date IS NULL"
			" AND (?2 = 0 OR c.village_id = ?2)"
			" AND c.agreement_date >= date(?1, '-31 days') ORDER BY c.agreement_date, c.id",
	};
	return rowset_select(st, out, err, sql[kind], "tl", today, village);
}

int dispute_case_details(struct store *st, int64_t id, struct rowset *out, char **err)
{
	return rowset_select(st, out, err,
		"SELECT case_no, received_date, source, category, summary, amount, risk, mediators, outcome,"
		" outcome_date, outcome_reason, agreement_form, agreement_date, performance_deadline,"
		" confirm_applied_date, confirm_result, confirm_late FROM dispute_case WHERE id = ?1", "l", id);
}

int dispute_case_parties(struct store *st, int64_t case_id, struct rowset *out, char **err)
{
	return rowset_select(st, out, err,
		"SELECT p.id, p.role, coalesce(r.name, p.name), p.resident_id IS NOT NULL, coalesce(r.phone, p.phone)"
		" FROM dispute_party p LEFT JOIN resident r ON r.id = p.resident_id WHERE p.case_id = ?1"
		" ORDER BY p.role, p.id", "l", case_id);
}

int dispute_case_sessions(struct store *st, int64_t case_id, struct rowset *out, char **err)
{
	return rowset_select(st, out, err, "SELECT id, session_date, session_time, place, result"
			     " FROM dispute_session WHERE case_id = ?1 ORDER BY session_date, session_time, id",
			     "l", case_id);
}

int dispute_case_visits(struct store *st, int64_t case_id, struct rowset *out, char **err)
{
	return rowset_select(st, out, err, "SELECT id, due_date, done_date, performance, notes"
			     " FROM dispute_visit WHERE case_id = ?1 ORDER BY due_date, id", "l", case_id);
}

char *dispute_agreement_date(struct store *st, int64_t case_id)
{
	return rowset_value(st, "SELECT agreement_date FROM dispute_case WHERE id = ?1", "l", case_id);
}

bool dispute_case_written(struct store *st, int64_t case_id)
{
	char *v = rowset_value(st, "SELECT 1 FROM dispute_case WHERE id = ?1 AND outcome = '1'"
			       " AND agreement_form = '" DISPUTE_WRITTEN "'", "l", case_id);
	free(v);
	return v != NULL;
}

int dispute_mediators(struct store *st, const char *query, size_t offset, size_t limit,
		      struct rowset *out, char **err)
{
	return rowset_select(st, out, err,
		"SELECT id, coalesce(nullif(name, ''), login), login, role FROM operator"
		" WHERE role IN ('mediator', 'admin') AND disabled = 0"
		"  AND (?1 = '' OR instr(coalesce(name, ''), ?1) > 0 OR instr(login, ?1) > 0)"
		" ORDER BY role = 'admin', login LIMIT ?2 OFFSET ?3",
		"tll", query ? query : "", (int64_t)limit, (int64_t)offset);
}

char *dispute_resident_text(struct store *st, int64_t resident_id)
{
	return rowset_value(st, "SELECT r.name || ' ' || coalesce(h.hh_no, '') || ' ' || coalesce(h.address, '')"
			    " FROM resident r LEFT JOIN household h ON h.id = r.household_id WHERE r.id = ?1",
			    "l", resident_id);
}

char *dispute_resident_name(struct store *st, int64_t resident_id)
{
	return rowset_value(st, "SELECT name FROM resident WHERE id = ?1", "l", resident_id);
}

/* ---- statistics ---- */

/* The twelve months of year as rows of no cases, so a yearly report shows the quiet
 * months too (a gap in the table reads as a missing month, not as a calm one). */
static void stats_all_months(struct dispute_stats *out, int year)
{
	out->rows = xcalloc(12, sizeof *out->rows);
	for (int m = 1; m <= 12; m++)
		out->rows[m - 1].label = xasprintf("%04d-%02d", year % 10000, m);
	out->n = 12;
}

/* The row labelled label: one of the months laid out beforehand, else a new one. */
static struct dispute_stats_row *stats_row_for(struct dispute_stats *out, const char *label)
{
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->rows[i].label, label) == 0)
			return &out->rows[i];
	out->rows = xrealloc(out->rows, (out->n + 1) * sizeof *out->rows);
	struct dispute_stats_row *r = &out->rows[out->n++];
	memset(r, 0, sizeof *r);
	r->label = xstrdup(label);
	return r;
}

int dispute_stats_get(struct store *st, int year, enum dispute_stats_by by,
		      struct dispute_stats *out, char **err)
{
	return dispute_stats_get_in(st, year, 0, by, out, err);
}

int dispute_stats_get_in(struct store *st, int year, int64_t village, enum dispute_stats_by by,
			 struct dispute_stats *out, char **err)
{
	static const char *const group[] = {
		[DISPUTE_BY_MONTH] = "substr(c.received_date, 1, 7)",
		[DISPUTE_BY_VILLAGE] = "v.name",
		[DISPUTE_BY_CATEGORY] = "coalesce(c.category, '15')",
	};
	char *sql = xasprintf(
		"SELECT %s, count(*), count(c.outcome), sum(c.outcome = '1'), total(c.amount),"
		" sum(c.outcome = '1' AND instr(',' || coalesce(c.risk, '') || ',', ',1,') > 0)"
		" FROM dispute_case c JOIN village v ON v.id = c.village_id"
		" WHERE c.year = ?1 AND (?2 = 0 OR c.village_id = ?2) GROUP BY 1 ORDER BY %s", group[by],
		by == DISPUTE_BY_VILLAGE ? "min(v.code)" : "1");
	sqlite3_stmt *stmt;
	memset(out, 0, sizeof *out);
	out->total.label = xstrdup(_("Total"));
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
		free(sql);
		return refuse(err, "%s", sqlite3_errmsg(store_db(st)));
	}
	free(sql);
	sqlite3_bind_int(stmt, 1, year);
	sqlite3_bind_int64(stmt, 2, village);
	if (by == DISPUTE_BY_MONTH)
		stats_all_months(out, year);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *label = (const char *)sqlite3_column_text(stmt, 0);
		struct dispute_stats_row *r = stats_row_for(out, label ? label : "");
		r->cases = sqlite3_column_int(stmt, 1);
		r->concluded = sqlite3_column_int(stmt, 2);
		r->success = sqlite3_column_int(stmt, 3);
		r->amount = sqlite3_column_double(stmt, 4);
		r->kept_criminal = sqlite3_column_int(stmt, 5);
		out->total.cases += r->cases;
		out->total.concluded += r->concluded;
		out->total.success += r->success;
		out->total.amount += r->amount;
		out->total.kept_criminal += r->kept_criminal;
	}
	sqlite3_finalize(stmt);
	return 0;
}

void dispute_stats_free(struct dispute_stats *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->rows[i].label);
	free(s->rows);
	free(s->total.label);
	memset(s, 0, sizeof *s);
}

double dispute_success_rate(const struct dispute_stats_row *r)
{
	return r->concluded ? 100.0 * r->success / r->concluded : 0.0;
}

/* ---- the statistics view's figures ---- */

/* The year's totals: cases, closed, settled, the amount and the cases kept civil. */
static void sheet_summary(struct statsheet *out, const struct dispute_stats *s)
{
	statsheet_say(out, xasprintf(_("Total: %d cases, %d closed, %d settled (%.1f%%)"), s->total.cases,
				     s->total.concluded, s->total.success, dispute_success_rate(&s->total)));
	statsheet_say(out, xasprintf(_("%.2f yuan in dispute; %d kept from turning criminal"), s->total.amount,
				     s->total.kept_criminal));
}

int dispute_stats_sheet(const struct statsheet_query *q, struct statsheet *out, char **err)
{
	struct dispute_stats s;
	enum dispute_stats_by by = q->grouping <= DISPUTE_BY_CATEGORY ? (enum dispute_stats_by)q->grouping : DISPUTE_BY_MONTH;
	if (dispute_stats_get_in(q->st, atoi(q->period), q->village, by, &s, err) != 0)
		return -1;
	sheet_summary(out, &s);
	const struct codelist *categories = q->forms ? form_codelist(q->forms, "dispute_category") : NULL;
	for (size_t i = 0; i < s.n; i++) {
		const struct dispute_stats_row *r = &s.rows[i];
		const char *label = by == DISPUTE_BY_CATEGORY && categories ? codelist_label(categories, r->label) : NULL;
		char c[5][32];
		snprintf(c[0], 32, "%d", r->cases);
		snprintf(c[1], 32, "%d", r->concluded);
		snprintf(c[2], 32, "%d", r->success);
		snprintf(c[3], 32, "%.1f%%", dispute_success_rate(r));
		snprintf(c[4], 32, "%.2f", r->amount);
		/* a quiet month shows just its 0; a busy one its success rate */
		char *note = r->concluded ? xasprintf(_("%.1f%% settled"), dispute_success_rate(r))
			     : xstrdup(r->cases ? _("none closed") : "");
		const char *cells[] = { c[0], c[1], c[2], r->concluded ? c[3] : "-", c[4] };
		statsheet_add(out, label ? label : r->label, cells, 5, r->cases, note);
		free(note);
	}
	dispute_stats_free(&s);
	return 0;
}
