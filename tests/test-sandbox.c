/* test-sandbox: a child's records come back in order, and a child that crashes, hangs,
 * spins or swallows memory is told apart, this process carrying on. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sandbox.h"
#include "util.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Sends "a", a record of 200,000 bytes, then "z". */
static int send_three(struct sandbox_out *out, void *arg)
{
	char *big = xmalloc(200000);
	memset(big, 'x', 200000);
	sandbox_put(out, 'a', "one", 3);
	sandbox_begin(out, 'b');
	sandbox_add_u32(out, 200000);
	sandbox_add(out, big, 200000);
	sandbox_end_record(out);
	sandbox_put(out, 'z', "", 0);
	free(big);
	return 0;
}

/* Sends a record, then dies as a library fault would. */
static int crash(struct sandbox_out *out, void *arg)
{
	sandbox_put(out, 'a', "", 0);
	sandbox_flush(out);
	raise(SIGSEGV);
	return 0;
}

/* Says nothing, for ever. */
static int hang(struct sandbox_out *out, void *arg)
{
	pause();
	return 0;
}

/* Spins on the CPU without a record. */
static int spin(struct sandbox_out *out, void *arg)
{
	for (volatile unsigned long i = 0;; i++)
		;
	return 0;
}

/* Allocates and touches memory until there is none. */
static int swallow(struct sandbox_out *out, void *arg)
{
	for (;;)
		memset(xmalloc(1 << 20), 1, 1 << 20);
	return 0;
}

/* Runs fn and reads records until the end; the end, with the tags seen in *tags. */
static enum sandbox_end run(sandbox_main_fn fn, unsigned cpu, unsigned idle, char *tags)
{
	struct sandbox_limits lim = {.cpu_seconds = cpu, .idle_seconds = idle, .memory_bytes = 64u << 20};
	char *err = NULL;
	struct sandbox *sb = sandbox_start(fn, NULL, &lim, &err);
	CHECK(sb != NULL);
	if (!sb)
		return SANDBOX_RUNNING;
	char tag;
	const char *p;
	size_t len, n = 0;
	while (sandbox_next(sb, &tag, &p, &len) == 1) {
		tags[n++] = tag;
		if (tag == 'b') {
			const char *end = p + len;
			uint32_t v = 0;
			CHECK(sandbox_take_u32(&p, end, &v) && v == 200000 && (size_t)(end - p) == 200000 && p[199999] == 'x');
		}
		if (tag == 'z')
			break;
	}
	tags[n] = '\0';
	enum sandbox_end end = sandbox_end(sb);
	sandbox_stop(sb);
	free(err);
	return end;
}

int main(void)
{
	char tags[16];
	CHECK_INT(run(send_three, 10, 10, tags), SANDBOX_RUNNING);
	CHECK_STR(tags, "abz");
	CHECK_INT(run(crash, 10, 10, tags), SANDBOX_CRASHED);
	CHECK_STR(tags, "a");
	CHECK_INT(run(hang, 10, 1, tags), SANDBOX_TIMED_OUT);
	CHECK_INT(run(spin, 1, 30, tags), SANDBOX_TIMED_OUT);
	if (!SANITIZED)   /* no address-space limit there: it would take the machine's memory */
		CHECK_INT(run(swallow, 10, 10, tags), SANDBOX_OUT_OF_MEMORY);
	return check_finish();
}
