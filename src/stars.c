/* stars: rounds, scores, results, the notice list, statistics, the demo rounds and
 * the subcommands of the 星级文明户 (see stars.h). */
#include "stars.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "i18n.h"
#include "paths.h"
#include "printout.h"
#include "rowset.h"
#include "statsheet.h"
#include "store.h"
#include "util.h"
#include "xlsx.h"

#define STARS_DATE_OK(col) "(" col " IS NULL OR (" col " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'" \
	" AND date(" col ") IS " col "))"
/* A write to a final round's scores is refused by the database itself. */
#define STARS_LOCK(tbl, op, row) \
	"CREATE TRIGGER " tbl "_lock_" op " BEFORE " op " ON " tbl \
	" WHEN (SELECT stage FROM star_round WHERE id = " row ".round_id) = 'final' BEGIN\n" \
	"  SELECT RAISE(ABORT, 'the round is final: its scores are locked');\nEND;\n"

const char stars_schema_v1[] =
	"CREATE TABLE star_round (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  village_id INTEGER NOT NULL REFERENCES village(id),\n"
	"  year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),\n"
	"  rubric TEXT NOT NULL,\n"
	"  rubric_version INTEGER NOT NULL,\n"
	"  rubric_sum TEXT NOT NULL,\n"
	"  stage TEXT NOT NULL DEFAULT 'self' CHECK (stage IN ('self', 'review', 'check', 'notice', 'final')),\n"
	"  notice_days INTEGER NOT NULL DEFAULT 7 CHECK (notice_days BETWEEN 1 AND 90),\n"
	"  notice_start TEXT CHECK " STARS_DATE_OK("notice_start") ",\n"
	"  final_date TEXT CHECK " STARS_DATE_OK("final_date") ",\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  UNIQUE (village_id, year)\n"
	");\n"
	"CREATE TABLE star_household (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  round_id INTEGER NOT NULL REFERENCES star_round(id),\n"
	"  household_id INTEGER NOT NULL REFERENCES household(id),\n"
	"  disqualified TEXT,\n"
	"  note TEXT,\n"
	"  earned TEXT,\n"
	"  stars INTEGER NOT NULL DEFAULT 0,\n"
	"  points INTEGER NOT NULL DEFAULT 0,\n"
	"  level INTEGER NOT NULL DEFAULT 0,\n"
	"  complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  UNIQUE (round_id, household_id)\n"
	");\n"
	"CREATE INDEX star_household_household ON star_household(household_id);\n"
	"CREATE TABLE star_score (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  round_id INTEGER NOT NULL REFERENCES star_round(id),\n"
	"  household_id INTEGER NOT NULL REFERENCES household(id),\n"
	"  star TEXT NOT NULL,\n"
	"  value INTEGER CHECK (value IS NULL OR value >= 0),\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  UNIQUE (round_id, household_id, star)\n"
	");\n"
	STARS_LOCK("star_score", "INSERT", "NEW")
	STARS_LOCK("star_score", "UPDATE", "OLD")
	STARS_LOCK("star_household", "INSERT", "NEW")
	STARS_LOCK("star_household", "UPDATE", "OLD")
	"CREATE TRIGGER star_round_final BEFORE UPDATE ON star_round WHEN OLD.stage = 'final' BEGIN\n"
	"  SELECT RAISE(ABORT, 'the round is final: it does not change any more');\n"
	"END;\n";

static const char *const stage_codes[] = { "self", "review", "check", "notice", "final" };
static const char *const stage_labels[] = {
	N_("Self-assessment"), N_("Representatives' review"), N_("Committee check"),
	N_("Public notice"), N_("Final"),
};
_Static_assert(sizeof stage_codes / sizeof *stage_codes == STARS_STAGE_COUNT, "a code per stage");
_Static_assert(sizeof stage_labels / sizeof *stage_labels == STARS_STAGE_COUNT, "a label per stage");

const char *stars_stage_code(enum stars_stage s)
{
	return s < STARS_STAGE_COUNT ? stage_codes[s] : "";
}

const char *stars_stage_label(enum stars_stage s)
{
	return s < STARS_STAGE_COUNT ? _(stage_labels[s]) : "";
}

int stars_stage_parse(const char *code)
{
	for (int i = 0; code && i < STARS_STAGE_COUNT; i++)
		if (strcmp(code, stage_codes[i]) == 0)
			return i;
	return -1;
}

/* ---- computation ---- */

void stars_compute(const struct rubric *r, const int *values, const bool *dq,
		   struct stars_result *out)
{
	size_t n = r->nstars ? r->nstars : 1;
	*out = (struct stars_result){ .earned = xcalloc(n, sizeof(bool)),
				      .withheld = xcalloc(n, sizeof(bool)), .complete = true };
	for (size_t d = 0; dq && d < r->ndisq; d++) {
		if (!dq[d])
			continue;
		out->disqualified = true;
		for (size_t s = 0; s < r->nstars; s++)
			if (r->disq[d].all || r->disq[d].withholds[s])
				out->withheld[s] = true;
	}
	for (size_t s = 0; s < r->nstars; s++) {
		int v = values[s];
		if (v == STARS_UNSCORED) {
			out->complete = false;
			continue;
		}
		if (out->withheld[s])
			continue;
		out->points += v;
		if (v >= r->stars[s].threshold) {
			out->earned[s] = true;
			out->nearned++;
		}
	}
	int basis = r->basis == RUBRIC_BY_POINTS ? out->points : out->nearned;
	if (!r->nlevels) {
		out->level = out->nearned;
		return;
	}
	for (size_t i = 0; i < r->nlevels; i++)
		if (basis >= r->levels[i].min)
			out->level = r->levels[i].level;
}

void stars_result_free(struct stars_result *res)
{
	free(res->earned);
	free(res->withheld);
	res->earned = res->withheld = NULL;
}

/* Why one star was or was not earned, as one line. */
static void explain_star(struct strbuf *sb, const struct rubric *r, size_t s, int v,
			 const struct stars_result *res, const bool *dq)
{
	const struct rubric_star *st = &r->stars[s];
	sb_appendf(sb, "[%s] %s: ", res->earned[s] ? "+" : " ", _(st->name));
	if (v == STARS_UNSCORED) {
		sb_append(sb, _("not scored yet"));
	} else if (res->withheld[s]) {
		for (size_t d = 0; dq && d < r->ndisq; d++)
			if (dq[d] && (r->disq[d].all || r->disq[d].withholds[s])) {
				sb_appendf(sb, _("withheld this year: %s"), _(r->disq[d].name));
				break;
			}
	} else if (st->scoring == RUBRIC_PASS) {
		sb_append(sb, v ? _("passed: earned") : _("not passed: not earned"));
	} else {
		sb_appendf(sb, res->earned[s] ? _("%d of %d points, %d earn the star: earned")
					      : _("%d of %d points, %d earn the star: not earned"),
			   v, st->max, st->threshold);
	}
	sb_append(sb, "\n");
	if (st->earns)
		sb_appendf(sb, "    %s\n", _(st->earns));
}

