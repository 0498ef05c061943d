/* service-demo: a plausible year of service requests for the demo village, the same
 * for the same seed (service_demo in service.h). */
#include "service.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "prng.h"
#include "rowset.h"
#include "store.h"
#include "util.h"
#include "workday.h"

/* A number below n (0 when n is 0), from the demo's one generator. */
static uint32_t demo_below(struct prng *r, uint32_t n)
{
	return n ? prng_below(r, n) : 0;
}

/* The id the next request gets, ids kept in step with the rows already there. */
static int64_t next_request_id(struct store *st)
{
	char *v = rowset_value(st, "SELECT coalesce(max(id), 0) + 1 FROM service_request", NULL);
	int64_t id = v ? strtoll(v, NULL, 10) : 1;
	free(v);
	return id;
}

/* How often each item is asked for, relative to 1 (medical insurance payment is the
 * bulk of a village window's work). */
static int demo_item_weight(const char *code)
{
	static const struct {
		const char *code;
		int weight;
	} w[] = {
		{ "YB01", 40 }, { "SB01", 18 }, { "SB04", 8 }, { "QT01", 10 }, { "QT02", 8 },
		{ "YB05", 6 }, { "ZM01", 5 }, { "YB02", 4 }, { "JY01", 3 }, { "ZM02", 3 },
		{ "WS01", 3 }, { "MZ05", 2 }, { "NY01", 3 }, { "FL01", 2 },
	};
	for (size_t i = 0; i < ARRAY_LEN(w); i++)
		if (strcmp(w[i].code, code) == 0)
			return w[i].weight;
	return 1;
}

/* What a demo request says, by kind. */
static const char *const demo_contents[] = {
	"本人到窗口办理", "家属代为咨询办理", "电话预约后到站办理", "网格员上门收集材料", "老人行动不便，上门帮办",
};
static const char *const demo_wishes[] = {
	"希望有人帮忙买一袋大米和食用油", "孩子上学需要一个新书包和文具", "独居老人希望有人上门打扫卫生",
};
static const char *const demo_appeals[] = {
	"组里道路下雨后泥泞难行，希望硬化", "家中自来水压力不足，希望检修", "邻里因排水沟发生纠纷，请求协调",
};
static const char *const demo_handlers[] = { "王芳", "李明", "杨国华", "吴丽" };
static const char *const demo_contacts[] = {
	"电话回访本人，说明办理进度", "上门回访，当面解释政策", "约请到便民服务站面谈",
};
static const char *const demo_fixes[] = {
	"已加快办理并当面致歉", "已补办完成，改进窗口告知流程", "已协调相关部门解决，群众表示认可",
};

/* Everything one demo run needs. */
struct sdemo {
	struct prng rng;
	sqlite3_stmt *ins;
	const struct service_catalog *cat;
	const struct workday_cal *cal;
	int *weights;
	int weight_sum;
	int64_t village_id;
	char village_code[16];
	int64_t *residents;
	size_t nresidents;
	int64_t today;
	int64_t next_id;
	int64_t overdue_day[2];  /* days whose first request is left open past its date */
	int64_t bad_day;         /* the day whose first request is rated 不满意, follow-up open */
};

/* Picks an item by weight. */
static const struct service_item *sdemo_item(struct sdemo *d)
{
	int x = (int)demo_below(&d->rng, (uint32_t)d->weight_sum);
	for (size_t i = 0; i < d->cat->n; i++) {
		x -= d->weights[i];
		if (x < 0)
			return &d->cat->items[i];
	}
	return &d->cat->items[0];
}

/* A rating at the rates of Huaxi (99.9 % good): 5..1, 0 declined. */
static int sdemo_rating(struct sdemo *d)
{
	uint32_t x = demo_below(&d->rng, 10000);
	if (x < 8400) return 5;
	if (x < 9900) return 4;
	if (x < 9950) return 3;
	if (x < 9975) return 2;
	if (x < 9983) return 1;
	return 0;
}

