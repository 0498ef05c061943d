/* service: 便民服务 requests, their life cycle, statistics, receipt, commands and demo
 * (see service.h). */
#include "service.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "access.h"
#include "audit.h"
#include "datafiles.h"
#include "form.h"
#include "i18n.h"
#include "idcard.h"
#include "paths.h"
#include "printout.h"
#include "rowset.h"
#include "statsheet.h"
#include "store.h"
#include "util.h"
#include "workday.h"

#define OPEN_STATUSES "('accepted', 'in_progress', 'transferred')"
#define DATE_CHECK(col) "(" col " IS NULL OR (" col " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'" \
	" AND date(" col ") IS " col "))"
/* Working days within which a bad rating is followed up, when the setting is absent. */
#define FOLLOWUP_DAYS_DEFAULT 5

const char service_schema_v1[] =
	"CREATE TABLE service_request (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  number TEXT NOT NULL UNIQUE,\n"
	"  kind TEXT NOT NULL DEFAULT 'service' CHECK (kind IN ('service', 'wish', 'appeal')),\n"
	"  item_code TEXT NOT NULL CHECK (length(item_code) > 0),\n"
	"  resident_id INTEGER REFERENCES resident(id),\n"
	"  visitor_name TEXT,\n"
	"  visitor_phone TEXT,\n"
	"  village_id INTEGER REFERENCES village(id),\n"
	"  channel TEXT NOT NULL DEFAULT '1' CHECK (channel IN ('1', '2', '3', '4')),\n"
	"  content TEXT,\n"
	"  materials TEXT,\n"
	"  handler TEXT NOT NULL CHECK (length(handler) > 0),\n"
	"  department TEXT,\n"
	"  status TEXT NOT NULL DEFAULT 'accepted'\n"
	"    CHECK (status IN ('accepted', 'in_progress', 'done', 'returned', 'transferred')),\n"
	"  status_at TEXT,\n"
	"  status_reason TEXT,\n"
	"  accepted_on TEXT NOT NULL CHECK " DATE_CHECK("accepted_on") ",\n"
	"  due_on TEXT NOT NULL CHECK " DATE_CHECK("due_on") ",\n"
	"  done_on TEXT CHECK " DATE_CHECK("done_on") ",\n"
	"  rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),\n"
	"  rating_declined INTEGER NOT NULL DEFAULT 0 CHECK (rating_declined IN (0, 1)),\n"
	"  rating_comment TEXT,\n"
	"  followup_due TEXT CHECK " DATE_CHECK("followup_due") ",\n"
	"  followup_done_on TEXT CHECK " DATE_CHECK("followup_done_on") ",\n"
	"  followup_contact TEXT,\n"
	"  followup_rectification TEXT,\n"
	"  form_version INTEGER NOT NULL DEFAULT 1,\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  CHECK (resident_id IS NOT NULL OR (visitor_name IS NOT NULL AND visitor_phone IS NOT NULL)),\n"
	"  CHECK (status <> 'done' OR (done_on IS NOT NULL AND (rating IS NOT NULL OR rating_declined = 1))),\n"
	"  CHECK (status <> 'returned' OR status_reason IS NOT NULL),\n"
	"  CHECK (rating IS NULL OR rating_declined = 0),\n"
	"  CHECK (followup_done_on IS NULL OR (followup_due IS NOT NULL AND followup_contact IS NOT NULL\n"
	"         AND followup_rectification IS NOT NULL))\n"
	");\n"
	"CREATE INDEX service_open_due ON service_request(due_on) WHERE status IN " OPEN_STATUSES ";\n"
	"CREATE INDEX service_open_handler ON service_request(handler, due_on) WHERE status IN " OPEN_STATUSES ";\n"
	"CREATE INDEX service_followup_open ON service_request(followup_due)\n"
	"  WHERE followup_due IS NOT NULL AND followup_done_on IS NULL;\n"
	"CREATE INDEX service_month ON service_request(accepted_on, item_code, handler, village_id,\n"
	"  status, done_on, due_on, rating, rating_declined, followup_due, followup_done_on);\n"
	"CREATE INDEX service_resident ON service_request(resident_id);\n";

/* One request's share of the tally, signed: ROW is NEW or OLD, SIGN 1 or -1. */
#define TALLY_VALUES(ROW, SIGN) \
	"(substr(" ROW ".accepted_on, 1, 7), " ROW ".item_code, " ROW ".handler, coalesce(" ROW ".village_id, 0), " \
	SIGN ", " SIGN " * (" ROW ".status = 'done'), " \
	SIGN " * coalesce(" ROW ".status = 'done' AND " ROW ".done_on <= " ROW ".due_on, 0), " \
	SIGN " * (" ROW ".rating IS NOT NULL), " SIGN " * " ROW ".rating_declined, " \
	SIGN " * coalesce(" ROW ".rating = 1, 0), " SIGN " * coalesce(" ROW ".rating = 2, 0), " \
	SIGN " * coalesce(" ROW ".rating = 3, 0), " SIGN " * coalesce(" ROW ".rating = 4, 0), " \
	SIGN " * coalesce(" ROW ".rating = 5, 0), " SIGN " * (" ROW ".followup_due IS NOT NULL), " \
	SIGN " * (" ROW ".followup_done_on IS NOT NULL))"
#define TALLY_UPSERT(ROW, SIGN) \
	"  INSERT INTO service_tally VALUES " TALLY_VALUES(ROW, SIGN) "\n" \
	"  ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, done = done + excluded.done,\n" \
	"   on_time = on_time + excluded.on_time, rated = rated + excluded.rated,\n" \
	"   declined = declined + excluded.declined, r1 = r1 + excluded.r1, r2 = r2 + excluded.r2,\n" \
	"   r3 = r3 + excluded.r3, r4 = r4 + excluded.r4, r5 = r5 + excluded.r5,\n" \
	"   followups = followups + excluded.followups, followups_done = followups_done + excluded.followups_done;\n"

/* The monthly figures kept up to date by triggers (as resident_key is for the search),
 * so a month's statistics read a few hundred tally rows instead of every request of
 * the month; the covering index that the first version scanned goes. */
