/* access: the role table. */
#include "access.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "rowset.h"
#include "store.h"
#include "util.h"

const char *const access_roles[] = { "admin", "clerk", "mediator", "viewer", NULL };

static const char *const role_labels[] = {
	N_("administrator"), N_("clerk"), N_("mediator"), N_("read-only"),
};

#define R(x) (1u << (x))
/* One row per role: the rights it holds. */
static const unsigned role_rights[] = {
	/* admin */ ~0u,
	/* clerk */ R(ACCESS_REGISTER_VIEW) | R(ACCESS_REGISTER_EDIT) | R(ACCESS_UNMASK) |
		R(ACCESS_SERVICE_VIEW) | R(ACCESS_SERVICE_EDIT) | R(ACCESS_STARS_VIEW) |
		R(ACCESS_STARS_EDIT) | R(ACCESS_EXCHANGE) | R(ACCESS_LEDGER_VIEW) | R(ACCESS_LEDGER_EDIT),
	/* mediator */ R(ACCESS_REGISTER_VIEW) | R(ACCESS_UNMASK) | R(ACCESS_DISPUTE_VIEW) |
		R(ACCESS_DISPUTE_EDIT) | R(ACCESS_SERVICE_VIEW) | R(ACCESS_STARS_VIEW) |
		R(ACCESS_LEDGER_VIEW),
	/* viewer */ R(ACCESS_REGISTER_VIEW) | R(ACCESS_SERVICE_VIEW) | R(ACCESS_STARS_VIEW) |
		R(ACCESS_LEDGER_VIEW),
};
#undef R

_Static_assert(ARRAY_LEN(role_rights) == ARRAY_LEN(access_roles) - 1, "one row per role");
_Static_assert(ARRAY_LEN(role_labels) == ARRAY_LEN(access_roles) - 1, "one label per role");
_Static_assert(ACCESS_RIGHT_COUNT <= 32, "rights fit in the mask");

static const char *const right_labels[] = {
	N_("view the register"), N_("change the register"), N_("see full ID and phone numbers"),
	N_("view service requests"), N_("change service requests"),
	N_("view mediation cases"), N_("change mediation cases"),
	N_("view star household scores"), N_("change star household scores"),
	N_("import and export"), N_("administer operators and backups"),
	N_("view the declared registers"), N_("change the declared registers"),
};
_Static_assert(ARRAY_LEN(right_labels) == ACCESS_RIGHT_COUNT, "one label per right");

static int role_index(const char *role)
{
	for (int i = 0; role && access_roles[i]; i++)
		if (strcmp(role, access_roles[i]) == 0)
			return i;
	return -1;
}

bool access_role_valid(const char *role)
{
	return role_index(role) >= 0;
}

bool access_role_allows(const char *role, enum access_right r)
{
	int i = role_index(role);
	return i >= 0 && r < ACCESS_RIGHT_COUNT && (role_rights[i] >> r) & 1u;
}

