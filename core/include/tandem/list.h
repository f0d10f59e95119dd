/* SPDX-License-Identifier: GPL-2.0-or-later
 * Intrusive circular doubly-linked list (libuv's queue.h, nginx's
 * ngx_queue_t). The node lives inside the object, so linking an object
 * allocates nothing; tdm_container_of() gets the object back. */
#ifndef TANDEM_LIST_H
#define TANDEM_LIST_H

#include <stdbool.h>
#include <stddef.h>

/* Embed one per list the object can be on. An unlinked node points to
 * itself (after tdm_list_node_init() or tdm_list_remove()), which makes
 * removal idempotent and tdm_list_node_linked() possible. A node that
 * was only zeroed is "never linked": remove must not be called on it. */
struct tdm_list_node {
	struct tdm_list_node *prev;
	struct tdm_list_node *next;
};

/* The head is a sentinel node: an empty list points to itself. The head
 * must not be moved (copied) while the list is non-empty. */
struct tdm_list {
	struct tdm_list_node head;
};

/* The object that contains `ptr`, a pointer to its `member`. */
#define tdm_container_of(ptr, type, member)                                   \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Static initialiser: struct tdm_list l = TDM_LIST_INIT(l); */
#define TDM_LIST_INIT(name) { { &(name).head, &(name).head } }

static inline void tdm_list_init(struct tdm_list *l)
{
	l->head.prev = &l->head;
	l->head.next = &l->head;
}

static inline void tdm_list_node_init(struct tdm_list_node *n)
{
	n->prev = n;
	n->next = n;
}

/* True when n is on some list (n must have been initialised). */
static inline bool tdm_list_node_linked(const struct tdm_list_node *n)
{
	return n->next != n;
}

static inline bool tdm_list_empty(const struct tdm_list *l)
{
	return l->head.next == &l->head;
}

/* Links n between two adjacent nodes a and b. */
static inline void tdm_list_link_between(struct tdm_list_node *n,
					 struct tdm_list_node *a,
					 struct tdm_list_node *b)
{
	n->prev = a;
	n->next = b;
	a->next = n;
	b->prev = n;
}

/* n must not be on a list. */
static inline void tdm_list_insert_head(struct tdm_list *l,
					struct tdm_list_node *n)
{
	tdm_list_link_between(n, &l->head, l->head.next);
}

static inline void tdm_list_insert_tail(struct tdm_list *l,
					struct tdm_list_node *n)
{
	tdm_list_link_between(n, l->head.prev, &l->head);
}

/* Inserts n right after / before pos, which is on a list. */
static inline void tdm_list_insert_after(struct tdm_list_node *pos,
					 struct tdm_list_node *n)
{
	tdm_list_link_between(n, pos, pos->next);
}

static inline void tdm_list_insert_before(struct tdm_list_node *pos,
					  struct tdm_list_node *n)
{
	tdm_list_link_between(n, pos->prev, pos);
}

/* Unlinks n from its list and leaves it self-linked; removing an
 * initialised, unlinked node again is harmless. */
static inline void tdm_list_remove(struct tdm_list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n;
	n->next = n;
}

/* First / last node, or NULL when the list is empty. */
static inline struct tdm_list_node *tdm_list_first(const struct tdm_list *l)
{
	return tdm_list_empty(l) ? NULL : l->head.next;
}

static inline struct tdm_list_node *tdm_list_last(const struct tdm_list *l)
{
	return tdm_list_empty(l) ? NULL : l->head.prev;
}

/* The node after / before n on l, or NULL at the end. */
static inline struct tdm_list_node *tdm_list_next(const struct tdm_list *l,
						  const struct tdm_list_node *n)
{
	return n->next == &l->head ? NULL : n->next;
}

static inline struct tdm_list_node *tdm_list_prev(const struct tdm_list *l,
						  const struct tdm_list_node *n)
{
	return n->prev == &l->head ? NULL : n->prev;
}

/* Removes and returns the first node, or NULL when empty. */
static inline struct tdm_list_node *tdm_list_pop_head(struct tdm_list *l)
{
	struct tdm_list_node *n = tdm_list_first(l);

	if (n)
		tdm_list_remove(n);
	return n;
}

/* Moves every node of `from` to the end of `to`; `from` ends up empty. */
static inline void tdm_list_splice_tail(struct tdm_list *to,
					struct tdm_list *from)
{
	if (tdm_list_empty(from))
		return;
	from->head.next->prev = to->head.prev;
	to->head.prev->next = from->head.next;
	from->head.prev->next = &to->head;
	to->head.prev = from->head.prev;
	tdm_list_init(from);
}

/* O(n): walks the list. */
static inline size_t tdm_list_count(const struct tdm_list *l)
{
	size_t n = 0;

	for (const struct tdm_list_node *p = l->head.next; p != &l->head;
	     p = p->next)
		n++;
	return n;
}

/* for (each node n of l, front to back); n must not be removed inside. */
#define TDM_LIST_FOREACH(l, n)                                                \
	for ((n) = (l)->head.next; (n) != &(l)->head; (n) = (n)->next)

#define TDM_LIST_FOREACH_REVERSE(l, n)                                        \
	for ((n) = (l)->head.prev; (n) != &(l)->head; (n) = (n)->prev)

/* Same, but the body may remove (and free) n; tmp is scratch. Other
 * nodes must not be removed inside the body. */
#define TDM_LIST_FOREACH_SAFE(l, n, tmp)                                      \
	for ((n) = (l)->head.next, (tmp) = (n)->next; (n) != &(l)->head;      \
	     (n) = (tmp), (tmp) = (n)->next)

/* The object containing node n: TDM_LIST_ENTRY(n, struct txn, by_age). */
#define TDM_LIST_ENTRY(n, type, member) tdm_container_of(n, type, member)

#endif
