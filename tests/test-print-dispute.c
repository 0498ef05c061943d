/* test-print-dispute: the printed 人民调解协议书 and 调解笔录 against golden files in
 * UTF-8 and GBK (tests/golden/; GENERATE=1 rewrites them), the refusals of printing
 * (no written agreement, a role without the right), and the statistics table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "check.h"
#include "civil.h"
#include "dispute.h"
#include "form.h"
#include "i18n.h"
#include "paths.h"
#include "print-dispute.h"
#include "printout.h"
#include "store.h"
#include "util.h"

static struct store *st;
static struct form_registry *reg;

/* Inserts a row and returns its id as text (caller frees). */
static char *insert(const char *table, const struct store_field *f, size_t n)
{
	int64_t id = 0;
	char *err = NULL;
	if (store_insert(st, table, f, n, &id, &err) != 0)
		fprintf(stderr, "insert %s: %s\n", table, err);
	free(err);
	return xasprintf("%lld", (long long)id);
}

/* One village with one registered resident, and a case between that resident and a
 * person from outside, with one session and a written agreement. */
static int64_t make_case(void)
{
	struct store_field t[] = { { "code", "520111101" }, { "name", "青岩镇" } };
	char *town = insert("town", t, 2);
	struct store_field v[] = { { "town_id", town }, { "code", "520111101201" }, { "name", "龙井村" } };
	char *village = insert("village", v, 3);
	struct store_field h[] = { { "hh_no", "520111101201001" }, { "address", "青岩镇龙井村3组12号" }, { "form_version", "1" } };
	char *hh = insert("household", h, 3);
	struct store_field r[] = {
		{ "name", "龙发利" }, { "sex", "1" }, { "birth_date", "1980-01-01" }, { "id_number", "52011119800101001X" },
		{ "ethnicity", "06" }, { "household_id", hh }, { "relation", "02" }, { "phone", "13812345678" },
		{ "form_version", "1" },
	};
	char *resident = insert("resident", r, ARRAY_LEN(r));
	char *err = NULL;
	struct store_field c[] = {
		{ "received_date", "2026-11-02" }, { "source", "1" }, { "category", "02" },
		{ "summary", "被申请人修建院坝堵塞公共排水沟，雨水流入申请人家中" }, { "amount", "1200" },
		{ "mediators", "杨秀英、王敏" }, { "form_version", "1" },
	};
	int64_t id = 0, pid = 0, sid = 0;
	CHECK(dispute_case_create(st, strtoll(village, NULL, 10), c, ARRAY_LEN(c), &id, &err) == 0);
	struct store_field p1[] = { { "role", "1" }, { "resident_id", resident } };
	CHECK(dispute_party_save(st, id, &pid, p1, 2, &err) == 0);
	pid = 0;
	struct store_field p2[] = { { "role", "2" }, { "name", "周建国" }, { "id_number", "520102197505050030" },
				    { "phone", "0851-88889999" }, { "address", "贵阳市南明区花果园街道5号" } };
	CHECK(dispute_party_save(st, id, &pid, p2, ARRAY_LEN(p2), &err) == 0);
	struct store_field s[] = {
		{ "session_date", "2026-11-05" }, { "session_time", "14:30" }, { "place", "党员说事室" },
		{ "participants", "龙发利、周建国、杨秀英、王敏" },
		{ "applicant_said", "院坝修好后排水沟被堵，下雨时雨水流进堂屋，要求对方疏通并赔偿损失1200元。" },
		{ "respondent_said", "同意疏通排水沟，但认为损失没有那么多。" },
		{ "result", "双方同意疏通排水沟，赔偿800元。" },
	};
	CHECK(dispute_session_save(st, id, &sid, s, ARRAY_LEN(s), &err) == 0);
	struct store_field o[] = {
		{ "outcome", "1" }, { "outcome_date", "2026-11-10" }, { "agreement_form", "2" },
		{ "facts", "被申请人修建院坝时堵塞公共排水沟，致雨水流入申请人家中，造成财物损失。双方对损失数额有争议。" },
		{ "responsibility", "被申请人承担主要责任。" },
		{ "terms", "一、被申请人于2026年11月15日前疏通排水沟并恢复原状；二、被申请人赔偿申请人损失800元。" },
		{ "performance", "现金一次性支付" }, { "performance_deadline", "2026-11-20" }, { "copies", "3" },
	};
	CHECK(dispute_outcome_save(st, id, o, ARRAY_LEN(o), &err) == 0);
	if (err)
		fprintf(stderr, "make_case: %s\n", err);
	free(err);
	free(town);
	free(village);
	free(hh);
	free(resident);
	return id;
}