char *access_current_role(struct store *st)
{
	sqlite3_stmt *stmt;
	char *role = NULL;
	if (sqlite3_prepare_v2(store_db(st), "SELECT role FROM operator WHERE id = ?1 AND disabled = 0",
			       -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(stmt, 1, store_operator_id(st));
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		role = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return role;
}

/* Which right a write to a table needs: one row per table or table prefix. */
static const struct {
	const char *prefix;
	bool whole;            /* the name itself, not a prefix */
	enum access_right right;
} table_rights[] = {
	{ "resident", true, ACCESS_REGISTER_EDIT }, { "household", true, ACCESS_REGISTER_EDIT },
	{ "town", true, ACCESS_REGISTER_EDIT }, { "village", true, ACCESS_REGISTER_EDIT },
	{ "grid", true, ACCESS_REGISTER_EDIT }, { "transfer", true, ACCESS_REGISTER_EDIT },
	{ "village_group", true, ACCESS_ADMIN },
	{ "service_", false, ACCESS_SERVICE_EDIT }, { "dispute_", false, ACCESS_DISPUTE_EDIT },
	{ "star_", false, ACCESS_STARS_EDIT }, { "ledger_", false, ACCESS_LEDGER_EDIT },
};

enum access_right access_table_right(const char *table)
{
	for (size_t i = 0; table && i < ARRAY_LEN(table_rights); i++) {
		size_t n = strlen(table_rights[i].prefix);
		if (table_rights[i].whole ? strcmp(table, table_rights[i].prefix) == 0
					  : strncmp(table, table_rights[i].prefix, n) == 0)
			return table_rights[i].right;
	}
	return ACCESS_RIGHT_COUNT;
}

/* The role of the last operator asked about, per connection: a bulk load asks
 * once per row. */
static struct {
	sqlite3 *db;
	int64_t operator_id;
	char *role;
} role_cache;

bool access_may_write(struct store *st, const char *table)
{
	enum access_right r = access_table_right(table);
	if (r == ACCESS_RIGHT_COUNT || store_operator_id(st) <= 0)
		return true;
	if (role_cache.db != store_db(st) || role_cache.operator_id != store_operator_id(st)) {
		free(role_cache.role);
		role_cache.role = access_current_role(st);
		role_cache.db = store_db(st);
		role_cache.operator_id = store_operator_id(st);
	}
	return access_role_allows(role_cache.role, r);
}

/* Whether the register has no operator yet: nobody to tell apart, so nothing is
 * refused until its first administrator is added. */
static bool without_operators(struct store *st)
{
	char *none = rowset_value(st, "SELECT NOT EXISTS (SELECT 1 FROM operator)", "");
	bool yes = none && strcmp(none, "1") == 0;   /* a failed query is not "none" */
	free(none);
	return yes;
}

bool access_allows(struct store *st, enum access_right r)
{
	if (store_operator_id(st) <= 0)
		return without_operators(st);
	char *role = access_current_role(st);
	bool ok = access_role_allows(role, r);
	free(role);
	return ok;
}

#define R(x) (1u << (x))
/* The read rule, one row per command: the rights it needs. A name the register
 * does not know holds no right, so it runs none of these; counts (report) need the
 * same right as the register's screens, lists of people show ID and phone numbers
 * masked, and whatever carries full numbers out of the register (an unmasked
 * export, a backup) needs ACCESS_UNMASK; a change of the register (resident, household) needs the
 * right its screens need to write. */
static const struct {
	const char *command;
	unsigned rights;
} command_rights[] = {
	{ "check", R(ACCESS_REGISTER_VIEW) },
	{ "search", R(ACCESS_REGISTER_VIEW) },
	{ "report services", R(ACCESS_SERVICE_VIEW) },
	{ "report disputes", R(ACCESS_DISPUTE_VIEW) },
	{ "report stars", R(ACCESS_STARS_VIEW) },
	{ "print receipt", R(ACCESS_SERVICE_VIEW) },
	{ "print agreement", R(ACCESS_DISPUTE_VIEW) },
	{ "print record", R(ACCESS_DISPUTE_VIEW) },
	{ "print notice", R(ACCESS_STARS_VIEW) },
	{ "resident add", R(ACCESS_REGISTER_EDIT) },
	{ "resident set", R(ACCESS_REGISTER_EDIT) },
	{ "resident status", R(ACCESS_REGISTER_EDIT) },
	{ "resident move-out", R(ACCESS_REGISTER_EDIT) },
	{ "resident move-in", R(ACCESS_REGISTER_EDIT) },
	{ "resident transfers", R(ACCESS_REGISTER_VIEW) },
	{ "resident transfer-history", R(ACCESS_REGISTER_VIEW) },
	{ "household head", R(ACCESS_REGISTER_EDIT) },
	{ "household move", R(ACCESS_REGISTER_EDIT) },
	{ "export", R(ACCESS_EXCHANGE) },
	{ "export --unmasked", R(ACCESS_EXCHANGE) | R(ACCESS_UNMASK) },
	{ "import", R(ACCESS_EXCHANGE) },
	{ "backup", R(ACCESS_UNMASK) },
	{ "restore", R(ACCESS_ADMIN) },
	{ "user list", R(ACCESS_ADMIN) },
	{ "ledger", R(ACCESS_LEDGER_VIEW) },
	{ "ledger list", R(ACCESS_LEDGER_VIEW) },
	{ "ledger show", R(ACCESS_LEDGER_VIEW) },
	{ "ledger print", R(ACCESS_LEDGER_VIEW) },
	{ "ledger add", R(ACCESS_LEDGER_EDIT) },
	{ "ledger step", R(ACCESS_LEDGER_EDIT) },
	{ "report ledger", R(ACCESS_LEDGER_VIEW) },
};
#undef R

char *access_command_refusal(struct store *st, const char *command)
{
	for (size_t i = 0; command && i < ARRAY_LEN(command_rights); i++) {
		if (strcmp(command, command_rights[i].command) != 0)
			continue;
		for (enum access_right r = 0; r < ACCESS_RIGHT_COUNT; r++)
			if ((command_rights[i].rights >> r & 1u) && !access_allows(st, r))
				return access_refusal(st, r);
		return NULL;
	}
	return NULL;
}

char *access_refusal(struct store *st, enum access_right r)
{
	char *role = access_current_role(st);
	char *msg = xasprintf(_("Your role (%s) may not %s."),
			      role ? access_role_label(role) : _("none"),
			      r < ACCESS_RIGHT_COUNT ? _(right_labels[r]) : "?");
	free(role);
	return msg;
}

const char *access_role_label(const char *role)
{
	int i = role_index(role);
	return i >= 0 ? _(role_labels[i]) : role;
}