/* How the stars (or points) make the level, as the closing lines. */
static void explain_level(struct strbuf *sb, const struct rubric *r, const struct stars_result *res)
{
	sb_appendf(sb, _("Stars earned: %d of %zu."), res->nearned, r->nstars);
	if (r->basis == RUBRIC_BY_POINTS) {
		sb_append(sb, " ");
		sb_appendf(sb, _("Points: %d."), res->points);
	}
	sb_append(sb, "\n");
	char *name = rubric_level_name(r, res->level);
	const char *basis = r->basis == RUBRIC_BY_POINTS ? _("points") : _("stars");
	int need = -1;
	for (size_t i = 0; i < r->nlevels; i++)
		if (r->levels[i].level == res->level)
			need = r->levels[i].min;
	if (res->level > 0 && need >= 0)
		sb_appendf(sb, _("Level: %s (it needs %d %s)."), name, need, basis);
	else if (res->level > 0)
		sb_appendf(sb, _("Level: %s (one level per star earned)."), name);
	else if (r->nlevels)
		sb_appendf(sb, _("No level: the lowest level needs %d %s."), r->levels[0].min, basis);
	else
		sb_append(sb, _("No level: no star earned."));
	sb_append(sb, "\n");
	if (!res->complete)
		sb_appendf(sb, "%s\n", _("Some stars are not scored yet: the result may still change."));
	free(name);
}

char *stars_explain(const struct rubric *r, const int *values, const bool *dq)
{
	struct stars_result res;
	struct strbuf sb = { 0 };
	stars_compute(r, values, dq, &res);
	for (size_t d = 0; dq && d < r->ndisq; d++)
		if (dq[d])
			sb_appendf(&sb, _("Disqualified: %s (withholds %s).\n"), _(r->disq[d].name),
				   r->disq[d].all ? _("every star") : _("some stars"));
	explain_level(&sb, r, &res);
	sb_append(&sb, "\n");
	for (size_t s = 0; s < r->nstars; s++)
		explain_star(&sb, r, s, values[s], &res, dq);
	stars_result_free(&res);
	return sb_take(&sb);
}

char *stars_points_text(struct store *st, int64_t household_id)
{
	/* the register is declared, not built in: no table, no points */
	char *has = rowset_value(st, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
				 " AND name = 'ledger_practice_points'", "");
	if (!has)
		return NULL;
	free(has);
	struct rowset r = { 0 };
	char *text = NULL;
	if (rowset_select(st, &r, NULL, "SELECT sum(CASE WHEN source <> '9' THEN points ELSE 0 END),"
			  " sum(CASE WHEN source = '9' THEN points ELSE 0 END), count(*)"
			  " FROM ledger_practice_points WHERE household_id = ?1", "l", household_id) == 0 &&
	    r.n) {
		long long earned = rowset_int(&r, 0, 0), spent = rowset_int(&r, 0, 1);
		text = xasprintf(_("Civilisation points: balance %lld (earned %lld, redeemed %lld)."),
				 earned - spent, earned, spent);
	}
	rowset_free(&r);
	return text;
}

bool stars_parse_value(const struct rubric_star *s, const char *text, int *value)
{
	if (!text || !*text)
		return false;
	if (strcmp(text, "+") == 0) {
		*value = s->max;
		return true;
	}
	if (strcmp(text, "-") == 0) {
		*value = 0;
		return true;
	}
	if (s->scoring == RUBRIC_PASS && (strcmp(text, "y") == 0 || strcmp(text, "Y") == 0)) {
		*value = 1;
		return true;
	}
	if (s->scoring == RUBRIC_PASS && (strcmp(text, "n") == 0 || strcmp(text, "N") == 0)) {
		*value = 0;
		return true;
	}
	if (strspn(text, "0123456789") != strlen(text) || strlen(text) > 4)
		return false;
	int v = atoi(text);
	if (v > s->max)
		return false;
	*value = v;
	return true;
}

char *stars_value_text(const struct rubric_star *s, int value)
{
	if (value == STARS_UNSCORED)
		return xstrdup(".");
	if (s->scoring == RUBRIC_PASS)
		return xstrdup(value ? "+" : "-");
	return xasprintf("%d", value);
}

/* ---- small SQL helpers ---- */

/* Text of column i, "" when NULL. */
static const char *col(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? (const char *)s : "";
}

/* Prepares sql; NULL with *err naming the failure. */
static sqlite3_stmt *prep(struct store *st, const char *sql, char **err)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
		if (err)
			*err = xstrdup(sqlite3_errmsg(store_db(st)));
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

