/* cli-stars: the star households' commands (rows of cli.c's print and report kinds). */
#ifndef SZ_CLI_STARS_H
#define SZ_CLI_STARS_H

struct cli_opts;

/* `print notice --village V [--year Y] [--encoding E] [--output FILE[.csv|.xlsx]] [--csv]` */
int cli_stars_notice(const struct cli_opts *o, int argc, char **argv);
/* `report stars [--year Y] [--output FILE]` */
int cli_stars_report(const struct cli_opts *o, int argc, char **argv);

#endif
