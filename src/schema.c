/* schema: the register's tables and their migrations.
 *
 * The database at a glance (migration 1). Every register table has an INTEGER
 * PRIMARY KEY `id` (the rowid the audit log names) and is written only through
 * store_insert/store_update, which fill created_at/updated_at (ISO 8601 local time,
 * "2025-11-26T14:03:07+08:00") and write the audit row. Empty values are NULL.
 *
 *   town(id, code, name)            乡镇/街道: code is the 9-digit statistical code
 *                                   (520111101 青岩镇)
 *   village(id, town_id, code, name) 村/社区: 12-digit code (town code + 3 digits)
 *   grid(id, village_id, code, name) 网格: code unique within its village
 *   grid_worker(id, grid_id, name, phone, active 1/0)  网格员, until a later migration
 *       (grid_staff_fold) folded them into the declared register grid_staff (ledger_grid_staff,
 *       forms/registers/grid_staff.register) and dropped the table
 *   household(id, hh_no, address, grid_id, head_id, village_group, form_version,
 *             created_at, updated_at)
 *       hh_no    户号, unique text (digits in the demo); searched by prefix
 *       head_id  the 户主, a resident who must be a member (household_id = id);
 *                the foreign key is deferred so a household and its head can be
 *                created in one transaction in either order
 *       village_group 村民小组: one of its village's groups (village_group, vgroup.h)
 *   resident(id, name, sex, birth_date, id_number, ethnicity, household_id,
 *            relation, phone, political, education, marital, residence,
 *            living_status, status_date, status_reason, tags, notes, form_version,
 *            created_at, updated_at)
 *       name          NOT NULL, 1..100 characters, "·" allowed
 *       sex           GB/T 2261.1: 0 未知, 1 男, 2 女, 9 未说明
 *       birth_date    YYYY-MM-DD
 *       id_number     公民身份号码, normalised 18 characters, UNIQUE, NULL when
 *                     the person has none (newborn, migrant)
 *       ethnicity     GB 3304 two digits (01 汉, 06 苗, 09 布依 ...)
 *       relation      与户主关系 GB/T 4761 two digits (02 户主, 10 配偶, 20 子 ...)
 *       political     GB/T 4762 two digits (01 中共党员 ... 13 群众)
 *       education     GB/T 4658 two digits
 *       marital       GB/T 2261.2 two digits (10 未婚, 20 已婚, 30 丧偶, 40 离婚, 90)
 *       residence     1 户籍 (registered here), 2 常住 (living here, registered
 *                     elsewhere), 3 流动 (floating population)
 *       living_status 1 在册 (default), 2 迁出 moved away, 3 死亡 died,
 *                     4 注销 cancelled; any status but 1 needs status_date
 *                     (status_reason says why). Residents are never deleted.
 *       tags          重点人群 codes, comma-separated, no spaces ("01,05")
 *       form_version  NOT NULL: the version of the form the record was saved with
 *   operator(id, login, name, role admin/clerk/viewer, created_at, disabled 0/1)
 *       rebuilt by auth_schema_v1 (auth.h): role admin/clerk/mediator/viewer,
 *       password_hash (yescrypt), password_set_at, failed_attempts, locked_until
 *       (Unix seconds), last_signin_at; never deleted
 *   audit(id, at, operator_id, tbl, row_id, action, before, after, reason)
 *       rebuilt by auth_schema_v1 with prev_hash and hash (the chain, audit.h),
 *       action unmask besides, append-only triggers; draft(...) holds forms
 *       being typed (draft.h)
 *       action insert/update: before/after are JSON objects of the columns
 *       written (insert: after only; update: the changed columns only).
 *       action bulk: a bulk load (demo, import) wrote rows row_id..after.last of
 *       tbl without one entry each; after = {"first":..,"last":..,"count":..}.
 *   settings(id, key, value)          key unique
 *   resident_key(key, resident_id)    the search index, WITHOUT ROWID, kept in
 *       step with resident by triggers calling sz_search_keys(name, id_number,
 *       phone) (see search.h for the key kinds). A bulk load drops the insert
 *       trigger, inserts, then fills the keys in key order: store_bulk_begin/end;
 *       an import makes them as it reads and merges them in (import-keys.h).
 *       resident_id has no foreign key on purpose: checking one per key turns the
 *       sorted fill into millions of random reads of resident (4x slower); no
 *       resident is ever deleted, and store_check counts the keys instead.
 *   resident_pinyin  the index of residents in pinyin order of their names:
 *       sz_name_key(name) (pinyin_sort_key), kept by SQLite on every write; the
 *       resident list, pickers and the household list walk it. PRAGMA
 *       integrity_check (store_check) recomputes it, so a key made by an older
 *       table shows there; a regenerated pinyin table needs a step REINDEX resident_pinyin.
 *
 * Migrations: schema_steps[] is append-only; step N brings user_version from N-1
 * to N. Never edit a shipped step: append a new one. */