/* The id of a row found by sql with two or three integer/text parameters; 0 if none. */
static int64_t find_id(struct store *st, const char *sql, int64_t a, int64_t b, const char *c)
{
	sqlite3_stmt *stmt = prep(st, sql, NULL);
	int64_t id = 0;
	if (!stmt)
		return 0;
	sqlite3_bind_int64(stmt, 1, a);
	sqlite3_bind_int64(stmt, 2, b);
	if (c)
		sqlite3_bind_text(stmt, 3, c, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return id;
}

/* ---- rounds ---- */

void stars_round_free(struct stars_round *r)
{
	if (!r)
		return;
	free(r->rubric);
	free(r->rubric_sum);
	free(r->village);
	free(r->town_code);
	memset(r, 0, sizeof *r);
}

int stars_round_get(struct store *st, int64_t village_id, int year, struct stars_round *out,
		    char **err)
{
	sqlite3_stmt *stmt = prep(st,
		"SELECT r.id, r.rubric, r.rubric_version, r.rubric_sum, r.stage, r.notice_days,"
		" r.notice_start, r.final_date, v.name, t.code FROM star_round r"
		" JOIN village v ON v.id = r.village_id JOIN town t ON t.id = v.town_id"
		" WHERE r.village_id = ?1 AND r.year = ?2", err);
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, village_id);
	sqlite3_bind_int(stmt, 2, year);
	int rc = 1;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(stmt, 0);
		out->village_id = village_id;
		out->year = year;
		out->rubric = xstrdup(col(stmt, 1));
		out->rubric_version = sqlite3_column_int(stmt, 2);
		out->rubric_sum = xstrdup(col(stmt, 3));
		int stage = stars_stage_parse(col(stmt, 4));
		out->stage = stage < 0 ? STARS_SELF : (enum stars_stage)stage;
		out->notice_days = sqlite3_column_int(stmt, 5);
		snprintf(out->notice_start, sizeof out->notice_start, "%s", col(stmt, 6));
		snprintf(out->final_date, sizeof out->final_date, "%s", col(stmt, 7));
		out->village = xstrdup(col(stmt, 8));
		out->town_code = xstrdup(col(stmt, 9));
		rc = 0;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* The village's name and its town's code; false when there is no such village. */
static bool village_info(struct store *st, int64_t village_id, char **name, char **town)
{
	sqlite3_stmt *stmt = prep(st, "SELECT v.name, t.code FROM village v JOIN town t ON t.id = v.town_id"
				  " WHERE v.id = ?1", NULL);
	bool found = false;
	if (!stmt)
		return false;
	sqlite3_bind_int64(stmt, 1, village_id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*name = xstrdup(col(stmt, 0));
		*town = xstrdup(col(stmt, 1));
		found = true;
	}
	sqlite3_finalize(stmt);
	return found;
}

/* The days a public notice runs: the setting stars.notice_days, else 7. */
static int default_notice_days(struct store *st)
{
	char *s = store_setting(st, "stars.notice_days");
	int days = s ? atoi(s) : 0;
	free(s);
	return days >= 1 && days <= 90 ? days : 7;
}

int stars_round_open(struct store *st, const struct rubric_set *set, int64_t village_id,
		     int year, struct stars_round *out, char **err)
{
	char *village = NULL, *town = NULL;
	if (!village_info(st, village_id, &village, &town)) {
		*err = xstrdup(_("no such village"));
		return -1;
	}
	int rc = -1;
	const struct rubric *r = rubric_find(set, town, year);
	if (stars_round_get(st, village_id, year, out, NULL) == 0) {
		*err = xasprintf(_("the round of %d for %s is already open"), year, village);
		stars_round_free(out);
	} else if (!r) {
		*err = xasprintf(_("no rubric for %d in forms/rubrics fits %s (township %s)"), year,
				 village, town);
	} else {
		char vid[24], y[8], ver[8], days[8];
		snprintf(vid, sizeof vid, "%lld", (long long)village_id);
		snprintf(y, sizeof y, "%d", year);
		snprintf(ver, sizeof ver, "%d", r->version);
		snprintf(days, sizeof days, "%d", default_notice_days(st));
		struct store_field f[] = {
			{ "village_id", vid }, { "year", y }, { "rubric", r->name },
			{ "rubric_version", ver }, { "rubric_sum", r->sum }, { "stage", "self" },
			{ "notice_days", days },
		};
		if (store_insert(st, "star_round", f, ARRAY_LEN(f), NULL, err) == 0)
			rc = stars_round_get(st, village_id, year, out, err) == 0 ? 0 : -1;
	}
	free(village);
	free(town);
	return rc;
}

const struct rubric *stars_rubric_for(struct store *st, const struct rubric_set *set, int64_t village_id,
				      int year, const struct rubric **previous)
{
	char *village = NULL, *town = NULL;
	*previous = NULL;
	if (!village_info(st, village_id, &village, &town))
		return NULL;
	const struct rubric *r = rubric_find(set, town, year);
	if (!r)
		*previous = rubric_find_before(set, town, year);
	free(village);
	free(town);
	return r;
}

const struct rubric *stars_round_rubric(const struct rubric_set *set,
					const struct stars_round *round, char **err)
{
	const struct rubric *r = rubric_get(set, round->rubric, round->rubric_version);
	if (!r) {
		*err = xasprintf(_("the round's rubric %s version %d is not in forms/rubrics"),
				 round->rubric, round->rubric_version);
		return NULL;
	}
	if (strcmp(r->sum, round->rubric_sum) != 0) {
		*err = xasprintf(_("%s was changed after the round of %d was opened with it; "
				   "a rubric in use is never changed: put the change in a new file "
				   "with the next version, and restore this one"), r->file, round->year);
		return NULL;
	}
	return r;
}

int stars_check_rubrics(struct store *st, const struct rubric_set *set, struct strbuf *report)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(store_db(st),
			       "SELECT r.year, coalesce(v.name, ''), r.rubric, r.rubric_version, r.rubric_sum"
			       " FROM star_round r LEFT JOIN village v ON v.id = r.village_id ORDER BY r.year, v.name",
			       -1, &stmt, NULL) != SQLITE_OK)
		return 0;   /* a register from before the star rounds */
	int problems = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		struct stars_round round = {
			.year = sqlite3_column_int(stmt, 0),
			.rubric = (char *)sqlite3_column_text(stmt, 2),
			.rubric_version = sqlite3_column_int(stmt, 3),
			.rubric_sum = (char *)sqlite3_column_text(stmt, 4),
		};
		char *err = NULL;
		if (!stars_round_rubric(set, &round, &err)) {
			sb_appendf(report, _("star round of %s, %d: %s\n"), (const char *)sqlite3_column_text(stmt, 1),
				   round.year, err);
			problems++;
		}
		free(err);
	}
	sqlite3_finalize(stmt);
	return problems;
}

bool stars_round_editable(const struct stars_round *round, char **why)
{
	if (round->stage == STARS_FINAL) {
		*why = xstrdup(_("The round is final (stars awarded): its scores are locked."));
		return false;
	}
	if (round->stage == STARS_NOTICE) {
		*why = xstrdup(_("The round is on public notice: move it back to the committee check "
				 "(F8) to change a score."));
		return false;
	}
	return true;
}

void stars_notice_end(const struct stars_round *round, char out[11])
{
	out[0] = '\0';
	if (!round->notice_start[0])
		return;
	int y, m, d;
	if (sscanf(round->notice_start, "%d-%d-%d", &y, &m, &d) != 3)
		return;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + round->notice_days - 1,
			 .tm_hour = 12 };
	timegm(&tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Writes every household's result again from its scores (before 定星 locks them). */
static int recompute_all(struct store *st, const struct rubric *r, const struct stars_round *round,
			 char **err)
{
	sqlite3_stmt *stmt = prep(st, "SELECT household_id FROM star_household WHERE round_id = ?1"
				  " ORDER BY household_id", err);
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, round->id);
	int64_t *ids = NULL;
	size_t n = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stars_entry e;
		stars_entry_init(&e, r, ids[i]);
		rc = stars_entry_load(st, r, round, &e, err);
		if (rc == 0)
			rc = stars_save_entry(st, r, round, &e, err);
		stars_entry_free(&e);
	}
	free(ids);
	return rc;
}

/* The notice days a move to stage `to` leaves the round with. */
static int move_notice_days(const struct stars_round *round, enum stars_stage to, int notice_days)
{
	return to == STARS_NOTICE && notice_days > 0 ? notice_days : round->notice_days;
}

