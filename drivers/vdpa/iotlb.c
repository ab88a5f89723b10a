// SPDX-License-Identifier: GPL-2.0
/*
 * IOVA translation tables for vDPA, and copies through them.
 *
 * Ranges are kept in an interval tree keyed by [start, last] so that lookups
 * and overlap checks stay logarithmic even with thousands of entries. Every
 * bound is inclusive: a range may end at U64_MAX, and nothing here computes
 * "last + 1" unless last is known to be below U64_MAX.
 */

#include <linux/export.h>
#include <linux/highmem.h>
#include <linux/interval_tree_generic.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vdpa_iotlb.h>

#define MAP_START(map) ((map)->start)
#define MAP_LAST(map) ((map)->last)

INTERVAL_TREE_DEFINE(struct vdpa_iotlb_map, rb, u64, subtree_last,
		     MAP_START, MAP_LAST, static, itree);

/**
 * vdpa_iotlb_init - initialise an empty table in table (not identity) mode
 * @iotlb: the table
 * @limit: most entries the table may hold, 0 for no limit
 * @release: optional hook called for every range that leaves the table
 *
 * The table translates to physical addresses until the owner sets
 * @iotlb->addr_kind and @iotlb->mm.
 */
void vdpa_iotlb_init(struct vdpa_iotlb *iotlb, unsigned int limit,
		     vdpa_iotlb_release_t release)
{
	iotlb->root = RB_ROOT_CACHED;
	iotlb->release = release;
	iotlb->mm = NULL;
	iotlb->spare = NULL;
	iotlb->nmaps = 0;
	iotlb->limit = limit;
	iotlb->addr_kind = VDPA_IOTLB_PA;
	iotlb->identity = false;
	iotlb->log = NULL;
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_init);

/**
 * vdpa_iotlb_alloc - allocate and initialise a table
 * @limit: most entries the table may hold, 0 for no limit
 * @release: optional hook called for every range that leaves the table
 *
 * Return: the table, or NULL when out of memory. Free it with
 * vdpa_iotlb_free().
 */
struct vdpa_iotlb *vdpa_iotlb_alloc(unsigned int limit,
				    vdpa_iotlb_release_t release)
{
	struct vdpa_iotlb *iotlb = kmalloc(sizeof(*iotlb), GFP_KERNEL);

	if (iotlb)
		vdpa_iotlb_init(iotlb, limit, release);
	return iotlb;
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_alloc);

static void vdpa_iotlb_drop(struct vdpa_iotlb *iotlb,
			    struct vdpa_iotlb_map *map)
{
	itree_remove(map, &iotlb->root);
	iotlb->nmaps--;
	if (iotlb->release)
		iotlb->release(iotlb, map);
	kfree(map);
}

/**
 * vdpa_iotlb_clear - remove every entry
 * @iotlb: the table
 *
 * The release hook runs for each entry. The mode (identity or not) is kept;
 * an entry set aside by vdpa_iotlb_reserve() is freed.
 */
void vdpa_iotlb_clear(struct vdpa_iotlb *iotlb)
{
	struct vdpa_iotlb_map *map;

	while ((map = itree_iter_first(&iotlb->root, 0, U64_MAX)))
		vdpa_iotlb_drop(iotlb, map);
	kfree(iotlb->spare);
	iotlb->spare = NULL;
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_clear);

/**
 * vdpa_iotlb_free - clear and free a table from vdpa_iotlb_alloc()
 * @iotlb: the table, or NULL
 */
void vdpa_iotlb_free(struct vdpa_iotlb *iotlb)
{
	if (!iotlb)
		return;
	vdpa_iotlb_clear(iotlb);
	kfree(iotlb);
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_free);

static bool vdpa_iotlb_full(const struct vdpa_iotlb *iotlb)
{
	return iotlb->limit && iotlb->nmaps >= iotlb->limit;
}

