/* keyrun: sorted runs of search keys, spilled and merged (see keyrun.h). */
#include "keyrun.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "i18n.h"
#include "search-keys.h"
#include "util.h"

#define WRITE_BYTES 65536    /* the output buffer of the runs */
#define READ_MIN 4096        /* the least a run's cursor holds, however many runs */
#define BUDGET_MIN 4096
#define BUDGET_MAX (1u << 30)  /* an entry's offset is 32 bits */
#define INSERTION_MAX 16     /* partitions this small are sorted by insertion */

/* One pair in the buffer. head is the key's first 8 bytes as a big-endian number
 * (zeros past its end): most comparisons touch no text. The key is at off in the
 * buffer, NUL-terminated. */
struct entry {
	uint64_t head;
	uint32_t off;
	uint32_t seq;
};

/* A run being merged: its current pair decoded, the rest read ahead. */
struct cursor {
	off_t pos, end;          /* what of the run is still in the file */
	char *buf;               /* a slice of the buffer */
	size_t cap, at, fill;
	char *key;               /* the current key, kept: the next shares its start */
	size_t len, kcap;
	uint64_t head;
	uint32_t seq;
};

struct run {
	off_t start, end;
};

struct keyrun {
	char *mem;               /* entries from the start, their text from the end down */
	size_t budget;
	size_t n;                /* entries in the buffer */
	size_t text;             /* where the text begins */
	int fd;                  /* -1 until the first run */
	char *dir;
	char *out;               /* the runs' output buffer */
	size_t nout;
	off_t size;              /* of the file, the output buffer included */
	struct run *runs;
	size_t nruns;
	char *error;
	bool finished;
	/* the merge: a heap of the runs by their current pair */
	struct cursor *cur;
	size_t *heap, nheap;
	size_t next;             /* no run written: the next entry of the sorted buffer */
	char *last;              /* the pair given last, to give a repeated one once */
	size_t last_len, last_cap;
	uint32_t last_seq;
	bool has_last;
};

struct keyrun *keyrun_new(size_t budget)
{
	struct keyrun *kr = xcalloc(1, sizeof *kr);
	kr->budget = budget < BUDGET_MIN ? BUDGET_MIN : budget > BUDGET_MAX ? BUDGET_MAX : budget;
	kr->mem = xmalloc(kr->budget);
	kr->text = kr->budget;
	kr->fd = -1;
	return kr;
}

void keyrun_free(struct keyrun *kr)
{
	if (!kr)
		return;
	if (kr->fd >= 0)
		close(kr->fd);
	for (size_t i = 0; kr->cur && i < kr->nruns; i++)
		free(kr->cur[i].key);
	free(kr->cur);
	free(kr->heap);
	free(kr->runs);
	free(kr->out);
	free(kr->dir);
	free(kr->error);
	free(kr->last);
	free(kr->mem);
	free(kr);
}

const char *keyrun_error(const struct keyrun *kr)
{
	return kr->error;
}

size_t keyrun_runs(const struct keyrun *kr)
{
	return kr->nruns;
}

/* Keeps why the file failed (errno), naming the folder; false. */
static bool failed(struct keyrun *kr, bool reading)
{
	const char *why = strerror(errno ? errno : EIO);
	if (kr->error)
		return false;
	if (reading)
		kr->error = xasprintf(_("the search keys cannot be read back from a temporary file in %s: %s"),
				      kr->dir, why);
	else
		kr->error = xasprintf(_("the search keys cannot be written to a temporary file in %s: %s;"
					" set TMPDIR to a folder with room"), kr->dir, why);
	return false;
}

/* ---- the buffer ---- */

/* The first 8 bytes of a key as a big-endian number. */
static uint64_t head_of(const char *key, size_t len)
{
	uint64_t h = 0;
	for (size_t i = 0; i < 8; i++)
		h = h << 8 | (i < len ? UCH(key[i]) : 0);
	return h;
}

/* Orders two entries by key (bytes, then length, as SQLite's BINARY), then seq. A
 * head whose last byte is not 0 belongs to a key of 8 bytes or more; equal heads
 * that end in 0 are equal keys (keys hold no NUL). */