char *stars_round_move_refusal(const struct stars_round *round, enum stars_stage to, int notice_days,
			       const char *today)
{
	enum stars_stage from = round->stage;
	if (from == STARS_FINAL)
		return xstrdup(_("The round is final (stars awarded): it does not change any more."));
	if (to >= STARS_STAGE_COUNT || !(to == from + 1 || (from == STARS_NOTICE && to == STARS_CHECK)))
		return xasprintf(_("A round moves one stage at a time: from %s it goes to %s."),
				 stars_stage_label(from), stars_stage_label(from + 1));
	int nd = move_notice_days(round, to, notice_days);
	if (nd < 1 || nd > 90)
		return xstrdup(_("A public notice runs from 1 to 90 days."));
	char end[11];
	stars_notice_end(round, end);
	if (to == STARS_FINAL && strcmp(today, end) <= 0)
		return xasprintf(_("The public notice runs until %s: the stars are awarded after it."), end);
	return NULL;
}

int stars_round_move(struct store *st, const struct rubric *r, struct stars_round *round,
		     enum stars_stage to, int notice_days, const char *today, char **err)
{
	enum stars_stage from = round->stage;
	if ((*err = stars_round_move_refusal(round, to, notice_days, today)))
		return -1;
	char days[12], start[11];
	int nd = move_notice_days(round, to, notice_days);
	snprintf(days, sizeof days, "%d", nd);
	snprintf(start, sizeof start, "%s", to == STARS_NOTICE ? today : round->notice_start);
	char *reason = xasprintf("%s -> %s", stars_stage_label(from), stars_stage_label(to));
	struct store_field f[] = {
		{ "stage", stars_stage_code(to) }, { "notice_days", days },
		{ "notice_start", to == STARS_CHECK ? NULL : start },
		{ "final_date", to == STARS_FINAL ? today : NULL },
	};
	int rc = store_begin(st, err);
	if (rc == 0 && to == STARS_FINAL)
		rc = recompute_all(st, r, round, err);
	if (rc == 0)
		rc = store_update(st, "star_round", round->id, f, ARRAY_LEN(f), reason, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	free(reason);
	if (rc == 0) {
		round->stage = to;
		round->notice_days = nd;
		snprintf(round->notice_start, sizeof round->notice_start, "%s",
			 to == STARS_CHECK ? "" : start);
		snprintf(round->final_date, sizeof round->final_date, "%s", to == STARS_FINAL ? today : "");
	}
	return rc;
}

int64_t stars_village_find(struct store *st, const char *text)
{
	sqlite3_stmt *stmt = prep(st, "SELECT id FROM village WHERE name = ?1 OR code = ?1"
				  " OR CAST(id AS TEXT) = ?1 LIMIT 2", NULL);
	int64_t id = 0;
	int found = 0;
	if (!stmt)
		return 0;
	sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		found++;
	}
	sqlite3_finalize(stmt);
	return found == 1 ? id : 0;
}

/* ---- one household's entry ---- */

void stars_entry_init(struct stars_entry *e, const struct rubric *r, int64_t household_id)
{
	e->household_id = household_id;
	e->values = xmalloc((r->nstars ? r->nstars : 1) * sizeof *e->values);
	for (size_t i = 0; i < r->nstars; i++)
		e->values[i] = STARS_UNSCORED;
	e->dq = xcalloc(r->ndisq ? r->ndisq : 1, sizeof *e->dq);
	e->note = NULL;
}

void stars_entry_free(struct stars_entry *e)
{
	free(e->values);
	free(e->dq);
	free(e->note);
	e->values = NULL;
	e->dq = NULL;
	e->note = NULL;
}

/* Sets dq[] from a comma-separated list of disqualifier codes. */
static void dq_from_codes(const struct rubric *r, const char *codes, bool *dq)
{
	for (const char *s = codes; s && *s;) {
		size_t n = strcspn(s, ",");
		char *code = xstrndup(s, n);
		int i = rubric_disq_index(r, code);
		if (i >= 0)
			dq[i] = true;
		free(code);
		s += n + (s[n] == ',');
	}
}