/* Binds text or NULL. */
static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* One demo request as it is written. */
struct sdemo_row {
	const struct service_item *item;
	char on[11], due[11], done[11], fdue[11], fdone[11], number[48], at[40];
	const char *channel, *content, *handler, *status, *reason, *contact, *fix;
	int64_t resident;
	int rating;              /* 1..5, 0 declined, -1 not rated */
};

/* Who asked, how and what for, and who handles it. */
static void sdemo_who(struct sdemo *d, struct sdemo_row *r)
{
	const struct service_item *it = r->item;
	uint32_t ch = demo_below(&d->rng, 100);
	r->channel = ch < 70 ? "1" : ch < 85 ? (it->proxy ? "2" : "1") : ch < 93 ? "3" : "4";
	bool visitor = d->nresidents == 0 || demo_below(&d->rng, 100) < 3;
	r->resident = visitor ? 0 : d->residents[demo_below(&d->rng, (uint32_t)d->nresidents)];
	r->content = strcmp(it->kind, "wish") == 0 ? demo_wishes[demo_below(&d->rng, ARRAY_LEN(demo_wishes))]
		   : strcmp(it->kind, "appeal") == 0 ? demo_appeals[demo_below(&d->rng, ARRAY_LEN(demo_appeals))]
		   : demo_contents[demo_below(&d->rng, ARRAY_LEN(demo_contents))];
	r->handler = demo_handlers[demo_below(&d->rng, ARRAY_LEN(demo_handlers))];
}

/* A closed request's rating and, for a bad one, its follow-up (done once it is due). */
static void sdemo_rate(struct sdemo *d, struct sdemo_row *r, bool forced_bad)
{
	r->rating = forced_bad ? 2 : sdemo_rating(d);
	if (r->rating != 1 && r->rating != 2)
		return;
	workday_add(d->cal, r->done, 5, r->fdue);
	int64_t fdue = workday_day_number(r->fdue);
	if (!forced_bad && (fdue < d->today - 1 || demo_below(&d->rng, 2))) {
		snprintf(r->fdone, sizeof(r->fdone), "%s", fdue < d->today ? r->fdue : r->done);
		r->contact = demo_contacts[demo_below(&d->rng, ARRAY_LEN(demo_contacts))];
		r->fix = demo_fixes[demo_below(&d->rng, ARRAY_LEN(demo_fixes))];
	}
}

/* How the request went: most closed within the promise and rated, a few late,
 * returned or still open. Returns the day of the last status change. */
static int64_t sdemo_outcome(struct sdemo *d, struct sdemo_row *r, int64_t day, int seq)
{
	const struct service_item *it = r->item;
	bool late = demo_below(&d->rng, 1000) < 15;
	int spend = it->days ? (int)demo_below(&d->rng, (uint32_t)it->days + 1) : 0;
	char end[11];
	workday_add(d->cal, r->on, spend, end);
	int64_t end_day = late ? workday_day_number(r->due) + 1 + demo_below(&d->rng, 6) : workday_day_number(end);
	bool returned = demo_below(&d->rng, 1000) < 5;
	/* a recent bad rating with its follow-up due: done on the day, whatever the draw */
	bool forced_bad = seq == 1 && day == d->bad_day;
	if (forced_bad) {
		end_day = day;
		returned = false;
	}
	/* still open: not finished yet, a few stuck in the last month, and the first of the
	 * day 12 and 20 working days back, so that every demo has overdue requests */
	bool stalled = !forced_bad && (end_day >= d->today || (day > d->today - 30 && demo_below(&d->rng, 1000) < 8) ||
		       (seq == 1 && (day == d->overdue_day[0] || day == d->overdue_day[1])));
	r->status = "done";
	r->rating = -1;
	if (returned) {
		r->status = "returned";
		r->reason = "材料不齐，已告知补齐后再来办理";
		return day;
	}
	if (stalled) {
		r->status = demo_below(&d->rng, 3) == 0 ? "accepted" : "in_progress";
		return day;
	}
	workday_date(end_day, r->done);
	sdemo_rate(d, r, forced_bad);
	return end_day;
}

