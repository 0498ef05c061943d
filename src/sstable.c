/* sstable: a workbook's shared strings, the first in memory, the rest in a file.
 * See sstable.h.
 *
 * In memory the strings lie one after another in one buffer, at[i] the start of
 * string i and at[n] the end of the last. In the file each is its length (LEB128)
 * and its bytes; block_at[k] is where spilled string k * BLOCK starts. Reading back
 * keeps one span read ahead of the latest block asked for (the rows' new strings
 * come in order) and a few single blocks for the strings asked for out of order. */
#include "sstable.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Spilled strings per entry of the index. */
#define BLOCK 32
/* Bytes read ahead in order, and written at a time. */
#define SPAN_BYTES (64u << 10)
/* Blocks kept for strings asked for out of order. */
#define RANDOM_SLOTS 4

/* Blocks [b0, b1) of the file in memory: data holds the file's bytes from block_at[b0]. */
struct span {
	size_t b0, b1;
	char *data;
	size_t len, cap;
};

struct sstable {
	size_t memory_max;
	/* in memory */
	char *text;
	size_t text_len, text_cap;
	uint32_t *at;
	size_t n, nmem, at_cap;
	/* in the file */
	int fd;
	uint64_t file_len;   /* written and buffered */
	char *wbuf;
	size_t wlen;
	uint64_t *block_at;
	size_t nblocks, blocks_cap;
	struct span stream, random[RANDOM_SLOTS];
	unsigned next_random;
	/* the last string read back, where the next one after it starts: the rows'
	 * new strings are asked for in order */
	size_t last_j;
	const struct span *last_span;
	const char *last_next;
	char *error;
};

struct sstable *sst_new(size_t memory_max)
{
	struct sstable *t = xcalloc(1, sizeof *t);
	t->memory_max = memory_max;
	t->fd = -1;
	t->at = xmalloc(sizeof *t->at);
	t->at[0] = 0;
	t->at_cap = 1;
	return t;
}

void sst_free(struct sstable *t)
{
	if (!t)
		return;
	free(t->text);
	free(t->at);
	if (t->fd >= 0)
		close(t->fd);
	free(t->wbuf);
	free(t->block_at);
	free(t->stream.data);
	for (size_t i = 0; i < RANDOM_SLOTS; i++)
		free(t->random[i].data);
	free(t->error);
	free(t);
}

/* Keeps why the file failed; false. */
static bool file_failed(struct sstable *t, const char *what)
{
	if (!t->error)
		t->error = xasprintf("%s: %s", what, strerror(errno));
	return false;
}

/* Makes the temporary file the strings from now on go to. */
static bool spill_start(struct sstable *t)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/shanzhi-strings-XXXXXX", dir && *dir ? dir : "/tmp");
	t->fd = mkstemp(path);
	if (t->fd >= 0)
		unlink(path);   /* nothing is left behind, however the reader ends */
	free(path);
	if (t->fd < 0)
		return file_failed(t, "mkstemp");
	t->nmem = t->n;
	t->wbuf = xmalloc(SPAN_BYTES);
	return true;
}