int stars_entry_load(struct store *st, const struct rubric *r, const struct stars_round *round,
		     struct stars_entry *e, char **err)
{
	sqlite3_stmt *stmt = prep(st, "SELECT star, value FROM star_score WHERE round_id = ?1"
				  " AND household_id = ?2", err);
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, round->id);
	sqlite3_bind_int64(stmt, 2, e->household_id);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		int i = rubric_star_index(r, col(stmt, 0));
		if (i >= 0 && sqlite3_column_type(stmt, 1) != SQLITE_NULL)
			e->values[i] = sqlite3_column_int(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (!(stmt = prep(st, "SELECT disqualified, note FROM star_household WHERE round_id = ?1"
			  " AND household_id = ?2", err)))
		return -1;
	sqlite3_bind_int64(stmt, 1, round->id);
	sqlite3_bind_int64(stmt, 2, e->household_id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		dq_from_codes(r, col(stmt, 0), e->dq);
		free(e->note);
		e->note = *col(stmt, 1) ? xstrdup(col(stmt, 1)) : NULL;
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* Inserts or updates one score row. */
static int write_score(struct store *st, const struct stars_round *round, int64_t hh,
		       const char *star, int value, char **err)
{
	int64_t id = find_id(st, "SELECT id FROM star_score WHERE round_id = ?1 AND household_id = ?2"
			     " AND star = ?3", round->id, hh, star);
	char v[16];
	snprintf(v, sizeof v, "%d", value);
	const char *val = value == STARS_UNSCORED ? NULL : v;
	if (id) {
		struct store_field f[] = { { "value", val } };
		return store_update(st, "star_score", id, f, 1, NULL, err);
	}
	if (!val)
		return 0;  /* nothing stored, nothing to clear */
	char rid[24], hid[24];
	snprintf(rid, sizeof rid, "%lld", (long long)round->id);
	snprintf(hid, sizeof hid, "%lld", (long long)hh);
	struct store_field f[] = { { "round_id", rid }, { "household_id", hid }, { "star", star }, { "value", val } };
	return store_insert(st, "star_score", f, ARRAY_LEN(f), NULL, err);
}

/* Inserts or updates the household's row: disqualifications, note and result. */
static int write_result(struct store *st, const struct rubric *r, const struct stars_round *round,
			const struct stars_entry *e, char **err)
{
	struct stars_result res;
	struct strbuf earned = { 0 }, dq = { 0 };
	stars_compute(r, e->values, e->dq, &res);
	for (size_t s = 0; s < r->nstars; s++)
		if (res.earned[s])
			sb_appendf(&earned, "%s%s", earned.len ? "," : "", r->stars[s].code);
	for (size_t d = 0; d < r->ndisq; d++)
		if (e->dq[d])
			sb_appendf(&dq, "%s%s", dq.len ? "," : "", r->disq[d].code);
	char stars[16], points[16], level[16], rid[24], hid[24];
	snprintf(stars, sizeof stars, "%d", res.nearned);
	snprintf(points, sizeof points, "%d", res.points);
	snprintf(level, sizeof level, "%d", res.level);
	snprintf(rid, sizeof rid, "%lld", (long long)round->id);
	snprintf(hid, sizeof hid, "%lld", (long long)e->household_id);
	struct store_field f[] = {
		{ "disqualified", dq.s }, { "note", e->note }, { "earned", earned.s },
		{ "stars", stars }, { "points", points }, { "level", level },
		{ "complete", res.complete ? "1" : "0" },
		{ "round_id", rid }, { "household_id", hid },
	};
	int64_t id = find_id(st, "SELECT id FROM star_household WHERE round_id = ?1 AND household_id = ?2",
			     round->id, e->household_id, NULL);
	int rc = id ? store_update(st, "star_household", id, f, ARRAY_LEN(f) - 2, NULL, err)
		    : store_insert(st, "star_household", f, ARRAY_LEN(f), NULL, err);
	stars_result_free(&res);
	sb_free(&earned);
	sb_free(&dq);
	return rc;
}

/* Refuses a write the round's stage does not allow. */
static bool may_write(const struct stars_round *round, char **err)
{
	char *why = NULL;
	if (stars_round_editable(round, &why))
		return true;
	*err = why;
	return false;
}

int stars_set_score(struct store *st, const struct rubric *r, const struct stars_round *round,
		    struct stars_entry *e, size_t star, int value, char **err)
{
	if (!may_write(round, err))
		return -1;
	if (star >= r->nstars || (value != STARS_UNSCORED && (value < 0 || value > r->stars[star].max))) {
		*err = xasprintf(_("%s: a score from 0 to %d"), star < r->nstars ? _(r->stars[star].name) : "?",
				 star < r->nstars ? r->stars[star].max : 0);
		return -1;
	}
	int old = e->values[star];
	e->values[star] = value;
	int rc = store_begin(st, err);
	if (rc == 0)
		rc = write_score(st, round, e->household_id, r->stars[star].code, value, err);
	if (rc == 0)
		rc = write_result(st, r, round, e, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	if (rc != 0)
		e->values[star] = old;
	return rc;
}

int stars_save_entry(struct store *st, const struct rubric *r, const struct stars_round *round,
		     const struct stars_entry *e, char **err)
{
	if (round->stage == STARS_FINAL && !may_write(round, err))
		return -1;
	int rc = store_begin(st, err);
	for (size_t s = 0; rc == 0 && s < r->nstars; s++)
		rc = write_score(st, round, e->household_id, r->stars[s].code, e->values[s], err);
	if (rc == 0)
		rc = write_result(st, r, round, e, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	return rc;
}

int stars_level_of(struct store *st, int64_t village_id, int year, int64_t household_id)
{
	sqlite3_stmt *stmt = prep(st, "SELECT h.level FROM star_household h JOIN star_round r ON r.id = h.round_id"
				  " WHERE r.village_id = ?1 AND r.year = ?2 AND h.household_id = ?3", NULL);
	int level = -1;
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, village_id);
	sqlite3_bind_int(stmt, 2, year);
	sqlite3_bind_int64(stmt, 3, household_id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		level = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return level;
}

/* ---- what the scoring screen shows ---- */

/* A household by its id, for finding the households of a round's rows. */
struct household_ref {
	int64_t id;
	struct stars_household *h;
};

/* qsort/bsearch order of household_refs by id. */
static int household_ref_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct household_ref *)a)->id, y = ((const struct household_ref *)b)->id;
	return x < y ? -1 : x > y;
}

/* The household of id, or NULL (index: n refs sorted by id). */
static struct stars_household *household_of(const struct household_ref *index, size_t n, int64_t id)
{
	struct household_ref key = { id, NULL };
	const struct household_ref *hit = n ? bsearch(&key, index, n, sizeof *index, household_ref_cmp) : NULL;
	return hit ? hit->h : NULL;
}

/* Fills the households' scores, disqualifications, notes and last year's levels in
 * three queries over the round. */
static int grid_load_entries(struct store *st, const struct rubric *r, const struct stars_round *round,
			     struct stars_household *h, size_t n, char **err)
{
	struct household_ref *index = xmalloc((n ? n : 1) * sizeof *index);
	for (size_t i = 0; i < n; i++)
		index[i] = (struct household_ref){ h[i].id, &h[i] };
	qsort(index, n, sizeof *index, household_ref_cmp);
	struct rowset sc = { 0 }, dq = { 0 }, last = { 0 };
	int rc = rowset_select(st, &sc, err, "SELECT household_id, star, value FROM star_score WHERE round_id = ?1"
			       " AND value IS NOT NULL", "l", round->id);
	if (rc == 0)
		rc = rowset_select(st, &dq, err, "SELECT household_id, disqualified, note FROM star_household"
				   " WHERE round_id = ?1", "l", round->id);
	if (rc == 0)
		rc = rowset_select(st, &last, err, "SELECT h.household_id, h.level, h.stars FROM star_household h"
				   " JOIN star_round r ON r.id = h.round_id WHERE r.village_id = ?1 AND r.year = ?2",
				   "li", round->village_id, round->year - 1);
	for (size_t i = 0; i < sc.n; i++) {
		struct stars_household *o = household_of(index, n, rowset_int(&sc, i, 0));
		int s = rubric_star_index(r, rowset_text(&sc, i, 1));
		if (o && s >= 0)
			o->e.values[s] = (int)rowset_int(&sc, i, 2);
	}
	for (size_t i = 0; i < dq.n; i++) {
		struct stars_household *o = household_of(index, n, rowset_int(&dq, i, 0));
		if (!o)
			continue;
		for (const char *s = rowset_text(&dq, i, 1); *s;) {
			size_t len = strcspn(s, ",");
			char *code = xstrndup(s, len);
			int d = rubric_disq_index(r, code);
			if (d >= 0)
				o->e.dq[d] = true;
			free(code);
			s += len + (s[len] == ',');
		}
		if (*rowset_text(&dq, i, 2))
			o->e.note = xstrdup(rowset_text(&dq, i, 2));
	}
	for (size_t i = 0; i < last.n; i++) {
		struct stars_household *o = household_of(index, n, rowset_int(&last, i, 0));
		if (o) {
			o->last = (int)rowset_int(&last, i, 1);
			o->last_stars = (int)rowset_int(&last, i, 2);
		}
	}
	rowset_free(&sc);
	rowset_free(&dq);
	rowset_free(&last);
	free(index);
	return rc;
}

int stars_grid_load(struct store *st, const struct rubric *r, const struct stars_round *round,
		    struct stars_household **out, size_t *n, char **err)
{
	struct rowset hh = { 0 };
	*out = NULL;
	*n = 0;
	if (rowset_select(st, &hh, err, "SELECT h.id, h.hh_no, p.name, h.village_group FROM household h"
			  " JOIN grid gr ON gr.id = h.grid_id LEFT JOIN resident p ON p.id = h.head_id"
			  " WHERE gr.village_id = ?1 AND EXISTS (SELECT 1 FROM resident m"
			  " WHERE m.household_id = h.id AND m.living_status = '1')"
			  " ORDER BY CAST(h.village_group AS INTEGER), h.village_group, h.hh_no",
			  "l", round->village_id) != 0)
		return -1;
	struct stars_household *h = xcalloc(hh.n ? hh.n : 1, sizeof *h);
	for (size_t i = 0; i < hh.n; i++) {
		h[i] = (struct stars_household){ .id = rowset_int(&hh, i, 0), .hh_no = xstrdup(rowset_text(&hh, i, 1)),
						 .head = xstrdup(rowset_text(&hh, i, 2)),
						 .group = xstrdup(rowset_text(&hh, i, 3)), .last = -1 };
		stars_entry_init(&h[i].e, r, h[i].id);
	}
	*out = h;
	*n = hh.n;
	rowset_free(&hh);
	return grid_load_entries(st, r, round, h, *n, err);
}

void stars_households_free(struct stars_household *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].hh_no);
		free(h[i].head);
		free(h[i].group);
		stars_entry_free(&h[i].e);
	}
	free(h);
}

