/* resident: the residents' queries and the writes that take more than one row or a
 * form's rules: the save with the head rule, the living status, the unmasking. */
#include "resident.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "household.h"
#include "i18n.h"
#include "idcard.h"
#include "record.h"
#include "rowset.h"
#include "store.h"
#include "transfer.h"
#include "util.h"

char *resident_name(struct store *st, int64_t id)
{
	return rowset_value(st, "SELECT name FROM resident WHERE id = ?1", "l", id);
}

int64_t resident_household(struct store *st, int64_t id)
{
	char *v = rowset_value(st, "SELECT household_id FROM resident WHERE id = ?1", "l", id);
	int64_t hh = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return hh;
}

int64_t resident_id_owner(struct store *st, const char *id_number, int64_t self, char **name, char **birth)
{
	struct rowset r = { 0 };
	if (!id_number || rowset_select(st, &r, NULL, "SELECT id, name, birth_date FROM resident"
					" WHERE id_number = ?1 AND id <> ?2 LIMIT 1", "tl", id_number, self) != 0)
		return 0;
	int64_t other = r.n ? rowset_int(&r, 0, 0) : 0;
	if (r.n) {
		*name = xstrdup(rowset_text(&r, 0, 1));
		*birth = xstrdup(rowset_null(&r, 0, 2) ? "?" : rowset_text(&r, 0, 2));
	}
	rowset_free(&r);
	return other;
}

char *resident_duplicates(struct store *st, const char *name, const char *birth, int64_t self)
{
	struct rowset r = { 0 };
	struct strbuf sb = { 0 };
	if (!name || !birth || rowset_select(st, &r, NULL,
		"SELECT r.id_number, h.hh_no, h.address FROM resident r LEFT JOIN household h ON h.id = r.household_id"
		" WHERE r.name = ?1 AND r.birth_date = ?2 AND r.id <> ?3 LIMIT 5", "ttl", name, birth, self) != 0)
		return NULL;
	for (size_t i = 0; i < r.n; i++) {
		char id[32];
		idcard_mask(rowset_text(&r, i, 0), id);
		sb_appendf(&sb, "\n%s %s %s %s", name, rowset_null(&r, i, 0) ? _("(no ID number)") : id,
			   rowset_text(&r, i, 1), rowset_text(&r, i, 2));
	}
	rowset_free(&r);
	return sb.len ? sb_take(&sb) : NULL;
}

char *resident_id_refusal(struct store *st, const struct form_data *d, int64_t self)
{
	char *name = NULL, *birth = NULL, *why = NULL;
	if (resident_id_owner(st, form_data_value(d, "id_number"), self, &name, &birth))
		why = xasprintf(_("Not saved: the ID number is already registered for %s (born %s)."), name, birth);
	free(name);
	free(birth);
	return why;
}