const char service_schema_v2[] =
	"DROP INDEX service_month;\n"
	"CREATE TABLE service_tally (\n"
	"  month TEXT NOT NULL,\n"
	"  item_code TEXT NOT NULL,\n"
	"  handler TEXT NOT NULL,\n"
	"  village_id INTEGER NOT NULL,\n"
	"  requests INTEGER NOT NULL, done INTEGER NOT NULL, on_time INTEGER NOT NULL,\n"
	"  rated INTEGER NOT NULL, declined INTEGER NOT NULL,\n"
	"  r1 INTEGER NOT NULL, r2 INTEGER NOT NULL, r3 INTEGER NOT NULL, r4 INTEGER NOT NULL, r5 INTEGER NOT NULL,\n"
	"  followups INTEGER NOT NULL, followups_done INTEGER NOT NULL,\n"
	"  PRIMARY KEY (month, item_code, handler, village_id)\n"
	") WITHOUT ROWID;\n"
	"INSERT INTO service_tally SELECT substr(accepted_on, 1, 7), item_code, handler, coalesce(village_id, 0),\n"
	"  count(*), sum(status = 'done'), sum(coalesce(status = 'done' AND done_on <= due_on, 0)),\n"
	"  sum(rating IS NOT NULL), sum(rating_declined), sum(coalesce(rating = 1, 0)), sum(coalesce(rating = 2, 0)),\n"
	"  sum(coalesce(rating = 3, 0)), sum(coalesce(rating = 4, 0)), sum(coalesce(rating = 5, 0)),\n"
	"  sum(followup_due IS NOT NULL), sum(followup_done_on IS NOT NULL)\n"
	"  FROM service_request GROUP BY 1, 2, 3, 4;\n"
	"CREATE TRIGGER service_tally_insert AFTER INSERT ON service_request BEGIN\n"
	TALLY_UPSERT("NEW", "1")
	"END;\n"
	"CREATE TRIGGER service_tally_update AFTER UPDATE OF accepted_on, item_code, handler, village_id,\n"
	"  status, done_on, due_on, rating, rating_declined, followup_due, followup_done_on ON service_request BEGIN\n"
	TALLY_UPSERT("OLD", "-1")
	TALLY_UPSERT("NEW", "1")
	"END;\n"
	"CREATE TRIGGER service_tally_delete AFTER DELETE ON service_request BEGIN\n"
	TALLY_UPSERT("OLD", "-1")
	"END;\n";

/* What was done for the resident (办理结果), said at 办结 and shown on the request and
 * its receipt. A column without a CHECK: requests closed before it came have none. */
const char service_schema_v3[] =
	"ALTER TABLE service_request ADD COLUMN outcome TEXT;\n";

/* The channels are the code list's (forms/codes/service_channel.codes, which a
 * township may extend, and service.form checks a request against), not a CHECK of
 * four: the table is made again without it, its rows, indexes and tally triggers
 * as they were (the copy fires no trigger, so the tally stays). */
const char service_schema_v4[] =
	"CREATE TABLE service_request_v4 (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  number TEXT NOT NULL UNIQUE,\n"
	"  kind TEXT NOT NULL DEFAULT 'service' CHECK (kind IN ('service', 'wish', 'appeal')),\n"
	"  item_code TEXT NOT NULL CHECK (length(item_code) > 0),\n"
	"  resident_id INTEGER REFERENCES resident(id),\n"
	"  visitor_name TEXT,\n"
	"  visitor_phone TEXT,\n"
	"  village_id INTEGER REFERENCES village(id),\n"
	"  channel TEXT NOT NULL DEFAULT '1' CHECK (length(channel) > 0),\n"
	"  content TEXT,\n"
	"  materials TEXT,\n"
	"  handler TEXT NOT NULL CHECK (length(handler) > 0),\n"
	"  department TEXT,\n"
	"  status TEXT NOT NULL DEFAULT 'accepted'\n"
	"    CHECK (status IN ('accepted', 'in_progress', 'done', 'returned', 'transferred')),\n"
	"  status_at TEXT,\n"
	"  status_reason TEXT,\n"
	"  accepted_on TEXT NOT NULL CHECK " DATE_CHECK("accepted_on") ",\n"
	"  due_on TEXT NOT NULL CHECK " DATE_CHECK("due_on") ",\n"
	"  done_on TEXT CHECK " DATE_CHECK("done_on") ",\n"
	"  rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),\n"
	"  rating_declined INTEGER NOT NULL DEFAULT 0 CHECK (rating_declined IN (0, 1)),\n"
	"  rating_comment TEXT,\n"
	"  followup_due TEXT CHECK " DATE_CHECK("followup_due") ",\n"
	"  followup_done_on TEXT CHECK " DATE_CHECK("followup_done_on") ",\n"
	"  followup_contact TEXT,\n"
	"  followup_rectification TEXT,\n"
	"  form_version INTEGER NOT NULL DEFAULT 1,\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  outcome TEXT,\n"
	"  CHECK (resident_id IS NOT NULL OR (visitor_name IS NOT NULL AND visitor_phone IS NOT NULL)),\n"
	"  CHECK (status <> 'done' OR (done_on IS NOT NULL AND (rating IS NOT NULL OR rating_declined = 1))),\n"
	"  CHECK (status <> 'returned' OR status_reason IS NOT NULL),\n"
	"  CHECK (rating IS NULL OR rating_declined = 0),\n"
	"  CHECK (followup_done_on IS NULL OR (followup_due IS NOT NULL AND followup_contact IS NOT NULL\n"
	"         AND followup_rectification IS NOT NULL))\n"
	");\n"
	"INSERT INTO service_request_v4 (id, number, kind, item_code, resident_id, visitor_name, visitor_phone,\n"
	"  village_id, channel, content, materials, handler, department, status, status_at, status_reason,\n"
	"  accepted_on, due_on, done_on, rating, rating_declined, rating_comment, followup_due, followup_done_on,\n"
	"  followup_contact, followup_rectification, form_version, created_at, updated_at, outcome)\n"
	"  SELECT id, number, kind, item_code, resident_id, visitor_name, visitor_phone,\n"
	"  village_id, channel, content, materials, handler, department, status, status_at, status_reason,\n"
	"  accepted_on, due_on, done_on, rating, rating_declined, rating_comment, followup_due, followup_done_on,\n"
	"  followup_contact, followup_rectification, form_version, created_at, updated_at, outcome\n"
	"  FROM service_request;\n"
	"DROP TABLE service_request;\n"
	"ALTER TABLE service_request_v4 RENAME TO service_request;\n"
	"CREATE INDEX service_open_due ON service_request(due_on) WHERE status IN " OPEN_STATUSES ";\n"
	"CREATE INDEX service_open_handler ON service_request(handler, due_on) WHERE status IN " OPEN_STATUSES ";\n"
	"CREATE INDEX service_followup_open ON service_request(followup_due)\n"
	"  WHERE followup_due IS NOT NULL AND followup_done_on IS NULL;\n"
	"CREATE INDEX service_resident ON service_request(resident_id);\n"
	"CREATE TRIGGER service_tally_insert AFTER INSERT ON service_request BEGIN\n"
	TALLY_UPSERT("NEW", "1")
	"END;\n"
	"CREATE TRIGGER service_tally_update AFTER UPDATE OF accepted_on, item_code, handler, village_id,\n"
	"  status, done_on, due_on, rating, rating_declined, followup_due, followup_done_on ON service_request BEGIN\n"
	TALLY_UPSERT("OLD", "-1")
	TALLY_UPSERT("NEW", "1")
	"END;\n"
	"CREATE TRIGGER service_tally_delete AFTER DELETE ON service_request BEGIN\n"
	TALLY_UPSERT("OLD", "-1")
	"END;\n";

/* ---- the catalogue ---- */

