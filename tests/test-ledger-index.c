/* test-ledger-index: the declared registers' search index (ledger-index.h) gives the
 * very rows the plain substring scan gives, on varied data: words of 1, 2, 3 and
 * more characters, CJK, ASCII in either case, mixed, LIKE's own % and _, record
 * numbers, household number prefixes, residents by name and pinyin initials, several
 * words; and stays so through saves, edits by a transition, deletes and a bulk load,
 * while check names an index left out of step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth.h"
#include "check.h"
#include "civil.h"
#include "form.h"
#include "i18n.h"
#include "ledger-index.h"
#include "ledger.h"
#include "prng.h"
#include "rowset.h"
#include "store.h"
#include "util.h"

static char tmp[] = "/tmp/test-ledger-index-XXXXXX";

static const char declaration[] =
	"[register]\nname = idx\ntitle = 索引\nversion = 1\nnumber = 走访{year}-{seq:4}\n"
	"list = date, found\nsearch = household_id, worker_id, found, note\norder = date DESC\n"
	"[field date]\nlabel = 日期\ntype = date\n"
	"[field household_id]\nlabel = 户\ntype = ref\nref = household\n"
	"[field worker_id]\nlabel = 网格员\ntype = ref\nref = resident\n"
	"[field found]\nlabel = 发现问题\n"
	"[field note]\nlabel = 备注\n"
	"[field fix]\nlabel = 处置\nstage = fix\n"
	"[state open]\nlabel = 待办\n[state done]\nlabel = 已办结\nfinal = yes\n"
	"[transition fix]\nlabel = 处置\nfrom = open\nto = done\nask = fix\n";

static const char *const pieces[] = { "房屋", "漏雨", "道路", "积水", "无异常", "火", "灾", "A栋", "b栋",
				      "Wifi", "WIFI", "wi", "3号", "100%", "a_b", "老人", "需照看", "电",
				      "隐患", "x", "Q", "林", "邻里矛盾" };
static const char *const names[] = { "杨秀英", "王敏", "龙发利", "吴国强", "罗小梅" };

/* A text of one to four pieces. */
static char *random_text(struct prng *r)
{
	struct strbuf sb = { 0 };
	int n = prng_range(r, 1, 4);
	for (int i = 0; i < n; i++)
		sb_append(&sb, pieces[prng_below(r, ARRAY_LEN(pieces))]);
	return sb_take(&sb);
}

static int64_t insert(struct store *st, const char *table, struct store_field *f, size_t n)
{
	char *err = NULL;
	int64_t id = 0;
	CHECK(store_insert(st, table, f, n, &id, &err) == 0);
	free(err);
	return id;
}

/* A record saved through the engine's write path. */
static int64_t save(struct store *st, const struct ledger_def *d, int64_t id, int64_t hh, int64_t worker,
		    const char *found, const char *note)
{
	struct form_data rec;
	form_data_init(&rec, ledger_form(d));
	char h[24], w[24];
	snprintf(h, sizeof h, "%lld", (long long)hh);
	snprintf(w, sizeof w, "%lld", (long long)worker);
	static int saves;  /* dates repeat and interleave the ids: the order is by date, then id */
	char date[11];
	snprintf(date, sizeof date, "2026-09-%02d", 1 + (saves++ * 7) % 5);
	form_data_set(&rec, (size_t)form_field_index(rec.def, "date"), date);
	form_data_set(&rec, (size_t)form_field_index(rec.def, "household_id"), h);
	form_data_set(&rec, (size_t)form_field_index(rec.def, "worker_id"), worker ? w : NULL);
	form_data_set(&rec, (size_t)form_field_index(rec.def, "found"), found);
	form_data_set(&rec, (size_t)form_field_index(rec.def, "note"), note);
	char *err = NULL;
	CHECK(ledger_save(st, d, &rec, &id, &err) == 0);
	if (err)
		fprintf(stderr, "  save: %s\n", err);
	free(err);
	form_data_free(&rec);
	return id;
}

