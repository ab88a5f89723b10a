// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost-vdpa's address spaces.
 *
 * The owner's IOTLB is kept here, one table (struct vdpa_iotlb) per
 * address space, and is the owner's map whatever the device holds: it
 * persists across resets and is pushed to the parent again after each.
 * The parent gets it one of three ways, chosen at open: as a whole map
 * (set_map), as increments (dma_map/dma_unmap), or through an IOMMU domain
 * on its DMA device. The table is always a superset of what the parent can
 * reach: an entry leaves it only once the parent gave the range back, and
 * a whole-map parent, which keeps its copy until the next set_map, has the
 * pages of removed entries kept pinned meanwhile.
 *
 * For parents that use physical addresses an entry holds pinned pages,
 * charged to the owner's RLIMIT_MEMLOCK; for parents that use virtual
 * addresses (VDUSE) it holds a reference to the file behind the owner's
 * mapping instead. Either goes when the entry leaves the table, through
 * its release hook.
 */

#include <linux/device.h>
#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "vdpa_as.h"

static unsigned int max_iotlb_entries = 65536;
module_param(max_iotlb_entries, uint, 0644);
MODULE_PARM_DESC(max_iotlb_entries,
		 "Most IOTLB entries per address space of an open device (0: no limit)");

static bool prefer_set_map;
module_param(prefer_set_map, bool, 0644);
MODULE_PARM_DESC(prefer_set_map,
		 "Push whole maps (set_map) to parents that also take increments (dma_map); read at open");

/* Pages to unpin once the parent stopped using them (whole-map parents). */
struct vhost_vdpa_unpin {
	struct list_head node;
	u64 pa;
	u64 len;
	bool dirty;
};

/* For parents that use VAs: what backs a range, shared by split entries. */
struct vhost_vdpa_file {
	struct vdpa_map_file map;
	u64 bytes;	/* mapped bytes still referring to this */
};

/* ---- pinned pages and the tables' release hook ------------------------- */

static void vhost_vdpa_unpin(struct vhost_vdpa_maps *maps, u64 pa, u64 len,
			     bool dirty)
{
	unsigned long npages = len >> PAGE_SHIFT;

	unpin_user_page_range_dirty_lock(pfn_to_page(PHYS_PFN(pa)), npages,
					 dirty);
	atomic64_sub(npages, &maps->mm->pinned_vm);
}

static void vhost_vdpa_file_put(struct vhost_vdpa_file *vf, u64 len)
{
	vf->bytes -= len;
	if (vf->bytes)
		return;
	if (vf->map.file)
		fput(vf->map.file);
	kfree(vf);
}

static void vhost_vdpa_iotlb_release(struct vdpa_iotlb *iotlb,
				     struct vdpa_iotlb_map *map)
{
	struct vhost_vdpa_as *as = container_of(iotlb, struct vhost_vdpa_as,
						iotlb);
	u64 len = map->last - map->start + 1;
	bool dirty = map->perm & VHOST_ACCESS_WO;
	struct vhost_vdpa_unpin *u;

	if (as->maps->vdpa->use_va) {
		vhost_vdpa_file_put(map->opaque, len);
		return;
	}
	if (as->defer_unpin) {
		/* vhost_vdpa_unpin_reserve() provided one per entry. */
		u = list_first_entry_or_null(&as->unpin_free,
					     struct vhost_vdpa_unpin, node);
		if (!WARN_ON_ONCE(!u)) {
			u->pa = map->addr;
			u->len = len;
			u->dirty = dirty;
			list_move_tail(&u->node, &as->unpin_pending);
			return;
		}
	}
	vhost_vdpa_unpin(as->maps, map->addr, len, dirty);
}

static int vhost_vdpa_unpin_reserve(struct vhost_vdpa_as *as, unsigned int n)
{
	struct vhost_vdpa_unpin *u;

	while (n--) {
		u = kmalloc(sizeof(*u), GFP_KERNEL);
		if (!u)
			return -ENOMEM;
		list_add(&u->node, &as->unpin_free);
	}
	return 0;
}

static void vhost_vdpa_unpin_unreserve(struct vhost_vdpa_as *as)
{
	struct vhost_vdpa_unpin *u, *tmp;

	list_for_each_entry_safe(u, tmp, &as->unpin_free, node) {
		list_del(&u->node);
		kfree(u);
	}
}

