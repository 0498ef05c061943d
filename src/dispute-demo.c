/* dispute-demo: a plausible year of mediation cases for the demo villages, written
 * through the same functions the screens use (so the demo obeys the same rules).
 * About 2 cases per 100 residents, 99 % settled, the newest still open, one case past
 * its month, written agreements with their confirmation windows, follow-up visits
 * made and due. Deterministic for a seed and a day (SHANZHI_TODAY). */
#include "dispute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idcard.h"
#include "prng.h"
#include "rowset.h"
#include "util.h"

#define CASES_PER_RESIDENTS 50   /* one case a year per 50 residents (40 for 2,000) */
#define MAX_CASES 2000           /* a district's demo: the first villages only */
#define OPEN_DAYS 12             /* cases received this recently are still open */
#define OVERDUE_DAYS 42          /* and one older case, past its month */
#define WINDOW_AGE 33            /* a case received then was settled in writing ... */
#define WINDOW_LEFT 5            /* ... this many days before its confirmation window closes */


/* One category with its weight and what such a dispute is typically about. */
struct demo_category {
	const char *code;
	int weight;
	bool money;
	const char *summary, *facts, *terms;
};

/* The 15 statistical categories as a village sees them: neighbours, families and
 * land first. */
static const struct demo_category categories[] = {
	{ "01", 18, false, "夫妻因赡养老人问题发生争吵，要求调解",
	  "双方因老人赡养费用分担发生争执", "兄弟二人每月各承担赡养费500元，轮流照料老人" },
	{ "02", 25, false, "邻居因排水沟堵塞、污水流入院坝发生纠纷",
	  "被申请人修建院坝时堵塞公共排水沟，雨水流入申请人家中", "被申请人于约定期限内疏通排水沟并恢复原状" },
	{ "03", 12, false, "两户因宅基地界址不清发生争执",
	  "双方对宅基地东侧界址存在争议", "以村委会存档界址图为准，双方共同立界桩" },
	{ "04", 5, true, "农资买卖货款拖欠纠纷",
	  "被申请人购买农资后未按约定付清货款", "被申请人分两期付清欠款" },
	{ "05", 4, true, "合作种植分红纠纷",
	  "双方合作种植蔬菜，对收益分配存在争议", "按出资比例分配收益，一次性结清" },
	{ "06", 10, true, "家禽被邻居家狗咬死，要求赔偿",
	  "被申请人饲养的狗咬死申请人家鸡8只", "被申请人一次性赔偿损失" },
	{ "07", 10, false, "承包地边界及林木归属纠纷",
	  "双方对承包地边界处林木归属存在争议", "以承包合同及确权图为准，林木归申请人所有" },
	{ "08", 3, true, "征地补偿款分配纠纷",
	  "家庭成员之间对征地补偿款分配存在争议", "按户内人口平均分配补偿款" },
	{ "09", 2, false, "养殖场气味扰邻纠纷",
	  "被申请人养猪场粪污处理不当影响邻居生活", "被申请人限期建设化粪池并定期清运" },
	{ "10", 3, true, "务工工资拖欠纠纷",
	  "被申请人拖欠申请人务工工资", "被申请人于约定期限内付清工资" },
	{ "11", 1, true, "购买家电质量纠纷",
	  "申请人所购电器存在质量问题", "销售方更换同型号产品" },
	{ "12", 1, true, "村卫生室诊疗费用纠纷",
	  "双方对诊疗费用及后续治疗存在争议", "卫生室退还部分费用" },
	{ "13", 4, true, "摩托车与三轮车相撞赔偿纠纷",
	  "双方车辆在村道相撞，申请人受轻伤", "被申请人一次性赔偿医疗费及误工费" },
	{ "14", 0, false, "", "", "" },
	{ "15", 2, false, "集体活动场地使用纠纷",
	  "双方对场地使用时间安排存在争议", "按村规民约轮流使用" },
};

