/* cli-write: the register's changes a clerk makes in the screens, as commands (rows
 * of cli.c's resident and household kinds). Exit status 3: the form or a household
 * rule refused the change (the reason printed, nothing written). */
#ifndef SZ_CLI_WRITE_H
#define SZ_CLI_WRITE_H

struct cli_opts;

/* `resident add FIELD=VALUE ... [--duplicate-ok]`: a new resident, checked by the form */
int cli_write_resident_add(const struct cli_opts *o, int argc, char **argv);
/* `resident set ID FIELD=VALUE ...`: only the given fields change */
int cli_write_resident_set(const struct cli_opts *o, int argc, char **argv);
/* `resident status ID CODE [DATE] [--reason TEXT]`: the living status (F8) */
int cli_write_resident_status(const struct cli_opts *o, int argc, char **argv);
/* `household head HHNO RESIDENT_ID [--former-relation CODE]` */
int cli_write_household_head(const struct cli_opts *o, int argc, char **argv);
/* `household move RESIDENT_ID HHNO --relation CODE` */
int cli_write_household_move(const struct cli_opts *o, int argc, char **argv);

#endif
