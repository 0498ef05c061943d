/* dispute: 人民调解 cases (人民调解法 2010, arts. 28-33): the case, its parties, the
 * sessions (调解笔录), the outcome with the agreement (art. 29), the 30-day window for
 * a joint application for judicial confirmation (司法确认), follow-up visits (回访),
 * the time limits and the statistics.
 *
 * Tables (dispute_schema_v1, appended to the schema's steps):
 *   dispute_case(id, case_key, case_no, village_id, year, seq, received_date, source,
 *       category, summary, amount, risk, mediators, outcome, outcome_date,
 *       outcome_reason, agreement_form, agreement_date, facts, responsibility, terms,
 *       performance, performance_deadline, copies, confirm_applied_date, confirm_late,
 *       confirm_court, confirm_result, confirm_result_date, form_version, ...)
 *       case_key  machine key "<village code>-<year>-<seq, 4 digits>", unique
 *       case_no   the number printed on the documents: "龙井村调〔2026〕第7号"
 *       source    codes/dispute_source: 1 当事人申请, 2 主动排查, 3 委托移送
 *       category  codes/dispute_category: the 15 statistical categories, 01..15
 *       risk      codes/dispute_risk, comma-separated: 1 可能民转刑, 2 可能引发群体性事件
 *       outcome   NULL while open; 1 调解成功, 2 调解不成功, 3 终止
 *       agreement_form 1 oral, 2 written (协议书); a success has one of them
 *       confirm_late 1 when the clerk confirmed an application after the 30 days
 *   dispute_party(id, case_id, role, resident_id, name, id_number, phone, address, ...)
 *       role 1 申请人, 2 被申请人, 3 第三人; a resident from the register
 *       (resident_id) or an outside person (name, ID number, phone, address)
 *   dispute_session(id, case_id, session_date, session_time, place, participants,
 *       applicant_said, respondent_said, result, ...)
 *   dispute_visit(id, case_id, due_date, done_date, performance, notes, ...)
 *
 * Every write goes through store_insert/store_update. The functions that save take
 * the columns as store_field arrays (what a form holds) and refuse, with a
 * translated message, what the law or the record's logic does not allow.
 * Functions returning int give 0 or -1 with a caller-freed message in *err. */
#ifndef SZ_DISPUTE_H
#define SZ_DISPUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct rowset;
struct statsheet;
struct statsheet_query;

extern const char dispute_schema_v1[];

/* outcome codes */
#define DISPUTE_SUCCESS "1"
#define DISPUTE_FAILED "2"
#define DISPUTE_ENDED "3"
/* agreement_form codes */
#define DISPUTE_ORAL "1"
#define DISPUTE_WRITTEN "2"
/* risk codes */
#define DISPUTE_RISK_CRIMINAL "1"
#define DISPUTE_RISK_MASS "2"

/* Days for a joint application for judicial confirmation after the agreement. */
#define DISPUTE_CONFIRM_DAYS 30
/* A follow-up visit after an oral agreement is due this many days later. */
#define DISPUTE_ORAL_VISIT_DAYS 15

/* ---- dates (YYYY-MM-DD) ---- */

/* Days from `from` to `to` (negative when to is earlier); false when either is not a
 * real date. */
bool dispute_days_between(const char *from, const char *to, int *days);
/* date plus days; false when date is not a real date. */
bool dispute_add_days(const char *date, int days, char out[11]);
/* The same day months later; a day the month lacks becomes its last day (民法典
 * art. 202): 2026-01-31 + 1 month = 2026-02-28, 2028-01-31 -> 2028-02-29. */
bool dispute_add_months(const char *date, int months, char out[11]);
/* The day a case received on `received` should be closed by (one month). */
bool dispute_due_date(const char *received, char out[11]);
/* Whether an open case received on `received` is past its month on `today`. */
bool dispute_overdue(const char *received, const char *today);
/* The last day of the confirmation window: the agreement's day is not counted
 * (民法典 art. 201), so 30 days after it. */
bool dispute_confirm_deadline(const char *agreement_date, char out[11]);
/* Days left in the window on `today` (0: today is the last day; negative: closed
 * that many days ago); false when the date is malformed. */
bool dispute_confirm_days_left(const char *agreement_date, const char *today, int *left);

/* ---- cases ---- */

/* The value of column in f[0..n), NULL when absent or empty. */
const char *dispute_field(const struct store_field *f, size_t n, const char *column);

/* A new case in village_id: numbers it (the next sequence of the village and the
 * year of received_date), writes f (its columns from the case form) and the number.
 * The new id in *id. */