int stars_household_members(struct store *st, int64_t household_id, struct rowset *out, char **err)
{
	return rowset_select(st, out, err, "SELECT name, relation, birth_date FROM resident"
			     " WHERE household_id = ?1 AND living_status = '1' ORDER BY relation, birth_date",
			     "l", household_id);
}

/* True when the database has a table of that name (other registers may be absent). */
static bool table_exists(struct store *st, const char *name)
{
	char *v = rowset_value(st, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", "t", name);
	free(v);
	return v != NULL;
}

int stars_household_disputes(struct store *st, int64_t household_id, int year, struct rowset *out, char **err)
{
	char y[12];
	snprintf(y, sizeof y, "%d", year);
	if (!table_exists(st, "dispute_party"))
		return 1;
	return rowset_select(st, out, err,
			     "SELECT c.category, substr(c.received_date, 6) FROM dispute_case c WHERE c.id IN"
			     " (SELECT p.case_id FROM dispute_party p JOIN resident m ON m.id = p.resident_id"
			     " WHERE m.household_id = ?1) AND substr(c.received_date, 1, 4) = ?2"
			     " ORDER BY c.received_date", "lt", household_id, y);
}

int stars_household_open_requests(struct store *st, int64_t household_id, struct rowset *out, char **err)
{
	if (!table_exists(st, "service_request"))
		return 1;
	return rowset_select(st, out, err,
			     "SELECT s.item_code, substr(s.accepted_on, 6) FROM service_request s"
			     " JOIN resident m ON m.id = s.resident_id WHERE m.household_id = ?1"
			     " AND s.status IN ('accepted', 'in_progress', 'transferred') ORDER BY s.accepted_on",
			     "l", household_id);
}

int64_t stars_default_village(struct store *st)
{
	char *v = rowset_value(st, "SELECT id FROM (SELECT village_id AS id, 0 AS o, year FROM star_round"
			       " UNION ALL SELECT id, 1, 0 FROM village) ORDER BY o, year DESC, id LIMIT 1", NULL);
	int64_t id = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return id;
}

/* ---- the notice list ---- */

/* One line of the notice list. */
struct notice_row {
	char *group;
	char *head;
	int level;
	int stars;       /* stars earned */
	char *missing;   /* the names of the stars not earned */
};

/* Whether code is one of a comma-separated list. */
static bool code_listed(const char *codes, const char *code)
{
	size_t cn = strlen(code);
	for (const char *s = codes; s && *s;) {
		size_t n = strcspn(s, ",");
		if (n == cn && strncmp(s, code, n) == 0)
			return true;
		s += n + (s[n] == ',');
	}
	return false;
}

/* The names of the rubric's stars missing from the listed codes, joined. Caller frees. */
static char *missing_names(const struct rubric *r, const char *codes)
{
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < r->nstars; i++)
		if (!code_listed(codes, r->stars[i].code))
			sb_appendf(&sb, "%s%s", sb.len ? _(", ") : "", _(r->stars[i].name));
	return sb_take(&sb);
}

/* The households of the round with a level, sorted for the notice board. */
static int notice_rows(struct store *st, const struct rubric *r, const struct stars_round *round,
		       struct notice_row **out, size_t *n, char **err)
{
	sqlite3_stmt *stmt = prep(st,
		"SELECT hh.village_group, p.name, s.level, s.earned, s.stars FROM star_household s"
		" JOIN household hh ON hh.id = s.household_id LEFT JOIN resident p ON p.id = hh.head_id"
		" WHERE s.round_id = ?1 AND s.level > 0"
		" ORDER BY s.level DESC, CAST(hh.village_group AS INTEGER), hh.village_group, hh.hh_no", err);
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, round->id);
	*out = NULL;
	*n = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = (struct notice_row){ xstrdup(col(stmt, 0)), xstrdup(col(stmt, 1)),
						      sqlite3_column_int(stmt, 2), sqlite3_column_int(stmt, 4),
						      missing_names(r, col(stmt, 3)) };
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* Frees the rows of the notice list. */
static void notice_rows_free(struct notice_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].group);
		free(rows[i].head);
		free(rows[i].missing);
	}
	free(rows);
}

/* Removes the spaces that padding left at the ends of lines, in place. */
static char *strip_line_ends(char *text)
{
	char *out = text;
	for (const char *in = text; *in; in++) {
		if (*in == '\n')
			while (out > text && out[-1] == ' ')
				out--;
		*out++ = *in;
	}
	*out = '\0';
	return text;
}

/* Appends utf8 as a column cols printer columns wide: cut or padded to cols - 1,
 * then the space that keeps it apart from the next column. */
static void pad(struct strbuf *sb, const char *utf8, int cols)
{
	char *p = printout_pad(utf8, cols - 1);
	sb_append(sb, p);
	sb_append(sb, " ");
	free(p);
}