/* Writes a demo request with the prepared INSERT of the bulk load. */
static int sdemo_insert(struct sdemo *d, const struct sdemo_row *r, char **err)
{
	sqlite3_stmt *s = d->ins;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	sqlite3_bind_int64(s, 1, d->next_id++);
	bind_text(s, 2, r->number);
	bind_text(s, 3, r->item->kind);
	bind_text(s, 4, r->item->code);
	if (r->resident)
		sqlite3_bind_int64(s, 5, r->resident);
	bind_text(s, 6, r->resident ? NULL : "过路群众");
	bind_text(s, 7, r->resident ? NULL : "13985000000");
	sqlite3_bind_int64(s, 8, d->village_id);
	bind_text(s, 9, r->channel);
	bind_text(s, 10, r->content);
	bind_text(s, 11, r->item->materials);
	bind_text(s, 12, r->handler);
	bind_text(s, 13, r->item->department);
	bind_text(s, 14, r->status);
	bind_text(s, 15, r->at);
	bind_text(s, 16, r->reason);
	bind_text(s, 17, r->on);
	bind_text(s, 18, r->due);
	bind_text(s, 19, r->done);
	if (r->rating > 0)
		sqlite3_bind_int(s, 20, r->rating);
	sqlite3_bind_int(s, 21, r->rating == 0);
	bind_text(s, 22, r->fdue);
	bind_text(s, 23, r->fdone);
	bind_text(s, 24, r->contact);
	bind_text(s, 25, r->fix);
	bind_text(s, 26, r->at);
	/* a closed demo request says its outcome, as service_close requires */
	bind_text(s, 27, r->status && strcmp(r->status, "done") == 0 ? "已按规定办结，结果已告知群众" : NULL);
	if (sqlite3_step(s) != SQLITE_DONE) {
		*err = xasprintf("%s: %s", r->number, sqlite3_errmsg(sqlite3_db_handle(s)));
		return -1;
	}
	return 0;
}

/* Writes one request accepted on day (the seq-th of that day). */
static int sdemo_request(struct sdemo *d, int64_t day, int seq, char **err)
{
	struct sdemo_row r = { .item = sdemo_item(d) };
	workday_date(day, r.on);
	workday_add(d->cal, r.on, r.item->days, r.due);
	snprintf(r.number, sizeof(r.number), "%s-%.4s%.2s%.2s-%03d", d->village_code, r.on, r.on + 5, r.on + 8, seq);
	sdemo_who(d, &r);
	int64_t changed = sdemo_outcome(d, &r, day, seq);
	char when[11];
	workday_date(changed < d->today ? changed : day, when);
	snprintf(r.at, sizeof(r.at), "%sT%02u:%02u:00+08:00", when, 9 + demo_below(&d->rng, 8), demo_below(&d->rng, 60));
	return sdemo_insert(d, &r, err);
}

/* The village at index (by id) and the residents of its households; false when there
 * is none. */
static bool sdemo_village(struct sdemo *d, struct store *st, long index)
{
	struct rowset r = { 0 };
	free(d->residents);
	d->residents = NULL;
	d->nresidents = 0;
	bool ok = rowset_select(st, &r, NULL, "SELECT id, code FROM village ORDER BY id LIMIT 1 OFFSET ?1",
				"l", (int64_t)index) == 0 && r.n;
	if (ok) {
		d->village_id = rowset_int(&r, 0, 0);
		snprintf(d->village_code, sizeof(d->village_code), "%s", rowset_text(&r, 0, 1));
		d->residents = rowset_ids(st, &d->nresidents, "SELECT r.id FROM resident r"
					  " JOIN household h ON h.id = r.household_id JOIN grid g ON g.id = h.grid_id"
					  " WHERE g.village_id = ?1 AND r.living_status = '1' ORDER BY r.id",
					  "l", d->village_id);
	}
	rowset_free(&r);
	return ok;
}

