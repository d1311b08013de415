/*
 * cellmap.c
 *	  Hash maps of the statistics tables: cells of counts by age group
 *	  keyed by packed dimension ids, and the hashing they share with the
 *	  interned dimension values.
 */
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

uint64_t
stats_hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x;
}

uint64_t
stats_hash_text(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return stats_hash64(h);
}

bool
stats_rehash(uint32_t **slots, size_t *nslots, size_t n, uint64_t (*hash)(const void *, size_t),
       const void *ctx)
{
	size_t ns = *nslots ? *nslots * 2 : 64;
	uint32_t *s = calloc(ns, sizeof(*s));

	if (s == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t j = hash(ctx, i) & (ns - 1);

		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = (uint32_t)(i + 1);
	}
	free(*slots);
	*slots = s;
	*nslots = ns;
	return true;
}

static uint64_t
cell_hash(const void *ctx, size_t i)
{
	return stats_hash64(((const struct stats_cellmap *)ctx)->cells[i].key);
}

struct stats_cell *
stats_cellmap_get(struct stats_cellmap *m, uint64_t key, bool create)
{
	size_t j;

	if (m->nslots) {
		for (j = stats_hash64(key) & (m->nslots - 1); m->slots[j]; j = (j + 1) & (m->nslots - 1))
			if (m->cells[m->slots[j] - 1].key == key)
				return &m->cells[m->slots[j] - 1];
	}
	if (!create)
		return NULL;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct stats_cell *c = realloc(m->cells, cap * sizeof(*c));

		if (c == NULL)
			return NULL;
		m->cells = c;
		m->cap = cap;
	}
	if (2 * (m->n + 1) > m->nslots && !stats_rehash(&m->slots, &m->nslots, m->n, cell_hash, m))
		return NULL;
	memset(&m->cells[m->n], 0, sizeof(m->cells[0]));
	m->cells[m->n].key = key;
	for (j = stats_hash64(key) & (m->nslots - 1); m->slots[j]; j = (j + 1) & (m->nslots - 1))
		;
	m->slots[j] = (uint32_t)(m->n + 1);
	return &m->cells[m->n++];
}

void
stats_cellmap_free(struct stats_cellmap *m)
{
	free(m->cells);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

uint64_t
stats_key_pack(const int key[FG_NDIMS])
{
	uint64_t k = 0;

	for (int d = 0; d < FG_NDIMS; d++)
		k = (k << 16) | (uint64_t)(key[d] + 1);
	return k;
}

void
stats_key_unpack(uint64_t k, int key[FG_NDIMS])
{
	for (int d = FG_NDIMS - 1; d >= 0; d--) {
		key[d] = (int)(k & 0xffff) - 1;
		k >>= 16;
	}
}