char *stars_notice_text(struct store *st, const struct rubric *r, const struct stars_round *round,
			char **err)
{
	struct notice_row *rows;
	size_t n;
	if (notice_rows(st, r, round, &rows, &n, err) != 0)
		return NULL;
	struct strbuf sb = { 0 };
	char end[11];
	stars_notice_end(round, end);
	sb_appendf(&sb, _("%s: star civilised households of %d, public notice"), round->village, round->year);
	sb_append(&sb, "\n\n");
	sb_appendf(&sb, _("Rubric: %s (version %d)"), _(r->title), r->version);
	sb_append(&sb, "\n");
	if (round->notice_start[0])
		sb_appendf(&sb, _("Notice period: %s to %s (%d days)"), round->notice_start, end, round->notice_days);
	else
		sb_appendf(&sb, _("Stage: %s (not yet on public notice)"), stars_stage_label(round->stage));
	sb_append(&sb, "\n\n");
	pad(&sb, _("No."), 5);
	pad(&sb, _("Group"), 9);
	pad(&sb, _("Head"), 13);
	pad(&sb, _("Level"), 19);
	pad(&sb, _("Stars"), 6);
	sb_appendf(&sb, "%s\n", _("Not earned"));
	for (size_t i = 0; i < n; i++) {
		char no[32], stars[16];
		snprintf(no, sizeof no, "%zu", i + 1);
		snprintf(stars, sizeof stars, "%d", rows[i].stars);
		char *level = rubric_level_name(r, rows[i].level);
		pad(&sb, no, 5);
		pad(&sb, rows[i].group, 9);
		pad(&sb, rows[i].head, 13);
		pad(&sb, level, 19);
		if (*rows[i].missing) {
			pad(&sb, stars, 6);
			sb_appendf(&sb, "%s\n", rows[i].missing);
		} else {
			sb_appendf(&sb, "%s\n", stars);
		}
		free(level);
	}
	sb_append(&sb, "\n");
	sb_appendf(&sb, n == 1 ? _("%zu household.") : _("%zu households."), n);
	sb_appendf(&sb, "\n%s\n", _("Objections may be made to the village committee during the notice period."));
	sb_appendf(&sb, _("%s villagers' committee"), round->village);
	sb_append(&sb, "\n");
	if (round->notice_start[0])
		sb_appendf(&sb, "%s\n", round->notice_start);
	notice_rows_free(rows, n);
	audit_footer(store_db(st), &sb);
	return strip_line_ends(sb_take(&sb));
}

/* Appends one CSV field, quoted when it needs to be. */
static void csv_field(struct strbuf *sb, const char *s, bool last)
{
	if (strpbrk(s, ",\"\n\r")) {
		sb_append(sb, "\"");
		for (; *s; s++)
			sb_append_n(sb, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
		sb_append(sb, "\"");
	} else {
		sb_append(sb, s);
	}
	sb_append(sb, last ? "\r\n" : ",");
}

#define NOTICE_COLS 6
/* The notice as a table: the header, then one row of fields per household; each
 * row's fields (caller frees each, and the arrays) in (*rows)[i], NOTICE_COLS each. */
static int notice_table(struct store *st, const struct rubric *r, const struct stars_round *round,
			char ****rows, size_t *nrows, char **err)
{
	struct notice_row *list;
	size_t n;
	if (notice_rows(st, r, round, &list, &n, err) != 0)
		return -1;
	char ***t = xcalloc(n + 1, sizeof *t);
	const char *heads[NOTICE_COLS] = { _("No."), _("Group"), _("Head"), _("Level"), _("Stars"), _("Not earned") };
	t[0] = xcalloc(NOTICE_COLS, sizeof **t);
	for (size_t c = 0; c < NOTICE_COLS; c++)
		t[0][c] = xstrdup(heads[c]);
	for (size_t i = 0; i < n; i++) {
		char **f = t[i + 1] = xcalloc(NOTICE_COLS, sizeof **t);
		f[0] = xasprintf("%zu", i + 1);
		f[1] = xstrdup(list[i].group);
		f[2] = xstrdup(list[i].head);
		f[3] = rubric_level_name(r, list[i].level);
		f[4] = xasprintf("%d", list[i].stars);
		f[5] = xstrdup(list[i].missing);
	}
	notice_rows_free(list, n);
	*rows = t;
	*nrows = n + 1;
	return 0;
}

/* Frees a notice table. */
static void notice_table_free(char ***rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < NOTICE_COLS; c++)
			free(rows[i][c]);
		free(rows[i]);
	}
	free(rows);
}

char *stars_notice_csv(struct store *st, const struct rubric *r, const struct stars_round *round,
		       char **err)
{
	char ***rows;
	size_t n;
	if (notice_table(st, r, round, &rows, &n, err) != 0)
		return NULL;
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < NOTICE_COLS; c++)
			csv_field(&sb, rows[i][c], c + 1 == NOTICE_COLS);
	notice_table_free(rows, n);
	return sb_take(&sb);
}

int stars_notice_xlsx(struct store *st, const struct rubric *r, const struct stars_round *round,
		      const char *path, char **err)
{
	char ***rows;
	size_t n;
	if (notice_table(st, r, round, &rows, &n, err) != 0)
		return -1;
	char *sheet = xasprintf("%d", round->year);
	/* owner-only: the notice names households */
	struct xlsx_writer *w = private_create(path) == 0 ? xlsx_writer_new(path, sheet, err) : NULL;
	if (!w && err && !*err)
		*err = xasprintf("%s: %s", path, strerror(errno));
	free(sheet);
	int rc = w ? 0 : -1;
	static const double widths[NOTICE_COLS] = { 6, 8, 12, 16, 6, 40 };
	/* the group and the head's name stay text; the number and the stars are numbers */
	static const bool text[NOTICE_COLS] = { false, true, true, true, false, true };
	for (size_t c = 0; w && c < NOTICE_COLS; c++)
		xlsx_set_width(w, c, widths[c]);
	for (size_t i = 0; w && rc == 0 && i < n; i++)
		rc = xlsx_write_row(w, (const char *const *)rows[i], NOTICE_COLS, text, i == 0, err);
	if (w && rc == 0)
		rc = xlsx_writer_close(w, err);
	else if (w)
		xlsx_writer_abandon(w);
	notice_table_free(rows, n);
	return rc;
}

/* ---- statistics ---- */

/* The shipped and local rubrics. Caller frees the set. */
static struct rubric_set *load_rubrics(char **errors)
{
	char *local = paths_forms_local();
	struct rubric_set *set = rubric_set_load(paths_forms(), local, errors);
	free(local);
	return set;
}

