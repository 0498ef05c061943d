/* test-ledger: the register engine (ledger.h) on the example declaration in
 * tests/data/ledger/registers/visit.register: the loader and its refusals naming
 * file:line, migrations (a column added, a removed field's column kept, a lower
 * version refused), saving (number, initial state, due over a holiday), transitions
 * refused by state, role, field and check, the overdue list, a report and a printout
 * in GBK. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "auth.h"
#include "check.h"
#include "civil.h"
#include "form.h"
#include "i18n.h"
#include "ledger.h"
#include "printout.h"
#include "rowset.h"
#include "statsheet.h"
#include "store.h"
#include "util.h"

static char tmp[] = "/tmp/test-ledger-XXXXXX";
static struct form_registry *forms;
static char *data_dir;

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A folder dir/registers holding NAME.register with text. */
static char *declare(const char *dir, const char *name, const char *text)
{
	char *root = xasprintf("%s/%s", tmp, dir);
	char *sub = xasprintf("%s/registers", root);
	mkdir(root, 0700);
	mkdir(sub, 0700);
	char *path = xasprintf("%s/%s.register", sub, name);
	write_file(path, text);
	free(path);
	free(sub);
	return root;
}

static bool has(const char *text, const char *part)
{
	if (!text || !strstr(text, part)) {
		fprintf(stderr, "  wanted \"%s\" in:\n%s\n", part, text ? text : "(null)");
		return false;
	}
	return true;
}

/* ---- loader ---- */

static void test_load_example(void)
{
	char *errors = NULL;
	struct ledger_set *s = ledger_set_load(forms, data_dir, NULL, &errors);
	CHECK_STR(errors, NULL);
	CHECK_INT(ledger_count(s), 1);
	const struct ledger_def *d = ledger_find(s, "visit");
	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_STR(d->table, "ledger_visit");
	CHECK_STR(d->menu, "网格与联户");
	CHECK_INT(d->form->nfields, 5);          /* the stage fields are not on the main form */
	CHECK_INT(d->columns->nfields, 7);
	CHECK_STR(ledger_stage_form(d, "assign")->fields[0].name, "assignee");
	CHECK_INT(ledger_stage_form(d, "close")->nfields, 1);
	CHECK_INT(d->nstates, 3);
	CHECK_INT(d->states[0].deadline.n, 2);
	CHECK(d->states[0].deadline.unit == LEDGER_WORKDAYS);
	CHECK(d->states[2].final);
	CHECK_STR(d->transitions[1].roles[0], "admin");
	CHECK_INT(d->nlist, 5);
	CHECK_STR(d->order, "\"date\" DESC");
	const struct ledger_report *r = NULL;
	CHECK(ledger_find_report(s, "visits_month", &r) == d);
	CHECK(r && r->period == LEDGER_PERIOD_MONTH && r->has_ref_line && r->ref_line == 2);
	CHECK_STR(d->form->check, ":date >= '2000-01-01'");
	ledger_set_free(s);
	free(errors);
}

static const char good_head[] =
	"[register]\ntitle = T\n\n[field a]\nlabel = A\n";