static const char *const places[] = {
	"党员说事室", "村委会调解室", "当事人家中", "争议现场",
};
static const char *const mediators[] = {
	"龙光明、杨秀英", "罗正华、法律顾问王敏", "杨秀英、网格员陈刚", "龙光明、法律顾问王敏",
};
/* Parties from outside the village, with the sex their ID number must say. */
static const struct {
	const char *name;
	bool female;
} outside_people[] = {
	{ "周建国", false }, { "吴小平", false }, { "郑丽", true }, { "冯志强", false },
	{ "陈静", true }, { "赵红梅", true }, { "孙海", false }, { "刘洋", false },
};
static const char *const outside_addresses[] = {
	"贵阳市南明区花果园街道", "贵阳市观山湖区金阳街道", "安顺市西秀区东街", "惠水县和平镇",
};

/* A category by weight. */
static const struct demo_category *pick_category(struct prng *r)
{
	int total = 0;
	for (size_t i = 0; i < ARRAY_LEN(categories); i++)
		total += categories[i].weight;
	int x = prng_range(r, 1, total);
	for (size_t i = 0; i < ARRAY_LEN(categories); i++)
		if ((x -= categories[i].weight) <= 0)
			return &categories[i];
	return &categories[0];
}

/* A valid ID number of someone from Guiyang born in year, of the sex the name has
 * (the sequence number's parity: odd for a man). */
static void outside_id(struct prng *r, int year, bool female, char out[19])
{
	char first17[18];
	unsigned month = (unsigned)prng_range(r, 1, 12), day = (unsigned)prng_range(r, 1, 28);
	unsigned seq = female ? 2 * (unsigned)prng_range(r, 1, 499) : 2 * (unsigned)prng_range(r, 0, 499) + 1;
	/* the modulos tell the compiler the widths the ranges already keep */
	snprintf(first17, sizeof first17, "520102%04u%02u%02u%03u", (unsigned)year % 10000, month % 100,
		 day % 100, seq % 1000);
	snprintf(out, 19, "%s%c", first17, idcard_check_char(first17));
}

/* The adult residents of a village still living there, read once (a random pick
 * by OFFSET would scan the village for every party). Caller frees *ids. */
static size_t village_adults(struct store *st, int64_t village, const char *today, int64_t **ids)
{
	size_t n;
	*ids = rowset_ids(st, &n,
		"SELECT r.id FROM grid g CROSS JOIN household h CROSS JOIN resident r"
		" WHERE g.village_id = ?1 AND h.grid_id = g.id AND r.household_id = h.id AND r.living_status = '1'"
		" AND r.birth_date <= date(?2, '-20 years') ORDER BY r.id", "lt", village, today);
	return n;
}

/* Everything one demo case needs to be written. */
struct demo_case {
	struct store *st;
	struct prng *r;
	int64_t village;
	int64_t *adults;      /* the village's adult residents */
	size_t nadults;
	char today[11];
};

/* The parties: an applicant and a respondent (a resident or an outsider), sometimes
 * a third party. */