/* Households per level of one round into s. */
static int stat_levels(struct store *st, int64_t round_id, struct stars_stat *s, char **err)
{
	sqlite3_stmt *stmt = prep(st, "SELECT level, count(*) FROM star_household WHERE round_id = ?1"
				  " GROUP BY level ORDER BY level", err);
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, round_id);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		int level = sqlite3_column_int(stmt, 0), count = sqlite3_column_int(stmt, 1);
		if (level > s->top) {
			s->per_level = xrealloc(s->per_level, (size_t)(level + 1) * sizeof *s->per_level);
			for (int i = s->top + 1; i <= level; i++)
				s->per_level[i] = 0;
			s->top = level;
		}
		s->per_level[level < 0 ? 0 : level] += count;
		s->households += count;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int stars_stats(struct store *st, int year, struct stars_stat **out, size_t *n, char **err)
{
	return stars_stats_in(st, year, 0, out, n, err);
}

int stars_stats_in(struct store *st, int year, int64_t village, struct stars_stat **out, size_t *n, char **err)
{
	sqlite3_stmt *stmt = prep(st, "SELECT r.id, v.name, r.stage, r.rubric, r.rubric_version FROM star_round r"
				  " JOIN village v ON v.id = r.village_id WHERE r.year = ?1 AND (?2 = 0 OR v.id = ?2)"
				  " ORDER BY v.code", err);
	if (!stmt)
		return -1;
	struct rubric_set *set = load_rubrics(NULL);
	sqlite3_bind_int(stmt, 1, year);
	sqlite3_bind_int64(stmt, 2, village);
	*out = NULL;
	*n = 0;
	int rc = 0;
	while (rc == 0 && sqlite3_step(stmt) == SQLITE_ROW) {
		const struct rubric *r = rubric_get(set, col(stmt, 3), sqlite3_column_int(stmt, 4));
		int stage = stars_stage_parse(col(stmt, 2));
		struct stars_stat s = { .village = xstrdup(col(stmt, 1)),
					.stage = xstrdup(stars_stage_label(stage < 0 ? STARS_SELF : (enum stars_stage)stage)),
					.top = r ? rubric_top_level(r) : 0 };
		s.per_level = xcalloc((size_t)s.top + 1, sizeof *s.per_level);
		rc = stat_levels(st, sqlite3_column_int64(stmt, 0), &s, err);
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = s;
	}
	sqlite3_finalize(stmt);
	rubric_set_free(set);
	if (rc != 0) {
		stars_stats_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void stars_stats_free(struct stars_stat *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].village);
		free(s[i].stage);
		free(s[i].per_level);
	}
	free(s);
}

char *stars_report_text(struct store *st, int year, char **err)
{
	struct stars_stat *s;
	size_t n;
	if (stars_stats(st, year, &s, &n, err) != 0)
		return NULL;
	int top = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].top > top)
			top = s[i].top;
	int *total = xcalloc((size_t)top + 1, sizeof *total);
	int all = 0;
	struct strbuf sb = { 0 };
	sb_appendf(&sb, _("Star households of %d: households per star level"), year);
	sb_append(&sb, "\n\n");
	pad(&sb, _("Village"), 12);
	pad(&sb, _("Stage"), 16);
	pad(&sb, _("Number of households"), 7);
	pad(&sb, _("None"), 8);
	for (int l = 1; l <= top; l++) {
		char h[16];
		snprintf(h, sizeof h, "%d", l);
		pad(&sb, h, 5);
	}
	sb_append(&sb, "\n");
	for (size_t i = 0; i < n; i++) {
		char num[16];
		pad(&sb, s[i].village, 12);
		pad(&sb, s[i].stage, 16);
		snprintf(num, sizeof num, "%d", s[i].households);
		pad(&sb, num, 7);
		all += s[i].households;
		for (int l = 0; l <= top; l++) {
			int c = l <= s[i].top ? s[i].per_level[l] : 0;
			total[l] += c;
			snprintf(num, sizeof num, l <= s[i].top ? "%d" : "", c);
			pad(&sb, num, l ? 5 : 8);
		}
		sb_append(&sb, "\n");
	}
	if (!n) {
		sb_appendf(&sb, _("No village has a round in %d."), year);
		sb_append(&sb, "\n");
	} else {
		char num[16];
		pad(&sb, _("Total"), 28);
		snprintf(num, sizeof num, "%d", all);
		pad(&sb, num, 7);
		for (int l = 0; l <= top; l++) {
			snprintf(num, sizeof num, "%d", total[l]);
			pad(&sb, num, l ? 5 : 8);
		}
		sb_append(&sb, "\n");
	}
	free(total);
	stars_stats_free(s, n);
	return strip_line_ends(sb_take(&sb));
}

/* ---- the statistics view's figures ---- */

/* A share of all scored households in percent as text, "-" when none were scored. */
static void sheet_share(char out[16], int part, int all)
{
	if (all > 0)
		snprintf(out, 16, "%.1f%%", 100.0 * part / all);
	else
		snprintf(out, 16, "-");
}

/* Households per level over every village, the highest level first. */
static void sheet_levels(struct statsheet *out, const struct stars_stat *s, size_t n, int all)
{
	int top = 0;
	for (size_t i = 0; i < n; i++)
		top = s[i].top > top ? s[i].top : top;
	for (int l = top; l >= 0 && n; l--) {
		int count = 0;
		for (size_t i = 0; i < n; i++)
			count += l <= s[i].top ? s[i].per_level[l] : 0;
		char *label = l ? xasprintf(_("%d stars"), l) : xstrdup(_("No level"));
		char c[2][16];
		snprintf(c[0], 16, "%d", count);
		sheet_share(c[1], count, all);
		const char *cells[] = { c[0], c[1], "" };
		statsheet_add(out, label, cells, 3, count, c[1]);
		free(label);
	}
}

/* Households scored per village, with its round's stage. */
static void sheet_villages(struct statsheet *out, const struct stars_stat *s, size_t n, int all)
{
	for (size_t i = 0; i < n; i++) {
		char c[2][16];
		snprintf(c[0], 16, "%d", s[i].households);
		sheet_share(c[1], s[i].households, all);
		const char *cells[] = { c[0], c[1], s[i].stage };
		statsheet_add(out, s[i].village, cells, 3, s[i].households, s[i].stage);
	}
}

int stars_stats_sheet(const struct statsheet_query *q, struct statsheet *out, char **err)
{
	struct stars_stat *s;
	size_t n;
	if (stars_stats_in(q->st, atoi(q->period), q->village, &s, &n, err) != 0)
		return -1;
	int all = 0;
	for (size_t i = 0; i < n; i++)
		all += s[i].households;
	statsheet_say(out, xasprintf(_("All villages: %d households scored in %zu villages"), all, n));
	if (q->grouping == 1)
		sheet_villages(out, s, n, all);
	else
		sheet_levels(out, s, n, all);
	stars_stats_free(s, n);
	return 0;
}

char *stars_stats_report(const struct statsheet_query *q, char **err)
{
	return stars_report_text(q->st, atoi(q->period), err);
}