/* The ids a list gives, in order, as one string: the whole list (limit 0) or a page. */
static char *list_ids(struct store *st, const struct ledger_def *d, const char *search, bool indexed,
		      size_t offset, size_t limit)
{
	ledger_index_use(indexed);
	struct rowset r = { 0 };
	char *err = NULL;
	CHECK(ledger_list(st, d, search, offset, limit, &r, &err) == 0);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < r.n; i++)
		sb_appendf(&sb, "%s,", rowset_text(&r, i, 0));
	sb_appendf(&sb, "#%lld", (long long)ledger_list_count(st, d, search));
	rowset_free(&r);
	free(err);
	ledger_index_use(true);
	return sb_take(&sb);
}

static int compared, nonempty;

/* The indexed list and the scan agree on search: the whole list, and its first and
 * second pages of 3 (a page reads only its first candidates in the list's order). */
static void same(struct store *st, const struct ledger_def *d, const char *search)
{
	static const size_t pages[][2] = { { 0, 0 }, { 0, 3 }, { 3, 3 } };
	for (size_t p = 0; p < ARRAY_LEN(pages); p++) {
		char *scan = list_ids(st, d, search, false, pages[p][0], pages[p][1]);
		char *indexed = list_ids(st, d, search, true, pages[p][0], pages[p][1]);
		if (strcmp(scan, indexed) != 0)
			fprintf(stderr, "  search \"%s\" from %zu: scan %s, indexed %s\n", search, pages[p][0], scan,
				indexed);
		CHECK_STR(indexed, scan);
		if (p == 0) {
			compared++;
			nonempty += scan[0] != '#';
		}
		free(scan);
		free(indexed);
	}
}

/* Every search worth asking of the data as it is: substrings of 1 to 5 characters
 * of each text and number, in the case typed or not, household numbers whole and their prefixes,
 * parts of names and pinyin initials, words none hold, two words. */
static void compare_all(struct store *st, const struct ledger_def *d, struct prng *r)
{
	static const char *const fixed[] = { "火灾", "火", "灾", "无异常", "WIFI", "wifi", "wI", "%", "_", "100%",
					     "a_b", "a%b", "\\", "走访", "走访2026-00", "2026", "0012", "-0",
					     "杨秀英", "秀英", "yxy", "YXY", "wm", "lfl", "101", "1012", "10120",
					     "1", "A栋3", "栋3号", "不存在", "b栋 漏雨", "yxy 积水", "房 屋", "X",
					     "q 林", "号1", "🙂", "é",
					     /* household numbers whole, their starts, with another word */
					     "1012010623", "1012010622", "101201062", "520111101201001",
					     "52011110120", "520111109900001", "5201111099000012", "1012010623 无异常",
					     "520111101202010 yxy", "1012010623 1012010622" };
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		same(st, d, fixed[i]);
	struct rowset rows = { 0 };
	char *err = NULL;
	CHECK(rowset_select(st, &rows, &err, "SELECT coalesce(found, ''), coalesce(note, ''), coalesce(number, '')"
			    " FROM ledger_idx ORDER BY id", "") == 0);
	free(err);
	for (size_t i = 0; i < rows.n; i += 1 + prng_below(r, 4))
		for (size_t c = 0; c < 3; c++) {
			const char *v = rowset_text(&rows, i, c);
			size_t len = strlen(v);
			if (!len)
				continue;
			/* a substring cut on character boundaries */
			size_t from = prng_below(r, (uint32_t)len), n = prng_range(r, 1, 5);
			while (from > 0 && ((unsigned char)v[from] & 0xc0) == 0x80)
				from--;
			size_t to = from;
			for (size_t k = 0; k < n && v[to]; k++)
				do
					to++;
				while (((unsigned char)v[to] & 0xc0) == 0x80);
			char *word = xstrndup(v + from, to - from);
			if (!strchr(word, ' '))
				same(st, d, word);
			free(word);
		}
	rowset_free(&rows);
}