/* Writes count requests over the working days before today, about as many each day. */
static int sdemo_fill(struct sdemo *d, long count, char **err)
{
	/* a village window takes up to ~360 requests a working day (Huaxi: 131,600 a year) */
	long per_day = 360;
	int64_t span = count / per_day * 7 / 5 + 1;
	if (span < 366)
		span = 366;
	int64_t first = d->today - span;
	long working = 0;
	for (int64_t day = first; day < d->today; day++)
		working += workday_is_working(d->cal, day);
	long written = 0;
	long done_days = 0;
	int back = 0;
	for (int64_t day = d->today - 1; day > first && back < 20; day--)
		if (workday_is_working(d->cal, day) && ++back >= 12)
			d->overdue_day[back == 12 ? 0 : 1] = day;
		else if (workday_is_working(d->cal, day) && back == 3)
			d->bad_day = day;
	for (int64_t day = first; day < d->today && written < count; day++) {
		if (!workday_is_working(d->cal, day))
			continue;
		done_days++;
		long target = working ? count * done_days / working : count;
		for (int seq = 1; written < target; seq++, written++)
			if (sdemo_request(d, day, seq, err) != 0)
				return -1;
	}
	return 0;
}

/* Requests for the first village, or for every village (count then reckoned per
 * village from its residents). */
static int sdemo_run(struct store *st, unsigned seed, long count, bool every, char **err)
{
	sqlite3 *db = store_db(st);
	struct sdemo d = { .cat = service_catalog_default(), .cal = workday_default() };
	prng_seed(&d.rng, 0x5e41ce00ull ^ seed);   /* its own stream: not the residents' */
	if (d.cat->n == 0 || !sdemo_village(&d, st, 0)) {
		free(d.residents);
		return 0;  /* no catalogue or no village: nothing to show requests for */
	}
	char today[11];
	store_today(today);
	d.today = workday_day_number(today);
	d.weights = xcalloc(d.cat->n, sizeof(*d.weights));
	for (size_t i = 0; i < d.cat->n; i++)
		d.weight_sum += d.weights[i] = demo_item_weight(d.cat->items[i].code);
	int rc = store_bulk_begin(st, _("demo service requests"), 0, err);
	if (rc == 0) {
		d.next_id = next_request_id(st);
		rc = sqlite3_prepare_v2(db,
					"INSERT INTO service_request (id, number, kind, item_code, resident_id,"
					" visitor_name, visitor_phone, village_id, channel, content, materials, handler,"
					" department, status, status_at, status_reason, accepted_on, due_on, done_on,"
					" rating, rating_declined, followup_due, followup_done_on, followup_contact,"
					" followup_rectification, created_at, updated_at, outcome)"
					" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
					" ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?26, ?27)",
					-1, &d.ins, NULL) == SQLITE_OK ? 0 : -1;
		if (rc != 0)
			*err = xstrdup(sqlite3_errmsg(db));
		for (long v = 1; rc == 0; v++) {
			rc = sdemo_fill(&d, count > 0 ? count : (long)d.nresidents * 9 / 10 + 50, err);
			if (!every || !sdemo_village(&d, st, v))
				break;
		}
		sqlite3_finalize(d.ins);
		if (rc == 0)
			rc = store_bulk_end(st, err);
		else
			store_rollback(st);
	}
	free(d.weights);
	free(d.residents);
	return rc;
}

int service_demo(struct store *st, unsigned seed, long count, char **err)
{
	return sdemo_run(st, seed, count, false, err);
}

int service_demo_every_village(struct store *st, unsigned seed, char **err)
{
	return sdemo_run(st, seed, 0, true, err);
}
