/* Tests of the register's model under the household and resident screens: changing
 * the head and moving a member (household.c: each one audited transaction, refused
 * by the one-head rule and the household's own state), and the living status
 * (resident.c), which the resident form's own rules accept or refuse with the form's
 * message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "check-query.h"
#include "civil.h"
#include "form.h"
#include "household.h"
#include "i18n.h"
#include "resident.h"
#include "store.h"
#include "util.h"

static char dir[] = "/tmp/sz-test-household-XXXXXX";
static struct form_registry *forms;
static struct store *st;

/* The audit entries (updates) written with reason since entry id after. */
static long long audits_since(long long after, const char *reason)
{
	sqlite3_stmt *stmt;
	long long n = -1;
	if (sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM audit WHERE id > ?1 AND action = 'update'"
			       " AND reason = ?2", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(stmt, 1, after);
	sqlite3_bind_text(stmt, 2, reason, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static long long last_audit(void)
{
	char *s = query_text(st, "SELECT coalesce(max(id), 0) FROM audit WHERE ?1 = ?1", 0);
	long long v = atoll(s);
	free(s);
	return v;
}

/* A household with this number; its id. */
static int64_t add_household(const char *hh_no)
{
	struct store_field f[] = {{"hh_no", hh_no}, {"address", "河口村"}, {"form_version", "1"}};
	int64_t id = 0;
	char *err = NULL;
	if (store_insert(st, "household", f, ARRAY_LEN(f), &id, &err) != 0)
		fprintf(stderr, "household %s: %s\n", hh_no, err);
	free(err);
	return id;
}

/* A resident saved as the resident form saves one (resident_save: the head of a
 * headless household when entered as 02); its id. */
static int64_t add_resident(const char *name, const char *birth, int64_t hh, const char *relation)
{
	const struct form_def *def = form_get(forms, "resident");
	struct form_data d;
	form_data_init(&d, def);
	char hv[24];
	snprintf(hv, sizeof hv, "%lld", (long long)hh);
	const char *const values[][2] = {
		{"name", name}, {"sex", "1"}, {"birth_date", birth}, {"household_id", hh ? hv : NULL},
		{"relation", relation}, {"living_status", "1"},
	};
	for (size_t i = 0; i < ARRAY_LEN(values); i++)
		form_data_set(&d, (size_t)form_field_index(def, values[i][0]), values[i][1]);
	int64_t id = 0;
	char *err = NULL;
	if (resident_save(st, &d, &id, &err) != 0)
		fprintf(stderr, "resident %s: %s\n", name, err);
	free(err);
	form_data_free(&d);
	return id;
}

/* A refusal: -1 and the message wanted, nothing written; call sets the caller's err_. */
#define CHECK_REFUSED(call, want)                                                  \
	do {                                                                       \
		err_ = NULL;                                                       \
		long long before_ = last_audit();                                  \
		CHECK_INT(call, -1);                                               \
		CHECK_STR(err_, want);                                             \
		CHECK_INT(last_audit(), before_);                                  \
		free(err_);                                                        \
		err_ = NULL;                                                       \
	} while (0)

static int64_t hh_a, hh_b, hh_c, head_a, spouse_a, head_c;

/* A: 王建国 (head) and 李秀英 (spouse); B: no one; C: 赵立 alone, its head. */
static void setup(void)
{
	hh_a = add_household("5301020001");
	hh_b = add_household("5301020002");
	hh_c = add_household("5301020003");
	head_a = add_resident("王建国", "1960-03-01", hh_a, "02");
	spouse_a = add_resident("李秀英", "1962-07-15", hh_a, "10");
	head_c = add_resident("赵立", "1980-01-20", hh_c, "02");
	CHECK_INT(household_head(st, hh_a), head_a);
	CHECK_INT(household_head(st, hh_b), 0);
	CHECK_INT(household_head(st, hh_c), head_c);
	CHECK_INT(household_member_count(st, hh_a), 2);
}

/* The one-head rule as import and the screens ask it. */
static void test_head_rule(void)
{
	CHECK(household_head_taken(7, 0, "02"));
	CHECK(household_head_taken(7, 8, "02"));
	CHECK(!household_head_taken(7, 7, "02"));   /* the head itself */
	CHECK(!household_head_taken(0, 8, "02"));   /* a headless household */
	CHECK(!household_head_taken(7, 8, "10"));
	CHECK(!household_head_taken(7, 8, NULL));
}

static void test_change_head(void)
{
	char *err_ = NULL;
	CHECK_REFUSED(household_change_head(st, hh_a, head_a, "10", &err_),
		      "This member is already the head of the household.");
	CHECK_REFUSED(household_change_head(st, hh_a, spouse_a, "02", &err_),
		      "A household has one head: choose another relation for the former head.");
	CHECK_REFUSED(household_change_head(st, hh_a, spouse_a, NULL, &err_), "Choose the former head's new relation.");
	CHECK_REFUSED(household_change_head(st, hh_a, head_c, "10", &err_),
		      "The resident is not a member of this household.");
	CHECK_REFUSED(household_change_head(st, 999, spouse_a, "10", &err_), "There is no such household.");
	CHECK_INT(household_head(st, hh_a), head_a);

	long long before = last_audit();
	char *err = NULL;
	CHECK_INT(household_change_head(st, hh_a, spouse_a, "11", &err), 0);
	CHECK_STR(err, NULL);
	CHECK_INT(household_head(st, hh_a), spouse_a);
	CHECK_QUERY(st, "SELECT relation FROM resident WHERE id = ?1", spouse_a, "02");
	CHECK_QUERY(st, "SELECT relation FROM resident WHERE id = ?1", head_a, "11");
	/* three rows changed, each with its audit entry and the reason */
	CHECK_INT(audits_since(before, "change of the head of household"), 3);
	CHECK_QUERY(st, "SELECT json_extract(after, '$.head_id') FROM audit WHERE tbl = 'household' AND row_id = ?1"
		    " ORDER BY id DESC LIMIT 1", hh_a, "2");
	free(err);
}

static void test_move_member(void)
{
	char *err_ = NULL;
	/* spouse_a heads A, where head_a still lives */
	CHECK_REFUSED(household_move_member(st, spouse_a, hh_b, "02", &err_),
		      "Make another member the head first (F5), then move this one.");
	CHECK_STR(household_move_refusal(st, spouse_a, 0, NULL), "Make another member the head first (F5), then move this one.");
	CHECK_STR(household_move_refusal(st, head_a, 0, NULL), NULL);
	CHECK_REFUSED(household_move_member(st, head_a, hh_a, "11", &err_), "The member already belongs to this household.");
	CHECK_REFUSED(household_move_member(st, head_a, 999, "11", &err_), "There is no such household.");
	CHECK_REFUSED(household_move_member(st, head_a, hh_c, "02", &err_),
		      "That household has a head already: choose another relation.");
	CHECK_QUERY(st, "SELECT household_id FROM resident WHERE id = ?1", head_a, "1");

	/* into a headless household as its head */
	long long before = last_audit();
	char *err = NULL;
	CHECK_INT(household_move_member(st, head_a, hh_b, "02", &err), 0);
	CHECK_STR(err, NULL);
	CHECK_QUERY(st, "SELECT household_id || ' ' || relation FROM resident WHERE id = ?1", head_a, "2 02");
	CHECK_INT(household_head(st, hh_b), head_a);
	CHECK_INT(household_head(st, hh_a), spouse_a);
	CHECK_INT(audits_since(before, "moved to another household"), 2);

	/* the last member of a household may go, its head or not: it is left headless */
	before = last_audit();
	CHECK_INT(household_move_member(st, head_c, hh_b, "20", &err), 0);
	CHECK_INT(household_head(st, hh_c), 0);
	CHECK_INT(household_member_count(st, hh_c), 0);
	CHECK_INT(household_head(st, hh_b), head_a);
	CHECK_INT(audits_since(before, "moved to another household"), 2);
	free(err);
}

/* The form's message on a field (the constraint's, else the required one), as
 * form_validate words it: it names the field. */
static void check_form_message(const char *got, const char *field, bool required)
{
	const struct form_def *def = form_get(forms, "resident");
	const struct field_def *fd = &def->fields[form_field_index(def, field)];
	const char *msg = required ? fd->required_msg : fd->constraint_msg;
	CHECK(got && strstr(got, _(msg)) && strstr(got, _(fd->label)));
	if (!got || !strstr(got, _(msg)))
		fprintf(stderr, "  got \"%s\", want the form's \"%s\"\n", got ? got : "(null)", _(msg));
}

static void test_status(void)
{
	enum resident_status_field field;
	char *err = NULL;
	long long before = last_audit();
	/* a day that does not exist, a future day, a day before the birth: the form's rule */
	const char *const bad_dates[] = { "2026-02-30", "2027-01-01", "1950-01-01" };
	for (size_t i = 0; i < ARRAY_LEN(bad_dates); i++) {
		CHECK_INT(resident_set_status(st, forms, spouse_a, "2", bad_dates[i], "迁往昆明", &field, &err), -1);
		CHECK_INT(field, RESIDENT_STATUS_DATE);
		if (i == 0)   /* not a date at all: the type's message, naming the field */
			CHECK(err && strstr(err, _("Status date")));
		else
			check_form_message(err, "status_date", false);
		free(err);
		err = NULL;
	}
	CHECK_INT(resident_set_status(st, forms, spouse_a, "3", "2026-10-01", "", &field, &err), -1);
	CHECK_INT(field, RESIDENT_STATUS_REASON);
	check_form_message(err, "status_reason", true);
	free(err);
	err = NULL;
	CHECK_QUERY(st, "SELECT living_status || ' ' || coalesce(status_date, '-') FROM resident WHERE id = ?1", spouse_a, "1 -");
	CHECK_INT(last_audit(), before);

	/* accepted, the date normalised as the form does, audited with the reason */
	CHECK_INT(resident_set_status(st, forms, spouse_a, "2", "20261001", "迁往昆明", &field, &err), 0);
	CHECK_STR(err, NULL);
	CHECK_QUERY(st, "SELECT living_status || ' ' || status_date || ' ' || status_reason FROM resident WHERE id = ?1",
		    spouse_a, "2 2026-10-01 迁往昆明");
	CHECK_INT(audits_since(before, "迁往昆明"), 1);
	CHECK_QUERY(st, "SELECT json_extract(after, '$.living_status') FROM audit WHERE tbl = 'resident' AND row_id = ?1"
		    " ORDER BY id DESC LIMIT 1", spouse_a, "2");
	/* back on the register: no date or reason needed */
	CHECK_INT(resident_set_status(st, forms, spouse_a, "1", NULL, NULL, &field, &err), 0);
	CHECK_STR(err, NULL);
	CHECK_QUERY(st, "SELECT living_status FROM resident WHERE id = ?1", spouse_a, "1");
	CHECK_INT(resident_set_status(st, forms, 999, "1", NULL, NULL, &field, &err), -1);
	CHECK(err != NULL);
	free(err);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	setenv("TZ", "Asia/Shanghai", 1);
	civil_set_fixed_today("2026-11-26");
	i18n_init("en");
	char *ferr = NULL;
	forms = form_registry_load(getenv("SHANZHI_FORMS") ? getenv("SHANZHI_FORMS") : "forms", NULL, &ferr);
	if (ferr && *ferr)
		fprintf(stderr, "forms: %s\n", ferr);
	free(ferr);
	char *path = xasprintf("%s/register.db", dir), *err = NULL;
	st = store_open(path, &err);
	if (!st || store_set_operator(st, "admin", &err) != 0) {
		fprintf(stderr, "store: %s\n", err ? err : "?");
		return 1;
	}
	setup();
	test_head_rule();
	test_change_head();
	test_move_member();
	test_status();
	store_close(st);
	form_registry_free(forms);
	check_unlink_register(path);
	rmdir(dir);
	free(path);
	return check_finish();
}