int dispute_case_create(struct store *st, int64_t village_id, const struct store_field *f,
			size_t n, int64_t *id, char **err);
/* Changes the columns of the case form (not the number, nor the outcome). */
int dispute_case_update(struct store *st, int64_t id, const struct store_field *f, size_t n,
			char **err);
/* Adds (*id == 0) or changes a party: a resident (resident_id) or an outside person
 * with a name; an outside person's ID number must be valid and is normalised. */
int dispute_party_save(struct store *st, int64_t case_id, int64_t *id,
		       const struct store_field *f, size_t n, char **err);
/* Adds or changes a session record. */
int dispute_session_save(struct store *st, int64_t case_id, int64_t *id,
			 const struct store_field *f, size_t n, char **err);
/* Records the outcome (outcome, outcome_date, outcome_reason, agreement_form,
 * agreement_date, facts, responsibility, terms, performance, performance_deadline,
 * copies). Refused: a success without an agreement record (oral or written), a
 * written agreement without the elements of art. 29, an unsuccessful or ended case
 * without a reason, an outcome with fewer than two parties, dates before receipt.
 * A success schedules the first follow-up visit (回访) when the case has none: on the
 * time limit of a written agreement, DISPUTE_ORAL_VISIT_DAYS after an oral one. */
int dispute_outcome_save(struct store *st, int64_t case_id, const struct store_field *f,
			 size_t n, char **err);
/* Records the joint application for judicial confirmation and its result
 * (confirm_applied_date, confirm_court, confirm_result, confirm_result_date). Refused
 * without a written agreement, and for an application more than 30 days after the
 * agreement unless late_confirmed (the clerk saw the warning and confirmed it). */
int dispute_confirm_save(struct store *st, int64_t case_id, const struct store_field *f,
			 size_t n, bool late_confirmed, char **err);
/* Schedules (*id == 0) or records a follow-up visit (due_date, done_date,
 * performance, notes); a visit done needs what was found about the performance. */
int dispute_visit_save(struct store *st, int64_t case_id, int64_t *id,
		       const struct store_field *f, size_t n, char **err);

/* A case by its id (digits), machine key or printed number; 0 when none. */
int64_t dispute_find(struct store *st, const char *key);

/* ---- what the screens show (the rows of a query, see rowset.h) ---- */

/* Columns of dispute_case_list's rows; parties are the names joined by spaces. */
enum dispute_list_col {
	DISPUTE_L_ID, DISPUTE_L_CASE_NO, DISPUTE_L_RECEIVED, DISPUTE_L_CATEGORY, DISPUTE_L_OUTCOME,
	DISPUTE_L_PARTIES,
};
/* A page of the cases whose number, summary or parties' names contain query ("" all):
 * the open ones first, the oldest first, then the rest newest first. 0 or -1 with *err. */
int dispute_case_list(struct store *st, const char *query, size_t offset, size_t limit,
		      struct rowset *out, char **err);
/* The same among one village's cases (village.id; 0 for every village). */
int dispute_case_list_in(struct store *st, const char *query, int64_t village, size_t offset, size_t limit,
			 struct rowset *out, char **err);
/* What needs doing, by kind: the open cases (oldest first), the follow-up visits due by
 * today not yet made, the written agreements of the last 31 days not yet taken to court. */
enum dispute_work { DISPUTE_WORK_OPEN, DISPUTE_WORK_VISIT, DISPUTE_WORK_CONFIRM };
/* Columns of dispute_work_list's rows: the date is the received date, the visit's due
 * date or the agreement's date; the summary only for open cases. */
enum dispute_work_col { DISPUTE_W_CASE_ID, DISPUTE_W_CASE_NO, DISPUTE_W_DATE, DISPUTE_W_SUMMARY };
int dispute_work_list(struct store *st, enum dispute_work kind, const char *today, struct rowset *out,
		      char **err);
/* The same for one village's cases (village.id; 0 for every village). */
int dispute_work_list_in(struct store *st, enum dispute_work kind, const char *today, int64_t village,
			 struct rowset *out, char **err);
