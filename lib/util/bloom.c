/*
 * bloom.c
 *	  The Bloom filter of fangai/bloom.h: seven bits a text, chosen by
 *	  double hashing of a 64-bit FNV-1a hash and its SplitMix64 mix.
 */
#include <stdlib.h>

#include "fangai/bloom.h"

#define PROBES 7
#define MIN_BITS (UINT64_C(1) << 16)
#define MAX_BITS (UINT64_C(1) << 28)

bool
fg_bloom_init(struct fg_bloom *b, uint64_t expected)
{
	uint64_t nbits = MIN_BITS;

	while (nbits < MAX_BITS && nbits < expected * 10)
		nbits <<= 1;
	b->bits = calloc(nbits / 64, sizeof(*b->bits));
	b->mask = b->bits ? nbits - 1 : 0;
	return b->bits != NULL;
}

static uint64_t
fnv1a(const char *text)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		h ^= *p;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static uint64_t
splitmix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

void
fg_bloom_add(struct fg_bloom *b, const char *text)
{
	uint64_t h1 = fnv1a(text), h2 = splitmix(h1) | 1;

	for (int i = 0; i < PROBES && b->bits; i++) {
		uint64_t bit = (h1 + (uint64_t)i * h2) & b->mask;

		b->bits[bit / 64] |= UINT64_C(1) << (bit % 64);
	}
}

bool
fg_bloom_may_have(const struct fg_bloom *b, const char *text)
{
	uint64_t h1 = fnv1a(text), h2 = splitmix(h1) | 1;

	for (int i = 0; i < PROBES && b->bits; i++) {
		uint64_t bit = (h1 + (uint64_t)i * h2) & b->mask;

		if (!(b->bits[bit / 64] & (UINT64_C(1) << (bit % 64))))
			return false;
	}
	return true;
}

void
fg_bloom_free(struct fg_bloom *b)
{
	free(b->bits);
	b->bits = NULL;
	b->mask = 0;
}