/* The parent no longer maps what is pending here: let the pages go. */
static void vhost_vdpa_unpin_flush(struct vhost_vdpa_as *as)
{
	struct vhost_vdpa_unpin *u, *tmp;

	list_for_each_entry_safe(u, tmp, &as->unpin_pending, node) {
		vhost_vdpa_unpin(as->maps, u->pa, u->len, u->dirty);
		list_del(&u->node);
		kfree(u);
	}
}

/*
 * Remove [first, last] from the table, keeping the removed pages pinned on
 * the pending list until vhost_vdpa_unpin_flush(): for whole-map parents,
 * which hold their copy of the table until the next set_map. Each entry
 * gives up at most one piece, so one record per entry suffices.
 */
static int vhost_vdpa_remove_deferred(struct vhost_vdpa_as *as, u64 first,
				      u64 last)
{
	struct vdpa_iotlb_map *map;
	unsigned int n = 0;
	int err;

	for (map = vdpa_iotlb_first(&as->iotlb, first, last); map;
	     map = vdpa_iotlb_next(map, first, last))
		n++;
	err = vhost_vdpa_unpin_reserve(as, n);
	if (!err) {
		as->defer_unpin = true;
		err = vdpa_iotlb_remove(&as->iotlb, first, last);
		as->defer_unpin = false;
	}
	vhost_vdpa_unpin_unreserve(as);
	return err;
}

/* ---- pushing tables to the parent ------------------------------------- */

static int vhost_vdpa_iommu_prot(u32 perm)
{
	int prot = IOMMU_CACHE;

	if (perm & VHOST_ACCESS_RO)
		prot |= IOMMU_READ;
	if (perm & VHOST_ACCESS_WO)
		prot |= IOMMU_WRITE;
	return prot;
}

/* Whole-map parents: the parent's address space becomes the table. */
static int vhost_vdpa_set_map(struct vhost_vdpa_as *as)
{
	struct vdpa_device *vdpa = as->maps->vdpa;

	return vdpa->ops->set_map(vdpa, as->asid, &as->iotlb);
}

/* Give the parent one translation (incremental and IOMMU modes). */
static int vhost_vdpa_map_one(struct vhost_vdpa_as *as, u64 start, u64 last,
			      u64 addr, u32 perm, struct vhost_vdpa_file *vf)
{
	struct vhost_vdpa_maps *maps = as->maps;
	u64 size = last - start + 1;

	if (maps->dma == VHOST_VDPA_DMA_IOMMU)
		return iommu_map(maps->domain, start, addr, size,
				 vhost_vdpa_iommu_prot(perm), GFP_KERNEL);
	return maps->vdpa->ops->dma_map(maps->vdpa, as->asid, start, size,
					addr, perm, vf ? &vf->map : NULL);
}

/*
 * Take back exactly one translation vhost_vdpa_map_one() gave. Parents
 * must not fail this (vdpa.h); if one does, the caller keeps the entry and
 * its pins, so the device never reaches a page we let go.
 */
static int vhost_vdpa_unmap_one(struct vhost_vdpa_as *as, u64 start, u64 last)
{
	struct vhost_vdpa_maps *maps = as->maps;
	u64 size = last - start + 1;
	int err;

	if (maps->dma == VHOST_VDPA_DMA_IOMMU)
		err = iommu_unmap(maps->domain, start, size) == size ? 0 : -EIO;
	else
		err = maps->vdpa->ops->dma_unmap(maps->vdpa, as->asid, start,
						 size);
	if (err)
		dev_warn_ratelimited(maps->dev,
				     "parent kept [%#llx, %#llx] of address space %u: %d\n",
				     start, last, as->asid, err);
	return err;
}

/*
 * Give the parent the entries within [first, last]. On failure, *@stop is
 * the start of the entry that failed: the parent has the ones before it.
 */
static int vhost_vdpa_push_range(struct vhost_vdpa_as *as, u64 first,
				 u64 last, u64 *stop)
{
	struct vdpa_iotlb_map *map;
	int err;

	for (map = vdpa_iotlb_first(&as->iotlb, first, last); map;
	     map = vdpa_iotlb_next(map, first, last)) {
		err = vhost_vdpa_map_one(as, map->start, map->last, map->addr,
					 map->perm, map->opaque);
		if (err) {
			*stop = map->start;
			return err;
		}
	}
	return 0;
}