/* Each malformed declaration is refused naming its file and line. */
static void test_refusals(void)
{
	static const struct {
		const char *text;
		int line;
		const char *what;
	} cases[] = {
		{ "[register]\ntitle = T\ncolour = red\n[field a]\nlabel = A\n", 3, "colour" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[widget x]\n", 5, "widget x" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\ncolour = red\n", 5, "colour" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[field a]\nlabel = B\n", 5, "a" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[state s]\nlabel = S\n[state s]\nlabel = S\n", 7,
		  "s" },
		{ "[register]\ntitle = T\nlist = a, b\n[field a]\nlabel = A\n", 3, "list" },
		{ "[register]\ntitle = T\nsearch = zz\n[field a]\nlabel = A\n", 3, "zz" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[state s]\nlabel = S\n[transition t]\nlabel = T\n"
		  "from = s\nto = nowhere\n", 10, "nowhere" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[state s]\nlabel = S\n[transition t]\nlabel = T\n"
		  "from = s, gone\nto = s\n", 9, "gone" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\ntype = ref\nref = planet\n", 3, "planet" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[state s]\nlabel = S\n[transition t]\nlabel = T\n"
		  "from = s\nto = s\nroles = admin, janitor\n", 11, "janitor" },
		{ "[register]\ntitle = T\ndeadline = 3 weeks\n[field a]\nlabel = A\n", 3, "3 weeks" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[state s]\nlabel = S\ndeadline = soon\n", 7, "soon" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[field b]\nlabel = B\n[state s]\nlabel = S\n"
		  "[transition t]\nlabel = T\nfrom = s\nto = s\nask = b\n", 13, "stage = t" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[field b]\nlabel = B\nstage = nope\n", 7,
		  "nope" },
		{ "[register]\ntitle = T\nnumber = X{year}\n[field a]\nlabel = A\n", 3, "{seq}" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[print p]\ntitle = P\nline = {nothing}\n", 7,
		  "{nothing}" },
		{ "[register]\ntitle = T\n[field a]\nlabel = A\n[report r]\ntitle = R\nperiod = week\nquery = SELECT 1\n", 7,
		  "week" },
		{ "title = T\n", 1, "[register]" },
		{ "[register]\ntitle = T\nindex = a, zz\n[field a]\nlabel = A\n", 3, "zz" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char dir[32];
		snprintf(dir, sizeof dir, "bad%zu", i);
		char *root = declare(dir, "bad", cases[i].text);
		char *errors = NULL;
		struct ledger_set *s = ledger_set_load(forms, root, NULL, &errors);
		/* file:line: and what it names (the words themselves are translated) */
		char *where = xasprintf("%s/registers/bad.register:%d: ", root, cases[i].line);
		CHECK(has(errors, where));
		CHECK(has(errors ? strstr(errors, where) : NULL, cases[i].what));
		CHECK_INT(ledger_count(s), 0);  /* a broken new file is left out */
		free(where);
		free(errors);
		ledger_set_free(s);
		free(root);
	}
	/* a good file loads; a broken local one is reported and the shipped one used */
	char *shipped = declare("shipped", "reg", good_head);
	char *local = declare("local", "reg", "[register]\ntitle = Local\n[field a]\nlabel = A\ntype = number\n");
	char *errors = NULL;
	struct ledger_set *s = ledger_set_load(forms, shipped, local, &errors);
	CHECK(has(errors, "local/registers/reg.register:5: type"));
	CHECK(has(errors, "shipped/registers/reg.register"));
	CHECK_INT(ledger_count(s), 1);
	CHECK_STR(ledger_at(s, 0) ? ledger_at(s, 0)->title : NULL, "T");
	ledger_set_free(s);
	free(errors);
	/* a local file of a new name adds a register */
	free(declare("local", "reg", "[register]\ntitle = Local\n[field a]\nlabel = A\n"));
	free(declare("local", "extra", "[register]\ntitle = Extra\n[field b]\nlabel = B\n"));
	errors = NULL;
	s = ledger_set_load(forms, shipped, local, &errors);
	CHECK_STR(errors, NULL);
	CHECK_INT(ledger_count(s), 2);
	CHECK(ledger_find(s, "extra") != NULL);
	CHECK_STR(ledger_find(s, "reg") ? ledger_find(s, "reg")->title : NULL, "Local");
	ledger_set_free(s);
	free(errors);
	free(shipped);
	free(local);
}

/* ---- store ---- */

static struct store *open_store(const char *name)
{
	char *path = xasprintf("%s/%s", tmp, name), *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	CHECK(st && auth_first_admin(st, "admin", "pass-1234", &err) == 0);
	CHECK(st && auth_user_add(st, "clerk", NULL, "clerk", "pass-1234", &err) == 0);
	CHECK(st && store_set_operator(st, "admin", &err) == 0);
	free(err);
	free(path);
	return st;
}

static char *column_names(struct store *st, const char *table)
{
	return rowset_value(st, "SELECT group_concat(name, ',') FROM pragma_table_info(?1)", "t", table);
}

static void test_migrations(void)
{
	struct store *st = open_store("migrate.db");
	char *err = NULL, *errors = NULL;
	char *v1 = declare("mig1", "m", "[register]\ntitle = M\nversion = 1\n[field a]\nlabel = A\n"
					"[field gone]\nlabel = G\n");
	struct ledger_set *s = ledger_set_load(forms, v1, NULL, &errors);
	CHECK_STR(errors, NULL);
	CHECK(ledger_migrate(st, s, &errors, &err) == 0);
	char *cols = column_names(st, "ledger_m");
	CHECK(has(cols, "id,a,gone,number,state,state_since,due"));
	free(cols);
	/* a record in the old table keeps its data through the migration */
	struct form_data rec;
	form_data_init(&rec, ledger_form(ledger_find(s, "m")));
	form_data_set(&rec, 1, "kept");
	int64_t id = 0;
	CHECK(ledger_save(st, ledger_find(s, "m"), &rec, &id, &err) == 0);
	form_data_free(&rec);
	ledger_set_free(s);

	char *v2 = declare("mig2", "m", "[register]\ntitle = M\nversion = 2\nindex = a, added\n[field a]\nlabel = A\n"
					"[field added]\nlabel = N\ntype = integer\n");
	s = ledger_set_load(forms, v2, NULL, &errors);
	CHECK(ledger_migrate(st, s, &errors, &err) == 0);
	cols = column_names(st, "ledger_m");
	CHECK(has(cols, ",gone,"));   /* kept, never dropped */
	CHECK(has(cols, ",added"));   /* added */
	free(cols);
	char *kept = rowset_value(st, "SELECT gone FROM ledger_m WHERE id = ?1", "l", id);
	CHECK_STR(kept, "kept");
	free(kept);
	char *version = rowset_value(st, "SELECT version FROM ledger_meta WHERE name = 'm'", "");
	CHECK_STR(version, "2");
	free(version);
	char *ix = rowset_value(st, "SELECT group_concat(name) FROM pragma_index_info('ledger_m_x_a_added')", "");
	CHECK_STR(ix, "a,added");   /* the declared index, for a report's query */
	free(ix);
	char *type = rowset_value(st, "SELECT type FROM pragma_table_info('ledger_m') WHERE name = 'added'", "");
	CHECK_STR(type, "INTEGER");
	free(type);
	ledger_set_free(s);

	/* the old declaration again: refused, naming file and line */
	s = ledger_set_load(forms, v1, NULL, &errors);
	CHECK(ledger_migrate(st, s, &errors, &err) != 0);
	CHECK(has(err, "mig1/registers/m.register:1: "));
	CHECK(has(err, "版本 1 低于数据库中的 2"));
	ledger_set_free(s);
	/* a report query that would write is a problem of the declaration */
	free(err);
	err = NULL;
	char *w = declare("write", "w", "[register]\ntitle = W\n[field a]\nlabel = A\n[report r]\ntitle = R\n"
				       "query = DELETE FROM ledger_w\n");
	s = ledger_set_load(forms, w, NULL, &errors);
	CHECK(ledger_migrate(st, s, &errors, &err) == 0);
	CHECK(has(errors, "write/registers/w.register:7: "));
	ledger_set_free(s);
	free(errors);
	errors = NULL;
	char *bad = declare("badq", "q", "[register]\ntitle = Q\n[field a]\nlabel = A\n[report r]\ntitle = R\n"
					 "query = SELECT nosuch FROM ledger_q\n");
	s = ledger_set_load(forms, bad, NULL, &errors);
	CHECK(ledger_migrate(st, s, &errors, &err) == 0);
	CHECK(has(errors, "badq/registers/q.register:7: no such column: nosuch"));
	ledger_set_free(s);
	/* check names nothing of the registers' own tables as unknown */
	char *report = NULL;
	store_check(st, &report);
	CHECK(!report || !strstr(report, "ledger_"));
	free(report);
	free(errors);
	free(err);
	free(v1);
	free(v2);
	free(w);
	free(bad);
	store_close(st);
}

static int64_t add_household(struct store *st, const char *hh_no)
{
	char *err = NULL;
	int64_t id = 0;
	struct store_field h[] = { { "hh_no", hh_no }, { "address", "龙井村3组" }, { "form_version", "1" } };
	CHECK(store_insert(st, "household", h, ARRAY_LEN(h), &id, &err) == 0);
	free(err);
	return id;
}

/* Saves a visit to household hh with found (and tables); its id. */
static int64_t save_visit(struct store *st, const struct ledger_def *d, int64_t hh, const char *found,
			  const char *tables, char **err)
{
	struct form_data rec;
	form_data_init(&rec, ledger_form(d));
	char hid[24];
	snprintf(hid, sizeof hid, "%lld", (long long)hh);
	form_data_set(&rec, (size_t)form_field_index(rec.def, "household_id"), hh ? hid : NULL);
	form_data_set(&rec, (size_t)form_field_index(rec.def, "found"), found);
	form_data_set(&rec, (size_t)form_field_index(rec.def, "tables"), tables);
	int64_t id = 0;
	int rc = ledger_save(st, d, &rec, &id, err);
	form_data_free(&rec);
	return rc == 0 ? id : 0;
}

static int step(struct store *st, const struct ledger_def *d, int64_t id, const char *t,
		const char *field, const char *value, char **err)
{
	struct form_data asked;
	form_data_init(&asked, ledger_stage_form(d, t));
	if (field)
		form_data_set(&asked, (size_t)form_field_index(asked.def, field), value);
	free(*err);
	*err = NULL;
	int rc = ledger_step(st, d, id, t, &asked, "note", err);
	form_data_free(&asked);
	return rc;
}

static void test_records(void)
{
	struct store *st = open_store("records.db");
	char *err = NULL, *errors = NULL;
	struct ledger_set *s = ledger_set_load(forms, data_dir, NULL, &errors);
	const struct ledger_def *d = ledger_find(s, "visit");
	CHECK(ledger_migrate(st, s, &errors, &err) == 0);
	CHECK_STR(errors, NULL);
	int64_t hh = add_household(st, "520111101201001");
	civil_set_fixed_today("2026-09-30");

	/* the form refuses, naming the field */
	CHECK(save_visit(st, d, 0, "x", NULL, &err) == 0);
	CHECK(has(err, "户"));
	free(err);
	err = NULL;
	CHECK(save_visit(st, d, hh, "x", "25", &err) == 0);
	CHECK(has(err, "不超过20桌"));
	free(err);
	err = NULL;

	/* saved: number, initial state, due two working days on, over 国庆节 */
	int64_t id = save_visit(st, d, hh, "房屋漏雨", "12", &err);
	CHECK(id > 0);
	struct form_data rec;
	form_data_init(&rec, ledger_form(d));
	struct ledger_record_info info = { 0 };
	CHECK(ledger_load(st, d, id, &rec, &info, &err) == 0);
	CHECK_STR(info.number, "走访2026-0001");
	CHECK_STR(info.state, "reported");
	CHECK_STR(info.due, "2026-10-09");
	CHECK_STR(form_data_value(&rec, "date"), "2026-09-30");   /* the default */
	ledger_record_info_free(&info);
	form_data_free(&rec);
	int64_t id2 = save_visit(st, d, hh, "道路积水", NULL, &err);
	char *num = rowset_value(st, "SELECT number FROM ledger_visit WHERE id = ?1", "l", id2);
	CHECK_STR(num, "走访2026-0002");
	free(num);
	char *audited = rowset_value(st, "SELECT count(*) FROM audit WHERE tbl = 'ledger_visit' AND action = 'insert'", "");
	CHECK_STR(audited, "2");
	free(audited);

	/* transitions refused by state, role, field and check */
	CHECK(step(st, d, id, "close", "result", "修好了", &err) != 0);
	CHECK(has(err, "已上报"));
	CHECK(step(st, d, id, "assign", NULL, NULL, &err) != 0);
	CHECK(has(err, "处置人"));
	CHECK(store_set_operator(st, "clerk", &err) == 0);
	const struct ledger_transition **open = NULL;
	CHECK_INT(ledger_transitions_open(st, d, id, &open, &err), 1);
	free(open);
	CHECK(step(st, d, id, "assign", "assignee", "王敏", &err) == 0);
	char *state = rowset_value(st, "SELECT state || ' ' || due || ' ' || assignee FROM ledger_visit WHERE id = ?1", "l", id);
	CHECK_STR(state, "assigned 2026-10-03 王敏");
	free(state);
	CHECK_INT(ledger_transitions_open(st, d, id, &open, &err), 0);  /* close is the admin's */
	free(open);
	CHECK(step(st, d, id, "close", "result", "修好了", &err) != 0);
	CHECK(has(err, access_role_label("clerk")));
	CHECK(store_set_operator(st, "admin", &err) == 0);
	CHECK(step(st, d, id, "close", NULL, NULL, &err) != 0);
	CHECK(has(err, "记录了桌数的须写明处置结果"));
	state = rowset_value(st, "SELECT state FROM ledger_visit WHERE id = ?1", "l", id);
	CHECK_STR(state, "assigned");   /* the refused step left nothing behind */
	free(state);
	CHECK(step(st, d, id, "close", "result", "修好了", &err) == 0);
	state = rowset_value(st, "SELECT state || '/' || coalesce(due, '-') || '/' || result FROM ledger_visit WHERE id = ?1", "l", id);
	CHECK_STR(state, "closed/-/修好了");
	free(state);
	struct rowset hist = { 0 };
	CHECK(ledger_history(st, d, id, &hist, &err) == 0);
	CHECK_INT(hist.n, 2);
	CHECK_STR(rowset_text(&hist, 0, LEDGER_HIST_TRANSITION), "分拨");
	CHECK_STR(rowset_text(&hist, 0, LEDGER_HIST_OPERATOR), "clerk");
	CHECK_STR(rowset_text(&hist, 1, LEDGER_HIST_TO), "已办结");
	rowset_free(&hist);

	/* overdue: the open record once its due date has passed, never the closed one */
	civil_set_fixed_today("2026-10-10");
	struct rowset od = { 0 };
	CHECK(ledger_overdue(st, s, 0, &od, &err) == 0);
	CHECK_INT(od.n, 1);
	CHECK_STR(rowset_text(&od, 0, LEDGER_OD_NUMBER), "走访2026-0002");
	rowset_free(&od);
	int64_t due = 0, over = 0;
	CHECK(ledger_due_counts(st, d, &due, &over, &err) == 0);
	CHECK_INT(over, 1);

	/* the list: order, search over the household number and what was found */
	struct rowset list = { 0 };
	CHECK(ledger_list(st, d, NULL, 0, 20, &list, &err) == 0);
	CHECK_INT(list.n, 2);
	CHECK_STR(rowset_text(&list, 0, LEDGER_COL_OVERDUE), "1");
	rowset_free(&list);
	CHECK(ledger_list(st, d, "积水", 0, 20, &list, &err) == 0);
	CHECK_INT(list.n, 1);
	rowset_free(&list);
	CHECK(ledger_list(st, d, "5201111012", 0, 20, &list, &err) == 0);
	CHECK_INT(list.n, 2);   /* a household by the start of its number */
	rowset_free(&list);
	/* a referenced resident by part of the name or pinyin initials (the resident keys) */
	char *err2 = NULL;
	int64_t worker = 0;
	struct store_field w[] = { { "name", "杨秀英" }, { "sex", "2" }, { "form_version", "1" } };
	CHECK(store_insert(st, "resident", w, ARRAY_LEN(w), &worker, &err2) == 0);
	char *wid = xasprintf("%lld", (long long)worker);
	struct store_field set_worker[] = { { "worker_id", wid } };
	CHECK(store_update(st, "ledger_visit", id2, set_worker, 1, NULL, &err2) == 0);
	free(wid);
	free(err2);
	CHECK(ledger_list(st, d, "秀英", 0, 20, &list, &err) == 0);
	CHECK_INT(list.n, 1);
	rowset_free(&list);
	CHECK(ledger_list(st, d, "yxy 积水", 0, 20, &list, &err) == 0);
	CHECK_INT(list.n, 1);
	rowset_free(&list);
	CHECK(ledger_list(st, d, "yxy 漏雨", 0, 20, &list, &err) == 0);
	CHECK_INT(list.n, 0);
	rowset_free(&list);
	CHECK_INT(ledger_list_count(st, d, "漏雨"), 1);
	char *text = ledger_cell_text(st, d, "household_id", "1");
	CHECK_STR(text, "520111101201001");
	free(text);

	/* the report */
	struct statsheet sheet = { 0 };
	CHECK(ledger_report(st, d, "visits_month", "2026-09-01", "2026-09-30", &sheet, &err) == 0);
	CHECK_INT(sheet.n, 1);
	CHECK(sheet.n && sheet.rows[0].value == 2);
	CHECK(sheet.nsummary && has(sheet.summary[0], "户号\t走访次数"));
	statsheet_free(&sheet);
	char *rep = ledger_report_text(st, d, "visits_month", "2026-09", false, &err);
	CHECK(has(rep, "各户走访次数  2026-09"));
	CHECK(has(rep, "520111101201001  2"));
	free(rep);
	rep = ledger_report_text(st, d, "visits_month", "2026-09", true, &err);
	CHECK(has(rep, "户号,走访次数\r\n520111101201001,2\r\n"));
	free(rep);
	rep = ledger_report_text(st, d, "visits_month", "September", false, &err);
	CHECK(rep == NULL && has(err, "--month"));

	/* the printout, in GBK */
	char *doc = ledger_print(st, d, "slip", id, &err);
	CHECK(has(doc, "编号：走访2026-0001    状态：已办结"));
	CHECK(has(doc, "户号：520111101201001"));
	CHECK(has(doc, "打印日期：2026-10-10"));
	CHECK(has(doc, "#"));  /* the audit anchor */
	size_t len = 0;
	char *gbk = doc ? printout_encode(doc, "gbk", &len, &err) : NULL;
	CHECK(gbk != NULL && len > 0);
	CHECK(gbk && memmem(gbk, len, "\xb1\xe0\xba\xc5", 4) != NULL);  /* 编号 in GBK */
	free(gbk);
	free(doc);

	/* demo data backdated: the record opened, numbered, due and stepped on the clock's day */
	ledger_clock_set("2025-03-03");
	int64_t old = save_visit(st, d, hh, "院墙倒塌", NULL, &err);
	CHECK(old > 0);
	CHECK(step(st, d, old, "assign", "assignee", "王敏", &err) == 0);
	ledger_clock_set(NULL);
	char *dated = rowset_value(st, "SELECT number || ' ' || opened_on || ' ' || state_since || ' ' || due FROM ledger_visit WHERE id = ?1", "l", old);
	CHECK_STR(dated, "走访2025-0001 2025-03-03 2025-03-03 2025-03-06");
	free(dated);
	dated = rowset_value(st, "SELECT at FROM ledger_step WHERE record_id = ?1", "l", old);
	CHECK(has(dated, "2025-03-03T"));
	free(dated);
	CHECK_INT(save_visit(st, d, hh, "今天的", NULL, &err) > 0, 1);
	dated = rowset_value(st, "SELECT max(opened_on) FROM ledger_visit", "");
	CHECK_STR(dated, "2026-10-10");   /* the real clock again */
	free(dated);
	ledger_set_free(s);
	free(err);
	free(errors);
	store_close(st);
}

/* A points ledger whose rule sees the record's own id: a redemption may not take
 * the household's balance, without the record itself, below zero; the message
 * names the balance through a derived field. */
static void test_own_id(void)
{
	struct store *st = open_store("ownid.db");
	char *err = NULL, *errors = NULL;
	char *dir = declare("ownid", "pts", "[register]\ntitle = P\n"
		"check = :kind = 'earn' OR coalesce(:balance, 0) >= :points\n"
		"check_msg = 余额{balance}分，不够兑换{points}分（记录{id}）\n"
		"[field household_id]\nlabel = 户\ntype = ref\nref = household\nrequired = yes\n"
		"[field kind]\nlabel = 类别\nrequired = yes\n"
		"[field points]\nlabel = 分\ntype = integer\nrequired = yes\n"
		"[field balance]\nlabel = 余额\ntype = integer\nreadonly = yes\n"
		"derive = (SELECT coalesce(sum(CASE kind WHEN 'earn' THEN points ELSE -points END), 0) "
		"FROM ledger_pts WHERE household_id = :household_id AND id IS NOT :id)\n"
		"[field seen]\nlabel = 本号\ntype = integer\nreadonly = yes\nderive = :id\n");
	struct ledger_set *s = ledger_set_load(forms, dir, NULL, &errors);
	CHECK_STR(errors, NULL);
	const struct ledger_def *d = ledger_find(s, "pts");
	CHECK(d != NULL);
	CHECK(ledger_migrate(st, s, &errors, &err) == 0);
	CHECK_STR(errors, NULL);
	if (!d)
		return;
	int64_t hh = add_household(st, "520111101201009");
	char hid[24];
	snprintf(hid, sizeof hid, "%lld", (long long)hh);
	struct form_data rec;
	const char *rows[][2] = { { "earn", "10" }, { "redeem", "6" } };
	int64_t ids[2] = { 0, 0 };
	for (int i = 0; i < 2; i++) {
		form_data_init(&rec, ledger_form(d));
		form_data_set(&rec, 0, hid);
		form_data_set(&rec, 1, rows[i][0]);
		form_data_set(&rec, 2, rows[i][1]);
		CHECK(ledger_save(st, d, &rec, &ids[i], &err) == 0);
		form_data_free(&rec);
	}
	/* a new record: :id is NULL, the derived field sees no id */
	char *seen = rowset_value(st, "SELECT coalesce(seen, 'null') FROM ledger_pts WHERE id = ?1", "l", ids[0]);
	CHECK_STR(seen, "null");
	free(seen);
	/* 4 left: a redemption of 5 is refused, naming the balance */
	form_data_init(&rec, ledger_form(d));
	form_data_set(&rec, 0, hid);
	form_data_set(&rec, 1, "redeem");
	form_data_set(&rec, 2, "5");
	int64_t id = 0;
	CHECK(ledger_save(st, d, &rec, &id, &err) != 0);
	CHECK_STR(err, "余额4分，不够兑换5分（记录0）");
	form_data_free(&rec);
	/* editing the redemption of 6 to 10: its own 6 is left out, 10 is the balance */
	form_data_init(&rec, ledger_form(d));
	CHECK(ledger_load(st, d, ids[1], &rec, NULL, &err) == 0);
	CHECK(rec.id == ids[1]);
	form_data_set(&rec, 2, "10");
	CHECK(ledger_save(st, d, &rec, &ids[1], &err) == 0);
	seen = rowset_value(st, "SELECT balance || '/' || seen FROM ledger_pts WHERE id = ?1", "l", ids[1]);
	char *want = xasprintf("10/%lld", (long long)ids[1]);
	CHECK_STR(seen, want);
	free(want);
	free(seen);
	form_data_set(&rec, 2, "11");
	free(err);
	err = NULL;
	CHECK(ledger_save(st, d, &rec, &ids[1], &err) != 0);
	want = xasprintf("余额10分，不够兑换11分（记录%lld）", (long long)ids[1]);
	CHECK_STR(err, want);
	free(want);
	form_data_free(&rec);
	ledger_set_free(s);
	free(dir);
	free(err);
	free(errors);
	store_close(st);
}

/* menu_order sorts the registers (and so the menu groups), file order among equals
 * and after those that say; a bad one is refused naming file:line. */
static void test_menu_order(void)
{
	char *errors = NULL;
	free(declare("order", "a", "[register]\ntitle = A\nmenu_order = 20\n[field x]\nlabel = X\n"));
	free(declare("order", "b", "[register]\ntitle = B\nmenu_order = 10\n[field x]\nlabel = X\n"));
	free(declare("order", "c", "[register]\ntitle = C\n[field x]\nlabel = X\n"));
	char *root = declare("order", "d", "[register]\ntitle = D\nmenu_order = 10\n[field x]\nlabel = X\n");
	struct ledger_set *s = ledger_set_load(forms, root, NULL, &errors);
	CHECK_STR(errors, NULL);
	CHECK_INT(ledger_count(s), 4);
	const char *want[] = { "b", "d", "a", "c" };
	for (size_t i = 0; i < 4 && i < ledger_count(s); i++)
		CHECK_STR(ledger_at(s, i)->name, want[i]);
	CHECK_INT(ledger_find(s, "c")->menu_order, LEDGER_MENU_ORDER_DEFAULT);
	ledger_set_free(s);
	free(root);
	root = declare("order-bad", "e", "[register]\ntitle = E\nmenu_order = first\n[field x]\nlabel = X\n");
	s = ledger_set_load(forms, root, NULL, &errors);
	CHECK(has(errors, "order-bad/registers/e.register:3: "));
	CHECK(has(errors, "menu_order"));
	CHECK_INT(ledger_count(s), 0);
	ledger_set_free(s);
	free(errors);
	free(root);
}

/* stop_deadline: the whole life cycle's deadline (a 24-working-day promise) caps a
 * state's due until the record reaches a state that stops it; sz_workdays measures it. */
static void test_stop_deadline(void)
{
	struct store *st = open_store("promise.db");
	char *err = NULL, *errors = NULL;
	char *root = declare("promise", "p", "[register]\ntitle = P\ndeadline = 24 workdays\n"
					      "[field x]\nlabel = X\n"
					      "[state town]\nlabel = T\ndeadline = 30 workdays\n"
					      "[state approved]\nlabel = A\ndeadline = 180 days\nstop_deadline = yes\n"
					      "[state done]\nlabel = D\nfinal = yes\n"
					      "[transition approve]\nlabel = OK\nfrom = town\nto = approved\n");
	struct ledger_set *s = ledger_set_load(forms, root, NULL, &errors);
	CHECK_STR(errors, NULL);
	const struct ledger_def *d = ledger_find(s, "p");
	CHECK(d && d->states[1].stop_deadline && !d->states[0].stop_deadline);
	CHECK(ledger_migrate(st, s, &errors, &err) == 0);
	civil_set_fixed_today("2026-11-02");
	struct form_data rec;
	form_data_init(&rec, ledger_form(d));
	form_data_set(&rec, 0, "x");
	int64_t id = 0;
	CHECK(ledger_save(st, d, &rec, &id, &err) == 0);
	form_data_free(&rec);
	/* in town: 30 working days would end 12-14; the promise of 24 ends 12-04 */
	char *due = rowset_value(st, "SELECT due FROM ledger_p WHERE id = ?1", "l", id);
	CHECK_STR(due, "2026-12-04");
	free(due);
	civil_set_fixed_today("2026-11-27");
	CHECK(ledger_step(st, d, id, "approve", NULL, NULL, &err) == 0);
	due = rowset_value(st, "SELECT due FROM ledger_p WHERE id = ?1", "l", id);
	CHECK_STR(due, "2027-05-26");   /* approved: the promise met, its own 180 days run */
	free(due);
	char *days = rowset_value(st, "SELECT sz_workdays('2026-11-02', '2026-11-27')", "");
	CHECK_STR(days, "19");
	free(days);
	days = rowset_value(st, "SELECT coalesce(sz_workdays('2026-11-02', NULL), 'null')", "");
	CHECK_STR(days, "null");
	free(days);
	civil_set_fixed_today("2026-09-30");
	ledger_set_free(s);
	free(root);
	free(err);
	store_close(st);
}

int main(void)
{
	setenv("LC_ALL", "zh_CN.UTF-8", 1);
	civil_set_fixed_today("2026-09-30");
	i18n_init("zh");
	if (!mkdtemp(tmp))
		return 1;
	const char *src = getenv("SOURCE_ROOT");
	data_dir = xasprintf("%s/tests/data/ledger", src ? src : "..");
	char *errors = NULL;
	forms = form_registry_load(getenv("SHANZHI_FORMS"), NULL, &errors);
	free(errors);
	test_load_example();
	test_refusals();
	test_migrations();
	test_records();
	test_own_id();
	test_menu_order();
	test_stop_deadline();
	form_registry_free(forms);
	free(data_dir);
	char *cmd = xasprintf("rm -rf %s", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	free(cmd);
	return check_finish();
}
