/* cli-service: the service window's commands (rows of cli.c's print and report kinds). */
#ifndef SZ_CLI_SERVICE_H
#define SZ_CLI_SERVICE_H

struct cli_opts;

/* `print receipt NUMBER [--encoding E] [--output FILE | --printer]` */
int cli_service_receipt(const struct cli_opts *o, int argc, char **argv);
/* `report services [--month YYYY-MM]` */
int cli_service_report(const struct cli_opts *o, int argc, char **argv);

#endif