/*
 * Take the entries within [first, last], which must be whole entries, back
 * from the parent and out of the table. An entry the parent keeps stays in
 * the table with its pins; the first error is returned.
 */
static int vhost_vdpa_pull_range(struct vhost_vdpa_as *as, u64 first,
				 u64 last)
{
	struct vdpa_iotlb_map *map;
	u64 cur = first;
	int err = 0;

	while ((map = vdpa_iotlb_first(&as->iotlb, cur, last))) {
		u64 start = map->start, end = map->last;

		if (vhost_vdpa_unmap_one(as, start, end))
			err = err ?: -EBUSY;
		else
			vdpa_iotlb_remove(&as->iotlb, start, end);
		if (end >= last)
			break;
		cur = end + 1;
	}
	return err;
}

/*
 * Make the parent's address space hold our table, after open or after a
 * reset left it empty. The table itself is never changed here: it is the
 * owner's (persistent) map. On failure the address space is not synced and
 * the device cannot start until a retry succeeds.
 */
static int vhost_vdpa_install_as(struct vhost_vdpa_as *as)
{
	struct vdpa_iotlb_map *map;
	u64 stop = 0;
	int err;

	switch (as->maps->dma) {
	case VHOST_VDPA_DMA_IOMMU:
		err = 0;	/* a reset does not touch our domain */
		break;
	case VHOST_VDPA_DMA_SET_MAP:
		/* Even an empty table: it replaces the initial mapping. */
		err = vhost_vdpa_set_map(as);
		if (!err)
			vhost_vdpa_unpin_flush(as);
		break;
	default:
		err = vhost_vdpa_push_range(as, 0, U64_MAX, &stop);
		/* Leave the parent empty, so that a retry can push it all. */
		for (map = vdpa_iotlb_first(&as->iotlb, 0, U64_MAX);
		     err && map && map->start < stop;
		     map = vdpa_iotlb_next(map, 0, U64_MAX))
			vhost_vdpa_unmap_one(as, map->start, map->last);
		break;
	}
	as->synced = !err;
	return err;
}

/*
 * Incremental parents: take [first, last] back whole entry by whole entry.
 * A parent is only ever asked to unmap what one map gave it; the part of a
 * straddling entry that stays is mapped again. Each entry is done in an
 * order that keeps the table a superset of what the parent reaches.
 */
static int vhost_vdpa_unmap_range(struct vhost_vdpa_as *as, u64 first,
				  u64 last)
{
	struct vdpa_iotlb_map *map;
	int err;

	while ((map = vdpa_iotlb_first(&as->iotlb, first, last))) {
		struct vdpa_iotlb_map e = *map;
		bool lo = e.start < first, hi = e.last > last;

		/* A split entry needs room in our table: make sure first. */
		if (lo && hi) {
			err = vdpa_iotlb_reserve(&as->iotlb);
			if (err)
				return err;
		}
		err = vhost_vdpa_unmap_one(as, e.start, e.last);
		if (err)
			return err;	/* the parent keeps it: so do we */
		if (lo)
			err = vhost_vdpa_map_one(as, e.start, first - 1,
						 e.addr, e.perm, e.opaque);
		if (!err && hi) {
			err = vhost_vdpa_map_one(as, last + 1, e.last,
						 e.addr + (last + 1 - e.start),
						 e.perm, e.opaque);
			if (err && lo)
				vhost_vdpa_unmap_one(as, e.start, first - 1);
		}
		if (err) {
			/* What should stay could not be given back: drop it too. */
			vdpa_iotlb_remove(&as->iotlb, e.start, e.last);
			return err;
		}
		/* Cannot fail: whole entry, or room reserved for the split. */
		vdpa_iotlb_remove(&as->iotlb, max(e.start, first),
				  min(e.last, last));
	}
	return 0;
}

/* ---- changes to one address space ------------------------------------- */

/**
 * vhost_vdpa_as_add_va - enter the owner's memory for a parent that uses VAs
 * @as: the address space, which has nothing in [@iova, @iova + @size)
 * @iova: where the range goes
 * @size: its length
 * @uaddr: the owner's address of its first byte
 * @perm: VHOST_ACCESS_*
 *
 * One entry per VMA, holding a reference to the file behind a shared
 * mapping. In the owner's context. The parent is not told: see
 * vhost_vdpa_as_push_added().
 *
 * Return: 0; -EINVAL if part of the range is not mapped; the table's
 * error (vdpa_iotlb_add()). On error nothing was entered.
 */