/* Copies field i (0-based) of a TAB-separated line; NULL when it has fewer fields. */
static char *tab_field(const char *line, int i)
{
	const char *s = line;
	for (int k = 0; k < i; k++) {
		s = strchr(s, '\t');
		if (!s)
			return NULL;
		s++;
	}
	size_t n = strcspn(s, "\t\r\n");
	return xstrndup(s, n);
}

/* Frees the strings of one item. */
static void item_free(struct service_item *it)
{
	free(it->code);
	free(it->label);
	free(it->name_zh);
	free(it->kind);
	free(it->category);
	free(it->department);
	free(it->materials);
}

/* Parses one catalogue line into *it; false (with *why) when a column is wrong. */
static bool item_parse(const char *line, struct service_item *it, const char **why)
{
	memset(it, 0, sizeof(*it));
	char *f[9];
	for (int i = 0; i < 9; i++)
		f[i] = tab_field(line, i);
	bool ok = false;
	char *end = NULL;
	long days = f[6] ? strtol(f[6], &end, 10) : -1;
	if (!f[8])
		*why = N_("expected 9 TAB-separated columns: code, label, name, kind, category, dept, days, proxy, materials");
	else if (strcmp(f[3], "service") != 0 && strcmp(f[3], "wish") != 0 && strcmp(f[3], "appeal") != 0)
		*why = N_("kind must be service, wish or appeal");
	else if (!end || *end || days < 0 || days > 365)
		*why = N_("days must be a number of working days from 0 to 365");
	else if (strcmp(f[7], "yes") != 0 && strcmp(f[7], "no") != 0)
		*why = N_("proxy must be yes or no");
	else
		ok = true;
	if (ok) {
		*it = (struct service_item){ f[0], f[1], f[2], f[3], f[4], f[5], (int)days,
					     strcmp(f[7], "yes") == 0, f[8] };
		free(f[6]);
		free(f[7]);
	} else {
		for (int i = 0; i < 9; i++)
			free(f[i]);
	}
	return ok;
}

/* The catalogue being read from one file, as datafiles hands its lines. */
struct catalog_parse {
	struct service_catalog *c;
	const char *path;
	struct strbuf *errors;
};

/* datafiles_each_line's callback: one item of the catalogue. */
static void catalog_line(void *ctx, int line, const char *text)
{
	struct catalog_parse *cp = ctx;
	struct service_item it;
	const char *why = NULL;
	if (!item_parse(text, &it, &why)) {
		sb_appendf(cp->errors, "%s:%d: %s\n", cp->path, line, _(why));
		return;
	}
	if (service_item_find(cp->c, it.code)) {
		sb_appendf(cp->errors, "%s:%d: %s\n", cp->path, line,
			   _("this code is already in the catalogue"));
		item_free(&it);
		return;
	}
	cp->c->items = xrealloc(cp->c->items, (cp->c->n + 1) * sizeof(*cp->c->items));
	cp->c->items[cp->c->n++] = it;
}

/* datafiles' parse for codes/service_item.codes. */
static void *catalog_file_parse(void *ctx, const char *path, const char *name, const char *text,
				struct strbuf *errors)
{
	(void)ctx;
	(void)name;
	struct catalog_parse cp = { xcalloc(1, sizeof(*cp.c)), path, errors };
	datafiles_each_line(path, text, errors, catalog_line, &cp);
	return cp.c;
}

/* datafiles' discard for a catalogue. */
static void catalog_discard(void *item)
{
	service_catalog_free(item);
}

static const struct datafile_kind catalog_kind = {
	"/codes", ".codes", catalog_file_parse, NULL, catalog_discard
};

struct service_catalog *service_catalog_load(const char *dir, const char *local_dir, char **errors)
{
	struct strbuf sb = { 0 };
	struct service_catalog *c = datafiles_load_named(dir, local_dir, &catalog_kind,
							 "service_item", NULL, &sb);
	if (!c && !sb.len)
		sb_appendf(&sb, "%s/codes/service_item.codes: %s\n", dir ? dir : ".", _("cannot be read"));
	if (!c)
		c = xcalloc(1, sizeof(*c));
	if (errors && sb.len)
		*errors = sb_take(&sb);
	sb_free(&sb);
	return c;
}

const struct service_catalog *service_catalog_default(void)
{
	static struct service_catalog *cat;
	if (!cat) {
		char *local = paths_forms_local();
		cat = service_catalog_load(paths_forms(), local, NULL);
		free(local);
	}
	return cat;
}

void service_catalog_free(struct service_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		item_free(&c->items[i]);
	free(c->items);
	free(c);
}

const struct service_item *service_item_find(const struct service_catalog *c, const char *code)
{
	for (size_t i = 0; c && code && i < c->n; i++)
		if (strcasecmp(c->items[i].code, code) == 0)
			return &c->items[i];
	return NULL;
}

const char *service_item_name(const struct service_item *it)
{
	return _(it->label);
}

/* ---- labels ---- */

static const struct {
	const char *status;
	const char *label;
} status_labels[] = {
	{ "accepted", N_("Accepted") },
	{ "in_progress", N_("In progress") },
	{ "done", N_("Done") },
	{ "returned", N_("Returned") },
	{ "transferred", N_("Transferred") },
};

const char *service_status_label(const char *status)
{
	for (size_t i = 0; status && i < ARRAY_LEN(status_labels); i++)
		if (strcmp(status_labels[i].status, status) == 0)
			return _(status_labels[i].label);
	return status ? status : "";
}

static const char *const rating_labels[] = {
	N_("Declined to rate"), N_("Very dissatisfied"), N_("Dissatisfied"),
	N_("Basically satisfied"), N_("Satisfied"), N_("Very satisfied"),
};

const char *service_rating_label(int rating)
{
	return rating >= 0 && rating <= 5 ? _(rating_labels[rating]) : "";
}

bool service_status_open(const char *status)
{
	return status && (strcmp(status, "accepted") == 0 || strcmp(status, "in_progress") == 0 ||
			  strcmp(status, "transferred") == 0);
}

/* ---- requests ---- */

