/* backup: consistent copies of the register while clerks work, and a restore that
 * checks the copy before it replaces anything.
 *
 * A backup is SQLite's online backup API from the store's connection into a fresh
 * owner-only file, renamed into place when complete. A restore checks the copy
 * (integrity_check, application_id, schema version, the audit log's hash chain),
 * keeps the current file as DB.before-restore-TIME, then copies the backup into the
 * live database in one write transaction: every other session sees the old register
 * or the restored one, never a mixture.
 *
 * Settings: backup_daily_keep (default 7; 0 = no daily backup) copies kept in
 * backup_folder (default: the database's folder + "/backups"), one per day, made
 * at the first TUI start of the day (or by `shanzhi backup --daily` from cron). */
#ifndef SZ_BACKUP_H
#define SZ_BACKUP_H

#include <stdbool.h>

struct store;

/* Copies the database into dest (replaced when it exists), and the copy's audit
 * chain anchor into dest.anchor. 0, or -1 with *err. */
int backup_make(struct store *st, const char *dest, char **err);
/* The anchor line of the backup at path, its full head hash (audit.h); caller frees,
 * NULL when it cannot be read. */
char *backup_anchor(const char *path);
/* Checks that path holds a sound shanzhi database; -1 with *err saying what is wrong. */
int backup_verify(const char *path, char **err);
/* Replaces the database at db_path with the backup at src after checking it; the
 * current file is kept first, its name in *kept (caller frees) when wanted. */
int backup_restore(const char *src, const char *db_path, char **kept, char **err);
/* Today's rotating backup when the setting asks for one and it is missing; the
 * oldest beyond the kept number are removed. *made (caller frees) names a new copy. */
int backup_daily(struct store *st, char **made, char **err);
/* The folder of the daily backups. Caller frees. */
char *backup_folder(struct store *st);
/* Why folder cannot hold the backups (a file of that name, or no folder above it to
 * make it in), translated (caller frees); NULL when it can, or is empty (the default). */
char *backup_folder_refusal(const char *folder);

/* Writes a restore into the restored register's own audit log, as an update of
 * the register as a whole (tbl "register", row 0): from which file src, where the
 * old register was kept, by whom (by login: the copy may predate the operator). */
int backup_record_restore(const char *db_path, const char *src, const char *kept, const char *login,
			  char **err);

#endif
