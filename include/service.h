/* service: 便民服务 — requests from the window to a rated, followed-up result.
 *
 * The catalogue of service items is the code list forms/codes/service_item.codes
 * with more columns (kind, category, department, promised working days, 代办, the
 * materials to bring). A request (service_request) names a registered resident or
 * a visitor with a phone, an item, a channel (forms/codes/service_channel.codes), the
 * content, the materials received and a handler, and gets a number
 * "<village code>-YYYYMMDD-NNN". Its life:
 *
 *   accepted 受理 -> in_progress 办理中 -> done 办结
 *        \-> returned 退回 (with a reason)   \-> transferred 转办 (another handler or
 *                                                department; it stays open)
 *
 * Closing needs a rating 1..5 (5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意) or
 * an explicit "declined to rate"; 2 or 1 opens a follow-up (回访) due within the
 * setting service.followup_days working days (default 5), which closes only with a
 * record of the contact and of the rectification. 微心愿 and 困难诉求 are items of kind
 * wish and appeal with the same life. Every change goes through store_update (timed
 * and audited); status_at says when the status last changed.
 *
 * Table service_request(id, number, kind, item_code, resident_id, visitor_name,
 *   visitor_phone, village_id, channel, content, materials, handler, department,
 *   status, status_at, status_reason, accepted_on, due_on, done_on, rating,
 *   rating_declined, rating_comment, followup_due, followup_done_on,
 *   followup_contact, followup_rectification, form_version, created_at, updated_at,
 *   outcome). */
#ifndef SZ_SERVICE_H
#define SZ_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct form_registry;
struct rowset;
struct statsheet;
struct statsheet_query;

extern const char service_schema_v1[];
/* service_tally(month, item_code, handler, village_id, requests, done, on_time, rated,
 * declined, r1..r5, followups, followups_done): the monthly figures, kept by triggers. */
extern const char service_schema_v2[];
/* service_request.outcome: what was done (办理结果), required at 办结 (service_close). */
extern const char service_schema_v3[];
/* service_request made again without its CHECK of four channels: the code list decides. */
extern const char service_schema_v4[];

/* ---- the catalogue ---- */

struct service_item {
	char *code;
	char *label;        /* English message id */
	char *name_zh;
	char *kind;         /* "service", "wish", "appeal" */
	char *category;
	char *department;
	int days;           /* promised working days */
	bool proxy;         /* 代办 allowed */
	char *materials;
};

struct service_catalog {
	struct service_item *items;
	size_t n;
};

/* Reads codes/service_item.codes under local_dir when it has its own copy, else
 * under dir, under datafiles_load's policy: a local copy with a mistake is not used,
 * the shipped one is. Problems go to *errors as "file:line: what" (may be NULL). */
struct service_catalog *service_catalog_load(const char *dir, const char *local_dir, char **errors);
/* The catalogue of the shipped and local forms folders, loaded once. Borrowed. */
const struct service_catalog *service_catalog_default(void);
void service_catalog_free(struct service_catalog *c);
const struct service_item *service_item_find(const struct service_catalog *c, const char *code);
/* The item's name in the running language. Borrowed. */
const char *service_item_name(const struct service_item *it);

/* ---- requests ---- */

enum { SERVICE_RATING_DECLINED = 0 };

struct service_new {
	int64_t resident_id;         /* 0: a visitor */
	const char *visitor_name;
	const char *visitor_phone;
	const char *item_code;
	const char *channel;         /* code of service_channel */
	const char *content;
	const char *materials;       /* NULL: none received */
	const char *handler;
	const char *accepted_on;     /* NULL: today */
};

/* Logs a request: checks it, numbers it, counts its promised date. 0 with the new id
 * in *id (and the number in *number, caller frees, when number is non-NULL), or -1
 * with *err. */
int service_create(struct store *st, const struct service_new *req, int64_t *id,
		   char **number, char **err);
/* Status changes; each refuses (-1 with *err) when the request's status does not
 * allow it. */