static int entry_cmp(const char *mem, const struct entry *a, const struct entry *b)
{
	if (a->head != b->head)
		return a->head < b->head ? -1 : 1;
	if (a->head & 0xff) {
		int c = strcmp(mem + a->off + 8, mem + b->off + 8);
		if (c)
			return c < 0 ? -1 : 1;
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void entry_swap(struct entry *a, struct entry *b)
{
	struct entry t = *a;
	*a = *b;
	*b = t;
}

/* Sorts by insertion: the small partitions of the quicksort. */
static void insertion_sort(const char *mem, struct entry *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct entry x = e[i];
		size_t j = i;
		for (; j > 0 && entry_cmp(mem, &x, &e[j - 1]) < 0; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

/* Sorts the entries in place (quicksort, median of three, the smaller side first):
 * no second array, so the buffer is all the memory there is; glibc's qsort may
 * allocate one as large. */
static void sort_entries(const char *mem, struct entry *e, size_t n)
{
	while (n > INSERTION_MAX) {
		size_t mid = n / 2;
		if (entry_cmp(mem, &e[mid], &e[0]) < 0)
			entry_swap(&e[mid], &e[0]);
		if (entry_cmp(mem, &e[n - 1], &e[mid]) < 0) {
			entry_swap(&e[n - 1], &e[mid]);
			if (entry_cmp(mem, &e[mid], &e[0]) < 0)
				entry_swap(&e[mid], &e[0]);
		}
		/* the median to the front as the pivot; e[n - 1] >= it stops the scan up */
		entry_swap(&e[0], &e[mid]);
		struct entry pivot = e[0];
		size_t i = 0, j = n;
		for (;;) {
			do
				i++;
			while (entry_cmp(mem, &e[i], &pivot) < 0);
			do
				j--;
			while (entry_cmp(mem, &e[j], &pivot) > 0);
			if (i >= j)
				break;
			entry_swap(&e[i], &e[j]);
		}
		entry_swap(&e[0], &e[j]);
		/* [0, j) <= pivot = e[j] <= (j, n) */
		if (j < n - j - 1) {
			sort_entries(mem, e, j);
			e += j + 1;
			n -= j + 1;
		} else {
			sort_entries(mem, e + j + 1, n - j - 1);
			n = j;
		}
	}
	insertion_sort(mem, e, n);
}

/* ---- writing runs ---- */

/* Makes the temporary file, unlinked at once: nothing is left behind, however the
 * program ends. */
static bool open_file(struct keyrun *kr)
{
	const char *dir = getenv("TMPDIR");
	kr->dir = xstrdup(dir && *dir ? dir : "/tmp");
	char *path = xasprintf("%s/shanzhi-keys-XXXXXX", kr->dir);
	kr->fd = mkstemp(path);
	if (kr->fd >= 0)
		unlink(path);
	free(path);
	if (kr->fd < 0)
		return failed(kr, false);
	kr->out = xmalloc(WRITE_BYTES);
	return true;
}

/* Writes out what the output buffer holds. */
static bool flush(struct keyrun *kr)
{
	for (size_t done = 0; done < kr->nout;) {
		ssize_t k = write(kr->fd, kr->out + done, kr->nout - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = ENOSPC;
			return failed(kr, false);
		}
		done += (size_t)k;
	}
	kr->nout = 0;
	return true;
}

/* Appends bytes to the file through the output buffer. */
static bool put(struct keyrun *kr, const char *s, size_t n)
{
	while (n) {
		if (kr->nout == WRITE_BYTES && !flush(kr))
			return false;
		size_t k = WRITE_BYTES - kr->nout < n ? WRITE_BYTES - kr->nout : n;
		memcpy(kr->out + kr->nout, s, k);
		kr->nout += k;
		kr->size += (off_t)k;
		s += k;
		n -= k;
	}
	return true;
}

/* Appends a number, 7 bits a byte, low bits first. */
static bool put_number(struct keyrun *kr, uint64_t v)
{
	char b[10];
	size_t n = 0;
	do {
		b[n++] = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return put(kr, b, n);
}

/* Sorts the buffer and writes it as a run: per pair the bytes its key shares with
 * the last, the length and bytes of the rest, and seq. The buffer is empty again. */
static bool spill(struct keyrun *kr)
{
	if (kr->fd < 0 && !open_file(kr))
		return false;
	struct entry *e = (struct entry *)kr->mem;
	sort_entries(kr->mem, e, kr->n);
	struct run r = {.start = kr->size};
	const char *prev = "";
	size_t prevlen = 0;
	for (size_t i = 0; i < kr->n; i++) {
		const char *k = kr->mem + e[i].off;
		size_t len = strlen(k), shared = 0, most = len < prevlen ? len : prevlen;
		while (shared < most && k[shared] == prev[shared])
			shared++;
		if (i && shared == len && len == prevlen && e[i].seq == e[i - 1].seq)
			continue;   /* the same pair again */
		if (!put_number(kr, shared) || !put_number(kr, len - shared) || !put(kr, k + shared, len - shared) ||
		    !put_number(kr, e[i].seq))
			return false;
		prev = k;
		prevlen = len;
	}
	r.end = kr->size;
	kr->runs = xrealloc(kr->runs, (kr->nruns + 1) * sizeof *kr->runs);
	kr->runs[kr->nruns++] = r;
	kr->n = 0;
	kr->text = kr->budget;
	return true;
}

/* Room in the buffer for one more entry with a key of len bytes. */
static bool room(const struct keyrun *kr, size_t len)
{
	return (kr->n + 1) * sizeof(struct entry) + len + 1 <= kr->text;
}

bool keyrun_add(struct keyrun *kr, uint32_t seq, const char *kind, size_t nkind, const char *text, size_t ntext)
{
	if (kr->error || kr->finished)
		return false;
	size_t len = nkind + ntext;
	if (!room(kr, len) && kr->n && !spill(kr))
		return false;
	if (!room(kr, len)) {
		/* one key larger than the whole buffer, which is empty: it grows for it */
		free(kr->mem);
		kr->budget = sizeof(struct entry) + len + 1;
		kr->mem = xmalloc(kr->budget);
		kr->text = kr->budget;
	}
	kr->text -= len + 1;
	char *k = kr->mem + kr->text;
	memcpy(k, kind, nkind);
	memcpy(k + nkind, text, ntext);
	k[len] = '\0';
	struct entry *e = (struct entry *)kr->mem + kr->n++;
	*e = (struct entry){.head = head_of(k, len), .off = (uint32_t)kr->text, .seq = seq};
	return true;
}

struct resident_sink {
	struct keyrun *kr;
	uint32_t seq;
};

/* search_keys_each's sink: errors stay in kr. */
static void add_from_walk(void *ctx, const char *kind, size_t nkind, const char *text, size_t ntext)
{
	struct resident_sink *s = ctx;
	keyrun_add(s->kr, s->seq, kind, nkind, text, ntext);
}

bool keyrun_add_resident(struct keyrun *kr, uint32_t seq, const char *name, const char *id_number,
			 const char *phone)
{
	struct resident_sink s = {kr, seq};
	search_keys_each(name, id_number, phone, add_from_walk, &s);
	return !kr->error;
}

/* ---- the merge ---- */

/* Reads the next part of a run into its cursor's slice. */
static bool cursor_read(struct keyrun *kr, struct cursor *c)
{
	size_t want = c->end - c->pos < (off_t)c->cap ? (size_t)(c->end - c->pos) : c->cap;
	ssize_t k;
	do
		k = pread(kr->fd, c->buf, want, c->pos);
	while (k < 0 && errno == EINTR);
	if (k <= 0) {
		if (k == 0)
			errno = EIO;   /* the file is shorter than what was written */
		return failed(kr, true);
	}
	c->pos += k;
	c->at = 0;
	c->fill = (size_t)k;
	return true;
}

/* The next byte of a run; -1 on an error. */
static int cursor_byte(struct keyrun *kr, struct cursor *c)
{
	if (c->at == c->fill && !cursor_read(kr, c))
		return -1;
	return UCH(c->buf[c->at++]);
}

/* A number as put_number wrote it. */
static bool cursor_number(struct keyrun *kr, struct cursor *c, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		int b = cursor_byte(kr, c);
		if (b < 0)
			return false;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	errno = EIO;
	return failed(kr, true);
}

/* Decodes a run's next pair into its cursor: 1, 0 when the run is done, -1. */
static int cursor_next(struct keyrun *kr, struct cursor *c)
{
	if (c->at == c->fill && c->pos == c->end)
		return 0;
	uint64_t shared, rest, seq;
	if (!cursor_number(kr, c, &shared) || !cursor_number(kr, c, &rest))
		return -1;
	if (shared > c->len || rest > (uint64_t)(c->end - c->pos) + c->fill) {
		errno = EIO;
		failed(kr, true);
		return -1;
	}
	size_t len = (size_t)(shared + rest);
	if (len + 1 > c->kcap) {
		c->kcap = len + 1 > 64 ? (len + 1) * 2 : 64;
		c->key = xrealloc(c->key, c->kcap);
	}
	for (size_t at = (size_t)shared; at < len;) {
		if (c->at == c->fill && !cursor_read(kr, c))
			return -1;
		size_t k = c->fill - c->at < len - at ? c->fill - c->at : len - at;
		memcpy(c->key + at, c->buf + c->at, k);
		c->at += k;
		at += k;
	}
	c->key[len] = '\0';
	if (!cursor_number(kr, c, &seq))
		return -1;
	c->len = len;
	c->head = head_of(c->key, len);
	c->seq = (uint32_t)seq;
	return 1;
}

/* Orders two runs' current pairs as entry_cmp orders entries. */
static int cursor_cmp(const struct cursor *a, const struct cursor *b)
{
	if (a->head != b->head)
		return a->head < b->head ? -1 : 1;
	if (a->head & 0xff) {
		size_t most = a->len < b->len ? a->len : b->len;
		int c = memcmp(a->key + 8, b->key + 8, most - 8);
		if (c)
			return c < 0 ? -1 : 1;
		if (a->len != b->len)
			return a->len < b->len ? -1 : 1;
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Moves the heap's entry at i down to its place. */
static void sift_down(struct keyrun *kr, size_t i)
{
	size_t *h = kr->heap;
	for (;;) {
		size_t least = i, l = 2 * i + 1, r = l + 1;
		if (l < kr->nheap && cursor_cmp(&kr->cur[h[l]], &kr->cur[h[least]]) < 0)
			least = l;
		if (r < kr->nheap && cursor_cmp(&kr->cur[h[r]], &kr->cur[h[least]]) < 0)
			least = r;
		if (least == i)
			return;
		size_t t = h[i];
		h[i] = h[least];
		h[least] = t;
		i = least;
	}
}

/* Sets up a cursor per run, each reading through a slice of the buffer. */
static bool merge_start(struct keyrun *kr)
{
	size_t slice = kr->budget / kr->nruns;
	if (slice < READ_MIN) {
		slice = READ_MIN;
		free(kr->mem);
		kr->mem = xmalloc(slice * kr->nruns);
	}
	kr->cur = xcalloc(kr->nruns, sizeof *kr->cur);
	kr->heap = xmalloc(kr->nruns * sizeof *kr->heap);
	for (size_t i = 0; i < kr->nruns; i++) {
		struct cursor *c = &kr->cur[i];
		*c = (struct cursor){.pos = kr->runs[i].start, .end = kr->runs[i].end,
				     .buf = kr->mem + i * slice, .cap = slice};
		int rc = cursor_next(kr, c);
		if (rc < 0)
			return false;
		if (rc == 1)
			kr->heap[kr->nheap++] = i;
	}
	for (size_t i = kr->nheap / 2; i-- > 0;)
		sift_down(kr, i);
	return true;
}

bool keyrun_finish(struct keyrun *kr)
{
	if (kr->error)
		return false;
	if (kr->finished)
		return true;
	kr->finished = true;
	if (kr->fd < 0) {
		/* everything fitted: the buffer is the one run, and no file was made */
		sort_entries(kr->mem, (struct entry *)kr->mem, kr->n);
		return true;
	}
	if ((kr->n && !spill(kr)) || !flush(kr))
		return false;
	free(kr->out);
	kr->out = NULL;
	return merge_start(kr);
}

/* Whether the pair is the one given last. */
static bool given_last(const struct keyrun *kr, const char *key, size_t len, uint32_t seq)
{
	return kr->has_last && seq == kr->last_seq && len == kr->last_len && memcmp(key, kr->last, len) == 0;
}

/* Remembers the pair given. */
static void give(struct keyrun *kr, const char *key, size_t len, uint32_t seq)
{
	if (len > kr->last_cap || !kr->last) {
		kr->last_cap = len > 64 ? len * 2 : 64;
		kr->last = xrealloc(kr->last, kr->last_cap);
	}
	memcpy(kr->last, key, len);
	kr->last_len = len;
	kr->last_seq = seq;
	kr->has_last = true;
}

/* The next pair of the sorted buffer, when no run was written. */
static int next_in_memory(struct keyrun *kr, const char **key, size_t *len, uint32_t *seq)
{
	const struct entry *e = (const struct entry *)kr->mem;
	while (kr->next < kr->n && kr->next && entry_cmp(kr->mem, &e[kr->next], &e[kr->next - 1]) == 0)
		kr->next++;
	if (kr->next == kr->n)
		return 0;
	const struct entry *x = &e[kr->next++];
	*key = kr->mem + x->off;
	*len = strlen(*key);
	*seq = x->seq;
	return 1;
}

int keyrun_next(struct keyrun *kr, const char **key, size_t *len, uint32_t *seq)
{
	if (kr->error || !kr->finished)
		return -1;
	if (kr->fd < 0)
		return next_in_memory(kr, key, len, seq);
	while (kr->nheap) {
		struct cursor *c = &kr->cur[kr->heap[0]];
		bool again = given_last(kr, c->key, c->len, c->seq);
		if (!again)
			give(kr, c->key, c->len, c->seq);
		int rc = cursor_next(kr, c);
		if (rc < 0)
			return -1;
		if (rc == 0)
			kr->heap[0] = kr->heap[--kr->nheap];
		sift_down(kr, 0);
		if (!again) {
			*key = kr->last;
			*len = kr->last_len;
			*seq = kr->last_seq;
			return 1;
		}
	}
	return 0;
}
