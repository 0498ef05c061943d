/* bench-sheet: how long the workbook reader alone takes to hand out every row of an
 * .xlsx or .xls (the child that parses it, the pipe, the rows decoded), without the
 * import's checks and writes: the part of an .xlsx import a CSV import does not
 * have. Prints rows, wall seconds and the CPU seconds of this process and of the
 * child. A figure, not a test.
 *
 * usage: bench-sheet FILE [--in-process]   (--in-process: no child, as the fuzzer) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "xlsx.h"

/* Seconds of CPU in ru. */
static double cpu(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 + (double)ru->ru_stime.tv_sec +
	       (double)ru->ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-sheet FILE [--in-process]\n");
		return 2;
	}
	sheet_set_in_process(argc > 2 && strcmp(argv[2], "--in-process") == 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *err = NULL;
	struct sheet_reader *r = sheet_open(argv[1], sheet_is_xls(argv[1]) ? SHEET_XLS : SHEET_XLSX, &err);
	long rows = 0;
	size_t bytes = 0;
	int rc = r ? 1 : -1;
	struct csv_row row;
	while (r && (rc = sheet_read(r, &row, &err)) == 1) {
		rows++;
		for (size_t i = 0; i < row.n; i++)
			bytes += strlen(row.fields[i]);
	}
	sheet_close(r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	struct rusage self, child;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &child);
	if (rc < 0)
		fprintf(stderr, "bench-sheet: %s\n", err ? err : "?");
	printf("%ld rows, %zu bytes of text: %.2f s wall, CPU %.2f s here, %.2f s in the reader's child\n", rows,
	       bytes, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, cpu(&self),
	       cpu(&child));
	free(err);
	return rc < 0;
}