#include "schema.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "dispute.h"
#include "i18n.h"
#include "ledger.h"
#include "ledger-index.h"
#include "service.h"
#include "sqlfn.h"
#include "stars.h"
#include "transfer.h"
#include "util.h"
#include "vgroup.h"

/* ISO date shape used by every date column's CHECK */
#define DATE_OK(col) "(" col " IS NULL OR (" col " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'" \
	" AND date(" col ") IS " col "))"
/* A name holding a Unicode format character (category Cf: U+200B, U+202E, U+FEFF
 * ...), as a GLOB; text.c's text_is_format_char() lists the same ranges. */
#define NAME_HAS_FORMAT "name GLOB '*[" \
	"\xc2\xad\xd8\x80-\xd8\x85\xd8\x9c\xdb\x9d\xdc\x8f\xe0\xa2\x90-\xe0\xa2" \
	"\x91\xe0\xa3\xa2\xe1\xa0\x8e\xe2\x80\x8b-\xe2\x80\x8f\xe2\x80\xaa-\xe2" \
	"\x80\xae\xe2\x81\xa0-\xe2\x81\xa4\xe2\x81\xa6-\xe2\x81\xaf\xef\xbb\xbf" \
	"\xef\xbf\xb9-\xef\xbf\xbb\xf0\x91\x82\xbd\xf0\x91\x83\x8d\xf0\x93\x90" \
	"\xb0-\xf0\x93\x90\xbf\xf0\x9b\xb2\xa0-\xf0\x9b\xb2\xa3\xf0\x9d\x85\xb3-" \
	"\xf0\x9d\x85\xba\xf3\xa0\x80\x81\xf3\xa0\x80\xa0-\xf3\xa0\x81\xbf" \
	"]*'"

/* A two-digit GB code or NULL */
#define CODE2_OK(col) "(" col " IS NULL OR " col " GLOB '[0-9][0-9]')"

#define TRIGGER_INSERT \
	"CREATE TRIGGER resident_key_ai AFTER INSERT ON resident BEGIN\n" \
	"  INSERT OR IGNORE INTO resident_key(key, resident_id)\n" \
	"    SELECT value, NEW.id FROM json_each(sz_search_keys(NEW.name, NEW.id_number, NEW.phone));\n" \
	"END;\n"
#define TRIGGER_UPDATE \
	"CREATE TRIGGER resident_key_au AFTER UPDATE OF name, id_number, phone ON resident BEGIN\n" \
	"  DELETE FROM resident_key WHERE resident_id = OLD.id AND key IN\n" \
	"    (SELECT value FROM json_each(sz_search_keys(OLD.name, OLD.id_number, OLD.phone)));\n" \
	"  INSERT OR IGNORE INTO resident_key(key, resident_id)\n" \
	"    SELECT value, NEW.id FROM json_each(sz_search_keys(NEW.name, NEW.id_number, NEW.phone));\n" \
	"END;\n"