/* One integer from a query with an optional integer and text parameter; fallback when no row. */
static int64_t query_int(sqlite3 *db, const char *sql, int64_t p1, const char *p2, int64_t fallback)
{
	sqlite3_stmt *stmt;
	int64_t v = fallback;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return fallback;
	if (sqlite3_bind_parameter_count(stmt) >= 1)
		sqlite3_bind_int64(stmt, 1, p1);
	if (sqlite3_bind_parameter_count(stmt) >= 2)
		sqlite3_bind_text(stmt, 2, p2, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* The village a request belongs to: the resident's, else the first village. 0 when none. */
static int64_t request_village(sqlite3 *db, int64_t resident_id)
{
	int64_t v = 0;
	if (resident_id)
		v = query_int(db, "SELECT g.village_id FROM resident r JOIN household h ON h.id = r.household_id"
			      " JOIN grid g ON g.id = h.grid_id WHERE r.id = ?1", resident_id, NULL, 0);
	if (!v)
		v = query_int(db, "SELECT min(id) FROM village", 0, NULL, 0);
	return v;
}

/* The next number of the day: <village code>-YYYYMMDD-NNN. Caller frees. */
static char *request_number(sqlite3 *db, int64_t village_id, const char *date)
{
	char *code = NULL;
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "SELECT code FROM village WHERE id = ?1", -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, village_id);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			code = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
	}
	char *prefix = xasprintf("%s-%.4s%.2s%.2s-", code ? code : "000000000000", date, date + 5, date + 8);
	free(code);
	char *glob = xasprintf("%s[0-9]*", prefix);
	int64_t last = 0;
	if (sqlite3_prepare_v2(db, "SELECT number FROM service_request WHERE number GLOB ?1"
			       " ORDER BY number DESC LIMIT 1", -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, glob, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			last = atoll((const char *)sqlite3_column_text(stmt, 0) + strlen(prefix));
		sqlite3_finalize(stmt);
	}
	char *number = xasprintf("%s%03lld", prefix, (long long)last + 1);
	free(glob);
	free(prefix);
	return number;
}

/* Whether s holds more than spaces. */
static bool filled(const char *s)
{
	for (; s && *s; s++)
		if (!isspace(UCH(*s)))
			return true;
	return false;
}

/* The first problem service.form finds in the request, as the form says it
 * (translated; caller frees), or NULL: the screen's form and this call check alike. */
static char *form_refusal(sqlite3 *db, const struct service_new *r)
{
	const struct form_def *def = form_get(form_registry_default(), "service");
	if (!def)
		return xstrdup(_("The service request form (service.form) is missing."));
	char rid[24];
	snprintf(rid, sizeof rid, "%lld", (long long)r->resident_id);
	const struct { const char *field, *value; } v[] = {
		{ "resident_id", r->resident_id ? rid : NULL }, { "visitor_name", r->visitor_name },
		{ "visitor_phone", r->visitor_phone }, { "item_code", r->item_code }, { "channel", r->channel },
		{ "content", r->content }, { "materials", r->materials }, { "handler", r->handler },
	};
	struct form_data d;
	form_data_init(&d, def);
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		int f = form_field_index(def, v[i].field);
		if (f >= 0)
			form_data_set(&d, (size_t)f, filled(v[i].value) ? v[i].value : NULL);
	}
	char *msg = form_record_refusal(def, db, &d);
	form_data_free(&d);
	return msg;
}

/* Checks a new request before it is written; NULL when it may be, else a message. */
static char *create_refusal(sqlite3 *db, const struct service_new *r, const struct service_item **item)
{
	char *why = form_refusal(db, r);
	if (why)
		return why;
	/* what the form cannot say: the catalogue's own columns, the resident on file */
	*item = service_item_find(service_catalog_default(), r->item_code);
	if (!*item)
		return xasprintf(_("%s is not an item of the service catalogue (F4 lists them)"),
				 r->item_code ? r->item_code : "");
	if (r->resident_id) {
		if (query_int(db, "SELECT count(*) FROM resident WHERE id = ?1", r->resident_id, NULL, 0) != 1)
			return xasprintf(_("resident %lld is not in the register"), (long long)r->resident_id);
	}
	if (r->channel && strcmp(r->channel, "2") == 0 && !(*item)->proxy)
		return xasprintf(_("%s cannot be handled on the resident's behalf: the resident comes in person"),
				 service_item_name(*item));
	return NULL;
}