int resident_save(struct store *st, const struct form_data *d, int64_t *id, char **err)
{
	int64_t saved = *id;
	const char *hh = form_data_value(d, "household_id"), *relation = form_data_value(d, "relation");
	if ((*err = transfer_left_refusal(st, saved)))   /* moved to another village: theirs now */
		return -1;
	/* the one-head rule: a second 户主 is refused, as moving one in is */
	if (hh && household_head_taken(household_head(st, strtoll(hh, NULL, 10)), saved, relation)) {
		*err = xstrdup(_("That household has a head already: choose another relation."));
		return -1;
	}
	if (store_begin(st, err) != 0)
		return -1;
	if (record_store(st, d, &saved, NULL, err) != 0 ||
	    household_claim_head(st, hh, saved, relation, err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		return -1;
	}
	*id = saved;
	return 0;
}

int resident_unmask(struct store *st, int64_t id, const char *reason, char **name, char **id_number,
		    char **phone, char **err)
{
	if (audit_event(st, "resident", id, "unmask", "{\"unmasked\":\"id_number, phone\"}", reason, err) != 0)
		return -1;
	struct rowset r = { 0 };
	if (rowset_select(st, &r, err, "SELECT name, id_number, phone FROM resident WHERE id = ?1", "l", id) != 0)
		return -1;
	int rc = r.n ? 0 : -1;
	if (r.n) {
		*name = xstrdup(rowset_text(&r, 0, 0));
		*id_number = xstrdup(rowset_text(&r, 0, 1));
		*phone = xstrdup(rowset_text(&r, 0, 2));
	} else {
		*err = xasprintf(_("record %lld is not in the register"), (long long)id);
	}
	rowset_free(&r);
	return rc;
}

/* The fields the living status sets, in the resident form's names. */
static const char *const status_fields[RESIDENT_STATUS_NFIELDS] = { "living_status", "status_date", "status_reason" };

/* The resident's record with the new status in it, checked by the resident form's own
 * rules, values[] normalised in place. NULL when they pass, else the form's first
 * message on the status's own fields (another field's old problem is the form's
 * business), with the field in *field. Caller frees. */
static char *status_problem(struct store *st, const struct form_def *def, int64_t id,
			    char *values[RESIDENT_STATUS_NFIELDS], enum resident_status_field *field)
{
	char *err = NULL, *msg = NULL;
	struct form_data d;
	form_data_init(&d, def);
	struct form_eval *ev = NULL;
	if (record_load(st, &d, id, &err) != 0 || !(ev = record_form_eval(def, st, &err))) {
		msg = err;
		goto out;
	}
	int idx[RESIDENT_STATUS_NFIELDS];
	for (int i = 0; i < RESIDENT_STATUS_NFIELDS; i++) {
		idx[i] = form_field_index(def, status_fields[i]);
		if (idx[i] >= 0)
			form_data_set(&d, (size_t)idx[i], values[i]);
	}
	for (int i = 0; i < RESIDENT_STATUS_NFIELDS; i++)
		if (idx[i] >= 0)
			form_normalize_and_derive(ev, &d, idx[i]);
	struct form_check chk;
	form_validate(ev, &d, &chk);
	for (size_t p = 0; p < chk.n && !msg; p++)
		for (int i = 0; i < RESIDENT_STATUS_NFIELDS && !msg; i++)
			if (idx[i] >= 0 && chk.items[p].field == (size_t)idx[i]) {
				msg = xstrdup(chk.items[p].message);
				*field = (enum resident_status_field)i;
			}
	form_check_free(&chk);
	for (int i = 0; i < RESIDENT_STATUS_NFIELDS && !msg; i++)
		if (idx[i] >= 0) {
			free(values[i]);
			const char *v = d.values[idx[i]];
			values[i] = v && *v ? xstrdup(v) : NULL;
		}
out:
	form_eval_free(ev);
	form_data_free(&d);
	return msg;
}

int resident_set_status(struct store *st, const struct form_registry *forms, int64_t id, const char *code,
			const char *date, const char *reason, enum resident_status_field *field, char **err)
{
	const struct form_def *def = form_get(forms, "resident");
	*field = RESIDENT_STATUS_CODE;
	if (!def) {
		*err = xstrdup(_("The resident form definition (resident.form) is missing."));
		return -1;
	}
	char *values[RESIDENT_STATUS_NFIELDS] = { xstrdup(code), xstrdup(date), xstrdup(reason) };
	int rc = -1;
	*err = transfer_left_refusal(st, id);   /* moved to another village: theirs now */
	if (!*err)
		*err = status_problem(st, def, id, values, field);
	if (!*err) {
		struct store_field f[] = {
			{ "living_status", values[RESIDENT_STATUS_CODE] }, { "status_date", values[RESIDENT_STATUS_DATE] },
			{ "status_reason", values[RESIDENT_STATUS_REASON] },
		};
		rc = store_update(st, "resident", id, f, ARRAY_LEN(f), values[RESIDENT_STATUS_REASON], err);
	}
	for (int i = 0; i < RESIDENT_STATUS_NFIELDS; i++)
		free(values[i]);
	return rc;
}