/* Writes out what is buffered. */
static bool spill_flush(struct sstable *t)
{
	for (size_t done = 0; done < t->wlen;) {
		ssize_t k = write(t->fd, t->wbuf + done, t->wlen - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return file_failed(t, "write");
		done += (size_t)k;
	}
	t->wlen = 0;
	return true;
}

/* Appends bytes to the file through its buffer. */
static bool spill_put(struct sstable *t, const char *s, size_t n)
{
	while (n) {
		if (t->wlen == SPAN_BYTES && !spill_flush(t))
			return false;
		size_t k = SPAN_BYTES - t->wlen < n ? SPAN_BYTES - t->wlen : n;
		memcpy(t->wbuf + t->wlen, s, k);
		t->wlen += k;
		t->file_len += k;
		s += k;
		n -= k;
	}
	return true;
}

/* Adds a string to the file, noting where each BLOCKth starts. */
static bool spill_add(struct sstable *t, const char *s, size_t n)
{
	if ((t->n - t->nmem) % BLOCK == 0) {
		if (t->nblocks == t->blocks_cap) {
			t->blocks_cap = t->blocks_cap ? t->blocks_cap * 2 : 1024;
			t->block_at = xrealloc(t->block_at, t->blocks_cap * sizeof *t->block_at);
		}
		t->block_at[t->nblocks++] = t->file_len;
	}
	char len[10];
	size_t k = 0;
	size_t v = n;
	do {
		len[k++] = (char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return spill_put(t, len, k) && spill_put(t, s, n);
}

/* Adds a string to the memory buffer. */
static void memory_add(struct sstable *t, const char *s, size_t n)
{
	if (t->text_len + n > t->text_cap) {
		t->text_cap = t->text_cap ? t->text_cap : 4096;
		while (t->text_cap < t->text_len + n)
			t->text_cap *= 2;
		t->text = xrealloc(t->text, t->text_cap);
	}
	if (t->n + 2 > t->at_cap) {
		t->at_cap *= 2;
		t->at = xrealloc(t->at, t->at_cap * sizeof *t->at);
	}
	memcpy(t->text + t->text_len, s, n);
	t->text_len += n;
	t->at[t->n + 1] = (uint32_t)t->text_len;
}

bool sst_add(struct sstable *t, const char *s, size_t n)
{
	if (t->fd < 0 && !t->error &&
	    (t->text_len + n + (t->n + 2) * sizeof *t->at > t->memory_max || t->text_len + n > UINT32_MAX) &&
	    !spill_start(t))
		return false;
	if (t->error)
		return false;
	if (t->fd >= 0) {
		if (!spill_add(t, s, n))
			return false;
	} else {
		memory_add(t, s, n);
	}
	t->n++;
	return true;
}

bool sst_seal(struct sstable *t)
{
	return t->error ? false : t->fd < 0 || spill_flush(t);
}

size_t sst_count(const struct sstable *t)
{
	return t->n;
}

const char *sst_error(const struct sstable *t)
{
	return t->error;
}

/* Where block b ends in the file. */
static uint64_t block_end(const struct sstable *t, size_t b)
{
	return b + 1 < t->nblocks ? t->block_at[b + 1] : t->file_len;
}

/* Reads blocks [b0, b1) into sp; false with t->error. */
static bool span_load(struct sstable *t, struct span *sp, size_t b0, size_t b1)
{
	uint64_t from = t->block_at[b0], to = block_end(t, b1 - 1);
	size_t len = (size_t)(to - from);
	t->last_span = NULL;   /* its bytes change */
	if (len > sp->cap) {
		sp->cap = len;
		sp->data = xrealloc(sp->data, len ? len : 1);
	}
	for (size_t done = 0; done < len;) {
		ssize_t k = pread(t->fd, sp->data + done, len - done, (off_t)(from + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			sp->b0 = sp->b1 = 0;
			if (k == 0)
				errno = EIO;
			return file_failed(t, "pread");
		}
		done += (size_t)k;
	}
	sp->b0 = b0;
	sp->b1 = b1;
	sp->len = len;
	return true;
}

/* The span holding block b, read when no span does: ahead in order from the
 * stream's blocks on, else a single block in the next random slot. NULL with
 * t->error. */
static struct span *span_for(struct sstable *t, size_t b)
{
	if (b >= t->stream.b0 && b < t->stream.b1)
		return &t->stream;
	for (size_t i = 0; i < RANDOM_SLOTS; i++)
		if (b >= t->random[i].b0 && b < t->random[i].b1)
			return &t->random[i];
	if (b >= t->stream.b0) {
		size_t b1 = b + 1;
		while (b1 < t->nblocks && block_end(t, b1) - t->block_at[b] <= SPAN_BYTES)
			b1++;
		return span_load(t, &t->stream, b, b1) ? &t->stream : NULL;
	}
	struct span *sp = &t->random[t->next_random++ % RANDOM_SLOTS];
	return span_load(t, sp, b, b + 1) ? sp : NULL;
}

/* The length at *p (LEB128, before end), moving *p past it; false when garbled. */
static bool take_len(const char **p, const char *end, size_t *len)
{
	size_t v = 0;
	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		unsigned char c = (unsigned char)*(*p)++;
		v |= (size_t)(c & 0x7F) << shift;
		if (!(c & 0x80)) {
			*len = v;
			return true;
		}
	}
	return false;
}

const char *sst_get(struct sstable *t, size_t i, size_t *len)
{
	if (i >= t->n)
		return NULL;
	if (i < t->nmem || t->fd < 0) {
		*len = t->at[i + 1] - t->at[i];
		return t->text + t->at[i];
	}
	size_t j = i - t->nmem, b = j / BLOCK;
	struct span *sp = t->error ? NULL : span_for(t, b);
	if (!sp)
		return NULL;
	const char *p = sp->data + (t->block_at[b] - t->block_at[sp->b0]), *end = sp->data + sp->len;
	size_t k = j % BLOCK;
	if (t->last_span == sp && j > t->last_j && t->last_j / BLOCK == b) {
		p = t->last_next;   /* on from the last one, in the same block */
		k = j - t->last_j - 1;
	}
	for (;; k--) {
		size_t n;
		if (!take_len(&p, end, &n) || n > (size_t)(end - p)) {
			errno = EIO;
			file_failed(t, "read back");
			return NULL;
		}
		if (k == 0) {
			*len = n;
			t->last_j = j;
			t->last_span = sp;
			t->last_next = p + n;
			return p;
		}
		p += n;
	}
}