int service_create(struct store *st, const struct service_new *r, int64_t *id, char **number,
		   char **err)
{
	sqlite3 *db = store_db(st);
	const struct service_item *item;
	char *why = create_refusal(db, r, &item);
	if (why) {
		*err = why;
		return -1;
	}
	char today[11], due[11], now[32], vid[24], rid[24];
	store_today(today);
	const char *on = r->accepted_on ? r->accepted_on : today;
	if (workday_add(workday_default(), on, item->days, due) != 0) {
		*err = xasprintf(_("%s is not a date (YYYY-MM-DD)"), on);
		return -1;
	}
	store_now(now);
	if (store_begin(st, err) != 0)
		return -1;
	int64_t village = request_village(db, r->resident_id);
	snprintf(vid, sizeof(vid), "%lld", (long long)village);
	snprintf(rid, sizeof(rid), "%lld", (long long)r->resident_id);
	char *num = request_number(db, village, on);
	struct store_field f[] = {
		{ "number", num }, { "kind", item->kind }, { "item_code", item->code },
		{ "resident_id", r->resident_id ? rid : NULL },
		{ "visitor_name", r->resident_id ? NULL : r->visitor_name },
		{ "visitor_phone", r->resident_id ? NULL : r->visitor_phone },
		{ "village_id", village ? vid : NULL }, { "channel", r->channel },
		{ "content", r->content }, { "materials", r->materials }, { "handler", r->handler },
		{ "department", item->department }, { "status", "accepted" }, { "status_at", now },
		{ "accepted_on", on }, { "due_on", due },
	};
	int64_t new_id = 0;
	if (store_insert(st, "service_request", f, ARRAY_LEN(f), &new_id, err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		free(num);
		return -1;
	}
	if (id)
		*id = new_id;
	if (number)
		*number = num;
	else
		free(num);
	return 0;
}

/* The stored status and rating state of a request. */
struct request_state {
	char status[16];
	bool rated;
	bool followup_open;
};

/* Reads a request's state; false with *err when there is no such request. */
static bool request_state(struct store *st, int64_t id, struct request_state *s, char **err)
{
	sqlite3_stmt *stmt;
	bool found = false;
	memset(s, 0, sizeof(*s));
	if (sqlite3_prepare_v2(store_db(st),
			       "SELECT status, rating IS NOT NULL OR rating_declined = 1,"
			       " followup_due IS NOT NULL AND followup_done_on IS NULL"
			       " FROM service_request WHERE id = ?1", -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			snprintf(s->status, sizeof(s->status), "%s", (const char *)sqlite3_column_text(stmt, 0));
			s->rated = sqlite3_column_int(stmt, 1);
			s->followup_open = sqlite3_column_int(stmt, 2);
			found = true;
		}
		sqlite3_finalize(stmt);
	}
	if (!found)
		*err = xasprintf(_("request %lld does not exist"), (long long)id);
	return found;
}

/* Refuses a change of a request that is no longer open. */
static bool require_open(const struct request_state *s, char **err)
{
	if (service_status_open(s->status))
		return true;
	*err = xasprintf(_("the request is %s already: nothing more can change it"),
			 service_status_label(s->status));
	return false;
}

/* Writes a status change with its time (and reason) through the audited update. */
static int set_status(struct store *st, int64_t id, const char *status, const struct store_field *extra,
		      size_t nextra, const char *reason, char **err)
{
	char now[32];
	store_now(now);
	struct store_field f[12];
	size_t n = 0;
	f[n++] = (struct store_field){ "status", status };
	f[n++] = (struct store_field){ "status_at", now };
	for (size_t i = 0; i < nextra && n < ARRAY_LEN(f); i++)
		f[n++] = extra[i];
	return store_update(st, "service_request", id, f, n, reason, err);
}

int service_start(struct store *st, int64_t id, char **err)
{
	struct request_state s;
	if (!request_state(st, id, &s, err) || !require_open(&s, err))
		return -1;
	if (strcmp(s.status, "in_progress") == 0) {
		*err = xstrdup(_("the request is in progress already"));
		return -1;
	}
	return set_status(st, id, "in_progress", NULL, 0, NULL, err);
}

char *service_return_refusal(const char *reason)
{
	return filled(reason) ? NULL : xstrdup(_("say why the request is returned"));
}

char *service_followup_refusal(const char *record)
{
	return filled(record) ? NULL
		: xstrdup(_("a follow-up closes only with a record of the contact and of the rectification"));
}

char *service_transfer_refusal(const char *note)
{
	return filled(note) ? NULL : xstrdup(_("say why the request is transferred: the next handler reads it"));
}

char *service_outcome_refusal(const char *outcome)
{
	return filled(outcome) ? NULL : xstrdup(_("closing needs the outcome: what was done for the resident"));
}

int service_return(struct store *st, int64_t id, const char *reason, char **err)
{
	struct request_state s;
	if (!request_state(st, id, &s, err) || !require_open(&s, err))
		return -1;
	if ((*err = service_return_refusal(reason)))
		return -1;
	struct store_field f[] = { { "status_reason", reason } };
	return set_status(st, id, "returned", f, 1, reason, err);
}

int service_transfer(struct store *st, int64_t id, const char *handler, const char *department,
		     const char *note, char **err)
{
	struct request_state s;
	if (!request_state(st, id, &s, err) || !require_open(&s, err))
		return -1;
	if (!filled(handler) && !filled(department)) {
		*err = xstrdup(_("name the handler or the department the request goes to"));
		return -1;
	}
	if ((*err = service_transfer_refusal(note)))
		return -1;
	struct store_field f[3];
	size_t n = 0;
	if (filled(handler))
		f[n++] = (struct store_field){ "handler", handler };
	if (filled(department))
		f[n++] = (struct store_field){ "department", department };
	f[n++] = (struct store_field){ "status_reason", note };
	return set_status(st, id, "transferred", f, n, note, err);
}

/* The follow-up period of bad ratings in working days (setting service.followup_days). */
static int followup_days(struct store *st)
{
	char *v = store_setting(st, "service.followup_days");
	int days = v ? atoi(v) : FOLLOWUP_DAYS_DEFAULT;
	free(v);
	return days >= 0 && days <= 60 ? days : FOLLOWUP_DAYS_DEFAULT;
}

int service_close(struct store *st, int64_t id, const char *outcome, int rating, const char *comment,
		  char **err)
{
	struct request_state s;
	if (!request_state(st, id, &s, err) || !require_open(&s, err))
		return -1;
	if ((*err = service_outcome_refusal(outcome)))
		return -1;
	if (rating < 0 || rating > 5) {
		*err = xstrdup(_("closing needs the resident's rating 1 to 5, or a record that he or she declined to rate"));
		return -1;
	}
	char today[11], due[11], rate[4];
	store_today(today);
	snprintf(rate, sizeof(rate), "%d", rating);
	struct store_field f[6];
	size_t n = 0;
	f[n++] = (struct store_field){ "done_on", today };
	f[n++] = (struct store_field){ "outcome", outcome };
	f[n++] = (struct store_field){ "rating", rating ? rate : NULL };
	f[n++] = (struct store_field){ "rating_declined", rating ? "0" : "1" };
	f[n++] = (struct store_field){ "rating_comment", filled(comment) ? comment : NULL };
	if (rating == 1 || rating == 2) {
		workday_add(workday_default(), today, followup_days(st), due);
		f[n++] = (struct store_field){ "followup_due", due };
	}
	return set_status(st, id, "done", f, n, NULL, err);
}

int service_followup_close(struct store *st, int64_t id, const char *contact,
			   const char *rectification, char **err)
{
	struct request_state s;
	if (!request_state(st, id, &s, err))
		return -1;
	if (!s.followup_open) {
		*err = xstrdup(_("this request has no follow-up waiting"));
		return -1;
	}
	if ((*err = service_followup_refusal(filled(contact) ? rectification : contact)))
		return -1;
	char today[11];
	store_today(today);
	struct store_field f[] = {
		{ "followup_done_on", today }, { "followup_contact", contact },
		{ "followup_rectification", rectification },
	};
	return store_update(st, "service_request", id, f, ARRAY_LEN(f), _("follow-up"), err);
}

int64_t service_find(struct store *st, const char *number)
{
	sqlite3_stmt *stmt;
	int64_t id = 0;
	if (!number || sqlite3_prepare_v2(store_db(st), "SELECT id FROM service_request WHERE number = ?1",
					  -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return id;
}

/* ---- the work list ---- */

/* Open requests and open follow-ups, by due date; the handler filter is a prefix. */
const char service_worklist_sql[] =
	"SELECT w.k, w.due, w.number, w.item_code, coalesce(r.name, w.visitor_name, ''), w.handler,"
	" w.status, w.fu FROM ("
	"  SELECT q.id * 2 AS k, q.due_on AS due, q.number, q.item_code, q.resident_id, q.visitor_name,"
	"   q.handler, q.status, 0 AS fu FROM service_request q"
	"  WHERE q.status IN ('accepted', 'in_progress', 'transferred')"
	"   AND (?1 = '' OR (q.handler >= ?1 AND q.handler < ?1 || char(1114111)))"
	"   AND (coalesce(?4, 0) = 0 OR q.due_on < ?5)"
	"   AND (coalesce(?6, 0) = 0 OR q.village_id = ?6)"
	"  UNION ALL"
	"  SELECT q.id * 2 + 1, q.followup_due, q.number, q.item_code, q.resident_id, q.visitor_name,"
	"   q.handler, q.status, 1 FROM service_request q"
	"  WHERE q.followup_due IS NOT NULL AND q.followup_done_on IS NULL"
	"   AND (?1 = '' OR (q.handler >= ?1 AND q.handler < ?1 || char(1114111)))"
	"   AND (coalesce(?4, 0) = 0 OR q.followup_due < ?5)"
	"   AND (coalesce(?6, 0) = 0 OR q.village_id = ?6)"
	"  ORDER BY 2, 1 LIMIT ?2 OFFSET ?3) w"
	" LEFT JOIN resident r ON r.id = w.resident_id ORDER BY w.due, w.k";

long service_overdue_count(struct store *st, const char *today)
{
	sqlite3_stmt *s;
	long n = 0;
	if (sqlite3_prepare_v2(store_db(st),
			       "SELECT (SELECT count(*) FROM service_request WHERE status IN " OPEN_STATUSES
			       "  AND due_on < ?1)"
			       " + (SELECT count(*) FROM service_request WHERE followup_due IS NOT NULL"
			       "  AND followup_done_on IS NULL AND followup_due < ?1)", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, today, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* ---- what the screens show ---- */

int service_worklist(struct store *st, const char *handler, bool overdue_only, const char *today,
		     size_t offset, size_t limit, struct rowset *out, char **err)
{
	return service_worklist_in(st, handler, overdue_only, today, 0, offset, limit, out, err);
}

int service_worklist_in(struct store *st, const char *handler, bool overdue_only, const char *today,
			int64_t village, size_t offset, size_t limit, struct rowset *out, char **err)
{
	return rowset_select(st, out, err, service_worklist_sql, "tllitl", handler ? handler : "",
			     (int64_t)limit, (int64_t)offset, overdue_only ? 1 : 0, today, village);
}

int service_by_applicant(struct store *st, const char *name, size_t offset, size_t limit,
			 struct rowset *out, char **err)
{
	return rowset_select(st, out, err,
			     "SELECT q.id, q.accepted_on, q.number, q.item_code, coalesce(r.name, q.visitor_name, ''),"
			     " q.status FROM service_request q LEFT JOIN resident r ON r.id = q.resident_id"
			     " WHERE instr(r.name, ?1) > 0 OR instr(q.visitor_name, ?1) > 0"
			     " ORDER BY q.accepted_on DESC, q.id DESC LIMIT ?2 OFFSET ?3",
			     "tll", name ? name : "", (int64_t)limit, (int64_t)offset);
}

int service_request_details(struct store *st, int64_t id, struct rowset *out, char **err)
{
	return rowset_select(st, out, err,
			     "SELECT q.number, coalesce(r.name, q.visitor_name || ' ' || q.visitor_phone), q.item_code,"
			     " q.channel, q.content, q.materials, q.handler, q.department, q.status, q.status_reason,"
			     " q.accepted_on, q.due_on, q.done_on, q.rating, q.rating_declined, q.rating_comment,"
			     " q.followup_due, q.followup_done_on, q.followup_contact, q.followup_rectification,"
			     " q.status_at, q.outcome"
			     " FROM service_request q LEFT JOIN resident r ON r.id = q.resident_id WHERE q.id = ?1",
			     "l", id);
}

char *service_request_number(struct store *st, int64_t id)
{
	return rowset_value(st, "SELECT number FROM service_request WHERE id = ?1", "l", id);
}

char *service_followup_due_of(struct store *st, int64_t id)
{
	return rowset_value(st, "SELECT followup_due FROM service_request WHERE id = ?1", "l", id);
}

int64_t service_find_number_end(struct store *st, const char *typed)
{
	int64_t id = service_find(st, typed);   /* a whole number: the unique index */
	if (id || !typed)
		return id;
	char *v = rowset_value(st, "SELECT id FROM service_request WHERE number GLOB '*' || ?1"
			       " ORDER BY number DESC LIMIT 1", "t", typed);
	id = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return id;
}

char *service_applicant_text(struct store *st, int64_t resident_id)
{
	struct rowset r = { 0 };
	char *text = NULL;
	if (rowset_select(st, &r, NULL, "SELECT r.name, r.id_number, h.address FROM resident r"
			  " LEFT JOIN household h ON h.id = r.household_id WHERE r.id = ?1", "l", resident_id) == 0 &&
	    r.n) {
		char id[32];
		idcard_mask(rowset_text(&r, 0, 1), id);
		text = xasprintf("%s %s %s", rowset_text(&r, 0, 0), rowset_null(&r, 0, 1) ? "" : id,
				 rowset_text(&r, 0, 2));
	}
	rowset_free(&r);
	return text;
}

/* ---- statistics ---- */

/* The row of key in a growing array of rows (added when new). */
static struct service_stat_row *stat_row(struct service_stat_row **rows, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*rows)[i].key, key) == 0)
			return &(*rows)[i];
	*rows = xrealloc(*rows, (*n + 1) * sizeof(**rows));
	struct service_stat_row *r = &(*rows)[(*n)++];
	memset(r, 0, sizeof(*r));
	r->key = xstrdup(key);
	return r;
}

/* Adds the figures of one group of requests to a row. */
static void stat_add(struct service_stat_row *r, const long v[14])
{
	r->requests += v[0];
	r->done += v[1];
	r->on_time += v[2];
	r->rated += v[3];
	r->declined += v[4];
	for (int k = 1; k <= 5; k++)
		r->rating[k] += v[4 + k];
	r->followups += v[10];
	r->followups_done += v[11];
}

/* Orders rows by key. */
static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct service_stat_row *)a)->key, ((const struct service_stat_row *)b)->key);
}