static int demo_parties(struct demo_case *dc, int64_t case_id, char **err)
{
	int n = prng_range(dc->r, 1, 10) == 1 ? 3 : 2;
	for (int i = 0; i < n; i++) {
		char role[2] = { (char)('1' + (i < 2 ? i : 2)), 0 };
		int64_t pid = 0;
		bool outsider = i > 0 && prng_range(dc->r, 1, 100) <= 15;
		int64_t resident = outsider || !dc->nadults ? 0
					 : dc->adults[prng_range(dc->r, 0, (int)dc->nadults - 1)];
		char rid[24] = "", idn[19] = "", phone[16] = "";
		if (resident) {
			snprintf(rid, sizeof rid, "%lld", (long long)resident);
			struct store_field f[] = { { "role", role }, { "resident_id", rid }, { "form_version", "1" } };
			if (dispute_party_save(dc->st, case_id, &pid, f, ARRAY_LEN(f), err) != 0)
				return -1;
			continue;
		}
		int who = prng_range(dc->r, 0, (int)ARRAY_LEN(outside_people) - 1);
		outside_id(dc->r, prng_range(dc->r, 1960, 2000), outside_people[who].female, idn);
		snprintf(phone, sizeof phone, "13%09d", prng_range(dc->r, 0, 999999999));
		struct store_field f[] = {
			{ "role", role },
			{ "name", outside_people[who].name },
			{ "id_number", idn }, { "phone", phone },
			{ "address", outside_addresses[prng_range(dc->r, 0, (int)ARRAY_LEN(outside_addresses) - 1)] },
			{ "form_version", "1" },
		};
		if (dispute_party_save(dc->st, case_id, &pid, f, ARRAY_LEN(f), err) != 0)
			return -1;
	}
	return 0;
}

/* One to three sessions from the day after receipt, none after today. */
static int demo_sessions(struct demo_case *dc, int64_t case_id, const char *received,
			 const char *last_day, char **err)
{
	int n = prng_range(dc->r, 1, 3);
	char day[11];
	strcpy(day, received);
	for (int i = 0; i < n; i++) {
		dispute_add_days(day, prng_range(dc->r, 1, 4), day);
		if (strcmp(day, last_day) > 0)
			break;
		char time[6];
		snprintf(time, sizeof time, "%02d:%02d", prng_range(dc->r, 9, 17), prng_range(dc->r, 0, 1) * 30);
		bool last = i == n - 1;
		struct store_field f[] = {
			{ "session_date", day }, { "session_time", time },
			{ "place", places[prng_range(dc->r, 0, (int)ARRAY_LEN(places) - 1)] },
			{ "participants", "双方当事人、调解员、网格员" },
			{ "applicant_said", "申请人陈述了纠纷经过，要求对方承担责任。" },
			{ "respondent_said", i == 0 ? "被申请人对部分事实有异议，愿意协商。" : "被申请人同意按调解意见处理。" },
			{ "result", last ? "双方达成一致意见。" : "双方各自考虑，另约时间再调。" },
			{ "form_version", "1" },
		};
		int64_t sid = 0;
		if (dispute_session_save(dc->st, case_id, &sid, f, ARRAY_LEN(f), err) != 0)
			return -1;
	}
	return 0;
}

/* The outcome of a concluded case: mostly a success, oral or written. */
static int demo_outcome(struct demo_case *dc, int64_t case_id, const struct demo_category *cat,
			const char *date, bool *written, char **err)
{
	bool failed = !*written && prng_range(dc->r, 1, 100) == 1;
	*written = *written || (!failed && prng_range(dc->r, 1, 10) <= 6);
	char deadline[11], copies[4];
	dispute_add_days(date, prng_range(dc->r, 7, 45), deadline);
	snprintf(copies, sizeof copies, "%d", 3);
	struct store_field f[] = {
		{ "outcome", failed ? DISPUTE_FAILED : DISPUTE_SUCCESS },
		{ "outcome_date", date },
		{ "outcome_reason", failed ? "双方分歧较大，告知当事人可向人民法院起诉" : NULL },
		{ "agreement_form", failed ? NULL : *written ? DISPUTE_WRITTEN : DISPUTE_ORAL },
		{ "agreement_date", date },
		{ "facts", cat->facts },
		{ "responsibility", "被申请人承担主要责任，申请人承担次要责任" },
		{ "terms", cat->terms },
		{ "performance", "当面履行，村调委会见证" },
		{ "performance_deadline", deadline },
		{ "copies", copies },
	};
	return dispute_outcome_save(dc->st, case_id, f, ARRAY_LEN(f), err);
}