/* The grid workers kept in C (grid_worker) and the declared register of grid staff
 * were two lists of the same people: grid_worker's rows move into the register's
 * table as 网格员 (role 2), still active or not, and grid_worker goes. The table is
 * made here in the engine's shape when the register has not been opened yet (a new
 * database), and gains `active` when it has (fold_grid_staff_columns); the engine
 * indexes the rows at its next start. */
static const char grid_staff_fold[] =
	"CREATE TABLE IF NOT EXISTS ledger_grid_staff (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  grid_id INTEGER, role TEXT, resident_id INTEGER, name TEXT, party_group TEXT, phone TEXT,\n"
	"  active TEXT, number TEXT, state TEXT, state_since TEXT, due TEXT, opened_on TEXT,\n"
	"  created_at TEXT, updated_at TEXT, form_version INTEGER NOT NULL DEFAULT 1\n"
	");\n"
	"INSERT INTO ledger_grid_staff(grid_id, role, name, phone, active, opened_on)\n"
	"  SELECT grid_id, '2', name, phone, CAST(active AS TEXT), date('now', 'localtime') FROM grid_worker ORDER BY id;\n"
	"DROP TABLE grid_worker;\n"
	/* the engine's from now on (version 0: it migrates the table at its next start),
	 * and so not compared with this step's shape by check */
	"INSERT OR IGNORE INTO ledger_meta(name, version, columns) VALUES ('grid_staff', 0, '[]');\n";

static int exec_error(sqlite3 *db, char **err)
{
	if (err)
		*err = xasprintf("ledger_grid_staff: %s", sqlite3_errmsg(db));
	return -1;
}

/* grid_staff_fold's table, when the engine made it before `active` was declared. */
static int fold_grid_staff_columns(sqlite3 *db, char **err)
{
	sqlite3_stmt *st = NULL;
	bool exists = false, has_active = false;
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('ledger_grid_staff')", -1, &st, NULL) != SQLITE_OK)
		return exec_error(db, err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		exists = true;
		has_active = has_active || strcmp((const char *)sqlite3_column_text(st, 0), "active") == 0;
	}
	sqlite3_finalize(st);
	if (!exists || has_active)
		return 0;
	return sqlite3_exec(db, "ALTER TABLE ledger_grid_staff ADD COLUMN active TEXT", NULL, NULL, NULL) == SQLITE_OK
		       ? 0 : exec_error(db, err);
}