/* Orders item rows by their position in the catalogue. */
static int item_row_cmp(const void *a, const void *b)
{
	const struct service_catalog *c = service_catalog_default();
	const struct service_item *x = service_item_find(c, ((const struct service_stat_row *)a)->key);
	const struct service_item *y = service_item_find(c, ((const struct service_stat_row *)b)->key);
	if (x && y)
		return (x > y) - (x < y);
	return x ? -1 : y ? 1 : row_cmp(a, b);
}

/* Labels of the rows: item names, village names; handlers are their own label. */
static void stat_labels(sqlite3 *db, struct service_stats *s)
{
	for (size_t i = 0; i < s->n_item; i++) {
		const struct service_item *it = service_item_find(service_catalog_default(), s->by_item[i].key);
		s->by_item[i].label = xasprintf("%s %s", s->by_item[i].key, it ? service_item_name(it) : "");
	}
	for (size_t i = 0; i < s->n_handler; i++)
		s->by_handler[i].label = xstrdup(s->by_handler[i].key);
	for (size_t i = 0; i < s->n_month; i++)
		s->by_month[i].label = xstrdup(s->by_month[i].key);
	sqlite3_stmt *stmt = NULL;
	sqlite3_prepare_v2(db, "SELECT code, name FROM village WHERE id = ?1", -1, &stmt, NULL);
	for (size_t i = 0; i < s->n_village; i++) {
		struct service_stat_row *r = &s->by_village[i];
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, atoll(r->key));
		if (stmt && sqlite3_step(stmt) == SQLITE_ROW)
			r->label = xasprintf("%s", (const char *)sqlite3_column_text(stmt, 1));
		else
			r->label = xstrdup(_("(no village)"));
	}
	sqlite3_finalize(stmt);
	s->total.label = xstrdup(_("All requests"));
}

int service_stats_month(struct store *st, const char *month, struct service_stats *out, char **err)
{
	return service_stats_month_in(st, month, 0, out, err);
}

