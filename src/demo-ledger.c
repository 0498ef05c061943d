/* demo-ledger: what the declared registers' demos (demo-grid.c, demo-banquet.c,
 * demo-homestead.c, demo-steward.c, demo-practice.c) share: a record saved and a
 * step made on a given day through the engine's one write path (ledger_save, ledger_step under ledger_clock_set), so the
 * demo's records are numbered, due and audited as a clerk's would be. */
#include "demo.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "ledger.h"
#include "rowset.h"
#include "util.h"
#include "workday.h"

void demo_ledger_day(const char *today, int back, char out[11])
{
	workday_date(workday_day_number(today) - back, out);
}

/* kv's name/value pairs (NULL name ends them; a NULL value leaves the field empty) into rec. */
static void fill(struct form_data *rec, const char *const *kv)
{
	for (size_t i = 0; kv && kv[i]; i += 2) {
		int f = form_field_index(rec->def, kv[i]);
		if (f >= 0 && kv[i + 1])
			form_data_set(rec, (size_t)f, kv[i + 1]);
	}
}

long long demo_ledger_add(struct store *st, const struct ledger_def *d, const char *day,
			const char *const *kv, char **err)
{
	struct form_data rec;
	form_data_init(&rec, ledger_form(d));
	fill(&rec, kv);
	int64_t id = 0;
	ledger_clock_set(day);
	int rc = ledger_save(st, d, &rec, &id, err);
	ledger_clock_set(NULL);
	form_data_free(&rec);
	return rc == 0 ? id : -1;
}

int demo_ledger_step(struct store *st, const struct ledger_def *d, long long id, const char *transition,
		     const char *day, const char *const *kv, char **err)
{
	const struct form_def *stage = ledger_stage_form(d, transition);
	struct form_data asked;
	if (stage) {
		form_data_init(&asked, stage);
		fill(&asked, kv);
	}
	ledger_clock_set(day);
	int rc = ledger_step(st, d, id, transition, stage ? &asked : NULL, NULL, err);
	ledger_clock_set(NULL);
	if (stage)
		form_data_free(&asked);
	return rc;
}

void demo_ledger_month_day(struct store *st, const char *today, int months_back, int dom, char out[11])
{
	char *mod = xasprintf("-%d months", months_back);
	char *plus = xasprintf("+%d days", dom - 1);
	char *day = rowset_value(st, "SELECT date(?1, 'start of month', ?2, ?3)", "ttt", today, mod, plus);
	snprintf(out, 11, "%s", day ? day : today);
	free(day);
	free(plus);
	free(mod);
}

int64_t *demo_ledger_households(struct store *st, size_t max, size_t *n)
{
	return rowset_ids(st, n, "SELECT h.id FROM household h JOIN grid g ON g.id = h.grid_id"
			  " WHERE g.village_id = (SELECT min(id) FROM village) AND EXISTS (SELECT 1"
			  " FROM resident m WHERE m.household_id = h.id AND m.living_status = '1')"
			  " ORDER BY h.hh_no LIMIT ?1", "l", (int64_t)max);
}