static const char *const schema_steps[] = {
	/* 1: the resident and household register */
	"CREATE TABLE town (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE CHECK (length(code) = 9 AND code NOT GLOB '*[^0-9]*'),\n"
	"  name TEXT NOT NULL CHECK (length(name) > 0)\n"
	");\n"
	"CREATE TABLE village (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  town_id INTEGER NOT NULL REFERENCES town(id),\n"
	"  code TEXT NOT NULL UNIQUE CHECK (length(code) = 12 AND code NOT GLOB '*[^0-9]*'),\n"
	"  name TEXT NOT NULL CHECK (length(name) > 0)\n"
	");\n"
	"CREATE INDEX village_town ON village(town_id);\n"
	"CREATE TABLE grid (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  village_id INTEGER NOT NULL REFERENCES village(id),\n"
	"  code TEXT NOT NULL,\n"
	"  name TEXT NOT NULL CHECK (length(name) > 0),\n"
	"  UNIQUE (village_id, code)\n"
	");\n"
	"CREATE TABLE grid_worker (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  grid_id INTEGER NOT NULL REFERENCES grid(id),\n"
	"  name TEXT NOT NULL CHECK (length(name) > 0),\n"
	"  phone TEXT,\n"
	"  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))\n"
	");\n"
	"CREATE INDEX grid_worker_grid ON grid_worker(grid_id);\n"
	"CREATE TABLE household (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  hh_no TEXT NOT NULL UNIQUE CHECK (length(hh_no) BETWEEN 1 AND 32),\n"
	"  address TEXT,\n"
	"  grid_id INTEGER REFERENCES grid(id),\n"
	"  head_id INTEGER REFERENCES resident(id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  village_group TEXT,\n"
	"  form_version INTEGER,\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
	");\n"
	"CREATE INDEX household_grid ON household(grid_id);\n"
	"CREATE INDEX household_head ON household(head_id);\n"
	/* single-character codes are checked with GLOB, not IN (...): an IN list in a
	 * CHECK builds a temporary b-tree on every row inserted (a third of a bulk load) */
	"CREATE TABLE resident (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL CHECK (length(trim(name)) > 0 AND length(name) <= 100),\n"
	"  sex TEXT CHECK (sex IS NULL OR sex GLOB '[0129]'),\n"
	"  birth_date TEXT CHECK " DATE_OK("birth_date") ",\n"
	"  id_number TEXT UNIQUE CHECK (id_number IS NULL OR (length(id_number) = 18\n"
	"    AND substr(id_number, 1, 17) NOT GLOB '*[^0-9]*' AND substr(id_number, 18) GLOB '[0-9X]')),\n"
	"  ethnicity TEXT CHECK " CODE2_OK("ethnicity") ",\n"
	"  household_id INTEGER REFERENCES household(id),\n"
	"  relation TEXT CHECK " CODE2_OK("relation") ",\n"
	"  phone TEXT CHECK (phone IS NULL OR length(phone) <= 20),\n"
	"  political TEXT CHECK " CODE2_OK("political") ",\n"
	"  education TEXT CHECK " CODE2_OK("education") ",\n"
	"  marital TEXT CHECK " CODE2_OK("marital") ",\n"
	"  residence TEXT CHECK (residence IS NULL OR residence GLOB '[123]'),\n"
	"  living_status TEXT NOT NULL DEFAULT '1' CHECK (living_status GLOB '[1234]'),\n"
	"  status_date TEXT CHECK " DATE_OK("status_date") ",\n"
	"  status_reason TEXT,\n"
	"  tags TEXT CHECK (tags IS NULL OR tags NOT GLOB '*[ ]*'),\n"
	"  notes TEXT,\n"
	"  form_version INTEGER NOT NULL,\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  CHECK (living_status = '1' OR status_date IS NOT NULL)\n"
	");\n"
	"CREATE INDEX resident_household ON resident(household_id, relation);\n"
	"CREATE INDEX resident_name_birth ON resident(name, birth_date);\n"
	"CREATE TABLE operator (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  login TEXT NOT NULL UNIQUE CHECK (length(login) > 0),\n"
	"  name TEXT,\n"
	"  role TEXT NOT NULL DEFAULT 'clerk' CHECK (role IN ('admin', 'clerk', 'viewer')),\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))\n"
	");\n"
	"CREATE TABLE audit (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  at TEXT NOT NULL,\n"
	"  operator_id INTEGER REFERENCES operator(id),\n"
	"  tbl TEXT NOT NULL,\n"
	"  row_id INTEGER NOT NULL,\n"
	"  action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'bulk')),\n"
	"  before TEXT CHECK (before IS NULL OR json_valid(before)),\n"
	"  after TEXT CHECK (after IS NULL OR json_valid(after)),\n"
	"  reason TEXT\n"
	");\n"
	"CREATE INDEX audit_row ON audit(tbl, row_id);\n"
	"CREATE TABLE settings (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  key TEXT NOT NULL UNIQUE,\n"
	"  value TEXT\n"
	");\n"
	"CREATE TABLE resident_key (\n"
	"  key TEXT NOT NULL,\n"
	"  resident_id INTEGER NOT NULL,\n"
	"  PRIMARY KEY (key, resident_id)\n"
	") WITHOUT ROWID;\n"
	TRIGGER_INSERT
	TRIGGER_UPDATE
	"CREATE TRIGGER resident_no_delete BEFORE DELETE ON resident BEGIN\n"
	"  SELECT RAISE(ABORT, 'residents are never deleted: set the living status instead');\n"
	"END;\n",
	dispute_schema_v1,  /* 人民调解 cases (dispute.h) */
	service_schema_v1,  /* 便民服务 requests (service.h) */
	auth_schema_v1,  /* operators with passwords, the audit hash chain, drafts (auth.h) */
	service_schema_v2,  /* 便民服务 monthly tally kept by triggers (service.h) */
	stars_schema_v1,  /* 星级文明户 rounds, scores and results (stars.h) */
	/* bulk loads by table and first row: which load wrote a record is a lookup, not
	 * a walk through every entry of the table (the history screen, check) */
	"CREATE INDEX audit_bulk ON audit(tbl, row_id) WHERE action = 'bulk';\n",
	/* a draft of an edit keeps the record as loaded, so that resuming it merges with
	 * what was saved meanwhile instead of writing older values back (draft.h) */
	"ALTER TABLE draft ADD COLUMN base TEXT CHECK (base IS NULL OR json_valid(base));\n",
	service_schema_v3,  /* 便民服务 outcome said at 办结 (service.h) */
	/* search keys leave out invisible format characters now (search.h): the keys of a
	 * name that holds one from before are made again, so its visible name finds it */
	"DELETE FROM resident_key WHERE resident_id IN (SELECT id FROM resident WHERE " NAME_HAS_FORMAT ");\n"
	"INSERT OR IGNORE INTO resident_key(key, resident_id) SELECT j.value, r.id FROM resident r,"
	" json_each(sz_search_keys(r.name, r.id_number, r.phone)) j WHERE r." NAME_HAS_FORMAT ";\n",
	vgroup_schema_v1,  /* 村民小组 of each village, filled from the households (vgroup.h) */
	/* residents in pinyin order of their names (pinyin.h), for the lists */
	"CREATE INDEX resident_pinyin ON resident(sz_name_key(name));\n",
	service_schema_v4,  /* 便民服务 channels from the code list, not a CHECK (service.h) */
	ledger_schema_v1,   /* declared registers: their versions and transitions (ledger.h) */
	ledger_index_schema_v1, /* declared registers' search index (ledger-index.h) */
	transfer_schema_v1, /* residents' moves between villages of a township (transfer.h) */
	grid_staff_fold,    /* grid workers are the declared register grid_staff's */
};