int vhost_vdpa_as_add_va(struct vhost_vdpa_as *as, u64 iova, u64 size,
			 u64 uaddr, u32 perm)
{
	struct mm_struct *mm = current->mm;
	u64 start = uaddr, end = uaddr + size;
	struct vm_area_struct *vma;
	struct vhost_vdpa_file *vf;
	int err = 0;

	mmap_read_lock(mm);
	while (start < end) {
		u64 len;

		vma = vma_lookup(mm, start);
		if (!vma) {
			err = -EINVAL;
			break;
		}
		len = min_t(u64, end, vma->vm_end) - start;
		vf = kzalloc(sizeof(*vf), GFP_KERNEL);
		if (!vf) {
			err = -ENOMEM;
			break;
		}
		vf->bytes = len;
		if (vma->vm_file && (vma->vm_flags & VM_SHARED)) {
			vf->map.file = get_file(vma->vm_file);
			vf->map.offset = ((u64)vma->vm_pgoff << PAGE_SHIFT) +
					 (start - vma->vm_start);
			vf->map.addr = start;
		}
		err = vdpa_iotlb_add(&as->iotlb, iova + (start - uaddr),
				     iova + (start - uaddr) + len - 1, start,
				     perm, vf);
		if (err) {
			vhost_vdpa_file_put(vf, len);
			break;
		}
		start += len;
	}
	mmap_read_unlock(mm);
	if (err)
		vdpa_iotlb_remove(&as->iotlb, iova, iova + size - 1);
	return err;
}

/**
 * vhost_vdpa_as_push_added - give the parent a range just entered
 * @as: the address space
 * @first: first IOVA of the range, whose entries are all new
 * @last: its last IOVA
 * @batched: within an IOTLB batch: a whole-map parent gets the table at
 *	its end (vhost_vdpa_as_end_batch())
 *
 * Return: 0, or the parent's error; then the range is out of the table
 * again, but for pages the parent may still reach, which stay pinned.
 */
int vhost_vdpa_as_push_added(struct vhost_vdpa_as *as, u64 first, u64 last,
			     bool batched)
{
	u64 stop;
	int err;

	if (as->maps->dma == VHOST_VDPA_DMA_SET_MAP) {
		if (batched) {
			as->synced = false;	/* BATCH_END pushes it */
			return 0;
		}
		err = vhost_vdpa_set_map(as);
		if (!err) {
			vhost_vdpa_unpin_flush(as);
			as->synced = true;
			return 0;
		}
		/*
		 * The parent's address space is empty now (vdpa.h). Drop the
		 * new range, but keep its pages until a set_map succeeds, in
		 * case this parent kept part of it after all.
		 */
		if (vhost_vdpa_remove_deferred(as, first, last))
			return err;	/* still ours, still pinned */
		as->synced = !vhost_vdpa_set_map(as);
		if (as->synced)
			vhost_vdpa_unpin_flush(as);
		return err;
	}

	err = vhost_vdpa_push_range(as, first, last, &stop);
	if (err) {
		/* Never given: drop; given: take back (a refusal stays pinned). */
		vdpa_iotlb_remove(&as->iotlb, stop, last);
		if (stop > first)
			vhost_vdpa_pull_range(as, first, stop - 1);
	}
	return err;
}

/**
 * vhost_vdpa_as_remove - take a range out of the table and from the parent
 * @as: the address space
 * @first: first IOVA to remove, page aligned
 * @last: last IOVA to remove, the last byte of a page
 * @batched: within an IOTLB batch: a whole-map parent gets the table at
 *	its end (vhost_vdpa_as_end_batch())
 *
 * Return: 0, or an error; whatever the parent kept is still in the table.
 */
int vhost_vdpa_as_remove(struct vhost_vdpa_as *as, u64 first, u64 last,
			 bool batched)
{
	int err;

	if (as->maps->dma != VHOST_VDPA_DMA_SET_MAP)
		return vhost_vdpa_unmap_range(as, first, last);

	/* The parent keeps its copy until the next set_map: so do the pins. */
	err = vhost_vdpa_remove_deferred(as, first, last);
	if (err)
		return err;
	as->synced = false;
	if (batched)
		return 0;
	err = vhost_vdpa_set_map(as);
	if (!err) {
		vhost_vdpa_unpin_flush(as);
		as->synced = true;
	}
	return err;
}