static void test_index(void)
{
	char *root = xasprintf("%s/decl", tmp), *sub = xasprintf("%s/registers", root);
	mkdir(root, 0700);
	mkdir(sub, 0700);
	char *file = xasprintf("%s/idx.register", sub);
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(declaration, f);
		fclose(f);
	}
	char *errors = NULL, *err = NULL;
	struct form_registry *forms = form_registry_load(getenv("SHANZHI_FORMS"), NULL, &errors);
	struct ledger_set *s = ledger_set_load(forms, root, NULL, &errors);
	CHECK_STR(errors, NULL);
	const struct ledger_def *d = ledger_find(s, "idx");
	char *path = xasprintf("%s/index.db", tmp);
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	if (!st || !d)
		return;
	CHECK(auth_first_admin(st, "admin", "pass-1234", &err) == 0);
	CHECK(store_set_operator(st, "admin", &err) == 0);
	CHECK(ledger_migrate(st, s, &errors, &err) == 0);

	int64_t hh[6], workers[ARRAY_LEN(names)];
	static const char *const hh_no[] = { "520111101201001", "520111101201002", "520111101202010",
					     "520111109900001", "1012010622", "1012010623" };
	for (size_t i = 0; i < ARRAY_LEN(hh); i++) {
		struct store_field h[] = { { "hh_no", hh_no[i] }, { "address", "龙井村" }, { "form_version", "1" } };
		hh[i] = insert(st, "household", h, ARRAY_LEN(h));
	}
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		struct store_field w[] = { { "name", names[i] }, { "sex", "2" }, { "form_version", "1" } };
		workers[i] = insert(st, "resident", w, ARRAY_LEN(w));
	}
	struct prng r;
	prng_seed(&r, 17);
	int64_t ids[120];
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		char *found = random_text(&r), *note = prng_chance(&r, 300) ? NULL : random_text(&r);
		ids[i] = save(st, d, 0, hh[prng_below(&r, 6)], prng_chance(&r, 200) ? 0 : workers[prng_below(&r, 5)],
			      found, note);
		free(found);
		free(note);
	}
	struct strbuf report = { 0 };
	CHECK_INT(ledger_index_check(store_db(st), d, &report), 0);
	compare_all(st, d, &r);
	ledger_index_set_drive(0);  /* the walk in order, testing rows against the candidates */
	compare_all(st, d, &r);
	ledger_index_set_drive(500);

	/* edits through the engine: a save with new text, a transition asking a field */
	for (size_t i = 0; i < 30; i++) {
		char *found = random_text(&r);
		save(st, d, ids[prng_below(&r, ARRAY_LEN(ids))], hh[prng_below(&r, 6)], workers[prng_below(&r, 5)],
		     found, "新备注Zz");
		free(found);
	}
	/* deletes: their keys stay behind, the verification drops them */
	CHECK(sqlite3_exec(store_db(st), "DELETE FROM ledger_idx WHERE id % 7 = 0", NULL, NULL, NULL) == SQLITE_OK);
	/* a bulk load past the write path: the next list catches up */
	CHECK(sqlite3_exec(store_db(st), "INSERT INTO ledger_idx(date, household_id, found, number, state, form_version)"
			   " VALUES ('2026-09-02', 1, '火灾隐患X', '走访2026-9999', 'open', 1),"
			   " ('2026-09-03', 2, 'wifi坏了', '走访2026-9998', 'open', 1)", NULL, NULL, NULL) == SQLITE_OK);
	CHECK_INT(ledger_index_check(store_db(st), d, &report), 1);   /* behind */
	CHECK(strstr(report.s ? report.s : "", "ledger_idx") != NULL);
	compare_all(st, d, &r);
	ledger_index_set_drive(0);
	compare_all(st, d, &r);
	ledger_index_set_drive(500);
	sb_free(&report);
	report = (struct strbuf){ 0 };
	CHECK_INT(ledger_index_check(store_db(st), d, &report), 0);
	/* a value written behind the engine's back: check names the column */
	CHECK(sqlite3_exec(store_db(st), "UPDATE ledger_idx SET note = '绕过' WHERE id = 1", NULL, NULL, NULL) == SQLITE_OK);
	CHECK_INT(ledger_index_check(store_db(st), d, &report), 1);
	CHECK(strstr(report.s ? report.s : "", "note") != NULL);
	sb_free(&report);
	CHECK(compared > 200);
	CHECK(nonempty > 150);
	fprintf(stderr, "  %d searches compared, %d with rows\n", compared, nonempty);

	store_close(st);
	ledger_set_free(s);
	form_registry_free(forms);
	free(path);
	free(file);
	free(sub);
	free(root);
	free(errors);
	free(err);
}

int main(void)
{
	setenv("LC_ALL", "zh_CN.UTF-8", 1);
	civil_set_fixed_today("2026-09-30");
	i18n_init("zh");
	if (!mkdtemp(tmp))
		return 1;
	test_index();
	char *cmd = xasprintf("rm -rf %s", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	free(cmd);
	return check_finish();
}