/* Reads a whole file; NULL when missing. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append_n(&sb, buf, got);
	fclose(f);
	*n = sb.len;
	return sb_take(&sb);
}

/* Compares bytes with the golden file name (or writes it under GENERATE=1). */
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
		fprintf(stderr, "wrote %s\n", path);
	} else {
		size_t len = 0;
		char *want = slurp(path, &len);
		CHECK(want != NULL);
		bool same = want && len == n && memcmp(want, bytes, n) == 0;
		if (!same) {
			char *got_path = xasprintf("/tmp/%s.got", name);
			FILE *f = fopen(got_path, "wb");
			if (f) {
				fwrite(bytes, 1, n, f);
				fclose(f);
			}
			fprintf(stderr, "%s differs from the golden file: see diff %s %s (GENERATE=1 rewrites it)\n",
				name, path, got_path);
			free(got_path);
		}
		CHECK(same);
		free(want);
	}
	free(path);
	free(bytes);
}

/* A document in UTF-8 and GBK against its golden files. */
static void check_document(const char *stem, const char *utf8)
{
	CHECK(utf8 != NULL);
	if (!utf8)
		return;
	char *name = xasprintf("%s.utf8.txt", stem);
	golden(name, utf8, strlen(utf8));
	free(name);
	size_t n = 0;
	char *err = NULL;
	char *gbk = printout_encode(utf8, "gbk", &n, &err);
	CHECK(gbk != NULL);
	name = xasprintf("%s.gbk.txt", stem);
	if (gbk)
		golden(name, gbk, n);
	free(name);
	free(gbk);
	free(err);
}

static void test_documents(int64_t id)
{
	char *err = NULL;
	char *agreement = dispute_agreement_text(st, reg, id, &err);
	check_document("dispute-agreement", agreement);
	/* what the standard document must carry */
	CHECK(agreement && strstr(agreement, "龙井村调〔2026〕第1号"));
	CHECK(agreement && strstr(agreement, "520102197505050030"));  /* full ID numbers: a legal document */
	CHECK(agreement && strstr(agreement, "52011119800101001X"));
	CHECK(agreement && strstr(agreement, "人民调解协议书"));
	CHECK(agreement && strstr(agreement, "按指印"));
	CHECK(agreement && strstr(agreement, "一式三份"));   /* a count in words, as a document writes it */
	CHECK(agreement && strstr(agreement, "龙井村人民调解委员会（印）"));
	CHECK(agreement && strstr(agreement, "2026年11月10日"));
	free(agreement);
	char *record = dispute_record_text(st, reg, id, &err);
	check_document("dispute-record", record);
	CHECK(record && strstr(record, "党员说事室"));
	CHECK(record && strstr(record, "14:30"));
	free(record);
	free(err);
}

/* True when a line of text ends inside an amount or measure: a digit or a point at
 * its end and a digit, point or unit at the start of the next. */
static bool amount_split(const char *text)
{
	for (const char *nl = strchr(text, '\n'); nl && nl[1]; nl = strchr(nl + 1, '\n')) {
		const char *next = nl + 1;
		while (*next == ' ')
			next++;
		bool ends = nl > text && ((nl[-1] >= '0' && nl[-1] <= '9') || nl[-1] == '.');
		bool starts = (*next >= '0' && *next <= '9') || *next == '.' || strncmp(next, "元", 3) == 0 ||
			      strncmp(next, "米", 3) == 0;
		if (ends && starts)
			return true;
	}
	return false;
}

/* An amount, a measure or a date at the margin moves whole to the next line: the
 * printed agreement never reads 5 / 00元 or 0. / 3米. */
