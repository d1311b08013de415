/*
 * fangai/bloom.h
 *	  A set of texts that answers "never added" or "perhaps added" (a Bloom
 *	  filter): a bounded number of bits whatever the number of texts, so
 *	  that a look-up can be skipped when its key was never added.  A
 *	  "perhaps" for a text never added is rare (about 1% at the number of
 *	  texts it was sized for) and grows past it; "never" is always right.
 */
#ifndef FANGAI_BLOOM_H
#define FANGAI_BLOOM_H

#include <stdbool.h>
#include <stdint.h>

struct fg_bloom {
	uint64_t *bits;
	uint64_t mask;		/* the number of bits, a power of two, less one */
};

/*
 * Make *b empty, sized for about `expected` texts (ten bits each, from 2^16
 * to 2^28 bits: 8 KiB to 32 MiB).  False when out of memory; *b is then
 * empty and fg_bloom_free() accepts it.
 */
bool fg_bloom_init(struct fg_bloom *b, uint64_t expected);

/* Add text (NUL-terminated). */
void fg_bloom_add(struct fg_bloom *b, const char *text);

/* False when text was never added; true when it perhaps was (always, for an empty filter). */
bool fg_bloom_may_have(const struct fg_bloom *b, const char *text);

/* Free the bits; *b is then empty.  Accepts an empty filter. */
void fg_bloom_free(struct fg_bloom *b);

#endif