/**
 * vhost_vdpa_as_end_batch - an IOTLB batch is over: push what it changed
 * @as: the batch's address space
 *
 * Return: 0, or the parent's error; the address space is then not synced.
 */
int vhost_vdpa_as_end_batch(struct vhost_vdpa_as *as)
{
	/* Incremental parents got every change as it came. */
	if (as->maps->dma != VHOST_VDPA_DMA_SET_MAP)
		return 0;
	return vhost_vdpa_install_as(as);
}

/* ---- every address space: open, reset, close -------------------------- */

/**
 * vhost_vdpa_maps_open - set up empty tables for a device being opened
 * @maps: the device's maps, without tables
 * @vdpa: the parent
 * @dev: the device node, named in warnings
 *
 * Chooses how maps reach the parent and, for parents without a map op,
 * attaches an IOMMU domain to its DMA device, which narrows @maps->range
 * to the domain's aperture. The parent holds nothing yet.
 *
 * Return: 0, -ENOMEM or the IOMMU's error; on error @maps has no tables.
 */
int vhost_vdpa_maps_open(struct vhost_vdpa_maps *maps,
			 struct vdpa_device *vdpa, struct device *dev)
{
	const struct vdpa_config_ops *ops = vdpa->ops;
	u32 i;
	int err;

	maps->as = kcalloc(vdpa->nas, sizeof(*maps->as), GFP_KERNEL);
	if (!maps->as)
		return -ENOMEM;
	maps->vdpa = vdpa;
	maps->dev = dev;
	for (i = 0; i < vdpa->nas; i++) {
		struct vhost_vdpa_as *as = &maps->as[i];

		/* The parent's limit is ours: it never refuses for room. */
		vdpa_iotlb_init(&as->iotlb,
				min_not_zero(max_iotlb_entries, vdpa->max_mappings),
				vhost_vdpa_iotlb_release);
		INIT_LIST_HEAD(&as->unpin_free);
		INIT_LIST_HEAD(&as->unpin_pending);
		as->maps = maps;
		as->asid = i;
	}

	if (ops->dma_map && !(prefer_set_map && ops->set_map))
		maps->dma = VHOST_VDPA_DMA_MAP;
	else if (ops->set_map)
		maps->dma = VHOST_VDPA_DMA_SET_MAP;
	else
		maps->dma = VHOST_VDPA_DMA_IOMMU;

	maps->range = (struct vdpa_iova_range){ .first = 0, .last = U64_MAX };
	if (ops->get_iova_range)
		maps->range = ops->get_iova_range(vdpa);
	if (maps->dma == VHOST_VDPA_DMA_IOMMU) {
		struct device *dma_dev = vdpa_get_dma_dev(vdpa);
		struct iommu_domain *domain;

		domain = iommu_paging_domain_alloc(dma_dev);
		if (IS_ERR(domain)) {
			err = PTR_ERR(domain);
			goto err;
		}
		err = iommu_attach_device(domain, dma_dev);
		if (err) {
			iommu_domain_free(domain);
			goto err;
		}
		maps->domain = domain;
		if (domain->geometry.force_aperture) {
			maps->range.first = max_t(u64, maps->range.first,
						  domain->geometry.aperture_start);
			maps->range.last = min_t(u64, maps->range.last,
						 domain->geometry.aperture_end);
		}
	}
	return 0;

err:
	vhost_vdpa_maps_free(maps);
	return err;
}

/**
 * vhost_vdpa_maps_install - make every address space of the parent hold
 *	the owner's table, after open or after a reset emptied them
 * @maps: the device's maps
 *
 * Every address space is tried, whatever failed before: none stays in the
 * parent's initial mapping.
 *
 * Return: 0, or the first error; vhost_vdpa_maps_ready() retries.
 */
int vhost_vdpa_maps_install(struct vhost_vdpa_maps *maps)
{
	int err = 0, ret;
	u32 i;

	for (i = 0; i < maps->vdpa->nas; i++) {
		ret = vhost_vdpa_install_as(&maps->as[i]);
		err = err ?: ret;
	}
	return err;
}

/**
 * vhost_vdpa_maps_ready - before DRIVER_OK: every address space must hold
 *	the owner's map
 * @maps: the device's maps
 *
 * Installs what a reset or a failed push left out of sync.
 *
 * Return: 0 if the device may start, or the error of the address space
 * that cannot be installed.
 */