/* Columns of dispute_case_details' one row. */
enum dispute_case_col {
	DISPUTE_C_CASE_NO, DISPUTE_C_RECEIVED, DISPUTE_C_SOURCE, DISPUTE_C_CATEGORY, DISPUTE_C_SUMMARY,
	DISPUTE_C_AMOUNT, DISPUTE_C_RISK, DISPUTE_C_MEDIATORS, DISPUTE_C_OUTCOME, DISPUTE_C_OUTCOME_DATE,
	DISPUTE_C_OUTCOME_REASON, DISPUTE_C_AGREEMENT_FORM, DISPUTE_C_AGREEMENT_DATE,
	DISPUTE_C_PERFORMANCE_DEADLINE, DISPUTE_C_CONFIRM_APPLIED, DISPUTE_C_CONFIRM_RESULT,
	DISPUTE_C_CONFIRM_LATE,
};
int dispute_case_details(struct store *st, int64_t id, struct rowset *out, char **err);
/* Columns of dispute_case_parties' rows: registered is 1 for a resident of the register,
 * the phone is the resident's or the party's (unmasked: mask it to show it). */
enum dispute_party_col { DISPUTE_P_ID, DISPUTE_P_ROLE, DISPUTE_P_NAME, DISPUTE_P_REGISTERED, DISPUTE_P_PHONE };
int dispute_case_parties(struct store *st, int64_t case_id, struct rowset *out, char **err);
/* Columns of dispute_case_sessions' and dispute_case_visits' rows, in date order. */
enum dispute_session_col { DISPUTE_S_ID, DISPUTE_S_DATE, DISPUTE_S_TIME, DISPUTE_S_PLACE, DISPUTE_S_RESULT };
int dispute_case_sessions(struct store *st, int64_t case_id, struct rowset *out, char **err);
enum dispute_visit_col { DISPUTE_V_ID, DISPUTE_V_DUE, DISPUTE_V_DONE, DISPUTE_V_PERFORMANCE, DISPUTE_V_NOTES };
int dispute_case_visits(struct store *st, int64_t case_id, struct rowset *out, char **err);
/* The date of the case's agreement. Caller frees; NULL when none. */
char *dispute_agreement_date(struct store *st, int64_t case_id);
/* Whether the case closed with a written agreement (what judicial confirmation needs). */
bool dispute_case_written(struct store *st, int64_t case_id);
/* Columns of dispute_mediators' rows: the enabled operators who may mediate
 * (mediators, then administrators) whose name or login contains query. */
enum dispute_mediator_col { DISPUTE_M_ID, DISPUTE_M_NAME, DISPUTE_M_LOGIN, DISPUTE_M_ROLE };
int dispute_mediators(struct store *st, const char *query, size_t offset, size_t limit,
		      struct rowset *out, char **err);
/* A resident as a party's form shows them: name, household number, address (never the
 * ID number); and the name alone. Caller frees; NULL when there is no such resident. */
char *dispute_resident_text(struct store *st, int64_t resident_id);
char *dispute_resident_name(struct store *st, int64_t resident_id);

/* ---- statistics ---- */

enum dispute_stats_by { DISPUTE_BY_MONTH, DISPUTE_BY_VILLAGE, DISPUTE_BY_CATEGORY };

struct dispute_stats_row {
	char *label;          /* "2026-03", the village's name, or the category code */
	int cases;            /* received in the year */
	int concluded;        /* with an outcome */
	int success;
	double amount;        /* in dispute, yuan */
	int kept_criminal;    /* flagged 可能民转刑 and settled: kept from turning criminal */
};

struct dispute_stats {
	struct dispute_stats_row *rows;
	size_t n;
	struct dispute_stats_row total;
};

/* Cases received in year, grouped. Categories come as codes (label them with the
 * code list). By month: all twelve months, in order, those without a case at 0. */
int dispute_stats_get(struct store *st, int year, enum dispute_stats_by by,
		      struct dispute_stats *out, char **err);
/* The same for one village (village.id; 0 for every village). */
int dispute_stats_get_in(struct store *st, int year, int64_t village, enum dispute_stats_by by,
			 struct dispute_stats *out, char **err);
void dispute_stats_free(struct dispute_stats *s);
/* Success rate in percent of the concluded cases; 0 when none concluded. */
double dispute_success_rate(const struct dispute_stats_row *r);
/* The statistics view's figures of a year (q->period, YYYY) grouped by month (0),
 * village (1) or category (2, labelled by the code list): cases, closed, settled, rate,
 * amount; the bar is the cases, the success rate beside it. */
int dispute_stats_sheet(const struct statsheet_query *q, struct statsheet *out, char **err);

/* ---- demo ---- */

/* A plausible year of cases for the demo villages (about 2 per 100 residents, 99 %
 * settled, some open, written agreements with their windows), deterministic. */
int dispute_demo_create(struct store *st, unsigned seed, char **err);

#endif
