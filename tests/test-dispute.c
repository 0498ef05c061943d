/* test-dispute: the 人民调解 case life cycle and its refusals, the one-month and
 * 30-day arithmetic, the statistics and the demo year of cases. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "civil.h"
#include "demo.h"
#include "dispute.h"
#include "i18n.h"
#include "rowset.h"
#include "store.h"
#include "util.h"

/* ---- dates ---- */

static void test_add_months(void)
{
	static const struct { const char *date; int months; const char *want; } rows[] = {
		{ "2026-03-02", 1, "2026-04-02" },
		{ "2026-01-31", 1, "2026-02-28" },   /* no 31st in February: its last day */
		{ "2028-01-31", 1, "2028-02-29" },   /* leap year */
		{ "2100-01-31", 1, "2100-02-28" },   /* a century is not leap */
		{ "2000-01-30", 1, "2000-02-29" },   /* every 400 years it is */
		{ "2026-03-31", 1, "2026-04-30" },
		{ "2026-12-15", 1, "2027-01-15" },   /* across the year */
		{ "2026-08-31", 6, "2027-02-28" },
		{ "2026-03-31", -1, "2026-02-28" },
	};
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		char out[11] = "";
		CHECK(dispute_add_months(rows[i].date, rows[i].months, out));
		CHECK_STR(out, rows[i].want);
	}
	char out[11];
	CHECK(!dispute_add_months("2026-02-30", 1, out));
	CHECK(!dispute_add_months("2026-2-3", 1, out));
	CHECK(!dispute_add_months(NULL, 1, out));
}

static void test_overdue(void)
{
	static const struct { const char *received, *today; bool overdue; } rows[] = {
		{ "2026-10-26", "2026-11-26", false },  /* the last day of the month */
		{ "2026-10-25", "2026-11-26", true },
		{ "2026-01-31", "2026-02-28", false },
		{ "2026-01-31", "2026-03-01", true },
		{ "2028-01-31", "2028-02-29", false },
		{ "2028-01-31", "2028-03-01", true },
		{ "2026-11-26", "2026-11-26", false },
	};
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		CHECK_INT(dispute_overdue(rows[i].received, rows[i].today), rows[i].overdue);
	char due[11];
	CHECK(dispute_due_date("2026-12-31", due));
	CHECK_STR(due, "2027-01-31");
}

static void test_confirm_window(void)
{
	static const struct { const char *agreed, *today, *deadline; int left; } rows[] = {
		{ "2026-11-01", "2026-11-01", "2026-12-01", 30 },  /* the day of the agreement is not counted */
		{ "2026-11-01", "2026-11-26", "2026-12-01", 5 },
		{ "2026-11-01", "2026-12-01", "2026-12-01", 0 },   /* the last day */
		{ "2026-11-01", "2026-12-02", "2026-12-01", -1 },
		{ "2028-02-10", "2028-02-10", "2028-03-11", 30 },  /* February of a leap year has 29 days */
		{ "2026-02-10", "2026-02-10", "2026-03-12", 30 },
		{ "2026-12-20", "2027-01-01", "2027-01-19", 18 },  /* across the year */
	};
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		char deadline[11];
		int left = 99;
		CHECK(dispute_confirm_deadline(rows[i].agreed, deadline));
		CHECK_STR(deadline, rows[i].deadline);
		CHECK(dispute_confirm_days_left(rows[i].agreed, rows[i].today, &left));
		CHECK_INT(left, rows[i].left);
	}
	int days;
	CHECK(dispute_days_between("2027-12-31", "2028-12-31", &days));
	CHECK_INT(days, 366);
	CHECK(!dispute_days_between("2026-13-01", "2026-12-01", &days));
}

/* ---- the life cycle ---- */

static struct store *st;
static int64_t village;