/**
 * vdpa_iotlb_add - add a translation
 * @iotlb: the table
 * @first: first IOVA of the range
 * @last: last IOVA of the range, inclusive (may be U64_MAX)
 * @addr: address @first translates to
 * @perm: VHOST_ACCESS_RO, VHOST_ACCESS_WO or VHOST_ACCESS_RW
 * @opaque: the caller's cookie, handed back to the release hook
 *
 * Return: 0; -EINVAL for an empty or wrapping range (@last < @first), a range
 * whose translated end wraps, or a bad @perm; -EEXIST if the range overlaps
 * an entry; -ENOSPC if the table is at its limit; -ENOMEM.
 */
int vdpa_iotlb_add(struct vdpa_iotlb *iotlb, u64 first, u64 last, u64 addr,
		   u32 perm, void *opaque)
{
	struct vdpa_iotlb_map *map;

	if (last < first || addr + (last - first) < addr)
		return -EINVAL;
	if (!perm || perm & ~VHOST_ACCESS_RW)
		return -EINVAL;
	if (itree_iter_first(&iotlb->root, first, last))
		return -EEXIST;
	if (vdpa_iotlb_full(iotlb))
		return -ENOSPC;

	map = kmalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map->start = first;
	map->last = last;
	map->addr = addr;
	map->perm = perm;
	map->opaque = opaque;
	itree_insert(map, &iotlb->root);
	iotlb->nmaps++;
	return 0;
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_add);

/* Hand [first, last] of @map, which covers it, to the release hook. */
static void vdpa_iotlb_release_part(struct vdpa_iotlb *iotlb,
				    const struct vdpa_iotlb_map *map,
				    u64 first, u64 last)
{
	struct vdpa_iotlb_map part = *map;

	if (!iotlb->release)
		return;
	part.start = first;
	part.last = last;
	part.addr = map->addr + (first - map->start);
	iotlb->release(iotlb, &part);
}

/**
 * vdpa_iotlb_reserve - make sure the next vdpa_iotlb_remove() cannot fail
 * @iotlb: the table
 *
 * A removal fails only when it splits an entry in two and the table is full
 * or memory is short. A caller that must change something else first (take
 * a translation back from a device) and cannot undo it reserves the room
 * beforehand: until the table next changes, one removal is then sure to
 * succeed.
 *
 * Return: 0; -ENOSPC if the table is at its limit; -ENOMEM.
 */
int vdpa_iotlb_reserve(struct vdpa_iotlb *iotlb)
{
	if (vdpa_iotlb_full(iotlb))
		return -ENOSPC;
	if (!iotlb->spare)
		iotlb->spare = kmalloc(sizeof(*iotlb->spare), GFP_KERNEL);
	return iotlb->spare ? 0 : -ENOMEM;
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_reserve);

/**
 * vdpa_iotlb_remove - remove translations of an IOVA range
 * @iotlb: the table
 * @first: first IOVA to unmap
 * @last: last IOVA to unmap, inclusive
 *
 * Entries inside the range go away; entries that straddle an end are trimmed,
 * and an entry that covers the whole range with room on both sides is split
 * in two. The release hook sees exactly the removed parts. Unmapped holes in
 * the range are not an error.
 *
 * Return: 0; -EINVAL if @last < @first; -ENOSPC if a split would exceed the
 * entry limit, -ENOMEM if it cannot be allocated (the table is then
 * unchanged). Neither happens right after a successful vdpa_iotlb_reserve().
 */
