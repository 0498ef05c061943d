/* sandbox: a parser of hostile files run in a child process, its results passed back
 * over a pipe, so that a fault, a hang or a memory blow-up in a library costs the file
 * being read, not the program reading it.
 *
 * The child is a fork of the caller with a CPU-time limit and (outside sanitizer
 * builds, whose shadow memory needs the address space) a limit on how much more
 * address space it may take. It writes records: a one-byte tag and a payload, the
 * payload's length first (4 bytes, little-endian). The parent waits for each record
 * at most idle_seconds; a child that stops without its final record crashed, timed
 * out or ran out of memory, and sandbox_next says which. */
#ifndef SZ_SANDBOX_H
#define SZ_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sandbox_limits {
	unsigned cpu_seconds;      /* the child's CPU time in all */
	unsigned idle_seconds;     /* the longest wait for one record */
	size_t memory_bytes;       /* address space the child may add to what it inherits */
};

/* How a child ended when it ended without its final record. */
enum sandbox_end { SANDBOX_RUNNING, SANDBOX_CRASHED, SANDBOX_TIMED_OUT, SANDBOX_OUT_OF_MEMORY };

/* The child's side: records buffered into the pipe. */
struct sandbox_out;

/* Runs in the child with the pipe's writing end; its return is the child's exit status. */
typedef int (*sandbox_main_fn)(struct sandbox_out *out, void *arg);

struct sandbox;

/* Forks a child running fn(out, arg) under the limits. NULL with *err when it cannot. */
struct sandbox *sandbox_start(sandbox_main_fn fn, void *arg, const struct sandbox_limits *lim, char **err);
/* The next record: 1 with *tag and the payload (valid until the next call), -1 when
 * the child ended without one (sandbox_end says how; the child is gone). */
int sandbox_next(struct sandbox *sb, char *tag, const char **payload, size_t *len);
enum sandbox_end sandbox_end(const struct sandbox *sb);
/* Stops the child if it still runs, and frees everything. */
void sandbox_stop(struct sandbox *sb);

/* Child side: adds a record; false when the parent has gone. */
bool sandbox_put(struct sandbox_out *out, char tag, const void *payload, size_t len);
/* Child side: a record built in pieces: begin, add..., then end. */
void sandbox_begin(struct sandbox_out *out, char tag);
void sandbox_add(struct sandbox_out *out, const void *bytes, size_t len);
void sandbox_add_u32(struct sandbox_out *out, uint32_t v);
bool sandbox_end_record(struct sandbox_out *out);
/* Child side: sends what is buffered now (before a wait the parent must not sit out). */
bool sandbox_flush(struct sandbox_out *out);

/* Parent side: reads a little-endian u32 at *p, moving it on; false past end. */
bool sandbox_take_u32(const char **p, const char *end, uint32_t *v);

#endif
