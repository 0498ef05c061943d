/* access: what each operator role may see and change: one table in access.c, not
 * checks scattered through the screens. Screens and commands ask before they show
 * or write; a refusal is told to the clerk with access_refusal(). */
#ifndef SZ_ACCESS_H
#define SZ_ACCESS_H

#include <stdbool.h>

struct store;

enum access_right {
	ACCESS_REGISTER_VIEW,     /* residents and households */
	ACCESS_REGISTER_EDIT,
	ACCESS_UNMASK,            /* full ID and phone numbers (each unmasking audited) */
	ACCESS_SERVICE_VIEW,      /* 便民服务 */
	ACCESS_SERVICE_EDIT,
	ACCESS_DISPUTE_VIEW,      /* 人民调解: the detail of cases */
	ACCESS_DISPUTE_EDIT,
	ACCESS_STARS_VIEW,        /* 星级文明户 */
	ACCESS_STARS_EDIT,
	ACCESS_EXCHANGE,          /* import and export */
	ACCESS_ADMIN,             /* operators, backups, settings */
	ACCESS_LEDGER_VIEW,       /* declared registers (台账, ledger.h) */
	ACCESS_LEDGER_EDIT,       /* their records; each transition names its roles too */
	ACCESS_RIGHT_COUNT
};

/* Roles as stored in operator.role. */
bool access_role_valid(const char *role);
bool access_role_allows(const char *role, enum access_right r);
/* The current operator's role (store_set_operator). With none set (a name the
 * register does not know) false, unless the register has no operator at all yet. */
bool access_allows(struct store *st, enum access_right r);
/* The read rule: why the store's operator may not run command ("search",
 * "report services", "export --unmasked", ... as in the table in access.c), or NULL
 * when it may (or the command is not in the table). Caller frees. */
char *access_command_refusal(struct store *st, const char *command);
/* The right a write to a table needs (the register's tables, each register's own),
 * or ACCESS_RIGHT_COUNT when the table's own module decides (operator, settings). */
enum access_right access_table_right(const char *table);
/* Whether the store's operator may write to table; true when no operator is set
 * (the write path refuses that on its own once the register has operators). The
 * store's write path asks this before every insert and update. */
bool access_may_write(struct store *st, const char *table);
/* The store's current operator's role (operator.role), NULL when none is set or
 * known. Caller frees. */
char *access_current_role(struct store *st);
/* A translated sentence naming what was refused. Caller frees. */
char *access_refusal(struct store *st, enum access_right r);
/* The roles, NULL-terminated, and a translated label for each. */
extern const char *const access_roles[];
const char *access_role_label(const char *role);

#endif
