/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IOVA translation tables for vDPA.
 *
 * A struct vdpa_iotlb maps ranges of I/O virtual addresses, as a virtio
 * driver sees them, to the addresses a device implementation uses to reach
 * that memory: physical addresses for in-kernel parents, user virtual
 * addresses for parents that work in an owner's mm. vhost-vdpa keeps
 * userspace's IOTLB updates in one and hands it to set_map(); a software
 * parent keeps one per address space and reads and writes driver memory
 * through it with vdpa_iotlb_copy_from() and vdpa_iotlb_copy_to().
 *
 * Locking is the caller's: no function here takes a lock. Updates
 * (add, remove, clear, mode changes) must be serialised against each other
 * and against lookups and copies, typically with the lock that guards the
 * address space the table belongs to.
 */
#ifndef _LINUX_VDPA_IOTLB_H
#define _LINUX_VDPA_IOTLB_H

#include <linux/rbtree.h>
#include <linux/types.h>
#include <uapi/linux/vhost_types.h>

struct mm_struct;
struct vdpa_iotlb;

/**
 * struct vdpa_iotlb_map - one translation
 * @rb: node in the table's interval tree (private)
 * @start: first IOVA of the range
 * @last: last IOVA of the range, inclusive
 * @subtree_last: interval tree bookkeeping (private)
 * @addr: address @start translates to
 * @perm: VHOST_ACCESS_RO, VHOST_ACCESS_WO or VHOST_ACCESS_RW
 * @opaque: the caller's cookie for this range (e.g. a struct vdpa_map_file)
 */
struct vdpa_iotlb_map {
	struct rb_node rb;
	u64 start;
	u64 last;
	u64 subtree_last;
	u64 addr;
	u32 perm;
	void *opaque;
};

/**
 * typedef vdpa_iotlb_release_t - called for every range that leaves a table
 * @iotlb: the table
 * @map: the range going away; when an entry is only partly removed this is a
 *	temporary copy describing exactly the removed part, so the hook must
 *	not keep the pointer
 *
 * Used by owners that hold resources per mapped range (pinned pages, file
 * references). The pieces of a split entry share its @opaque, so a hook that
 * frees @opaque must count references to it.
 */
typedef void (*vdpa_iotlb_release_t)(struct vdpa_iotlb *iotlb,
				     struct vdpa_iotlb_map *map);

/**
 * enum vdpa_iotlb_addr - what a table's addresses are
 * @VDPA_IOTLB_PA: physical addresses of pages with a struct page
 * @VDPA_IOTLB_VA: user virtual addresses in @vdpa_iotlb.mm; the copy
 *	helpers must then run with that mm in use (kthread_use_mm())
 */
enum vdpa_iotlb_addr {
	VDPA_IOTLB_PA,
	VDPA_IOTLB_VA,
};

/**
 * struct vdpa_dirty_log - where a device's writes to driver memory go on
 *	record, for live migration
 * @mark: called by vdpa_iotlb_copy_to() after it wrote [@iova, @iova +
 *	@len) through a table the log is attached to (@vdpa_iotlb.log), in
 *	the writer's context, which may sleep
 *
 * The writes are visible before @mark runs: whoever reads the log and
 * then the memory never misses a write the log shows.
 */
struct vdpa_dirty_log {
	void (*mark)(struct vdpa_dirty_log *log, u64 iova, u64 len);
};

/**
 * struct vdpa_iotlb - an IOVA translation table
 * @root: interval tree of struct vdpa_iotlb_map (private)
 * @release: optional per-range release hook, see vdpa_iotlb_release_t
 * @mm: the address space of @addr_kind VDPA_IOTLB_VA tables
 * @spare: an entry set aside by vdpa_iotlb_reserve() for the next split
 * @nmaps: number of entries
 * @limit: most entries the table may hold, 0 for no limit
 * @addr_kind: how the translated addresses are reached
 * @identity: ignore the entries and translate every IOVA to itself with
 *	read/write permission (a device behind no IOMMU)
 * @log: if set, every write through vdpa_iotlb_copy_to() is marked there;
 *	set and cleared by the table's owner under its own lock
 */
struct vdpa_iotlb {
	struct rb_root_cached root;
	vdpa_iotlb_release_t release;
	struct mm_struct *mm;
	struct vdpa_iotlb_map *spare;
	unsigned int nmaps;
	unsigned int limit;
	enum vdpa_iotlb_addr addr_kind;
	bool identity;
	struct vdpa_dirty_log *log;
};

void vdpa_iotlb_init(struct vdpa_iotlb *iotlb, unsigned int limit,
		     vdpa_iotlb_release_t release);
struct vdpa_iotlb *vdpa_iotlb_alloc(unsigned int limit,
				    vdpa_iotlb_release_t release);
void vdpa_iotlb_clear(struct vdpa_iotlb *iotlb);
void vdpa_iotlb_free(struct vdpa_iotlb *iotlb);

int vdpa_iotlb_add(struct vdpa_iotlb *iotlb, u64 first, u64 last, u64 addr,
		   u32 perm, void *opaque);
int vdpa_iotlb_remove(struct vdpa_iotlb *iotlb, u64 first, u64 last);
int vdpa_iotlb_reserve(struct vdpa_iotlb *iotlb);

struct vdpa_iotlb_map *vdpa_iotlb_first(struct vdpa_iotlb *iotlb, u64 first,
					u64 last);
struct vdpa_iotlb_map *vdpa_iotlb_next(struct vdpa_iotlb_map *map, u64 first,
				       u64 last);

int vdpa_iotlb_translate(const struct vdpa_iotlb *iotlb, u64 iova, u32 perm,
			 u64 *addr, u64 *len);

int vdpa_iotlb_copy_from(const struct vdpa_iotlb *iotlb, void *dst, u64 iova,
			 size_t len);
int vdpa_iotlb_copy_to(const struct vdpa_iotlb *iotlb, u64 iova,
		       const void *src, size_t len);

/**
 * vdpa_iotlb_set_identity - switch between identity and table translation
 * @iotlb: the table
 * @identity: true to translate every IOVA to itself
 *
 * The entries are kept either way; callers that switch to identity usually
 * vdpa_iotlb_clear() the table too.
 */
static inline void vdpa_iotlb_set_identity(struct vdpa_iotlb *iotlb,
					   bool identity)
{
	iotlb->identity = identity;
}

/**
 * vdpa_iotlb_is_identity - whether a table translates every IOVA to itself
 * @iotlb: the table
 *
 * Return: true in identity mode.
 */
static inline bool vdpa_iotlb_is_identity(const struct vdpa_iotlb *iotlb)
{
	return iotlb->identity;
}

#endif /* _LINUX_VDPA_IOTLB_H */