int service_start(struct store *st, int64_t id, char **err);
int service_return(struct store *st, int64_t id, const char *reason, char **err);
/* Why a return reason, or one of a follow-up's two records (contact, rectification),
 * would be refused (translated; caller frees), or NULL: what the calls above check,
 * for a dialog to say before it closes. */
char *service_return_refusal(const char *reason);
char *service_followup_refusal(const char *record);
/* The same for a transfer's note (why it goes on: the next handler reads it) and a
 * closing's outcome (what was done for the resident). */
char *service_transfer_refusal(const char *note);
char *service_outcome_refusal(const char *outcome);
/* Hands the request to handler or department (one needed) with a note (needed). */
int service_transfer(struct store *st, int64_t id, const char *handler, const char *department,
		     const char *note, char **err);
/* Closes with the outcome (办理结果, what was done; required) and rating 1..5 or
 * SERVICE_RATING_DECLINED; comment may be NULL. */
int service_close(struct store *st, int64_t id, const char *outcome, int rating, const char *comment,
		  char **err);
/* Records the follow-up of a bad rating: contact and rectification both needed. */
int service_followup_close(struct store *st, int64_t id, const char *contact,
			   const char *rectification, char **err);
/* The id of a request by its number, 0 when there is none. */
int64_t service_find(struct store *st, const char *number);

/* Translated names of statuses ("accepted" ...), channels and ratings (1..5, 0 declined). */
const char *service_status_label(const char *status);
const char *service_rating_label(int rating);
/* Whether a stored status is one of the open ones. */
bool service_status_open(const char *status);

/* The work list: open requests and open follow-ups, the earliest due first. Parameters:
 * ?1 handler prefix ('' for all), ?2 limit, ?3 offset, ?4 1 for the overdue ones only
 * (those due before ?5, today; unbound: all). Columns: key (id * 2, plus 1 for
 * a follow-up), due date, number, item code, applicant, handler, status, follow-up 1/0.
 * The partial indexes service_open_due and service_followup_open keep it to the open rows. */
extern const char service_worklist_sql[];
/* How many lines of the work list are overdue on today (open requests and follow-ups
 * due before it), for its title. */
long service_overdue_count(struct store *st, const char *today);

/* ---- what the screens show (the rows of a query, see rowset.h) ---- */

/* Columns of service_worklist's rows, as service_worklist_sql gives them. */
enum service_worklist_col {
	SERVICE_WL_KEY, SERVICE_WL_DUE, SERVICE_WL_NUMBER, SERVICE_WL_ITEM, SERVICE_WL_APPLICANT,
	SERVICE_WL_HANDLER, SERVICE_WL_STATUS, SERVICE_WL_FOLLOWUP,
};
/* A page of the work list (service_worklist_sql) for handlers starting with handler
 * ("" all), the overdue ones on today only when overdue_only. 0 or -1 with *err. */
int service_worklist(struct store *st, const char *handler, bool overdue_only, const char *today,
		     size_t offset, size_t limit, struct rowset *out, char **err);
/* The same for one village's requests (village.id; 0 for every village: ?6 of the SQL). */
int service_worklist_in(struct store *st, const char *handler, bool overdue_only, const char *today,
			int64_t village, size_t offset, size_t limit, struct rowset *out, char **err);
/* Columns of service_by_applicant's rows. */
enum service_applicant_col {
	SERVICE_AP_ID, SERVICE_AP_ACCEPTED, SERVICE_AP_NUMBER, SERVICE_AP_ITEM, SERVICE_AP_APPLICANT,
	SERVICE_AP_STATUS,
};
/* A page of the requests of applicants (residents or visitors) whose name contains
 * name, the latest first. */
int service_by_applicant(struct store *st, const char *name, size_t offset, size_t limit,
			 struct rowset *out, char **err);