int service_stats_month_in(struct store *st, const char *month, int64_t village, struct service_stats *out,
			   char **err)
{
	memset(out, 0, sizeof(*out));
	char first[16];
	snprintf(first, sizeof(first), "%.7s-01", month ? month : "");
	int64_t day = workday_day_number(first);
	if (!month || strlen(month) != 7 || day == INT64_MIN) {
		*err = xasprintf(_("%s is not a month (YYYY-MM)"), month ? month : "");
		return -1;
	}
	snprintf(out->month, sizeof(out->month), "%s", month);
	out->total.key = xstrdup("");
	sqlite3 *db = store_db(st);
	sqlite3_stmt *stmt;
	/* the month's rows of the tally the triggers keep (service_schema_v2) */
	if (sqlite3_prepare_v2(db,
			       "SELECT item_code, handler, village_id, requests, done, on_time, rated, declined,"
			       " r1, r2, r3, r4, r5, followups, followups_done"
			       " FROM service_tally WHERE month = substr(?1, 1, 7) AND requests > 0 AND (?2 = 0 OR village_id = ?2)",
			       -1, &stmt, NULL) != SQLITE_OK) {
		*err = xstrdup(sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(stmt, 1, first, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, village);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		long v[14];
		for (int i = 0; i < 12; i++)
			v[i] = (long)sqlite3_column_int64(stmt, 3 + i);
		stat_add(&out->total, v);
		stat_add(stat_row(&out->by_item, &out->n_item, (const char *)sqlite3_column_text(stmt, 0)), v);
		stat_add(stat_row(&out->by_handler, &out->n_handler, (const char *)sqlite3_column_text(stmt, 1)), v);
		char vid[24];
		snprintf(vid, sizeof(vid), "%lld", (long long)sqlite3_column_int64(stmt, 2));
		stat_add(stat_row(&out->by_village, &out->n_village, vid), v);
	}
	sqlite3_finalize(stmt);
	/* the months of the year up to this one, for the figures by month */
	if (sqlite3_prepare_v2(db,
			       "SELECT month, sum(requests), sum(done), sum(on_time), sum(rated), sum(declined),"
			       " sum(r1), sum(r2), sum(r3), sum(r4), sum(r5), sum(followups), sum(followups_done)"
			       " FROM service_tally WHERE month BETWEEN substr(?1, 1, 4) || '-01' AND substr(?1, 1, 7)"
			       " AND (?2 = 0 OR village_id = ?2) GROUP BY month ORDER BY month", -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, first, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, village);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			long v[14];
			for (int i = 0; i < 12; i++)
				v[i] = (long)sqlite3_column_int64(stmt, 1 + i);
			if (v[0] > 0)
				stat_add(stat_row(&out->by_month, &out->n_month, (const char *)sqlite3_column_text(stmt, 0)), v);
		}
	}
	sqlite3_finalize(stmt);
	if (out->n_item) {   /* qsort wants a real array even for no rows */
		qsort(out->by_item, out->n_item, sizeof(*out->by_item), item_row_cmp);
		qsort(out->by_handler, out->n_handler, sizeof(*out->by_handler), row_cmp);
		qsort(out->by_village, out->n_village, sizeof(*out->by_village), row_cmp);
	}
	stat_labels(db, out);
	return 0;
}

/* Frees the rows of one grouping. */
static void rows_free(struct service_stat_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].key);
		free(rows[i].label);
	}
	free(rows);
}

void service_stats_free(struct service_stats *s)
{
	free(s->total.key);
	free(s->total.label);
	rows_free(s->by_item, s->n_item);
	rows_free(s->by_handler, s->n_handler);
	rows_free(s->by_village, s->n_village);
	rows_free(s->by_month, s->n_month);
	memset(s, 0, sizeof(*s));
}

long service_stat_good(const struct service_stat_row *r)
{
	return r->rating[5] + r->rating[4];
}

long service_stat_bad(const struct service_stat_row *r)
{
	return r->rating[2] + r->rating[1];
}

void service_stat_rate(const struct service_stat_row *r, char out[16])
{
	if (r->rated == 0)
		snprintf(out, 16, "-");
	else
		snprintf(out, 16, "%.2f%%", 100.0 * (double)service_stat_good(r) / (double)r->rated);
}

/* Appends text padded to cols display columns (CJK wide = 2) and a space. */
static void put_col(struct strbuf *sb, const char *text, int cols, bool right)
{
	char *p = printout_pad(text, cols);
	if (right) {
		/* move the padding in front: count trailing spaces */
		size_t len = strlen(p), sp = 0;
		while (sp < len && p[len - 1 - sp] == ' ')
			sp++;
		for (size_t i = 0; i < sp; i++)
			sb_append(sb, " ");
		sb_append_n(sb, p, len - sp);
	} else {
		sb_append(sb, p);
	}
	sb_append(sb, " ");
	free(p);
}

/* Appends one table line of figures. */
static void report_line(struct strbuf *sb, const struct service_stat_row *r)
{
	char n[8][24], rate[16];
	snprintf(n[0], 24, "%ld", r->requests);
	snprintf(n[1], 24, "%ld", r->done);
	snprintf(n[2], 24, "%ld", r->on_time);
	snprintf(n[3], 24, "%ld", r->rated);
	snprintf(n[4], 24, "%ld", service_stat_good(r));
	snprintf(n[5], 24, "%ld", service_stat_bad(r));
	snprintf(n[6], 24, "%ld/%ld", r->followups_done, r->followups);
	service_stat_rate(r, rate);
	put_col(sb, r->label, 26, false);
	for (int i = 0; i < 6; i++)
		put_col(sb, n[i], 8, true);
	put_col(sb, rate, 8, true);
	put_col(sb, n[6], 9, true);
	while (sb->len && sb->s[sb->len - 1] == ' ')
		sb->s[--sb->len] = '\0';
	sb_append(sb, "\n");
}

/* Appends the column heads of the table. */
static void report_head(struct strbuf *sb, const char *first)
{
	static const char *const heads[] = {
		N_("Requests"), N_("Done"), N_("On time"), N_("Rated"), N_("Good"), N_("Bad"),
	};
	put_col(sb, first, 26, false);
	for (size_t i = 0; i < ARRAY_LEN(heads); i++)
		put_col(sb, _(heads[i]), 8, true);
	put_col(sb, _("Good %"), 8, true);
	put_col(sb, _("Follow-up"), 9, true);
	while (sb->len && sb->s[sb->len - 1] == ' ')
		sb->s[--sb->len] = '\0';
	sb_append(sb, "\n");
}

/* Appends one grouping as a table under its heading. */
static void report_group(struct strbuf *sb, const char *title, const struct service_stat_row *rows, size_t n)
{
	sb_appendf(sb, "\n%s\n", title);
	report_head(sb, "");
	for (size_t i = 0; i < n; i++)
		report_line(sb, &rows[i]);
}