/* A store with a town, a village and one resident, in a temporary file. */
static char *open_store(void)
{
	char *path = xasprintf("/tmp/test-dispute-%d.db", (int)getpid());
	unlink(path);
	char *err = NULL;
	st = store_open(path, &err);
	CHECK(st != NULL);
	CHECK(store_set_operator(st, "tester", &err) == 0);
	int64_t town;
	struct store_field t[] = { { "code", "520111101" }, { "name", "青岩镇" } };
	CHECK(store_insert(st, "town", t, 2, &town, &err) == 0);
	char *tid = xasprintf("%lld", (long long)town);
	struct store_field v[] = { { "town_id", tid }, { "code", "520111101201" }, { "name", "龙井村" } };
	CHECK(store_insert(st, "village", v, 3, &village, &err) == 0);
	free(tid);
	free(err);
	return path;
}

static int64_t new_case(const char *received, char **err)
{
	struct store_field f[] = {
		{ "received_date", received }, { "source", "1" }, { "category", "02" },
		{ "summary", "排水沟堵塞" }, { "amount", "1200" }, { "risk", "1" }, { "mediators", "龙光明" },
		{ "form_version", "1" },
	};
	int64_t id = 0;
	return dispute_case_create(st, village, f, ARRAY_LEN(f), &id, err) == 0 ? id : 0;
}

/* A value of a case's column, caller frees. */
static char *case_value(int64_t id, const char *column)
{
	char *sql = xasprintf("SELECT %s FROM dispute_case WHERE id = ?1", column);
	sqlite3_stmt *stmt;
	char *v = NULL;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
			v = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
	}
	free(sql);
	return v;
}

/* Whether the message contains a piece of text; frees it. */
static bool says(char **msg, const char *piece)
{
	bool ok = *msg && strstr(*msg, piece);
	if (!ok)
		fprintf(stderr, "  message: %s (want \"%s\")\n", *msg ? *msg : "(none)", piece);
	free(*msg);
	*msg = NULL;
	return ok;
}

static void test_numbers(void)
{
	char *err = NULL;
	int64_t a = new_case("2026-03-02", &err), b = new_case("2026-03-05", &err);
	int64_t c = new_case("2027-01-04", &err);
	CHECK(a && b && c);
	char *no = case_value(b, "case_no"), *key = case_value(b, "case_key"), *next = case_value(c, "case_no");
	CHECK_STR(no, "龙井村调〔2026〕第2号");
	CHECK_STR(key, "520111101201-2026-0002");
	CHECK_STR(next, "龙井村调〔2027〕第1号");  /* a new year starts again at 1 */
	CHECK_INT(dispute_find(st, "520111101201-2026-0002"), b);
	CHECK_INT(dispute_find(st, "龙井村调〔2026〕第2号"), b);
	CHECK_INT(dispute_find(st, "x"), 0);
	CHECK(new_case("2026-02-30", &err) == 0);
	CHECK(says(&err, "received"));
	free(no);
	free(key);
	free(next);
}

