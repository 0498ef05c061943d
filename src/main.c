/* shanzhi: the program. Everything lives in the core library; see cli.c. */
#include <sqlite3.h>

#include "cli.h"
#include "sqlfn.h"

int main(int argc, char **argv)
{
	/* no global memory statistics: their mutex serialises the import's two threads */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlfn_clock_install();
	return cli_main(argc, argv);
}