char *service_report_text(const struct service_stats *s)
{
	struct strbuf sb = { 0 };
	const struct service_stat_row *t = &s->total;
	char rate[16];
	service_stat_rate(t, rate);
	sb_appendf(&sb, _("Service requests, %s"), s->month);
	sb_append(&sb, "\n\n");
	report_head(&sb, "");
	report_line(&sb, t);
	sb_append(&sb, "\n");
	sb_append(&sb, _("Ratings: "));  /* the language's colon: ： in Chinese */
	for (int k = 5; k >= 1; k--)
		sb_appendf(&sb, "%s %ld  ", service_rating_label(k), t->rating[k]);
	sb_appendf(&sb, "%s %ld\n", service_rating_label(0), t->declined);
	sb_appendf(&sb, _("Good rating rate = (Very satisfied + Satisfied) / rated = (%ld + %ld) / %ld = %s"),
		   t->rating[5], t->rating[4], t->rated, rate);
	sb_append(&sb, "\n");
	sb_appendf(&sb, _("Bad ratings = Dissatisfied + Very dissatisfied = %ld + %ld = %ld; follow-ups done %ld of %ld"),
		   t->rating[2], t->rating[1], service_stat_bad(t), t->followups_done, t->followups);
	sb_append(&sb, "\n");
	sb_appendf(&sb, _("On time: closed on or before the promised date (working days, holiday calendar); %ld of %ld closed"),
		   t->on_time, t->done);
	sb_append(&sb, "\n");
	report_group(&sb, _("By item"), s->by_item, s->n_item);
	report_group(&sb, _("By handler"), s->by_handler, s->n_handler);
	report_group(&sb, _("By village"), s->by_village, s->n_village);
	report_group(&sb, _("By month, this year"), s->by_month, s->n_month);
	return sb_take(&sb);
}

/* ---- the receipt ---- */

/* A text column of the current row, "" for NULL. */
static const char *col_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? (const char *)s : "";
}

/* Appends "label：value" lines, the label padded so the values line up. */
static void receipt_line(struct strbuf *sb, const char *label, const char *value)
{
	char *p = printout_pad(label, 14);
	sb_appendf(sb, "  %s %s\n", p, value);
	free(p);
}

char *service_receipt_text(struct store *st, const char *number, char **err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db,
			       "SELECT q.number, q.item_code, q.materials, q.due_on, q.handler, q.accepted_on,"
			       " coalesce(r.name, q.visitor_name), q.channel, q.department, q.status,"
			       " coalesce(v.name, ''), q.done_on, q.outcome"
			       " FROM service_request q LEFT JOIN resident r ON r.id = q.resident_id"
			       " LEFT JOIN village v ON v.id = q.village_id WHERE q.number = ?1",
			       -1, &stmt, NULL) != SQLITE_OK) {
		*err = xstrdup(sqlite3_errmsg(db));
		return NULL;
	}
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		*err = xasprintf(_("there is no request numbered %s"), number);
		return NULL;
	}
	const struct service_item *it = service_item_find(service_catalog_default(), col_text(stmt, 1));
	char *phone = store_setting(st, "service.centre_phone");
	static const char *const channels[] = {
		"", N_("At the window"), N_("On the resident's behalf"), N_("Assisted"), N_("Online service guidance"),
	};
	int ch = atoi(col_text(stmt, 7));
	struct strbuf sb = { 0 };
	char *title = xasprintf("%s %s", col_text(stmt, 10), _("Service receipt"));
	sb_appendf(&sb, "%s\n", title);
	free(title);
	sb_append(&sb, "==================================================\n");
	receipt_line(&sb, _("Number"), col_text(stmt, 0));
	receipt_line(&sb, _("Applicant"), col_text(stmt, 6));
	char *item = xasprintf("%s %s", col_text(stmt, 1), it ? service_item_name(it) : "");
	receipt_line(&sb, _("Item"), item);
	free(item);
	receipt_line(&sb, _("Channel"), ch >= 1 && ch <= 4 ? _(channels[ch]) : "");
	receipt_line(&sb, _("Department"), col_text(stmt, 8));
	receipt_line(&sb, _("Accepted on"), col_text(stmt, 5));
	receipt_line(&sb, _("Materials received"), *col_text(stmt, 2) ? col_text(stmt, 2) : _("none"));
	receipt_line(&sb, _("Promised date"), col_text(stmt, 3));
	receipt_line(&sb, _("Handler"), col_text(stmt, 4));
	receipt_line(&sb, _("Centre phone"), phone && *phone ? phone : "-");
	if (strcmp(col_text(stmt, 9), "done") == 0) {   /* a receipt printed at 办结 says the result */
		receipt_line(&sb, _("Done on"), col_text(stmt, 11));
		receipt_line(&sb, _("What was done"), *col_text(stmt, 12) ? col_text(stmt, 12) : "-");
	}
	sb_append(&sb, "--------------------------------------------------\n");
	sb_appendf(&sb, "%s\n", _("Keep this receipt. Ask about your request by its number."));
	free(phone);
	sqlite3_finalize(stmt);
	audit_footer(store_db(st), &sb);
	return sb_take(&sb);
}

/* ---- the statistics view's figures ---- */

/* The rows of grouping g (item, handler, village, month of the year). */
static const struct service_stat_row *sheet_group(const struct service_stats *s, size_t g, size_t *n)
{
	switch (g) {
	case 1: *n = s->n_handler; return s->by_handler;
	case 2: *n = s->n_village; return s->by_village;
	case 3: *n = s->n_month; return s->by_month;
	default: *n = s->n_item; return s->by_item;
	}
}

/* The month's totals and the good rate's formula, as the report states them. */
static void sheet_summary(struct statsheet *out, const struct service_stats *s)
{
	const struct service_stat_row *t = &s->total;
	char rate[16];
	service_stat_rate(t, rate);
	statsheet_say(out, xasprintf(_("%s: %ld requests, %ld done, %ld on time, %ld rated, %ld declined"),
				     s->month, t->requests, t->done, t->on_time, t->rated, t->declined));
	statsheet_say(out, xasprintf(_("Good rating rate = (Very satisfied + Satisfied) / rated = (%ld + %ld) / %ld = %s"),
				     t->rating[5], t->rating[4], t->rated, rate));
	statsheet_say(out, xasprintf(_("Bad ratings = Dissatisfied + Very dissatisfied = %ld + %ld = %ld; follow-ups done %ld of %ld"),
				     t->rating[2], t->rating[1], service_stat_bad(t), t->followups_done, t->followups));
}

int service_stats_sheet(const struct statsheet_query *q, struct statsheet *out, char **err)
{
	struct service_stats s;
	if (service_stats_month_in(q->st, q->period, q->village, &s, err) != 0)
		return -1;
	sheet_summary(out, &s);
	size_t n;
	const struct service_stat_row *rows = sheet_group(&s, q->grouping, &n);
	for (size_t i = 0; i < n; i++) {
		const struct service_stat_row *r = &rows[i];
		char c[6][24];
		snprintf(c[0], 24, "%ld", r->requests);
		snprintf(c[1], 24, "%ld", r->done);
		snprintf(c[2], 24, "%ld", r->on_time);
		snprintf(c[3], 24, "%ld", r->rated);
		service_stat_rate(r, c[4]);
		snprintf(c[5], 24, "%ld/%ld", r->followups_done, r->followups);
		const char *cells[] = { c[0], c[1], c[2], c[3], c[4], c[5] };
		statsheet_add(out, r->label, cells, 6, (double)r->requests, c[4]);
	}
	service_stats_free(&s);
	return 0;
}

char *service_stats_report(const struct statsheet_query *q, char **err)
{
	struct service_stats s;
	if (service_stats_month_in(q->st, q->period, q->village, &s, err) != 0)
		return NULL;
	char *text = service_report_text(&s);
	service_stats_free(&s);
	return text;
}