/* Columns of service_request_details' one row. */
enum service_detail_col {
	SERVICE_D_NUMBER, SERVICE_D_APPLICANT, SERVICE_D_ITEM, SERVICE_D_CHANNEL, SERVICE_D_CONTENT,
	SERVICE_D_MATERIALS, SERVICE_D_HANDLER, SERVICE_D_DEPARTMENT, SERVICE_D_STATUS, SERVICE_D_REASON,
	SERVICE_D_ACCEPTED, SERVICE_D_DUE, SERVICE_D_DONE, SERVICE_D_RATING, SERVICE_D_DECLINED,
	SERVICE_D_COMMENT, SERVICE_D_FOLLOWUP_DUE, SERVICE_D_FOLLOWUP_DONE, SERVICE_D_CONTACT,
	SERVICE_D_RECTIFICATION, SERVICE_D_STATUS_AT, SERVICE_D_OUTCOME,
};
/* The whole of request id (no row when there is none); the applicant is the
 * resident's name or the visitor's name and phone. */
int service_request_details(struct store *st, int64_t id, struct rowset *out, char **err);
/* The number of request id, and the due date of its follow-up. Caller frees; NULL when none. */
char *service_request_number(struct store *st, int64_t id);
char *service_followup_due_of(struct store *st, int64_t id);
/* The latest request whose number is or ends in typed; 0 when none. */
int64_t service_find_number_end(struct store *st, const char *typed);
/* A resident as the request form shows the applicant: name, masked ID number,
 * address. Caller frees; NULL when there is no such resident. */
char *service_applicant_text(struct store *st, int64_t resident_id);

/* ---- statistics ---- */

struct service_stat_row {
	char *key;                 /* item code, handler, village code; "" for the total */
	char *label;               /* what the row shows */
	long requests, done, on_time, rated, declined;
	long rating[6];            /* rating[1..5] */
	long followups, followups_done;
};

struct service_stats {
	char month[8];             /* YYYY-MM */
	struct service_stat_row total;
	struct service_stat_row *by_item, *by_handler, *by_village;
	size_t n_item, n_handler, n_village;
	struct service_stat_row *by_month;   /* January .. this month of the same year */
	size_t n_month;
};

/* The figures of the requests accepted in month (YYYY-MM). 0 or -1 with *err. */
int service_stats_month(struct store *st, const char *month, struct service_stats *out, char **err);
/* The same for one village (village.id; 0 for every village). */
int service_stats_month_in(struct store *st, const char *month, int64_t village, struct service_stats *out,
			   char **err);
void service_stats_free(struct service_stats *s);
long service_stat_good(const struct service_stat_row *r);   /* 非常满意 + 满意 */
long service_stat_bad(const struct service_stat_row *r);    /* 不满意 + 非常不满意 */
/* The good-rating rate as text ("99.69%", "-" with nothing rated). */
void service_stat_rate(const struct service_stat_row *r, char out[16]);
/* The whole statistics table as printed by `report services` and shown on screen. Caller frees. */
char *service_report_text(const struct service_stats *s);
/* The statistics view's figures of a month (q->period, YYYY-MM), grouped by item (0),
 * handler (1), village (2) or month of the year (3): requests, done, on time, rated,
 * good rate, follow-ups done/due; the bar is the requests. */
int service_stats_sheet(const struct statsheet_query *q, struct statsheet *out, char **err);
/* The month's whole report (service_report_text). */
char *service_stats_report(const struct statsheet_query *q, char **err);

/* ---- documents, commands, demo ---- */

/* The receipt (办件回执) of a request as UTF-8 text, or NULL with *err. */
char *service_receipt_text(struct store *st, const char *number, char **err);

/* A plausible year of requests for the first village, before today, deterministic per
 * seed, through the bulk path. count 0: as many as the village's size suggests. */
int service_demo(struct store *st, unsigned seed, long count, char **err);
/* The same for every village of the register, each with its own requests (numbers
 * start with the village's code): the township demo (demo_create_villages). */
int service_demo_every_village(struct store *st, unsigned seed, char **err);

#endif