int vdpa_iotlb_remove(struct vdpa_iotlb *iotlb, u64 first, u64 last)
{
	struct vdpa_iotlb_map *map, *tail = NULL;

	if (last < first)
		return -EINVAL;

	/* Only a split needs memory: get it before touching anything. */
	map = itree_iter_first(&iotlb->root, first, last);
	if (map && map->start < first && map->last > last) {
		if (vdpa_iotlb_full(iotlb))
			return -ENOSPC;
		tail = iotlb->spare ?: kmalloc(sizeof(*tail), GFP_KERNEL);
		if (!tail)
			return -ENOMEM;
		iotlb->spare = NULL;
	}

	/* Each step takes its entry out of [first, last], so this ends. */
	while ((map = itree_iter_first(&iotlb->root, first, last))) {
		if (map->start >= first && map->last <= last) {
			vdpa_iotlb_drop(iotlb, map);
			continue;
		}

		itree_remove(map, &iotlb->root);
		if (map->start < first && map->last > last) {
			vdpa_iotlb_release_part(iotlb, map, first, last);
			*tail = *map;
			tail->start = last + 1;
			tail->addr = map->addr + (tail->start - map->start);
			map->last = first - 1;
			itree_insert(tail, &iotlb->root);
			iotlb->nmaps++;
		} else if (map->start < first) {
			vdpa_iotlb_release_part(iotlb, map, first, map->last);
			map->last = first - 1;
		} else {
			vdpa_iotlb_release_part(iotlb, map, map->start, last);
			map->addr += last + 1 - map->start;
			map->start = last + 1;
		}
		itree_insert(map, &iotlb->root);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_remove);

/**
 * vdpa_iotlb_first - the lowest entry overlapping a range
 * @iotlb: the table
 * @first: first IOVA of the range
 * @last: last IOVA of the range, inclusive
 *
 * Return: the entry, or NULL if nothing overlaps.
 */
struct vdpa_iotlb_map *vdpa_iotlb_first(struct vdpa_iotlb *iotlb, u64 first,
					u64 last)
{
	return itree_iter_first(&iotlb->root, first, last);
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_first);

/**
 * vdpa_iotlb_next - the entry after @map overlapping a range
 * @map: an entry returned by vdpa_iotlb_first() or vdpa_iotlb_next()
 * @first: first IOVA of the range, as given to vdpa_iotlb_first()
 * @last: last IOVA of the range, inclusive
 *
 * Return: the entry, or NULL at the end.
 */
struct vdpa_iotlb_map *vdpa_iotlb_next(struct vdpa_iotlb_map *map, u64 first,
				       u64 last)
{
	return itree_iter_next(map, first, last);
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_next);

/**
 * vdpa_iotlb_translate - translate one IOVA
 * @iotlb: the table
 * @iova: the address to translate
 * @perm: access needed, VHOST_ACCESS_RO, _WO or _RW
 * @addr: set to the translated address
 * @len: set to the number of bytes from @iova on that translate contiguously
 *	within one entry, capped at U64_MAX
 *
 * Return: 0; -EFAULT if @iova is not mapped; -EPERM if the entry lacks
 * @perm.
 */
int vdpa_iotlb_translate(const struct vdpa_iotlb *iotlb, u64 iova, u32 perm,
			 u64 *addr, u64 *len)
{
	struct vdpa_iotlb_map *map;
	u64 span;

	if (iotlb->identity) {
		*addr = iova;
		span = U64_MAX - iova;
	} else {
		/* The tree is not modified: the cast only drops const. */
		map = itree_iter_first((struct rb_root_cached *)&iotlb->root,
				       iova, iova);
		if (!map)
			return -EFAULT;
		if ((map->perm & perm) != perm)
			return -EPERM;
		*addr = map->addr + (iova - map->start);
		span = map->last - iova;
	}
	*len = span == U64_MAX ? U64_MAX : span + 1;
	return 0;
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_translate);

/*
 * Copy to or from physical memory. Only pages the kernel manages are
 * reachable: MMIO and holes have no valid pfn and fault.
 */
static int vdpa_iotlb_xfer_pa(u64 pa, void *buf, size_t len, bool to_dev)
{
	while (len) {
		unsigned long pfn = PHYS_PFN(pa);
		size_t off = offset_in_page(pa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		void *p;

		if (!pfn_valid(pfn))
			return -EFAULT;
		p = kmap_local_page(pfn_to_page(pfn)) + off;
		/* Ring indexes are u16: never let the other side see them torn. */
		if (n == sizeof(u16) && IS_ALIGNED(off, sizeof(u16))) {
			if (to_dev)
				WRITE_ONCE(*(u16 *)p, *(u16 *)buf);
			else
				*(u16 *)buf = READ_ONCE(*(u16 *)p);
		} else if (to_dev) {
			memcpy(p, buf, n);
		} else {
			memcpy(buf, p, n);
		}
		kunmap_local(p);
		pa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Copy to or from the owner's user memory, which must be current->mm. */
static int vdpa_iotlb_xfer_va(const struct vdpa_iotlb *iotlb, u64 va,
			      void *buf, size_t len, bool to_dev)
{
	void __user *uptr = u64_to_user_ptr(va);
	unsigned long left;

	if (!iotlb->mm || current->mm != iotlb->mm)
		return -EFAULT;
	if (to_dev)
		left = copy_to_user(uptr, buf, len);
	else
		left = copy_from_user(buf, uptr, len);
	return left ? -EFAULT : 0;
}

static int vdpa_iotlb_xfer(const struct vdpa_iotlb *iotlb, u64 iova,
			   void *buf, size_t len, bool to_dev)
{
	u32 perm = to_dev ? VHOST_ACCESS_WO : VHOST_ACCESS_RO;

	if (len && iova + (len - 1) < iova)
		return -EFAULT;

	while (len) {
		u64 addr, avail;
		size_t n;
		int ret;

		ret = vdpa_iotlb_translate(iotlb, iova, perm, &addr, &avail);
		if (ret)
			return ret;
		n = min_t(u64, len, avail);
		/* The translated range must not wrap either. */
		if (addr + (n - 1) < addr)
			return -EFAULT;
		if (iotlb->addr_kind == VDPA_IOTLB_VA)
			ret = vdpa_iotlb_xfer_va(iotlb, addr, buf, n, to_dev);
		else
			ret = vdpa_iotlb_xfer_pa(addr, buf, n, to_dev);
		if (ret)
			return ret;
		if (to_dev && iotlb->log) {
			/* The data first: a reader of the log sees it. */
			smp_wmb();
			iotlb->log->mark(iotlb->log, iova, n);
		}
		iova += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/**
 * vdpa_iotlb_copy_from - read driver memory
 * @iotlb: the translation to use
 * @dst: kernel buffer to fill
 * @iova: where to read
 * @len: bytes to read
 *
 * Every byte must be mapped with read permission. Aligned 16-bit reads are
 * single loads. May fault in user pages (and so sleep) for VA tables.
 *
 * Return: 0; -EFAULT if part of the range is unmapped, wraps or has no
 * memory behind it; -EPERM if part of it is not readable. @dst may be
 * partly written on error.
 */
int vdpa_iotlb_copy_from(const struct vdpa_iotlb *iotlb, void *dst, u64 iova,
			 size_t len)
{
	return vdpa_iotlb_xfer(iotlb, iova, dst, len, false);
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_copy_from);

/**
 * vdpa_iotlb_copy_to - write driver memory
 * @iotlb: the translation to use
 * @iova: where to write
 * @src: kernel buffer to copy
 * @len: bytes to write
 *
 * Every byte must be mapped with write permission. Aligned 16-bit writes
 * are single stores. May fault in user pages (and so sleep) for VA tables.
 *
 * Return: 0; -EFAULT or -EPERM as for vdpa_iotlb_copy_from(); driver memory
 * may be partly written on error.
 */
int vdpa_iotlb_copy_to(const struct vdpa_iotlb *iotlb, u64 iova,
		       const void *src, size_t len)
{
	return vdpa_iotlb_xfer(iotlb, iova, (void *)src, len, true);
}
EXPORT_SYMBOL_GPL(vdpa_iotlb_copy_to);
