/* test-service: 便民服务 requests — numbering and promised dates, the life cycle and its
 * refusals, the monthly figures of a fixture against values worked out by hand, and
 * the receipt against golden files in UTF-8 and GBK (GENERATE=1 rewrites them). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "check.h"
#include "civil.h"
#include "i18n.h"
#include "printout.h"
#include "rowset.h"
#include "service.h"
#include "store.h"
#include "util.h"

static char dir[] = "/tmp/sz-test-service-XXXXXX";

/* One integer from SQL with one integer parameter. */
static long long query_int(struct store *st, const char *sql, long long p)
{
	sqlite3_stmt *s;
	long long v = -1;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_bind_parameter_count(s))
		sqlite3_bind_int64(s, 1, p);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* One text column of a request. Caller frees. */
static char *request_text(struct store *st, int64_t id, const char *column)
{
	char *sql = xasprintf("SELECT %s FROM service_request WHERE id = ?1", column);
	sqlite3_stmt *s;
	char *v = NULL;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			v = xstrdup((const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	free(sql);
	return v;
}

#define CHECK_COL(st, id, col, want)                     \
	do {                                             \
		char *v_ = request_text(st, id, col);    \
		CHECK_STR(v_, want);                     \
		free(v_);                                \
	} while (0)

/* A town, a village, a grid, a household and a resident to log requests for. */
static int64_t fixture_place(struct store *st)
{
	char *err = NULL;
	int64_t town, village, grid, hh, res;
	struct store_field t[] = { { "code", "520111101" }, { "name", "青岩镇" } };
	CHECK(store_insert(st, "town", t, 2, &town, &err) == 0);
	char tid[24], vid[24], gid[24], hid[24];
	snprintf(tid, sizeof tid, "%lld", (long long)town);
	struct store_field v[] = { { "town_id", tid }, { "code", "520111101001" }, { "name", "龙井村" } };
	CHECK(store_insert(st, "village", v, 3, &village, &err) == 0);
	snprintf(vid, sizeof vid, "%lld", (long long)village);
	struct store_field g[] = { { "village_id", vid }, { "code", "01" }, { "name", "龙井村第1网格" } };
	CHECK(store_insert(st, "grid", g, 3, &grid, &err) == 0);
	snprintf(gid, sizeof gid, "%lld", (long long)grid);
	store_begin(st, &err);
	struct store_field h[] = { { "hh_no", "101001001" }, { "address", "青岩镇龙井村1号" }, { "grid_id", gid } };
	CHECK(store_insert(st, "household", h, 3, &hh, &err) == 0);
	snprintf(hid, sizeof hid, "%lld", (long long)hh);
	struct store_field r[] = {
		{ "name", "张桂兰" }, { "sex", "2" }, { "birth_date", "1956-03-02" }, { "household_id", hid },
		{ "relation", "02" }, { "form_version", "1" },
	};
	CHECK(store_insert(st, "resident", r, ARRAY_LEN(r), &res, &err) == 0);
	char rid[24];
	snprintf(rid, sizeof rid, "%lld", (long long)res);
	struct store_field head[] = { { "head_id", rid } };
	CHECK(store_update(st, "household", hh, head, 1, NULL, &err) == 0);
	CHECK(store_commit(st, &err) == 0);
	if (err)
		fprintf(stderr, "fixture: %s\n", err);
	free(err);
	return res;
}

/* Logs a request accepted on a date; its id. */
static int64_t log_request(struct store *st, int64_t resident, const char *item, const char *handler,
			   const char *on, char **number)
{
	struct service_new r = {
		.resident_id = resident, .item_code = item, .channel = "1", .content = "本人到窗口办理",
		.materials = "居民身份证", .handler = handler, .accepted_on = on,
	};
	int64_t id = 0;
	char *err = NULL;
	CHECK_INT(service_create(st, &r, &id, number, &err), 0);
	if (err)
		fprintf(stderr, "log_request: %s\n", err);
	free(err);
	return id;
}

/* Numbers, promised dates and the refusals of a new request (messages in Chinese). */
static void test_create(struct store *st, int64_t res)
{
	civil_set_fixed_today("2026-11-26");
	char *number = NULL;
	int64_t a = log_request(st, res, "YB02", "王芳", NULL, &number);
	CHECK_STR(number, "520111101001-20261126-001");
	free(number);
	CHECK_COL(st, a, "due_on", "2026-12-03");   /* 5 working days over a weekend */
	CHECK_COL(st, a, "status", "accepted");
	CHECK_COL(st, a, "kind", "service");
	CHECK_COL(st, a, "department", "区医疗保障局");
	int64_t b = log_request(st, res, "XY01", "王芳", NULL, &number);
	CHECK_STR(number, "520111101001-20261126-002");
	free(number);
	CHECK_COL(st, b, "kind", "wish");
	log_request(st, res, "ZM01", "李明", "2026-09-30", &number);
	CHECK_STR(number, "520111101001-20260930-001");
	free(number);

	static const struct {
		struct service_new r;
		const char *says;
	} bad[] = {
		{ { .item_code = "YB01", .channel = "1", .handler = "王芳", .visitor_name = "过路群众" }, "来访人" },
		{ { .resident_id = 1, .item_code = "ZZ99", .channel = "1", .handler = "王芳" }, "ZZ99" },
		{ { .resident_id = 1, .item_code = "SB04", .channel = "2", .handler = "王芳" }, "不能代办" },
		{ { .resident_id = 1, .item_code = "YB01", .channel = "7", .handler = "王芳" }, "7 不在列表中" },
		{ { .resident_id = 1, .item_code = "YB01", .channel = "1", .handler = " " }, "经办人" },
	};
	long long before = query_int(st, "SELECT count(*) FROM service_request", 0);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *err = NULL;
		CHECK_INT(service_create(st, &bad[i].r, NULL, NULL, &err), -1);
		CHECK(err && strstr(err, bad[i].says));
		if (!err || !strstr(err, bad[i].says))
			fprintf(stderr, "case %zu said: %s\n", i, err ? err : "(nothing)");
		free(err);
	}
	CHECK_INT(query_int(st, "SELECT count(*) FROM service_request", 0), before);
	/* a visitor with a phone is fine */
	struct service_new v = { .visitor_name = "过路群众", .visitor_phone = "13985001234", .item_code = "FL01",
				 .channel = "1", .handler = "李明" };
	int64_t id = 0;
	char *err = NULL;
	CHECK_INT(service_create(st, &v, &id, NULL, &err), 0);
	CHECK_COL(st, id, "due_on", "2026-11-26");   /* on the spot */
	free(err);
}

/* A township's channel 5 (a local service_channel.codes, see local_channels) is a
 * channel like the shipped four: the code list decides, as the form does on screen. */
static void test_local_channel(struct store *st, int64_t res)
{
	struct service_new r = { .resident_id = res, .item_code = "YB01", .channel = "5", .handler = "王芳" };
	int64_t id = 0;
	char *err = NULL;
	CHECK_INT(service_create(st, &r, &id, NULL, &err), 0);
	if (err)
		fprintf(stderr, "channel 5 refused: %s\n", err);
	CHECK_COL(st, id, "channel", "5");
	free(err);
}

/* Gives the tests a local forms folder whose channel list is the shipped one and a
 * channel 5, before the first request loads the forms. */
static void local_channels(void)
{
	char *shipped = xasprintf("%s/codes/service_channel.codes", getenv("SHANZHI_FORMS"));
	char *local = xasprintf("%s/local", dir);
	char *cmd = xasprintf("mkdir -p '%s/codes' && cp '%s' '%s/codes/' && printf '5\\tBy telephone\\t电话办理\\n'"
			      " >> '%s/codes/service_channel.codes'", local, shipped, local, local);
	CHECK_INT(system(cmd), 0);
	setenv("SHANZHI_FORMS_LOCAL", local, 1);
	free(cmd);
	free(local);
	free(shipped);
}

/* Status changes: what is allowed, what is refused, and the audit trail. */
static void test_life(struct store *st, int64_t res)
{
	civil_set_fixed_today("2026-11-26");
	int64_t id = log_request(st, res, "YB02", "王芳", NULL, NULL);
	char *err = NULL;
	CHECK_INT(service_start(st, id, &err), 0);
	CHECK_COL(st, id, "status", "in_progress");
	CHECK_INT(service_start(st, id, &err), -1);
	free(err), err = NULL;
	/* no 办结 without a rating or an explicit decline */
	CHECK_INT(service_close(st, id, "已办理", 6, NULL, &err), -1);
	CHECK(err && strstr(err, "不愿评价"));
	free(err), err = NULL;
	CHECK_INT(service_close(st, id, "已办理", -1, NULL, &err), -1);
	free(err), err = NULL;
	/* nor without the outcome: what was done for the resident */
	CHECK_INT(service_close(st, id, "  ", 5, NULL, &err), -1);
	CHECK(err && strstr(err, "办理结果"));
	free(err), err = NULL;
	CHECK_INT(service_close(st, id, NULL, 5, NULL, &err), -1);
	free(err), err = NULL;
	struct store_field sneak[] = { { "status", "done" }, { "done_on", "2026-11-26" } };
	CHECK_INT(store_update(st, "service_request", id, sneak, 2, NULL, &err), -1);  /* the table refuses too */
	free(err), err = NULL;
	CHECK_COL(st, id, "status", "in_progress");
	CHECK_INT(service_followup_close(st, id, "电话", "已整改", &err), -1);   /* nothing to follow up yet */
	free(err), err = NULL;
	/* rating 2 (不满意) opens a follow-up due in 5 working days */
	CHECK_INT(service_close(st, id, "已为其办理医保关系转移", 2, "等得太久", &err), 0);
	CHECK_COL(st, id, "status", "done");
	CHECK_COL(st, id, "outcome", "已为其办理医保关系转移");
	CHECK_COL(st, id, "rating", "2");
	CHECK_COL(st, id, "done_on", "2026-11-26");
	CHECK_COL(st, id, "followup_due", "2026-12-03");
	CHECK_INT(service_close(st, id, "已办理", 5, NULL, &err), -1);    /* closed already */
	free(err), err = NULL;
	CHECK_INT(service_followup_close(st, id, "电话回访本人", "", &err), -1);
	CHECK(err && strstr(err, "整改"));
	free(err), err = NULL;
	CHECK_INT(service_followup_close(st, id, NULL, "已加快办理", &err), -1);
	free(err), err = NULL;
	struct store_field sneak2[] = { { "followup_done_on", "2026-11-26" } };
	CHECK_INT(store_update(st, "service_request", id, sneak2, 1, NULL, &err), -1);
	free(err), err = NULL;
	CHECK_INT(service_followup_close(st, id, "电话回访本人", "已加快办理并致歉", &err), 0);
	CHECK_COL(st, id, "followup_done_on", "2026-11-26");
	CHECK_INT(service_followup_close(st, id, "again", "again", &err), -1);
	free(err), err = NULL;
	/* the configured follow-up period */
	store_set_setting(st, "service.followup_days", "2", &err);
	int64_t other = log_request(st, res, "YB01", "王芳", NULL, NULL);
	CHECK_INT(service_close(st, other, "已办理", 1, NULL, &err), 0);
	CHECK_COL(st, other, "followup_due", "2026-11-30");
	store_set_setting(st, "service.followup_days", "5", &err);
	/* declined to rate: closed, no follow-up */
	int64_t dec = log_request(st, res, "YB01", "王芳", NULL, NULL);
	CHECK_INT(service_close(st, dec, "已办理", SERVICE_RATING_DECLINED, NULL, &err), 0);
	CHECK_COL(st, dec, "rating_declined", "1");
	CHECK_COL(st, dec, "rating", NULL);
	CHECK_COL(st, dec, "followup_due", NULL);
	/* returned needs a reason; then nothing more */
	int64_t ret = log_request(st, res, "HJ02", "李明", NULL, NULL);
	CHECK_INT(service_return(st, ret, "  ", &err), -1);
	free(err), err = NULL;
	CHECK_INT(service_return(st, ret, "缺少准迁证明", &err), 0);
	CHECK_COL(st, ret, "status", "returned");
	CHECK_COL(st, ret, "status_reason", "缺少准迁证明");
	CHECK_INT(service_start(st, ret, &err), -1);
	free(err), err = NULL;
	/* transferred to another handler or department, still open */
	int64_t tr = log_request(st, res, "ZJ01", "李明", NULL, NULL);
	CHECK_INT(service_transfer(st, tr, "", NULL, NULL, &err), -1);
	free(err), err = NULL;
	/* a transfer says why: the next handler reads it */
	CHECK_INT(service_transfer(st, tr, "杨国华", NULL, "  ", &err), -1);
	CHECK(err != NULL);
	free(err), err = NULL;
	CHECK_COL(st, tr, "status", "accepted");
	CHECK_INT(service_transfer(st, tr, "杨国华", "镇农业农村综合服务中心", "需现场踏勘", &err), 0);
	CHECK_COL(st, tr, "status", "transferred");
	CHECK_COL(st, tr, "handler", "杨国华");
	CHECK_INT(service_close(st, tr, "已现场踏勘并办结", 5, NULL, &err), 0);
	/* every change timed and audited */
	CHECK(query_int(st, "SELECT count(*) FROM audit WHERE tbl = 'service_request' AND row_id = ?1", id) >= 4);
	CHECK(query_int(st, "SELECT count(*) FROM audit WHERE tbl = 'service_request' AND row_id = ?1"
			" AND after LIKE '%in_progress%'", id) == 1);
	char *at = request_text(st, id, "status_at");
	CHECK(at && strlen(at) >= 19 && strncmp(at, "20", 2) == 0);
	free(at);
	free(err);
}

/* The rows of the work list for handler prefix, all or the overdue ones on today. */
static int worklist_rows(struct store *st, const char *handler, int overdue_only, const char *today)
{
	struct rowset r = { 0 };
	int n = service_worklist(st, handler, overdue_only, today, 0, 1000, &r, NULL) == 0 ? (int)r.n : -1;
	rowset_free(&r);
	return n;
}

/* The overdue ones: counted for the work list's title, and the list of them alone. */
static void test_overdue(struct store *st, int64_t res)
{
	long before = service_overdue_count(st, "2026-12-20");
	int late_before = worklist_rows(st, "", 1, "2026-12-20");
	civil_set_fixed_today("2026-12-01");
	log_request(st, res, "YB02", "赵超期", NULL, NULL);   /* due 2026-12-08 */
	civil_set_fixed_today("2026-12-18");
	log_request(st, res, "YB02", "赵超期", NULL, NULL);   /* due 2026-12-25 */
	CHECK_INT(service_overdue_count(st, "2026-12-20"), before + 1);
	CHECK_INT(worklist_rows(st, "", 1, "2026-12-20"), late_before + 1);
	CHECK_INT(worklist_rows(st, "赵超期", 0, "2026-12-20"), 2);   /* all of the handler's */
	CHECK_INT(worklist_rows(st, "赵超期", 1, "2026-12-20"), 1);   /* the late one only */
	CHECK_INT(worklist_rows(st, "赵超期", 1, "2026-12-01"), 0);   /* nothing late yet */
}

/* What the screens show of a request, from the model: the work list's line, the
 * details, the number found by its end, the requests of an applicant by name, the
 * applicant beside the form. */
static void test_screen_queries(struct store *st, int64_t res)
{
	civil_set_fixed_today("2026-12-21");
	char *number = NULL;
	int64_t id = log_request(st, res, "YB02", "钱看板", NULL, &number);
	struct rowset r = { 0 };
	char *err = NULL;
	CHECK_INT(service_worklist(st, "钱看板", false, "2026-12-21", 0, 50, &r, &err), 0);
	CHECK_INT(r.n, 1);
	CHECK_INT(rowset_int(&r, 0, SERVICE_WL_KEY), id * 2);
	CHECK_STR(rowset_text(&r, 0, SERVICE_WL_NUMBER), number);
	CHECK_STR(rowset_text(&r, 0, SERVICE_WL_ITEM), "YB02");
	CHECK_STR(rowset_text(&r, 0, SERVICE_WL_APPLICANT), "张桂兰");
	CHECK_STR(rowset_text(&r, 0, SERVICE_WL_STATUS), "accepted");
	CHECK_INT(rowset_int(&r, 0, SERVICE_WL_FOLLOWUP), 0);
	rowset_free(&r);

	CHECK_INT(service_request_details(st, id, &r, &err), 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(rowset_text(&r, 0, SERVICE_D_NUMBER), number);
	CHECK_STR(rowset_text(&r, 0, SERVICE_D_APPLICANT), "张桂兰");
	CHECK_STR(rowset_text(&r, 0, SERVICE_D_HANDLER), "钱看板");
	CHECK_STR(rowset_text(&r, 0, SERVICE_D_ACCEPTED), "2026-12-21");
	CHECK(rowset_null(&r, 0, SERVICE_D_RATING));
	rowset_free(&r);

	char *got = service_request_number(st, id);
	CHECK_STR(got, number);
	free(got);
	CHECK_INT(service_find_number_end(st, number + strlen(number) - 12), id);   /* "20261221-NNN" */
	CHECK_INT(service_find_number_end(st, number), id);
	CHECK_INT(service_find_number_end(st, "99999999-999"), 0);

	CHECK_INT(service_by_applicant(st, "桂兰", 0, 1, &r, &err), 0);   /* the latest first */
	CHECK_INT(r.n, 1);
	CHECK_INT(rowset_int(&r, 0, SERVICE_AP_ID), id);
	CHECK_STR(rowset_text(&r, 0, SERVICE_AP_APPLICANT), "张桂兰");
	rowset_free(&r);
	CHECK_INT(service_by_applicant(st, "无此人", 0, 10, &r, &err), 0);
	CHECK_INT(r.n, 0);
	rowset_free(&r);

	char *who = service_applicant_text(st, res);
	CHECK_STR(who, "张桂兰  青岩镇龙井村1号");   /* no ID number on file: none shown */
	free(who);
	struct store_field idn[] = { { "id_number", "520111195603020027" } };
	CHECK_INT(store_update(st, "resident", res, idn, 1, NULL, &err), 0);
	who = service_applicant_text(st, res);
	CHECK_STR(who, "张桂兰 520111********0027 青岩镇龙井村1号");   /* masked beside the form */
	free(who);
	CHECK(service_applicant_text(st, res + 1000) == NULL);
	free(number);
	free(err);
}

/* Closes request id on a given day with a rating (-1: leave it). */
static void close_on(struct store *st, int64_t id, const char *day, int rating)
{
	civil_set_fixed_today(day);
	char *err = NULL;
	CHECK_INT(service_close(st, id, "已办理", rating, NULL, &err), 0);
	free(err);
}

/* The October 2026 fixture and its figures worked out by hand (see the comments). */
static void test_report(struct store *st, int64_t res)
{
	char *err = NULL;
	/* R1 YB01 10-09 王芳 done 10-09 rating 5, on time */
	close_on(st, log_request(st, res, "YB01", "王芳", "2026-10-09", NULL), "2026-10-09", 5);
	/* R2 YB02 10-09 (Fri): due 10-15 (Saturday 10-10 works); done 10-20 rating 4, late */
	int64_t r2 = log_request(st, res, "YB02", "王芳", "2026-10-09", NULL);
	CHECK_COL(st, r2, "due_on", "2026-10-15");
	close_on(st, r2, "2026-10-20", 4);
	/* R3 ZM01 10-12 李明 done 10-12 rating 2: follow-up due 10-19, done */
	int64_t r3 = log_request(st, res, "ZM01", "李明", "2026-10-12", NULL);
	close_on(st, r3, "2026-10-12", 2);
	CHECK_COL(st, r3, "followup_due", "2026-10-19");
	CHECK_INT(service_followup_close(st, r3, "电话回访", "已重新解释并补开证明", &err), 0);
	/* R4 ZM01 10-13 李明 declined to rate */
	close_on(st, log_request(st, res, "ZM01", "李明", "2026-10-13", NULL), "2026-10-13", 0);
	/* R5 YB01 10-14 王芳 returned */
	CHECK_INT(service_return(st, log_request(st, res, "YB01", "王芳", "2026-10-14", NULL), "缴费年度已截止", &err), 0);
	/* R6 YB01 10-15 王芳 still open */
	log_request(st, res, "YB01", "王芳", "2026-10-15", NULL);
	/* R7 YB01 10-16 王芳 rating 1: follow-up open */
	close_on(st, log_request(st, res, "YB01", "王芳", "2026-10-16", NULL), "2026-10-16", 1);
	/* outside the month: 09-30 (test_create) and 11-02 */
	close_on(st, log_request(st, res, "YB01", "王芳", "2026-11-02", NULL), "2026-11-02", 5);

	struct service_stats s;
	CHECK_INT(service_stats_month(st, "2026-10", &s, &err), 0);
	const struct service_stat_row *t = &s.total;
	/* 7 requests; 5 done (R1 R2 R3 R4 R7); 4 on time (not R2); 4 rated; 1 declined */
	CHECK_INT(t->requests, 7);
	CHECK_INT(t->done, 5);
	CHECK_INT(t->on_time, 4);
	CHECK_INT(t->rated, 4);
	CHECK_INT(t->declined, 1);
	CHECK_INT(service_stat_good(t), 2);
	CHECK_INT(service_stat_bad(t), 2);
	CHECK_INT(t->followups, 2);
	CHECK_INT(t->followups_done, 1);
	char rate[16];
	service_stat_rate(t, rate);
	CHECK_STR(rate, "50.00%");
	/* by item, in catalogue order: YB01, YB02, ZM01 */
	CHECK_INT(s.n_item, 3);
	if (s.n_item == 3) {
		CHECK_STR(s.by_item[0].key, "YB01");
		CHECK_INT(s.by_item[0].requests, 4);
		CHECK_INT(s.by_item[0].done, 2);
		CHECK_INT(s.by_item[0].followups, 1);
		CHECK_INT(s.by_item[0].followups_done, 0);
		CHECK_STR(s.by_item[1].key, "YB02");
		CHECK_INT(s.by_item[1].on_time, 0);
		service_stat_rate(&s.by_item[1], rate);
		CHECK_STR(rate, "100.00%");
		CHECK_STR(s.by_item[2].key, "ZM01");
		CHECK_INT(s.by_item[2].rated, 1);
		CHECK_INT(s.by_item[2].declined, 1);
		service_stat_rate(&s.by_item[2], rate);
		CHECK_STR(rate, "0.00%");
	}
	/* by handler: 李明 (R3 R4), 王芳 (R1 R2 R5 R6 R7) in code point order */
	CHECK_INT(s.n_handler, 2);
	if (s.n_handler == 2) {
		CHECK_STR(s.by_handler[0].key, "李明");
		CHECK_INT(s.by_handler[0].requests, 2);
		CHECK_INT(s.by_handler[0].on_time, 2);
		CHECK_STR(s.by_handler[1].key, "王芳");
		CHECK_INT(s.by_handler[1].requests, 5);
		CHECK_INT(s.by_handler[1].done, 3);
		service_stat_rate(&s.by_handler[1], rate);
		CHECK_STR(rate, "66.67%");
	}
	CHECK_INT(s.n_village, 1);
	if (s.n_village == 1)
		CHECK_STR(s.by_village[0].label, "龙井村");
	/* by month of the year up to October: 09-30 (test_create) and October's seven */
	CHECK_INT(s.n_month, 2);
	if (s.n_month == 2) {
		CHECK_STR(s.by_month[0].key, "2026-09");
		CHECK_INT(s.by_month[0].requests, 1);
		CHECK_STR(s.by_month[1].key, "2026-10");
		CHECK_INT(s.by_month[1].requests, 7);
		CHECK_INT(s.by_month[1].followups_done, 1);
	}
	char *text = service_report_text(&s);
	CHECK(strstr(text, "(1 + 1) / 4 = 50.00%") != NULL);
	CHECK(strstr(text, "1 + 1 = 2") != NULL);
	service_stats_free(&s);
	free(text);
	/* the tally the triggers keep equals the figures counted from the requests themselves */
	static const char direct[] =
		"SELECT substr(accepted_on, 1, 7), item_code, handler, coalesce(village_id, 0), count(*),"
		" sum(status = 'done'), sum(coalesce(status = 'done' AND done_on <= due_on, 0)),"
		" sum(rating IS NOT NULL), sum(rating_declined), sum(coalesce(rating = 1, 0)),"
		" sum(coalesce(rating = 2, 0)), sum(coalesce(rating = 3, 0)), sum(coalesce(rating = 4, 0)),"
		" sum(coalesce(rating = 5, 0)), sum(followup_due IS NOT NULL), sum(followup_done_on IS NOT NULL)"
		" FROM service_request GROUP BY 1, 2, 3, 4";
	char *diff = xasprintf("SELECT (SELECT count(*) FROM (SELECT * FROM service_tally WHERE requests > 0 EXCEPT %s))"
			       " + (SELECT count(*) FROM (%s EXCEPT SELECT * FROM service_tally))", direct, direct);
	CHECK_INT(query_int(st, diff, 0), 0);
	CHECK(query_int(st, "SELECT count(*) FROM service_tally WHERE requests < 0 OR done < 0 OR r2 < 0", 0) == 0);
	free(diff);
	CHECK_INT(service_stats_month(st, "2026-13", &s, &err), -1);
	free(err), err = NULL;
	CHECK_INT(service_stats_month(st, "2027-01", &s, &err), 0);
	CHECK_INT(s.total.requests, 0);
	service_stats_free(&s);
}

/* Compares bytes with a golden file, or writes it under GENERATE=1. */
static void golden(const char *name, const char *text, size_t n)
{
	char *bytes = xmalloc(n + 1);
	memcpy(bytes, text, n);
	CHECK_INT(check_mask_anchor(bytes, n), 1);
	const char *root = getenv("SOURCE_ROOT");
	char *path = xasprintf("%s/tests/golden/%s", root ? root : ".", name);
	if (getenv("GENERATE")) {
		FILE *f = fopen(path, "wb");
		CHECK(f && fwrite(bytes, 1, n, f) == n);
		if (f)
			fclose(f);
		printf("wrote %s\n", path);
	} else {
		FILE *f = fopen(path, "rb");
		char *want = xmalloc(n + 2);
		size_t got = f ? fread(want, 1, n + 1, f) : 0;
		if (f)
			fclose(f);
		CHECK_INT(got, n);
		CHECK(got == n && memcmp(want, bytes, n) == 0);
		if (got != n || memcmp(want, bytes, n) != 0)
			fprintf(stderr, "%s differs; the receipt now reads:\n%.*s\n", path, (int)n, bytes);
		free(want);
	}
	free(path);
	free(bytes);
}

/* The receipt of the first request, in Chinese, in UTF-8 and GBK. */
static void test_receipt(struct store *st)
{
	char *err = NULL;
	store_set_setting(st, "service.centre_phone", "0851-83851234", &err);
	char *text = service_receipt_text(st, "520111101001-20261126-001", &err);
	CHECK(text != NULL);
	if (!text)
		return;
	CHECK(strstr(text, "520111101001-20261126-001") != NULL);
	CHECK(strstr(text, "2026-12-03") != NULL);
	CHECK(strstr(text, "0851-83851234") != NULL);
	CHECK(strstr(text, "医疗费用零星报销") != NULL);
	/* its footer is the chain's head now, and check --anchor accepts the receipt */
	int64_t head, anchored;
	char head_hash[SHA256_HEX], hex[SHA256_HEX];
	CHECK(audit_head(store_db(st), &head, head_hash) == 0);
	CHECK(audit_anchor_parse(text, &anchored, hex) == 0);
	CHECK_INT(anchored, head);
	CHECK_INT(strlen(hex), AUDIT_ANCHOR_SHORT);
	CHECK(strncmp(head_hash, hex, AUDIT_ANCHOR_SHORT) == 0);
	char *footer = xasprintf("审计链 #%lld %.16s\n", (long long)head, head_hash);
	CHECK(strlen(text) > strlen(footer) && strcmp(text + strlen(text) - strlen(footer), footer) == 0);
	free(footer);
	golden("receipt-utf8.txt", text, strlen(text));
	size_t n = 0;
	char *gbk = printout_encode(text, "gbk", &n, &err);
	CHECK(gbk != NULL);
	if (gbk)
		golden("receipt-gbk.txt", gbk, n);
	free(gbk);
	free(text);
	CHECK(service_receipt_text(st, "nope", &err) == NULL);
	free(err);
}

/* A text digest of every demo request, to compare two runs. Caller frees. */
static char *demo_digest(struct store *st)
{
	sqlite3_stmt *s;
	char *v = NULL;
	if (sqlite3_prepare_v2(store_db(st),
			       "SELECT group_concat(number || item_code || status || coalesce(rating, '-') ||"
			       " coalesce(done_on, '-') || coalesce(followup_done_on, '-') || handler, ';')"
			       " FROM (SELECT * FROM service_request ORDER BY id)", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

/* A fresh register with the fixture village and a demo year of requests. */
static struct store *demo_store(const char *name, unsigned seed, char **digest)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	free(path);
	if (!st)
		return NULL;
	store_set_operator(st, "demo", &err);
	fixture_place(st);
	CHECK_INT(service_demo(st, seed, 3000, &err), 0);
	free(err);
	*digest = demo_digest(st);
	return st;
}

/* The demo: the same requests for the same seed, other ones for another, a year of
 * them with ~99 % good ratings, some overdue and a follow-up waiting. */
static void test_demo(void)
{
	civil_set_fixed_today("2026-11-26");
	char *a = NULL, *b = NULL, *c = NULL;
	struct store *st = demo_store("demo-a.db", 7, &a);
	store_close(demo_store("demo-b.db", 7, &b));
	store_close(demo_store("demo-c.db", 8, &c));
	CHECK(a && b && strcmp(a, b) == 0);
	CHECK(a && c && strcmp(a, c) != 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM service_request", 0), 3000);
	CHECK(query_int(st, "SELECT min(accepted_on) >= '2025-11-25' AND max(accepted_on) < '2026-11-26'"
			" FROM service_request", 0) == 1);
	long long good = query_int(st, "SELECT 1000 * sum(rating >= 4) / sum(rating IS NOT NULL) FROM service_request", 0);
	CHECK(good >= 980 && good < 1000);
	CHECK(query_int(st, "SELECT count(*) FROM service_request WHERE status IN ('accepted', 'in_progress')"
			" AND due_on < '2026-11-26'", 0) >= 2);
	CHECK(query_int(st, "SELECT count(*) FROM service_request WHERE followup_due IS NOT NULL"
			" AND followup_done_on IS NULL", 0) >= 1);
	CHECK(query_int(st, "SELECT count(*) FROM service_request WHERE followup_done_on IS NOT NULL"
			" AND (followup_contact IS NULL OR followup_rectification IS NULL)", 0) == 0);
	CHECK(query_int(st, "SELECT count(DISTINCT kind) FROM service_request", 0) == 3);
	store_close(st);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	setenv("TZ", "Asia/Shanghai", 1);
	setenv("LANGUAGE", "zh_CN", 1);
	i18n_init("zh");
	if (!mkdtemp(dir))
		return 1;
	char *path = xasprintf("%s/t.db", dir);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	if (!st) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	store_set_operator(st, "tester", &err);
	int64_t res = fixture_place(st);
	local_channels();
	test_create(st, res);
	test_life(st, res);
	test_report(st, res);
	test_receipt(st);
	test_overdue(st, res);   /* after the receipt: its footer is the audit chain's head */
	test_screen_queries(st, res);
	test_local_channel(st, res);   /* after the receipt too: it adds an audit entry */
	store_close(st);
	test_demo();
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	free(path);
	free(err);
	return check_finish();
}
