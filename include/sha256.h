/* sha256: the SHA-256 digest (FIPS 180-4), for the audit log's hash chain. No crypto
 * library is linked for this one use; tests/test-sha256.c checks it against the
 * standard's vectors. */
#ifndef SZ_SHA256_H
#define SZ_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST 32
/* lower-case hex digest plus its NUL */
#define SHA256_HEX (SHA256_DIGEST * 2 + 1)

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;      /* message length so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, unsigned char out[SHA256_DIGEST]);
/* The digest of data as lower-case hex. */
void sha256_hex(const void *data, size_t n, char out[SHA256_HEX]);
/* Finishes s and writes the digest as lower-case hex. */
void sha256_final_hex(struct sha256 *s, char out[SHA256_HEX]);

#endif
