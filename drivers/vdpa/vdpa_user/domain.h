/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VDUSE IOVA domain internals, shared by domain.c and dma.c only (and the
 * KUnit suite). Everyone else goes through the interface in vduse.h.
 *
 * Locks of a domain, none nested in another except as noted:
 *   @umem_mutex -> @bounce_lock (write side, irqs off);
 *   @stream_lock and @coh_lock are irq-safe leaves.
 */
#ifndef _VDUSE_DOMAIN_H
#define _VDUSE_DOMAIN_H

#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "vduse.h"

/* Coherent allocations live above the bounce window, in this much IOVA. */
#define VDUSE_COHERENT_SIZE	((u64)SZ_1G)
/* Highest IOVA any domain can hand out, whatever its bounce size. */
#define VDUSE_IOVA_LIMIT	(VDUSE_BOUNCE_MAX + VDUSE_COHERENT_SIZE - 1)

/**
 * struct vduse_bounce_slot - one page of the bounce window
 * @page: kernel bounce page, allocated at the slot's first streaming map
 *	and kept until the domain dies; published with release semantics
 *	since the fault handler reads it locklessly
 * @orig: physical address of the driver's byte at offset
 *	offset_in_page(@orig) of this slot, while @len is not 0
 * @len: bytes of the slot mapped by a streaming map, 0 if the slot is free
 *
 * A slot belongs to at most one streaming map at a time, so its owner
 * writes @orig and @len without excluding others: the read side of
 * vduse_domain.bounce_lock it holds only keeps a umem switch from seeing
 * half a record.
 */
struct vduse_bounce_slot {
	struct page *page;
	phys_addr_t orig;
	unsigned int len;
};

/**
 * struct vduse_coherent - one dma_alloc_coherent() allocation
 * @node: in vduse_domain.coh_root, ordered by @iova
 * @iova: its first IOVA
 * @size: its size, a multiple of PAGE_SIZE
 * @vaddr: kernel address (alloc_pages_exact() or vmalloc memory)
 */
struct vduse_coherent {
	struct rb_node node;
	u64 iova;
	u64 size;
	void *vaddr;
};

/**
 * struct vduse_domain - the IOVA space of one VDUSE device
 * @ref: held by the creator (until vduse_domain_destroy()) and by @file
 *	(until its release, i.e. its last fd and mapping are gone)
 * @file: the "[vduse-domain]" file the daemon maps, IOVA = file offset
 * @bounce_size: size of the bounce window [0, @bounce_size)
 * @nslots: @bounce_size / PAGE_SIZE
 * @iova_end: end of the coherent window, exclusive
 * @stream_lock: guards @stream_map and @bounce_live (irq-safe: streaming
 *	maps happen in any context)
 * @stream_map: a bit per slot, set while a streaming map holds it; bit 0
 *	is always set so that IOVA 0 is never handed out
 * @bounce_live: lookups report the bounce window (a streaming map happened
 *	since creation or the last vduse_domain_reset_bounce())
 * @bounce_lock: read side held while a slot's record changes or a page is
 *	copied through @umem_pages or the slots' pages; the write side (irqs
 *	off) switches the storage
 * @slots: the bounce window's slots
 * @umem_pages: if not NULL, the daemon's pinned pages that bounce copies
 *	use instead of the slots' pages
 * @umem_mutex: serialises umem registration against deregistration
 * @umem_mm: the mm charged for @umem_pages (grabbed)
 * @coh_lock: guards @coh_root (irq-safe, dma_alloc_coherent() may run
 *	in atomic context with GFP_ATOMIC)
 * @coh_root: the coherent allocations, disjoint, sorted by IOVA
 * @revoked: the kernel took the device over: the file maps nothing more
 */
struct vduse_domain {
	struct kref ref;
	struct file *file;
	u64 bounce_size;
	unsigned long nslots;
	u64 iova_end;

	spinlock_t stream_lock;		/* irq-safe */
	unsigned long *stream_map;
	bool bounce_live;

	rwlock_t bounce_lock;
	struct vduse_bounce_slot *slots;
	struct page **umem_pages;

	struct mutex umem_mutex;	/* outside @bounce_lock */
	struct mm_struct *umem_mm;

	spinlock_t coh_lock;		/* irq-safe */
	struct rb_root coh_root;

	bool revoked;
};

/* Where bounce copies of slot @i go; caller holds @bounce_lock. */
static inline struct page *vduse_bounce_storage(struct vduse_domain *domain,
						unsigned long i)
{
	if (domain->umem_pages)
		return domain->umem_pages[i];
	return domain->slots[i].page;
}

unsigned long vduse_domain_stream_alloc(struct vduse_domain *domain,
					unsigned long n);
void vduse_domain_stream_free(struct vduse_domain *domain,
			      unsigned long first, unsigned long n);
int vduse_domain_get_bounce_page(struct vduse_domain *domain, unsigned long i,
				 gfp_t gfp);
int vduse_domain_coherent_insert(struct vduse_domain *domain,
				 struct vduse_coherent *coh);
struct vduse_coherent *vduse_domain_coherent_remove(struct vduse_domain *domain,
						    u64 iova, void *vaddr);
struct page *vduse_domain_get_page(struct vduse_domain *domain, u64 iova);

#if IS_ENABLED(CONFIG_VDUSE_KUNIT_TEST)
/*
 * A struct device of this type stands for an attached device in the KUnit
 * suite: the DMA ops take its domain from its driver data.
 */
extern const struct device_type vduse_kunit_dev_type;
#endif

#endif /* _VDUSE_DOMAIN_H */