static void test_life_cycle(void)
{
	char *err = NULL;
	int64_t id = new_case("2026-11-01", &err);
	CHECK(id != 0);

	/* parties: a resident or a named outsider whose ID number is checked */
	int64_t p = 0;
	struct store_field nobody[] = { { "role", "1" } };
	CHECK(dispute_party_save(st, id, &p, nobody, 1, &err) == -1);
	CHECK(says(&err, "resident"));
	struct store_field bad_id[] = { { "role", "2" }, { "name", "周建国" }, { "id_number", "520102198001010010" } };
	CHECK(dispute_party_save(st, id, &p, bad_id, 3, &err) == -1);
	CHECK(says(&err, "周建国"));
	struct store_field applicant[] = { { "role", "1" }, { "name", "龙发利" }, { "id_number", "52011119800101001x" },
					   { "phone", "13812345678" } };
	CHECK(dispute_party_save(st, id, &p, applicant, 4, &err) == 0);
	char *sql_id = NULL;
	{
		sqlite3_stmt *s;
		sqlite3_prepare_v2(store_db(st), "SELECT id_number FROM dispute_party WHERE id = ?1", -1, &s, NULL);
		sqlite3_bind_int64(s, 1, p);
		if (sqlite3_step(s) == SQLITE_ROW)
			sql_id = xstrdup((const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	CHECK_STR(sql_id, "52011119800101001X");  /* normalised */
	free(sql_id);

	/* an outcome needs two parties */
	struct store_field oral[] = { { "outcome", "1" }, { "outcome_date", "2026-11-10" }, { "agreement_form", "1" } };
	CHECK(dispute_outcome_save(st, id, oral, 3, &err) == -1);
	CHECK(says(&err, "two parties"));
	int64_t q = 0;
	struct store_field respondent[] = { { "role", "2" }, { "name", "周建国" }, { "address", "贵阳市南明区" } };
	CHECK(dispute_party_save(st, id, &q, respondent, 3, &err) == 0);

	/* sessions: as many as needed, never before the case */
	int64_t s1 = 0, s2 = 0;
	struct store_field early[] = { { "session_date", "2026-10-30" }, { "place", "党员说事室" } };
	CHECK(dispute_session_save(st, id, &s1, early, 2, &err) == -1);
	CHECK(says(&err, "2026-10-30"));
	struct store_field first[] = { { "session_date", "2026-11-03" }, { "session_time", "14:30" }, { "place", "党员说事室" },
				       { "applicant_said", "要求疏通" }, { "result", "另约时间" } };
	CHECK(dispute_session_save(st, id, &s1, first, 5, &err) == 0);
	struct store_field second[] = { { "session_date", "2026-11-06" }, { "place", "党员说事室" }, { "result", "达成协议" } };
	CHECK(dispute_session_save(st, id, &s2, second, 3, &err) == 0);
	CHECK(s1 && s2 && s1 != s2);

	/* no success without an agreement record */
	struct store_field bare[] = { { "outcome", "1" }, { "outcome_date", "2026-11-10" } };
	CHECK(dispute_outcome_save(st, id, bare, 2, &err) == -1);
	CHECK(says(&err, "Agreement: a success needs its agreement: oral or written"));   /* the form's words */
	struct store_field unknown[] = { { "outcome", "9" }, { "outcome_date", "2026-11-10" } };
	CHECK(dispute_outcome_save(st, id, unknown, 2, &err) == -1);
	CHECK(says(&err, "Outcome: 9 is not in the list"));
	CHECK(case_value(id, "outcome") == NULL);
	/* a written agreement states the elements of art. 29 */
	struct store_field thin[] = { { "outcome", "1" }, { "outcome_date", "2026-11-10" }, { "agreement_form", "2" },
				      { "facts", "堵塞排水沟" }, { "terms", "疏通" } };
	CHECK(dispute_outcome_save(st, id, thin, 5, &err) == -1);
	CHECK(says(&err, "Responsibility: required"));
	/* the agreement is made between receipt and outcome */
	struct store_field before[] = { { "outcome", "1" }, { "outcome_date", "2026-11-10" }, { "agreement_form", "1" },
					{ "agreement_date", "2026-10-31" } };
	CHECK(dispute_outcome_save(st, id, before, 4, &err) == -1);
	CHECK(says(&err, "before the case was received"));
	struct store_field after[] = { { "outcome", "1" }, { "outcome_date", "2026-11-10" }, { "agreement_form", "1" },
				       { "agreement_date", "2026-11-11" } };
	CHECK(dispute_outcome_save(st, id, after, 4, &err) == -1);
	CHECK(says(&err, "after the outcome"));
	/* a failure needs its reason */
	struct store_field failed[] = { { "outcome", "2" }, { "outcome_date", "2026-11-10" } };
	CHECK(dispute_outcome_save(st, id, failed, 2, &err) == -1);
	CHECK(says(&err, "Reason: required"));
	CHECK(case_value(id, "outcome") == NULL);

	/* the confirmation needs a written agreement */
	struct store_field apply[] = { { "confirm_applied_date", "2026-11-12" } };
	CHECK(dispute_confirm_save(st, id, apply, 1, false, &err) == -1);
	CHECK(says(&err, "written agreement"));

	struct store_field written[] = {
		{ "outcome", "1" }, { "outcome_date", "2026-11-10" }, { "agreement_form", "2" },
		{ "facts", "被申请人堵塞排水沟" }, { "responsibility", "被申请人承担全部责任" },
		{ "terms", "被申请人疏通排水沟" }, { "performance", "自行疏通" },
		{ "performance_deadline", "2026-11-20" }, { "copies", "3" },
	};
	CHECK(dispute_outcome_save(st, id, written, ARRAY_LEN(written), &err) == 0);
	char *outcome = case_value(id, "outcome"), *agreed = case_value(id, "agreement_date");
	CHECK_STR(outcome, "1");
	CHECK_STR(agreed, "2026-11-10");  /* the day of the outcome when none is given */
	free(outcome);
	free(agreed);

	/* after the 30 days: refused unless the warning was confirmed */
	struct store_field late[] = { { "confirm_applied_date", "2026-12-11" }, { "confirm_court", "花溪区人民法院" } };
	CHECK(dispute_confirm_save(st, id, late, 2, false, &err) == -1);
	CHECK(says(&err, "1 day(s) after"));
	CHECK(case_value(id, "confirm_applied_date") == NULL);
	struct store_field in_time[] = { { "confirm_applied_date", "2026-12-10" }, { "confirm_court", "花溪区人民法院" } };
	CHECK(dispute_confirm_save(st, id, in_time, 2, false, &err) == 0);  /* the 30th day */
	char *flag = case_value(id, "confirm_late");
	CHECK_STR(flag, "0");
	free(flag);
	CHECK(dispute_confirm_save(st, id, late, 2, true, &err) == 0);
	flag = case_value(id, "confirm_late");
	CHECK_STR(flag, "1");
	free(flag);
	struct store_field result[] = { { "confirm_applied_date", "2026-12-11" }, { "confirm_result", "1" },
					{ "confirm_result_date", "2026-12-01" } };
	CHECK(dispute_confirm_save(st, id, result, 3, true, &err) == -1);
	CHECK(says(&err, "before the application"));

	/* the success scheduled the first follow-up visit on the time limit */
	sqlite3_stmt *sv;
	sqlite3_prepare_v2(store_db(st), "SELECT count(*), min(due_date) FROM dispute_visit WHERE case_id = ?1", -1, &sv, NULL);
	sqlite3_bind_int64(sv, 1, id);
	CHECK(sqlite3_step(sv) == SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(sv, 0), 1);
	CHECK_STR((const char *)sqlite3_column_text(sv, 1), "2026-11-20");
	sqlite3_finalize(sv);
	/* follow-up visits: scheduled, then recorded with what they found */
	int64_t v = 0;
	struct store_field due[] = { { "due_date", "2026-11-21" } };
	CHECK(dispute_visit_save(st, id, &v, due, 1, &err) == 0);
	struct store_field done_bare[] = { { "due_date", "2026-11-21" }, { "done_date", "2026-11-22" } };
	CHECK(dispute_visit_save(st, id, &v, done_bare, 2, &err) == -1);
	CHECK(says(&err, "performed"));
	struct store_field done[] = { { "due_date", "2026-11-21" }, { "done_date", "2026-11-22" }, { "performance", "1" } };
	CHECK(dispute_visit_save(st, id, &v, done, 3, &err) == 0);

	/* every write is audited */
	sqlite3_stmt *s;
	sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM audit WHERE tbl LIKE 'dispute%' AND row_id = ?1 AND tbl = 'dispute_case'",
			   -1, &s, NULL);
	sqlite3_bind_int64(s, 1, id);
	CHECK(sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) >= 4);
	sqlite3_finalize(s);
	free(err);
}

/* Whether the rows' column col holds want in some row. */
static bool rows_hold(const struct rowset *r, size_t col, int64_t want)
{
	for (size_t i = 0; i < r->n; i++)
		if (rowset_int(r, i, col) == want)
			return true;
	return false;
}

/* What the case screens show, from the model: the list found by a party's name, the
 * particulars, parties, sessions and visits, the work lists. */
static void test_screen_queries(void)
{
	char *err = NULL;
	int64_t id = new_case("2026-11-20", &err), open = new_case("2026-10-01", &err);
	int64_t p = 0, q = 0, s = 0;
	struct store_field a[] = { { "role", "1" }, { "name", "龙看板" }, { "address", "龙井村" }, { "phone", "13900001111" } };
	struct store_field b[] = { { "role", "2" }, { "name", "石看板" }, { "address", "龙井村" } };
	struct store_field sess[] = { { "session_date", "2026-11-21" }, { "session_time", "14:00" }, { "place", "村委会" },
				      { "result", "达成协议" } };
	struct store_field written[] = {
		{ "outcome", "1" }, { "outcome_date", "2026-11-24" }, { "agreement_form", "2" },
		{ "facts", "堵塞排水沟" }, { "responsibility", "石看板承担" }, { "terms", "疏通" },
		{ "performance", "自行疏通" }, { "performance_deadline", "2026-11-25" }, { "copies", "3" },
	};
	CHECK(dispute_party_save(st, id, &p, a, ARRAY_LEN(a), &err) == 0);
	CHECK(dispute_party_save(st, id, &q, b, ARRAY_LEN(b), &err) == 0);
	CHECK(dispute_session_save(st, id, &s, sess, ARRAY_LEN(sess), &err) == 0);
	CHECK(dispute_outcome_save(st, id, written, ARRAY_LEN(written), &err) == 0);
	if (err)
		fprintf(stderr, "  %s\n", err);

	struct rowset r = { 0 };
	CHECK_INT(dispute_case_list(st, "石看板", 0, 10, &r, &err), 0);
	CHECK_INT(r.n, 1);
	CHECK_INT(rowset_int(&r, 0, DISPUTE_L_ID), id);
	CHECK_STR(rowset_text(&r, 0, DISPUTE_L_PARTIES), "龙看板 石看板");
	CHECK_STR(rowset_text(&r, 0, DISPUTE_L_OUTCOME), "1");
	rowset_free(&r);
	CHECK_INT(dispute_case_list(st, "", 0, 1, &r, &err), 0);   /* open ones first, the oldest first */
	CHECK(r.n == 1 && rowset_int(&r, 0, DISPUTE_L_ID) != id && rowset_null(&r, 0, DISPUTE_L_OUTCOME));
	rowset_free(&r);

	CHECK_INT(dispute_case_details(st, id, &r, &err), 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(rowset_text(&r, 0, DISPUTE_C_RECEIVED), "2026-11-20");
	CHECK_STR(rowset_text(&r, 0, DISPUTE_C_SUMMARY), "排水沟堵塞");
	CHECK_STR(rowset_text(&r, 0, DISPUTE_C_AGREEMENT_FORM), DISPUTE_WRITTEN);
	CHECK_STR(rowset_text(&r, 0, DISPUTE_C_PERFORMANCE_DEADLINE), "2026-11-25");
	rowset_free(&r);

	CHECK_INT(dispute_case_parties(st, id, &r, &err), 0);
	CHECK_INT(r.n, 2);
	CHECK_STR(rowset_text(&r, 0, DISPUTE_P_NAME), "龙看板");
	CHECK_INT(rowset_int(&r, 0, DISPUTE_P_REGISTERED), 0);
	CHECK_STR(rowset_text(&r, 0, DISPUTE_P_PHONE), "13900001111");   /* the screen masks it */
	CHECK_INT(rowset_int(&r, 1, DISPUTE_P_ID), q);
	rowset_free(&r);
	CHECK_INT(dispute_case_sessions(st, id, &r, &err), 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(rowset_text(&r, 0, DISPUTE_S_TIME), "14:00");
	rowset_free(&r);
	CHECK_INT(dispute_case_visits(st, id, &r, &err), 0);
	CHECK(r.n >= 1);   /* the success scheduled the first */
	rowset_free(&r);

	char *agreed = dispute_agreement_date(st, id);
	CHECK_STR(agreed, "2026-11-24");
	free(agreed);
	CHECK(dispute_case_written(st, id));
	CHECK(!dispute_case_written(st, open));

	CHECK_INT(dispute_work_list(st, DISPUTE_WORK_OPEN, "2026-11-26", &r, &err), 0);
	CHECK(rows_hold(&r, DISPUTE_W_CASE_ID, open) && !rows_hold(&r, DISPUTE_W_CASE_ID, id));
	rowset_free(&r);
	CHECK_INT(dispute_work_list(st, DISPUTE_WORK_CONFIRM, "2026-11-26", &r, &err), 0);
	CHECK(rows_hold(&r, DISPUTE_W_CASE_ID, id));
	rowset_free(&r);
	CHECK_INT(dispute_work_list(st, DISPUTE_WORK_CONFIRM, "2027-01-10", &r, &err), 0);   /* past the window */
	CHECK(!rows_hold(&r, DISPUTE_W_CASE_ID, id));
	rowset_free(&r);

	/* what does not belong to the outcome, as the form's relevance says, is not kept */
	int64_t oral_case = new_case("2026-11-20", &err), p1 = 0, p2 = 0;
	CHECK(dispute_party_save(st, oral_case, &p1, a, ARRAY_LEN(a), &err) == 0);
	CHECK(dispute_party_save(st, oral_case, &p2, b, ARRAY_LEN(b), &err) == 0);
	struct store_field oral[] = { { "outcome", "1" }, { "outcome_date", "2026-11-24" }, { "agreement_form", "1" },
				      { "outcome_reason", "不该留下" }, { "facts", "不该留下" }, { "copies", "3" } };
	CHECK(dispute_outcome_save(st, oral_case, oral, ARRAY_LEN(oral), &err) == 0);
	char *facts = case_value(oral_case, "facts"), *reason = case_value(oral_case, "outcome_reason");
	char *agreed_on = case_value(oral_case, "agreement_date");
	CHECK(facts == NULL && reason == NULL);
	CHECK_STR(agreed_on, "2026-11-24");
	free(facts);
	free(reason);
	free(agreed_on);

	int64_t res;
	struct store_field rf[] = { { "name", "龙光明" }, { "sex", "1" }, { "birth_date", "1970-01-01" },
				    { "relation", "01" }, { "form_version", "1" } };
	CHECK(store_insert(st, "resident", rf, ARRAY_LEN(rf), &res, &err) == 0);
	char *name = dispute_resident_name(st, res), *text = dispute_resident_text(st, res);
	CHECK_STR(name, "龙光明");
	CHECK(text && strncmp(text, "龙光明 ", strlen("龙光明 ")) == 0);
	free(name);
	free(text);
	free(err);
}

static void test_stats(void)
{
	char *err = NULL;
	struct dispute_stats by;
	CHECK(dispute_stats_get(st, 2026, DISPUTE_BY_MONTH, &by, &err) == 0);
	CHECK_INT(by.n, 12);                /* every month, those without a case at 0 */
	CHECK_STR(by.rows[0].label, "2026-01");
	CHECK_INT(by.rows[0].cases, 0);
	CHECK_STR(by.rows[2].label, "2026-03");
	CHECK_INT(by.rows[2].cases, 2);
	CHECK_STR(by.rows[10].label, "2026-11");
	CHECK_INT(by.rows[10].cases, 1);
	CHECK_STR(by.rows[11].label, "2026-12");
	CHECK_INT(by.rows[11].cases, 0);
	CHECK_INT(by.total.cases, 3);
	CHECK_INT(by.total.success, 1);
	CHECK_INT(by.total.kept_criminal, 1);  /* flagged 可能民转刑 and settled */
	CHECK(by.total.amount > 3599 && by.total.amount < 3601);
	CHECK(dispute_success_rate(&by.total) > 99.9);
	dispute_stats_free(&by);
	CHECK(dispute_stats_get(st, 2026, DISPUTE_BY_VILLAGE, &by, &err) == 0);
	CHECK_INT(by.n, 1);
	CHECK_STR(by.rows[0].label, "龙井村");
	dispute_stats_free(&by);
	free(err);
}

/* The one number a query gives. */
static int query_count(struct store *d, const char *sql)
{
	sqlite3_stmt *s;
	int n = -1;
	if (sqlite3_prepare_v2(store_db(d), sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* The demo's year: about 40 cases for 2,000 residents, nearly all settled, some open,
 * written agreements, the same twice. */
static void test_demo(void)
{
	char *path = xasprintf("/tmp/test-dispute-demo-%d.db", (int)getpid());
	char *err = NULL;
	char *digest[2] = { NULL, NULL };
	for (int run = 0; run < 2; run++) {
		unlink(path);
		struct store *d = store_open(path, &err);
		CHECK(d && store_set_operator(d, "demo", &err) == 0);
		CHECK(demo_create(d, 2000, 7, 0, &err) == 0);
		sqlite3_stmt *s;
		sqlite3_prepare_v2(store_db(d), "SELECT count(*), count(outcome), sum(outcome = '1'), sum(agreement_form = '2'),"
				   " group_concat(case_no || received_date || coalesce(outcome, '-'), '|')"
				   " FROM dispute_case", -1, &s, NULL);
		CHECK(sqlite3_step(s) == SQLITE_ROW);
		int cases = sqlite3_column_int(s, 0), concluded = sqlite3_column_int(s, 1);
		int success = sqlite3_column_int(s, 2), written = sqlite3_column_int(s, 3);
		CHECK(cases >= 35 && cases <= 45);
		CHECK(concluded < cases && concluded >= cases - 6);
		CHECK(success * 100 >= concluded * 95);
		CHECK(written > 5);
		digest[run] = xstrdup((const char *)sqlite3_column_text(s, 4));
		sqlite3_finalize(s);
		/* plausible: an outsider's ID number says the sex the name has, and each
		 * case's dates follow one another */
		CHECK(query_count(d, "SELECT count(*) FROM dispute_party WHERE resident_id IS NULL") >= 3);
		CHECK_INT(query_count(d, "SELECT count(*) FROM dispute_party WHERE resident_id IS NULL"
				      " AND (name IN ('郑丽', '陈静', '赵红梅')) != (substr(id_number, 17, 1) % 2 = 0)"), 0);
		CHECK_INT(query_count(d, "SELECT count(*) FROM dispute_case WHERE outcome_date < received_date"
				      " OR agreement_date < received_date OR confirm_applied_date < agreement_date"
				      " OR confirm_result_date < confirm_applied_date OR received_date > '2026-11-26'"), 0);
		char *report = NULL;
		CHECK_INT(store_check(d, &report), 0);
		free(report);
		store_close(d);
	}
	CHECK_STR(digest[0], digest[1]);
	free(digest[0]);
	free(digest[1]);
	unlink(path);
	free(path);
	free(err);
}

int main(void)
{
	civil_set_fixed_today("2026-11-26");
	i18n_init("en");
	test_add_months();
	test_overdue();
	test_confirm_window();
	char *path = open_store();
	test_numbers();
	test_life_cycle();
	test_stats();
	test_screen_queries();
	store_close(st);
	unlink(path);
	free(path);
	test_demo();
	return check_finish();
}