/* Judicial confirmation for some written agreements, applied within the window. */
static int demo_confirmation(struct demo_case *dc, int64_t case_id, const char *agreed, char **err)
{
	char applied[11], result_date[11];
	dispute_add_days(agreed, prng_range(dc->r, 3, 20), applied);
	dispute_add_days(applied, prng_range(dc->r, 5, 15), result_date);
	if (strcmp(applied, dc->today) > 0)
		return 0;
	bool decided = strcmp(result_date, dc->today) <= 0;
	struct store_field f[] = {
		{ "confirm_applied_date", applied }, { "confirm_court", "花溪区人民法院" },
		{ "confirm_result", decided ? "1" : NULL }, { "confirm_result_date", decided ? result_date : NULL },
	};
	return dispute_confirm_save(dc->st, case_id, f, ARRAY_LEN(f), false, err);
}

/* The follow-up visit the outcome scheduled: made when it fell due. */
static int demo_visit(struct demo_case *dc, int64_t case_id, char **err)
{
	sqlite3_stmt *stmt;
	int64_t vid = 0;
	char due[11] = "";
	if (sqlite3_prepare_v2(store_db(dc->st), "SELECT id, due_date FROM dispute_visit WHERE case_id = ?1",
			       -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, case_id);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 1)) {
		vid = sqlite3_column_int64(stmt, 0);
		snprintf(due, sizeof due, "%s", (const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	/* most visits are made on the day; a few are still to be made */
	if (!vid || strcmp(due, dc->today) > 0 || prng_range(dc->r, 1, 30) == 1)
		return 0;
	bool partly = prng_range(dc->r, 1, 20) == 1;
	struct store_field f[] = {
		{ "due_date", due }, { "done_date", due }, { "performance", partly ? "2" : "1" },
		{ "notes", partly ? "已履行大部分，余款约定下月付清" : "协议已履行完毕，双方关系和睦" },
		{ "form_version", "1" },
	};
	return dispute_visit_save(dc->st, case_id, &vid, f, ARRAY_LEN(f), err);
}

/* How a demo case stands today. */
enum demo_state {
	DEMO_SETTLED,   /* concluded 3 to 25 days after receipt */
	DEMO_OPEN,      /* still being mediated */
	DEMO_WINDOW,    /* a written agreement WINDOW_LEFT days before its window closes */
};

/* One case received `age` days before today. */
static int demo_case(struct demo_case *dc, int age, enum demo_state state, char **err)
{
	bool keep_open = state == DEMO_OPEN;
	const struct demo_category *cat = pick_category(dc->r);
	char received[11], amount[16] = "", risk[4] = "";
	dispute_add_days(dc->today, -age, received);
	if (cat->money)
		snprintf(amount, sizeof amount, "%d", prng_range(dc->r, 5, 400) * 100);
	int rk = prng_range(dc->r, 1, 100);
	if (rk <= 5)
		strcpy(risk, DISPUTE_RISK_CRIMINAL);
	else if (rk <= 7)
		strcpy(risk, DISPUTE_RISK_MASS);
	int src = prng_range(dc->r, 1, 10);
	struct store_field f[] = {
		{ "received_date", received },
		{ "source", src <= 6 ? "1" : src <= 9 ? "2" : "3" },
		{ "category", cat->code }, { "summary", cat->summary }, { "amount", amount },
		{ "risk", risk }, { "mediators", mediators[prng_range(dc->r, 0, (int)ARRAY_LEN(mediators) - 1)] },
		{ "form_version", "1" },
	};
	int64_t id = 0;
	if (dispute_case_create(dc->st, dc->village, f, ARRAY_LEN(f), &id, err) != 0 ||
	    demo_parties(dc, id, err) != 0)
		return -1;
	char last[11], concluded[11];
	dispute_add_days(received, keep_open ? age : prng_range(dc->r, 3, 25), concluded);
	if (state == DEMO_WINDOW)
		dispute_add_days(dc->today, WINDOW_LEFT - DISPUTE_CONFIRM_DAYS, concluded);
	if (strcmp(concluded, dc->today) > 0)
		strcpy(concluded, dc->today);
	strcpy(last, concluded);
	if (demo_sessions(dc, id, received, last, err) != 0)
		return -1;
	if (keep_open)
		return 0;
	bool written = state == DEMO_WINDOW;
	if (demo_outcome(dc, id, cat, concluded, &written, err) != 0)
		return -1;
	if (written && state != DEMO_WINDOW && prng_range(dc->r, 1, 100) <= 20 &&
	    demo_confirmation(dc, id, concluded, err) != 0)
		return -1;
	return demo_visit(dc, id, err);
}

/* The cases of one village, oldest first so the numbers follow the dates. */
static int demo_village(struct store *st, int64_t village, int ncases, unsigned seed, char **err)
{
	struct prng r;   /* a stream per village: a village's cases do not move with another's */
	prng_seed(&r, ((uint64_t)seed << 20) ^ (uint64_t)village ^ 0xd15b07e5ull);
	struct demo_case dc = { .st = st, .r = &r, .village = village };
	store_today(dc.today);
	dc.nadults = village_adults(st, village, dc.today, &dc.adults);
	int *ages = xcalloc((size_t)ncases, sizeof *ages);
	for (int i = 0; i < ncases; i++)
		ages[i] = prng_range(&r, 0, 364);
	/* every village has a written agreement to print, whose window for judicial
	 * confirmation closes soon; a larger one also a case open for six weeks (past
	 * its month); oldest first */
	if (ncases > 0)
		ages[ncases > 4 ? 1 : 0] = WINDOW_AGE;
	if (ncases > 4)
		ages[0] = OVERDUE_DAYS;
	for (int i = 1; i < ncases; i++)
		for (int j = i; j > 0 && ages[j] > ages[j - 1]; j--) {
			int tmp = ages[j];
			ages[j] = ages[j - 1];
			ages[j - 1] = tmp;
		}
	int rc = 0;
	for (int i = 0; i < ncases && rc == 0; i++)
		rc = demo_case(&dc, ages[i], ages[i] <= OPEN_DAYS || ages[i] == OVERDUE_DAYS ? DEMO_OPEN
					     : ages[i] == WINDOW_AGE ? DEMO_WINDOW : DEMO_SETTLED, err);
	free(ages);
	free(dc.adults);
	return rc;
}

/* Residents of a village: grid, household, resident, each through its index (the
 * forced order keeps a million-resident register from being scanned per village). */
static int village_residents(struct store *st, int64_t village)
{
	char *v = rowset_value(st, "SELECT count(*) FROM grid g CROSS JOIN household h CROSS JOIN resident r"
			       " WHERE g.village_id = ?1 AND h.grid_id = g.id AND r.household_id = h.id", "l", village);
	int n = v ? atoi(v) : 0;
	free(v);
	return n;
}

int dispute_demo_create(struct store *st, unsigned seed, char **err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(store_db(st), "SELECT id FROM village ORDER BY id", -1, &stmt, NULL) != SQLITE_OK) {
		if (err)
			*err = xstrdup(sqlite3_errmsg(store_db(st)));
		return -1;
	}
	int64_t ids[256];
	size_t nv = 0;
	while (nv < ARRAY_LEN(ids) && sqlite3_step(stmt) == SQLITE_ROW)
		ids[nv++] = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (store_begin(st, err) != 0)
		return -1;
	int total = 0, rc = 0;
	for (size_t v = 0; v < nv && rc == 0 && total < MAX_CASES; v++) {
		int residents = village_residents(st, ids[v]);
		int n = residents / CASES_PER_RESIDENTS;
		if (residents > 0 && n < 3)
			n = 3;
		if (total + n > MAX_CASES)
			n = MAX_CASES - total;
		total += n;
		if (n > 0)
			rc = demo_village(st, ids[v], n, seed, err);
	}
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}