int vhost_vdpa_maps_ready(struct vhost_vdpa_maps *maps)
{
	int err;
	u32 i;

	for (i = 0; i < maps->vdpa->nas; i++) {
		if (maps->as[i].synced)
			continue;
		/* An incremental parent holds no part of a failed install. */
		err = vhost_vdpa_install_as(&maps->as[i]);
		if (err) {
			dev_warn_ratelimited(maps->dev,
					     "not starting: address space %u lacks the owner's map (%d)\n",
					     i, err);
			return err;
		}
	}
	return 0;
}

/**
 * vhost_vdpa_maps_reset - the parent was reset: its address spaces are empty
 * @maps: the device's maps
 * @stopped: the reset succeeded, so the device no longer touches memory
 *	and pages waiting for a set_map can go; a parent that failed to reset
 *	may still be running
 *
 * The tables stay; vhost_vdpa_maps_install() pushes them again.
 */
void vhost_vdpa_maps_reset(struct vhost_vdpa_maps *maps, bool stopped)
{
	u32 i;

	for (i = 0; i < maps->vdpa->nas; i++) {
		if (stopped)
			vhost_vdpa_unpin_flush(&maps->as[i]);
		maps->as[i].synced = false;
	}
}

/**
 * vhost_vdpa_maps_clear - forget the owner's maps, after a reset
 * @maps: the device's maps
 *
 * The reset emptied the parent's address spaces, but our IOMMU domain
 * keeps its entries: those are unmapped one by one, and one the IOMMU
 * keeps stays in the table, pinned, until the domain goes.
 */
void vhost_vdpa_maps_clear(struct vhost_vdpa_maps *maps)
{
	u32 i;

	for (i = 0; i < maps->vdpa->nas; i++) {
		if (maps->domain)
			vhost_vdpa_pull_range(&maps->as[i], 0, U64_MAX);
		else
			vdpa_iotlb_clear(&maps->as[i].iotlb);
	}
}

/**
 * vhost_vdpa_maps_close - the device was reset for good: let everything go
 * @maps: the device's maps
 *
 * Detaches the IOMMU domain and empties the tables, with what a failed
 * unmap or reset kept pinned; before the owner's mm goes, as the pins are
 * uncharged from it.
 */
void vhost_vdpa_maps_close(struct vhost_vdpa_maps *maps)
{
	u32 i;

	if (maps->domain) {
		iommu_detach_device(maps->domain, vdpa_get_dma_dev(maps->vdpa));
		iommu_domain_free(maps->domain);
		maps->domain = NULL;
	}
	for (i = 0; i < maps->vdpa->nas; i++) {
		vhost_vdpa_unpin_flush(&maps->as[i]);
		vdpa_iotlb_clear(&maps->as[i].iotlb);
	}
}

/* Does a page charged to maps->mm stay pinned? */
static bool vhost_vdpa_maps_pinned(const struct vhost_vdpa_maps *maps)
{
	u32 i;

	if (!maps->as || maps->vdpa->use_va)
		return false;
	for (i = 0; i < maps->vdpa->nas; i++)
		if (maps->as[i].iotlb.nmaps ||
		    !list_empty(&maps->as[i].unpin_pending))
			return true;
	return false;
}

/**
 * vhost_vdpa_maps_set_mm - charge the pins of a new owner to its mm
 * @maps: the device's maps
 * @mm: the new owner's mm
 *
 * Return: 0, or -EBUSY while pages charged to a previous owner's mm stay
 * pinned: they must be uncharged from the mm they were charged to.
 */
int vhost_vdpa_maps_set_mm(struct vhost_vdpa_maps *maps, struct mm_struct *mm)
{
	if (maps->mm == mm)
		return 0;
	if (maps->mm) {
		if (vhost_vdpa_maps_pinned(maps))
			return -EBUSY;
		mmdrop(maps->mm);
	}
	mmgrab(mm);
	maps->mm = mm;
	return 0;
}

/**
 * vhost_vdpa_maps_free - free the tables, emptied by vhost_vdpa_maps_close()
 * @maps: the device's maps, possibly without tables
 */
void vhost_vdpa_maps_free(struct vhost_vdpa_maps *maps)
{
	kfree(maps->as);
	maps->as = NULL;
	if (maps->mm)
		mmdrop(maps->mm);
	maps->mm = NULL;
}
