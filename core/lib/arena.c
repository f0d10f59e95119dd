/* SPDX-License-Identifier: GPL-2.0-or-later
 * Bump-pointer arena made of chunks. The first chunk is kept across
 * tdm_arena_reset() so a steady stream of similar messages allocates
 * nothing; larger needs chain extra chunks that reset gives back. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/arena.h>

#define ARENA_ALIGN 16u
#define ARENA_MIN_CHUNK 1024u

struct chunk {
	struct chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	_Alignas(16) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	tdm_arena_cleanup_fn *fn;
	void *arg;
};

struct tdm_arena {
	struct chunk *head;   /* current chunk, allocation happens here */
	struct chunk *first;  /* the chunk kept by reset */
	struct cleanup *cleanups;
	size_t total;         /* bytes handed out */
};

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c;

	/* A huge request must fail, not wrap into a tiny block. */
	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	c = tdm_malloc(sizeof(*c) + size);
	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

int tdm_arena_new(struct tdm_arena **out, size_t hint)
{
	struct tdm_arena *a;

	if (hint < ARENA_MIN_CHUNK)
		hint = ARENA_MIN_CHUNK;
	a = tdm_malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->first = chunk_new(hint);
	if (!a->first) {
		tdm_free(a);
		return -ENOMEM;
	}
	a->head = a->first;
	a->cleanups = NULL;
	a->total = 0;
	*out = a;
	return 0;
}

static void run_cleanups(struct tdm_arena *a)
{
	while (a->cleanups) {
		struct cleanup *c = a->cleanups;
		a->cleanups = c->next;
		c->fn(c->arg);
	}
}

/* Frees every chunk except `keep` (which may be NULL). Chunks are linked
 * newest first, ending with the first chunk. */
static void free_chunks(struct tdm_arena *a, struct chunk *keep)
{
	struct chunk *c = a->head;

	while (c) {
		struct chunk *next = c->next;
		if (c != keep)
			tdm_free(c);
		c = next;
	}
}

void tdm_arena_free(struct tdm_arena *a)
{
	if (!a)
		return;
	run_cleanups(a);
	free_chunks(a, NULL);
	tdm_free(a);
}

void tdm_arena_reset(struct tdm_arena *a)
{
	run_cleanups(a);
	free_chunks(a, a->first);
	a->first->next = NULL;
	a->first->used = 0;
	a->head = a->first;
	a->total = 0;
}

void *tdm_arena_alloc(struct tdm_arena *a, size_t size)
{
	struct chunk *c = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (TDM_UNLIKELY(need < size))
		return NULL;
	if (TDM_UNLIKELY(c->size - c->used < need)) {
		size_t sz = c->size * 2;
		if (sz < need)
			sz = need;
		c = chunk_new(sz);
		if (!c)
			return NULL;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += need;
	a->total += need;
	return p;
}

void *tdm_arena_zalloc(struct tdm_arena *a, size_t size)
{
	void *p = tdm_arena_alloc(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *tdm_arena_memdup(struct tdm_arena *a, const void *src, size_t len)
{
	void *p = tdm_arena_alloc(a, len);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *tdm_arena_strdup(struct tdm_arena *a, const struct tdm_str *s)
{
	char *p = tdm_arena_alloc(a, s->len + 1);

	if (!p)
		return NULL;
	if (s->len)
		memcpy(p, s->s, s->len);
	p[s->len] = '\0';
	return p;
}

int tdm_arena_cleanup(struct tdm_arena *a, tdm_arena_cleanup_fn *fn, void *arg)
{
	struct cleanup *c = tdm_arena_alloc(a, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}

size_t tdm_arena_used(const struct tdm_arena *a)
{
	return a->total;
}