int schema_latest(void)
{
	return (int)ARRAY_LEN(schema_steps);
}

/* Runs a script; on failure names what failed. */
static int exec_script(sqlite3 *db, const char *sql, const char *what, char **err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	if (err)
		*err = xasprintf("%s: %s", what, msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

int schema_migrate(sqlite3 *db, int from_version, char **err)
{
	for (int v = from_version; v < schema_latest(); v++) {
		char *what = xasprintf(_("schema migration %d"), v + 1);
		int rc = schema_steps[v] == grid_staff_fold ? fold_grid_staff_columns(db, err) : 0;
		rc = rc ? rc : exec_script(db, schema_steps[v], what, err);
		free(what);
		/* rows a step filled in from the register are audited as one bulk load */
		if (rc == 0 && schema_steps[v] == vgroup_schema_v1)
			rc = vgroup_audit_migrated(db, err);
		if (rc != 0)
			return -1;
		char *pragma = xasprintf("PRAGMA user_version = %d", v + 1);
		rc = exec_script(db, pragma, "user_version", err);
		free(pragma);
		if (rc != 0)
			return -1;
	}
	if (from_version == 0) {
		char *pragma = xasprintf("PRAGMA application_id = %d", SCHEMA_APPLICATION_ID);
		int rc = exec_script(db, pragma, "application_id", err);
		free(pragma);
		return rc;
	}
	return 0;
}

int schema_insert_trigger_drop(sqlite3 *db, char **err)
{
	return exec_script(db, "DROP TRIGGER IF EXISTS resident_key_ai", _("search keys"), err);
}

int schema_insert_trigger_create(sqlite3 *db, char **err)
{
	if (schema_insert_trigger_drop(db, err) != 0)
		return -1;
	return exec_script(db, TRIGGER_INSERT, _("search keys"), err);
}

int schema_search_keys_fill(sqlite3 *db, sqlite3_int64 first, sqlite3_int64 last, char **err)
{
	/* sorting first turns a million random b-tree inserts into appends */
	static const char sql[] =
		"INSERT OR IGNORE INTO resident_key(key, resident_id)"
		" SELECT k.key, r.id FROM resident r,"
		" sz_search_key_rows(r.name, r.id_number, r.phone) k"
		" WHERE r.id BETWEEN ?1 AND ?2 ORDER BY 1, 2";
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, first);
		sqlite3_bind_int64(stmt, 2, last);
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE && err)
		*err = xasprintf("%s: %s", _("search keys"), sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The SQL of one schema object of db, NULL when there is none; caller frees. */
static char *object_sql(sqlite3_stmt *find, const char *type, const char *name, bool *found)
{
	sqlite3_reset(find);
	sqlite3_bind_text(find, 1, type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(find, 2, name, -1, SQLITE_TRANSIENT);
	*found = sqlite3_step(find) == SQLITE_ROW;
	const char *sql = *found ? (const char *)sqlite3_column_text(find, 0) : NULL;
	return sql ? xstrdup(sql) : NULL;
}

/* Reports each object of `from` that `other` lacks, or (not extra) holds with other
 * SQL, one line each: from is the reference, or (extra) the register. Returns the count. */
static int compare_objects(sqlite3 *from, sqlite3 *other, bool extra, struct strbuf *report)
{
	/* a declared register's table and indexes are its declaration's (ledger_migrate),
	 * on either side: a migration that made one says so in ledger_meta */
	static const char list[] = "SELECT type, name, sql FROM sqlite_schema"
				   " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND tbl_name NOT LIKE 'sync\\_%' ESCAPE '\\'"
				   /* sync's tables are made by sync init (sync.c) */
				   " AND tbl_name NOT IN (SELECT 'ledger_' || name FROM ledger_meta) ORDER BY type, name";
	static const char find[] = "SELECT sql FROM sqlite_schema WHERE type = ?1 AND name = ?2";
	sqlite3_stmt *all = NULL, *one = NULL;
	int count = 0;
	if (sqlite3_prepare_v2(from, list, -1, &all, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(other, find, -1, &one, NULL) != SQLITE_OK) {
		sb_appendf(report, _("schema: cannot be compared (%s)\n"), sqlite3_errmsg(from));
		count = 1;
	}
	while (all && one && sqlite3_step(all) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(all, 0);
		const char *name = (const char *)sqlite3_column_text(all, 1);
		const char *sql = (const char *)sqlite3_column_text(all, 2);
		bool found;
		char *there = object_sql(one, type, name, &found);
		bool differs = found && !extra && (!sql || !there ? sql != there : strcmp(sql, there) != 0);
		if (!found && extra)
			sb_appendf(report, _("schema: %s %s is not one this program creates\n"), type, name);
		else if (!found)
			sb_appendf(report, _("schema: %s %s is missing (dropped behind the program's back)\n"), type, name);
		else if (differs)
			sb_appendf(report, _("schema: %s %s differs from what this program creates\n"), type, name);
		count += !found || differs;
		free(there);
	}
	sqlite3_finalize(all);
	sqlite3_finalize(one);
	return count;
}

int schema_compare(sqlite3 *db, struct strbuf *report)
{
	/* the reference: every migration run on an empty database in memory, with the
	 * SQL functions the migrations and triggers call */
	sqlite3 *ref = NULL;
	char *err = NULL;
	int count;
	if (sqlite3_open(":memory:", &ref) != SQLITE_OK || sqlfn_register(ref) != SQLITE_OK ||
	    schema_migrate(ref, 0, &err) != 0) {
		sb_appendf(report, _("schema: cannot be compared (%s)\n"), err ? err : sqlite3_errmsg(ref));
		count = 1;
	} else {
		count = compare_objects(ref, db, false, report) + compare_objects(db, ref, true, report);
	}
	free(err);
	sqlite3_close(ref);
	return count;
}