static void test_wrap_keeps_amounts(int64_t id)
{
	char *err = NULL;
	/* 33 Chinese characters before each: it starts two columns before the
	 * 68-column margin of an indented section */
	struct store_field o[] = {
		{ "outcome", "1" }, { "outcome_date", "2026-11-10" }, { "agreement_form", "2" },
		{ "facts", "被申请人修建院坝时堵塞公共排水沟，致雨水流入申请人家中，造损坏围墙" "0.3米宽" },
		{ "responsibility", "被申请人承担主要责任。" },
		{ "terms", "一、被申请人于本月十五日前疏通排水沟并恢复原状；二、被申请人赔损失" "500元。" },
		{ "performance", "现金一次性支付" }, { "performance_deadline", "2026-11-20" }, { "copies", "5" },
	};
	CHECK(dispute_outcome_save(st, id, o, ARRAY_LEN(o), &err) == 0);
	char *agreement = dispute_agreement_text(st, reg, id, &err);
	CHECK(agreement && strstr(agreement, "\n    0.3米宽"));
	CHECK(agreement && strstr(agreement, "\n    500元。"));
	CHECK(agreement && !amount_split(agreement));
	CHECK(agreement && strstr(agreement, "一式五份"));
	if (agreement && amount_split(agreement))
		fprintf(stderr, "%s", agreement);
	free(agreement);
	free(err);
}

static void test_refusals(int64_t id)
{
	char *err = NULL;
	/* an open case has no agreement to print */
	struct store_field c[] = { { "received_date", "2026-11-20" }, { "category", "01" }, { "summary", "x" } };
	int64_t open = 0;
	CHECK(dispute_case_create(st, 1, c, ARRAY_LEN(c), &open, &err) == 0);
	CHECK(dispute_agreement_text(st, reg, open, &err) == NULL);
	CHECK(err && strstr(err, "龙井村调〔2026〕第2号"));
	free(err);
	err = NULL;
	CHECK(dispute_record_text(st, reg, open, &err) == NULL);
	free(err);
	err = NULL;
	/* only roles with the right see a case's detail */
	CHECK(access_allows(st, ACCESS_DISPUTE_VIEW));  /* the first operator administers */
	CHECK(store_set_operator(st, "clerk2", &err) == 0);
	CHECK(!access_allows(st, ACCESS_DISPUTE_VIEW));
	char *why = access_refusal(st, ACCESS_DISPUTE_VIEW);
	CHECK(why && strstr(why, "clerk2") == NULL && *why);  /* a sentence naming the refused right */
	free(why);
	CHECK(access_role_allows("mediator", ACCESS_DISPUTE_VIEW));
	CHECK(!access_role_allows("viewer", ACCESS_DISPUTE_VIEW));
	(void)id;
	free(err);
}

static void test_report(void)
{
	char *err = NULL;
	char *text = dispute_report_text(st, reg, 2026, &err);
	CHECK(text != NULL);
	CHECK(text && strstr(text, "2026-11"));
	CHECK(text && strstr(text, "龙井村"));
	CHECK(text && strstr(text, "邻里"));
	CHECK(text && strstr(text, "1200.00"));
	CHECK(text && !strstr(text, "520102197505050030"));
	free(text);
	free(err);
}

int main(void)
{
	civil_set_fixed_today("2026-11-26");
	setenv("LC_ALL", "zh_CN.UTF-8", 1);
	i18n_init("zh");
	char *path = xasprintf("/tmp/test-print-dispute-%d.db", (int)getpid());
	unlink(path);
	char *err = NULL;
	st = store_open(path, &err);
	CHECK(st && store_set_operator(st, "tester", &err) == 0);
	reg = form_registry_load(paths_forms(), NULL, &err);
	if (err && *err)
		fprintf(stderr, "forms: %s\n", err);
	free(err);
	int64_t id = make_case();
	test_documents(id);
	test_wrap_keeps_amounts(id);
	test_report();
	test_refusals(id);
	form_registry_free(reg);
	store_close(st);
	unlink(path);
	free(path);
	return check_finish();
}
