// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost-vdpa: a vdpa bus driver that hands each device to userspace as
 * /dev/vhost-vdpa-N, speaking the vhost ioctl ABI plus the VHOST_VDPA_*
 * ioctls, so QEMU, DPDK's virtio_user and other vhost clients drive the
 * device's datapath directly.
 *
 * Nothing runs on its own here: no thread, no work item. A kick eventfd is
 * hooked with a wait-queue entry whose wakeup calls the parent's kick_vq; a
 * call eventfd is given to the parent as its callback trigger. Userspace
 * memory reaches the device through IOTLB messages written to the fd: one
 * table per address space, kept here (struct vdpa_iotlb), whose pages are
 * pinned and charged to the owner's RLIMIT_MEMLOCK for parents that use
 * physical addresses, and pushed to the parent as a whole map (set_map), as
 * increments (dma_map/dma_unmap) or into an IOMMU domain on the parent's DMA
 * device.
 *
 * A bound device costs a struct device and a cdev; everything else is
 * allocated when the device node is opened and freed when it is closed.
 *
 * Lifetime: the device may be unbound (deleted, its parent or this module
 * unloaded) while userspace holds the fd, has doorbells mapped or is half
 * way through an IOTLB batch. Removal then resets the device, detaches the
 * eventfds, zaps the doorbell mappings and unpins every page, without
 * waiting for userspace; the fd stays usable only for close() and fails
 * everything else with -ENODEV. struct vhost_vdpa lives until that close.
 */

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/iommu.h>
#include <linux/irqbypass.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/vdpa.h>
#include <linux/vdpa_iotlb.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#define VHOST_VDPA_MINORS	BIT(MINORBITS)

static unsigned int max_iotlb_entries = 65536;
module_param(max_iotlb_entries, uint, 0644);
MODULE_PARM_DESC(max_iotlb_entries,
		 "Most IOTLB entries per address space of an open device (0: no limit)");

static bool prefer_set_map;
module_param(prefer_set_map, bool, 0644);
MODULE_PARM_DESC(prefer_set_map,
		 "Push whole maps (set_map) to parents that also take increments (dma_map); read at open");

/* How userspace's IOTLB reaches the device. */
enum vhost_vdpa_dma {
	VHOST_VDPA_DMA_SET_MAP,	/* whole table per address space */
	VHOST_VDPA_DMA_MAP,	/* one dma_map/dma_unmap per change */
	VHOST_VDPA_DMA_IOMMU,	/* an IOMMU domain on the DMA device */
};

struct vhost_vdpa;

/**
 * struct vhost_vdpa_vq - userspace's view of one virtqueue
 * @kick_wait: our entry on the kick eventfd's wait queue
 * @kick_pt: poll table used to add @kick_wait
 * @kick: kick eventfd, or NULL
 * @call: call eventfd, or NULL
 * @err: error eventfd (accepted for compatibility, never signalled), or NULL
 * @vdpa: the device, for the kick wakeup, which cannot take our lock; valid
 *	while @kick is set since removal detaches kicks first
 * @producer: irq bypass producer, registered when @producer_on
 * @busyloop_timeout: VHOST_SET_VRING_BUSYLOOP_TIMEOUT value (unused)
 * @idx: queue index
 * @kick_added: @kick_wait is on the eventfd's wait queue
 * @producer_on: @producer is registered
 */
struct vhost_vdpa_vq {
	wait_queue_entry_t kick_wait;
	poll_table kick_pt;
	struct eventfd_ctx *kick;
	struct eventfd_ctx *call;
	struct eventfd_ctx *err;
	struct vdpa_device *vdpa;
	struct irq_bypass_producer producer;
	u32 busyloop_timeout;
	u16 idx;
	bool kick_added;
	bool producer_on;
};

/**
 * struct vhost_vdpa_as - one address space's table
 * @iotlb: userspace's mappings; its release hook unpins
 * @v: the device
 * @asid: address space id
 */
struct vhost_vdpa_as {
	struct vdpa_iotlb iotlb;
	struct vhost_vdpa *v;
	u32 asid;
};

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

/**
 * struct vhost_vdpa - a vDPA device bound to vhost-vdpa
 * @dev: the class device, /dev/vhost-vdpa-@minor; its refcount is the
 *	lifetime of this structure, and an open file holds it through @cdev
 * @cdev: the character device
 * @lock: guards everything below and serialises our calls into the parent
 * @db_lock: guards @db_vdpa; taken under the mm's mmap_lock by mmap() and
 *	by the doorbell fault, so never held while taking @lock or an
 *	mmap_lock
 * @db_vdpa: the device as mmap() and the doorbell fault may use it, NULL
 *	once removed
 * @vdpa: the device, NULL once removed
 * @mapping: the open file's address_space, to zap doorbell mappings
 * @read_wait: readers wait here (there is never anything to read)
 * @vqs: per-queue state, while open
 * @as: per-address-space tables, while open
 * @mm: the owner's mm (VHOST_SET_OWNER), grabbed
 * @config_call: config-change eventfd, or NULL
 * @domain: IOMMU domain, for parents without set_map and dma_map
 * @unpin_free: preallocated entries for @unpin_pending
 * @unpin_pending: pages removed from a table that the parent may still map
 * @range: IOVA range userspace may map
 * @backend_features: acked VHOST_BACKEND_F_* bits
 * @dma: how maps reach the device, chosen at open
 * @batch_asid: address space of the open batch
 * @minor: our minor number
 * @defer_unpin: removals queue pages on @unpin_pending instead of unpinning
 * @in_batch: between VHOST_IOTLB_BATCH_BEGIN and _END
 * @suspended: VHOST_VDPA_SUSPEND succeeded and no resume or reset since
 * @open: the device node is open
 */
struct vhost_vdpa {
	struct device dev;
	struct cdev cdev;
	struct mutex lock;	/* see above */
	struct mutex db_lock;	/* see above */
	struct vdpa_device *db_vdpa;
	struct vdpa_device *vdpa;
	struct address_space *mapping;
	wait_queue_head_t read_wait;
	struct vhost_vdpa_vq *vqs;
	struct vhost_vdpa_as *as;
	struct mm_struct *mm;
	struct eventfd_ctx *config_call;
	struct iommu_domain *domain;
	struct list_head unpin_free;
	struct list_head unpin_pending;
	struct vdpa_iova_range range;
	u64 backend_features;
	enum vhost_vdpa_dma dma;
	u32 batch_asid;
	unsigned int minor;
	bool defer_unpin;
	bool in_batch;
	bool suspended;
	bool open;
};

static dev_t vhost_vdpa_devt;
static DEFINE_IDA(vhost_vdpa_ida);

static const struct class vhost_vdpa_class = {
	.name = "vhost-vdpa",
};

static const struct vdpa_config_ops *ops_of(struct vhost_vdpa *v)
{
	return v->vdpa->ops;
}

static bool vhost_vdpa_acked(const struct vhost_vdpa *v, unsigned int bit)
{
	return v->backend_features & BIT_ULL(bit);
}

/* ---- pinned pages and the tables' release hook ------------------------- */

static void vhost_vdpa_unpin(struct vhost_vdpa *v, u64 pa, u64 len, bool dirty)
{
	unsigned long npages = len >> PAGE_SHIFT;

	unpin_user_page_range_dirty_lock(pfn_to_page(PHYS_PFN(pa)), npages,
					 dirty);
	atomic64_sub(npages, &v->mm->pinned_vm);
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
	struct vhost_vdpa *v = container_of(iotlb, struct vhost_vdpa_as,
					    iotlb)->v;
	u64 len = map->last - map->start + 1;
	bool dirty = map->perm & VHOST_ACCESS_WO;
	struct vhost_vdpa_unpin *u;

	if (v->vdpa->use_va) {
		vhost_vdpa_file_put(map->opaque, len);
		return;
	}
	if (v->defer_unpin) {
		/* vhost_vdpa_unpin_reserve() provided one per entry. */
		u = list_first_entry_or_null(&v->unpin_free,
					     struct vhost_vdpa_unpin, node);
		if (!WARN_ON_ONCE(!u)) {
			u->pa = map->addr;
			u->len = len;
			u->dirty = dirty;
			list_move_tail(&u->node, &v->unpin_pending);
			return;
		}
	}
	vhost_vdpa_unpin(v, map->addr, len, dirty);
}

static int vhost_vdpa_unpin_reserve(struct vhost_vdpa *v, unsigned int n)
{
	struct vhost_vdpa_unpin *u;

	while (n--) {
		u = kmalloc(sizeof(*u), GFP_KERNEL);
		if (!u)
			return -ENOMEM;
		list_add(&u->node, &v->unpin_free);
	}
	return 0;
}

static void vhost_vdpa_unpin_unreserve(struct vhost_vdpa *v)
{
	struct vhost_vdpa_unpin *u, *tmp;

	list_for_each_entry_safe(u, tmp, &v->unpin_free, node) {
		list_del(&u->node);
		kfree(u);
	}
}

/* The parent no longer maps what is pending: let the pages go. */
static void vhost_vdpa_unpin_flush(struct vhost_vdpa *v)
{
	struct vhost_vdpa_unpin *u, *tmp;

	list_for_each_entry_safe(u, tmp, &v->unpin_pending, node) {
		vhost_vdpa_unpin(v, u->pa, u->len, u->dirty);
		list_del(&u->node);
		kfree(u);
	}
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

static void *vhost_vdpa_map_opaque(struct vhost_vdpa *v,
				   struct vdpa_iotlb_map *map)
{
	struct vhost_vdpa_file *vf = map->opaque;

	return vf ? &vf->map : NULL;
}

/* Give the parent the entries of [first, last] (incremental parents). */
static int vhost_vdpa_push_range(struct vhost_vdpa *v, struct vhost_vdpa_as *as,
				 u64 first, u64 last)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	struct vdpa_iotlb_map *map;
	int err = 0;

	for (map = vdpa_iotlb_first(&as->iotlb, first, last); map && !err;
	     map = vdpa_iotlb_next(map, first, last)) {
		u64 size = map->last - map->start + 1;

		if (v->dma == VHOST_VDPA_DMA_IOMMU)
			err = iommu_map(v->domain, map->start, map->addr, size,
					vhost_vdpa_iommu_prot(map->perm),
					GFP_KERNEL);
		else
			err = ops->dma_map(v->vdpa, as->asid, map->start, size,
					   map->addr, map->perm,
					   vhost_vdpa_map_opaque(v, map));
	}
	return err;
}

/* Take [first, last] away from the parent (incremental parents). */
static void vhost_vdpa_pull_range(struct vhost_vdpa *v, struct vhost_vdpa_as *as,
				  u64 first, u64 last)
{
	/* Entries are mapped one by one: unmap them the same way. */
	struct vdpa_iotlb_map *map;

	for (map = vdpa_iotlb_first(&as->iotlb, first, last); map;
	     map = vdpa_iotlb_next(map, first, last)) {
		u64 start = max(map->start, first);
		u64 size = min(map->last, last) - start + 1;

		if (v->dma == VHOST_VDPA_DMA_IOMMU)
			iommu_unmap(v->domain, start, size);
		else
			ops_of(v)->dma_unmap(v->vdpa, as->asid, start, size);
	}
}

/*
 * Make the device's address spaces match our tables, after open or after a
 * reset returned them to the parent's initial mapping: that initial mapping
 * may be all of physical memory, which the owner must never reach.
 */
static int vhost_vdpa_install_maps(struct vhost_vdpa *v)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	u32 i;
	int err;

	if (v->dma == VHOST_VDPA_DMA_IOMMU)
		return 0;	/* a reset does not touch our domain */
	for (i = 0; i < v->vdpa->nas; i++) {
		struct vhost_vdpa_as *as = &v->as[i];

		if (ops->set_map)
			err = ops->set_map(v->vdpa, i, &as->iotlb);
		else
			err = vhost_vdpa_push_range(v, as, 0, U64_MAX);
		if (err)
			return err;
	}
	return 0;
}

/* ---- IOTLB updates and invalidations ---------------------------------- */

static int vhost_vdpa_add_run(struct vhost_vdpa_as *as, u64 iova, u64 pa,
			      u64 len, u32 perm)
{
	return vdpa_iotlb_add(&as->iotlb, iova, iova + len - 1, pa, perm, NULL);
}

/*
 * Pin [uaddr, uaddr + size) and enter it at @iova, one entry per physically
 * contiguous run so that a guest backed by huge pages takes few entries.
 * On error, whatever was entered is removed again (and unpinned).
 */
static int vhost_vdpa_pin_range(struct vhost_vdpa *v, struct vhost_vdpa_as *as,
				u64 iova, u64 size, u64 uaddr, u32 perm)
{
	unsigned long npages = size >> PAGE_SHIFT, done = 0, added = 0;
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned int gup = FOLL_LONGTERM;
	unsigned long run_pfn = 0, run_len = 0;
	u64 run_iova = iova;
	struct page **pages;
	int err = 0;
	long got, i;

	if (perm & VHOST_ACCESS_WO)
		gup |= FOLL_WRITE;
	if (atomic64_add_return(npages, &v->mm->pinned_vm) > limit &&
	    !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &v->mm->pinned_vm);
		return -ENOMEM;
	}

	pages = (struct page **)__get_free_page(GFP_KERNEL);
	if (!pages) {
		atomic64_sub(npages, &v->mm->pinned_vm);
		return -ENOMEM;
	}

	while (done < npages && !err) {
		got = min_t(unsigned long, npages - done,
			    PAGE_SIZE / sizeof(*pages));
		got = pin_user_pages_fast(uaddr + ((u64)done << PAGE_SHIFT),
					  got, gup, pages);
		if (got <= 0) {
			err = got ? got : -EFAULT;
			break;
		}
		for (i = 0; i < got; i++) {
			unsigned long pfn = page_to_pfn(pages[i]);

			if (run_len && pfn == run_pfn + run_len) {
				run_len++;
				continue;
			}
			if (run_len) {
				err = vhost_vdpa_add_run(as, run_iova,
							 PFN_PHYS(run_pfn),
							 (u64)run_len << PAGE_SHIFT,
							 perm);
				if (err) {
					/* The open run and the rest of the batch. */
					unpin_user_page_range_dirty_lock(pfn_to_page(run_pfn),
									 run_len, false);
					unpin_user_pages(pages + i, got - i);
					break;
				}
				added += run_len;
			}
			run_pfn = pfn;
			run_len = 1;
			run_iova = iova + ((u64)(done + i) << PAGE_SHIFT);
		}
		if (err)
			run_len = 0;
		done += got;
		if (fatal_signal_pending(current) && done < npages && !err)
			err = -EINTR;
	}
	if (run_len && !err) {
		err = vhost_vdpa_add_run(as, run_iova, PFN_PHYS(run_pfn),
					 (u64)run_len << PAGE_SHIFT, perm);
		if (err)
			unpin_user_page_range_dirty_lock(pfn_to_page(run_pfn),
							 run_len, false);
		else
			added += run_len;
	} else if (run_len) {
		unpin_user_page_range_dirty_lock(pfn_to_page(run_pfn), run_len,
						 false);
	}
	free_page((unsigned long)pages);

	/* Charge only what stays pinned in the table; the hook uncharges it. */
	atomic64_sub(npages - added, &v->mm->pinned_vm);
	if (err)
		vdpa_iotlb_remove(&as->iotlb, iova, iova + size - 1);
	return err;
}

/* Parents that use VAs: one entry per VMA, with the file behind it. */
static int vhost_vdpa_va_range(struct vhost_vdpa *v, struct vhost_vdpa_as *as,
			       u64 iova, u64 size, u64 uaddr, u32 perm)
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

static int vhost_vdpa_iotlb_update(struct vhost_vdpa *v, struct vhost_vdpa_as *as,
				   const struct vhost_iotlb_msg *msg)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	u64 last = msg->iova + msg->size - 1;
	int err;

	if (!msg->size || last < msg->iova ||
	    msg->uaddr + msg->size - 1 < msg->uaddr)
		return -EINVAL;
	if (msg->iova < v->range.first || last > v->range.last)
		return -EINVAL;
	if (!msg->perm || msg->perm & ~VHOST_ACCESS_RW)
		return -EINVAL;
	/* Pages are pinned and mapped whole: no entry may share a page. */
	if (!PAGE_ALIGNED(msg->iova) || !PAGE_ALIGNED(msg->size) ||
	    !PAGE_ALIGNED(msg->uaddr))
		return -EINVAL;
	if (vdpa_iotlb_first(&as->iotlb, msg->iova, last))
		return -EEXIST;

	if (v->vdpa->use_va)
		err = vhost_vdpa_va_range(v, as, msg->iova, msg->size,
					  msg->uaddr, msg->perm);
	else
		err = vhost_vdpa_pin_range(v, as, msg->iova, msg->size,
					   msg->uaddr, msg->perm);
	if (err)
		return err;

	switch (v->dma) {
	case VHOST_VDPA_DMA_SET_MAP:
		if (v->in_batch)
			return 0;
		err = ops->set_map(v->vdpa, as->asid, &as->iotlb);
		if (!err)
			return 0;
		/* Put back the map without the new range, then drop it. */
		vdpa_iotlb_remove(&as->iotlb, msg->iova, last);
		ops->set_map(v->vdpa, as->asid, &as->iotlb);
		return err;
	default:
		err = vhost_vdpa_push_range(v, as, msg->iova, last);
		if (err) {
			vhost_vdpa_pull_range(v, as, msg->iova, last);
			vdpa_iotlb_remove(&as->iotlb, msg->iova, last);
		}
		return err;
	}
}

static int vhost_vdpa_iotlb_invalidate(struct vhost_vdpa *v,
				       struct vhost_vdpa_as *as,
				       const struct vhost_iotlb_msg *msg)
{
	u64 first = msg->iova, last = msg->iova + msg->size - 1;
	struct vdpa_iotlb_map *map;
	unsigned int n = 0;
	int err;

	if (!msg->size || last < first)
		return -EINVAL;
	/*
	 * Entries are whole pages: take every page the range touches (DPDK
	 * starts with [0, U64_MAX - 1]).
	 */
	first = round_down(first, PAGE_SIZE);
	last |= PAGE_SIZE - 1;

	if (v->dma != VHOST_VDPA_DMA_SET_MAP) {
		/* The device lets go first, then the pages go. */
		vhost_vdpa_pull_range(v, as, first, last);
		return vdpa_iotlb_remove(&as->iotlb, first, last);
	}

	/*
	 * The parent keeps its copy of the table until the next set_map: keep
	 * the removed pages pinned until it has the new one. Each entry
	 * gives up at most one piece, so reserve one record per entry.
	 */
	for (map = vdpa_iotlb_first(&as->iotlb, first, last); map;
	     map = vdpa_iotlb_next(map, first, last))
		n++;
	err = vhost_vdpa_unpin_reserve(v, n);
	if (!err) {
		v->defer_unpin = true;
		err = vdpa_iotlb_remove(&as->iotlb, first, last);
		v->defer_unpin = false;
	}
	vhost_vdpa_unpin_unreserve(v);
	if (err || v->in_batch)
		return err;
	err = ops_of(v)->set_map(v->vdpa, as->asid, &as->iotlb);
	if (!err)
		vhost_vdpa_unpin_flush(v);
	return err;
}

static int vhost_vdpa_owner_check(struct vhost_vdpa *v)
{
	return v->mm && v->mm == current->mm ? 0 : -EPERM;
}

static int vhost_vdpa_iotlb_msg(struct vhost_vdpa *v, u32 asid,
				const struct vhost_iotlb_msg *msg)
{
	struct vhost_vdpa_as *as;
	int err;

	err = vhost_vdpa_owner_check(v);
	if (err)
		return err;
	if (asid >= v->vdpa->nas || (v->in_batch && v->batch_asid != asid))
		return -EINVAL;
	as = &v->as[array_index_nospec(asid, v->vdpa->nas)];

	switch (msg->type) {
	case VHOST_IOTLB_UPDATE:
		return vhost_vdpa_iotlb_update(v, as, msg);
	case VHOST_IOTLB_INVALIDATE:
		return vhost_vdpa_iotlb_invalidate(v, as, msg);
	case VHOST_IOTLB_BATCH_BEGIN:
		v->in_batch = true;
		v->batch_asid = asid;
		return 0;
	case VHOST_IOTLB_BATCH_END:
		if (!v->in_batch)
			return 0;
		v->in_batch = false;
		if (v->dma != VHOST_VDPA_DMA_SET_MAP)
			return 0;
		err = ops_of(v)->set_map(v->vdpa, asid, &as->iotlb);
		if (!err)
			vhost_vdpa_unpin_flush(v);
		return err;
	}
	return -EINVAL;
}

static ssize_t vhost_vdpa_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct vhost_vdpa *v = iocb->ki_filp->private_data;
	struct vhost_iotlb_msg msg;
	u32 type, asid = 0;
	ssize_t ret;

	/* Both message layouts are this size; a shorter write is no message. */
	BUILD_BUG_ON(sizeof(struct vhost_msg) != sizeof(struct vhost_msg_v2));
	if (iov_iter_count(from) < sizeof(struct vhost_msg))
		return -EINVAL;
	if (!copy_from_iter_full(&type, sizeof(type), from))
		return -EFAULT;
	switch (type) {
	case VHOST_IOTLB_MSG:
		/* The v1 layout has a hole after its int type. */
		iov_iter_advance(from, offsetof(struct vhost_msg, iotlb) -
				 sizeof(type));
		break;
	case VHOST_IOTLB_MSG_V2:
		if (!copy_from_iter_full(&asid, sizeof(asid), from))
			return -EFAULT;
		break;
	default:
		return -EINVAL;
	}
	if (!copy_from_iter_full(&msg, sizeof(msg), from))
		return -EFAULT;

	mutex_lock(&v->lock);
	if (!v->vdpa) {
		ret = -ENODEV;
	} else {
		/* Without IOTLB_ASID, v2's asid field is padding. */
		if (!vhost_vdpa_acked(v, VHOST_BACKEND_F_IOTLB_ASID))
			asid = 0;
		ret = vhost_vdpa_iotlb_msg(v, asid, &msg);
	}
	mutex_unlock(&v->lock);
	if (ret)
		return ret;
	return type == VHOST_IOTLB_MSG ? sizeof(struct vhost_msg) :
					 sizeof(struct vhost_msg_v2);
}

/* The device never reports IOTLB misses: there is nothing to read. */
static ssize_t vhost_vdpa_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct vhost_vdpa *v = iocb->ki_filp->private_data;
	int err;

	if (iocb->ki_filp->f_flags & O_NONBLOCK)
		return -EAGAIN;
	err = wait_event_interruptible(v->read_wait, !READ_ONCE(v->vdpa));
	return err ? err : -ENODEV;
}

static __poll_t vhost_vdpa_poll(struct file *file, poll_table *wait)
{
	struct vhost_vdpa *v = file->private_data;

	poll_wait(file, &v->read_wait, wait);
	if (!READ_ONCE(v->vdpa))
		return EPOLLERR | EPOLLHUP;
	return EPOLLOUT | EPOLLWRNORM;
}

/* ---- eventfds ---------------------------------------------------------- */

static int vhost_vdpa_kick_wakeup(wait_queue_entry_t *wait, unsigned int mode,
				  int sync, void *key)
{
	struct vhost_vdpa_vq *vq = container_of(wait, struct vhost_vdpa_vq,
						kick_wait);
	u64 cnt;

	if (key_to_poll(key) & EPOLLIN) {
		/* We hold the eventfd's queue lock: consume the count. */
		eventfd_ctx_do_read(vq->kick, &cnt);
		vq->vdpa->ops->kick_vq(vq->vdpa, vq->idx);
	}
	return 0;
}

static void vhost_vdpa_kick_queue(struct file *file, wait_queue_head_t *wqh,
				  poll_table *pt)
{
	struct vhost_vdpa_vq *vq = container_of(pt, struct vhost_vdpa_vq,
						kick_pt);

	add_wait_queue(wqh, &vq->kick_wait);
	vq->kick_added = true;
}

static void vhost_vdpa_kick_detach(struct vhost_vdpa_vq *vq)
{
	u64 cnt;

	if (!vq->kick)
		return;
	/* Under the queue lock: no wakeup of ours runs once this returns. */
	if (vq->kick_added)
		eventfd_ctx_remove_wait_queue(vq->kick, &vq->kick_wait, &cnt);
	vq->kick_added = false;
	eventfd_ctx_put(vq->kick);
	vq->kick = NULL;
}

static int vhost_vdpa_set_kick(struct vhost_vdpa *v, struct vhost_vdpa_vq *vq,
			       int fd)
{
	struct eventfd_ctx *ctx;
	__poll_t events;
	struct fd f;

	vhost_vdpa_kick_detach(vq);
	if (fd == VHOST_FILE_UNBIND)
		return 0;

	f = fdget(fd);
	if (!fd_file(f))
		return -EBADF;
	ctx = eventfd_ctx_fileget(fd_file(f));
	if (IS_ERR(ctx)) {
		fdput(f);
		return PTR_ERR(ctx);
	}
	vq->kick = ctx;
	vq->vdpa = v->vdpa;
	init_waitqueue_func_entry(&vq->kick_wait, vhost_vdpa_kick_wakeup);
	init_poll_funcptr(&vq->kick_pt, vhost_vdpa_kick_queue);
	events = vfs_poll(fd_file(f), &vq->kick_pt);
	fdput(f);
	/* A kick that came before we listened must not be lost. */
	if (events & EPOLLIN)
		v->vdpa->ops->kick_vq(v->vdpa, vq->idx);
	return 0;
}

/* Parents call this instead of signalling the trigger themselves. */
static irqreturn_t vhost_vdpa_signal(void *private)
{
	eventfd_signal(private);
	return IRQ_HANDLED;
}

static struct vdpa_callback vhost_vdpa_cb(struct eventfd_ctx *ctx)
{
	struct vdpa_callback cb = {};

	if (ctx) {
		cb.callback = vhost_vdpa_signal;
		cb.private = ctx;
		cb.trigger = ctx;
	}
	return cb;
}

/* Get an eventfd for fd, or NULL for VHOST_FILE_UNBIND. */
static struct eventfd_ctx *vhost_vdpa_eventfd(int fd)
{
	if (fd == VHOST_FILE_UNBIND)
		return NULL;
	return eventfd_ctx_fdget(fd);
}

static void vhost_vdpa_producer_off(struct vhost_vdpa_vq *vq)
{
	if (!vq->producer_on)
		return;
	irq_bypass_unregister_producer(&vq->producer);
	vq->producer_on = false;
}

/* Let KVM post the parent's interrupt straight to the guest. */
static void vhost_vdpa_producer_on(struct vhost_vdpa *v,
				   struct vhost_vdpa_vq *vq)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	int irq;

	if (!ops->get_vq_irq || !vq->call || vq->producer_on)
		return;
	irq = ops->get_vq_irq(v->vdpa, vq->idx);
	if (irq < 0)
		return;
	vq->producer.token = vq->call;
	vq->producer.irq = irq;
	if (!irq_bypass_register_producer(&vq->producer))
		vq->producer_on = true;
}

static void vhost_vdpa_producers(struct vhost_vdpa *v, bool on)
{
	u32 i;

	for (i = 0; i < v->vdpa->nvqs; i++) {
		if (on)
			vhost_vdpa_producer_on(v, &v->vqs[i]);
		else
			vhost_vdpa_producer_off(&v->vqs[i]);
	}
}

static int vhost_vdpa_set_call(struct vhost_vdpa *v, struct vhost_vdpa_vq *vq,
			       int fd)
{
	struct eventfd_ctx *ctx = vhost_vdpa_eventfd(fd);
	struct vdpa_callback cb;

	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	vhost_vdpa_producer_off(vq);
	cb = vhost_vdpa_cb(ctx);
	/* set_vq_cb: the parent is done with the old eventfd on return. */
	ops_of(v)->set_vq_cb(v->vdpa, vq->idx, &cb);
	swap(ctx, vq->call);
	if (ctx)
		eventfd_ctx_put(ctx);
	if (ops_of(v)->get_status(v->vdpa) & VIRTIO_CONFIG_S_DRIVER_OK)
		vhost_vdpa_producer_on(v, vq);
	return 0;
}

static int vhost_vdpa_set_config_call(struct vhost_vdpa *v, int __user *argp)
{
	struct eventfd_ctx *ctx;
	struct vdpa_callback cb;
	int fd;

	if (get_user(fd, argp))
		return -EFAULT;
	ctx = vhost_vdpa_eventfd(fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	cb = vhost_vdpa_cb(ctx);
	ops_of(v)->set_config_cb(v->vdpa, &cb);
	swap(ctx, v->config_call);
	if (ctx)
		eventfd_ctx_put(ctx);
	return 0;
}

/* Drop every eventfd; the parent must already have forgotten them. */
static void vhost_vdpa_put_eventfds(struct vhost_vdpa *v)
{
	u32 i;

	for (i = 0; i < v->vdpa->nvqs; i++) {
		struct vhost_vdpa_vq *vq = &v->vqs[i];

		vhost_vdpa_producer_off(vq);
		vhost_vdpa_kick_detach(vq);
		if (vq->call)
			eventfd_ctx_put(vq->call);
		if (vq->err)
			eventfd_ctx_put(vq->err);
		vq->call = NULL;
		vq->err = NULL;
	}
	if (v->config_call)
		eventfd_ctx_put(v->config_call);
	v->config_call = NULL;
}

/* ---- reset and teardown ------------------------------------------------ */

/* The parent failed to reset: take queues and callbacks away by hand. */
static void vhost_vdpa_detach_all(struct vhost_vdpa *v)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	const struct vdpa_callback none = {};
	u32 i;

	for (i = 0; i < v->vdpa->nvqs; i++) {
		ops->set_vq_ready(v->vdpa, i, false);
		ops->set_vq_cb(v->vdpa, i, &none);
	}
	ops->set_config_cb(v->vdpa, &none);
}

static void vhost_vdpa_clear_tables(struct vhost_vdpa *v)
{
	u32 i;

	for (i = 0; i < v->vdpa->nas; i++) {
		if (v->dma == VHOST_VDPA_DMA_IOMMU)
			vhost_vdpa_pull_range(v, &v->as[i], 0, U64_MAX);
		vdpa_iotlb_clear(&v->as[i].iotlb);
	}
}

/*
 * Reset the device. Afterwards it does not touch memory, so pages waiting
 * for a set_map can go; the tables go too unless the owner asked them to
 * persist (IOTLB_PERSIST) or @drop says they must go regardless.
 */
static int vhost_vdpa_reset_device(struct vhost_vdpa *v, bool drop)
{
	int err;

	vhost_vdpa_producers(v, false);
	err = vdpa_reset(v->vdpa);
	if (err) {
		dev_err(&v->dev, "parent reset failed: %d\n", err);
		vhost_vdpa_detach_all(v);
	}
	v->in_batch = false;
	v->suspended = false;
	vhost_vdpa_unpin_flush(v);
	if (drop || !vhost_vdpa_acked(v, VHOST_BACKEND_F_IOTLB_PERSIST))
		vhost_vdpa_clear_tables(v);
	return err;
}

/* Reset for the owner, who keeps using the device. */
static int vhost_vdpa_reset(struct vhost_vdpa *v, bool drop)
{
	int err = vhost_vdpa_reset_device(v, drop);
	int err2 = vhost_vdpa_install_maps(v);

	if (err2)
		dev_err(&v->dev, "cannot restore the maps after reset: %d\n",
			err2);
	return err ? err : err2;
}

static void vhost_vdpa_unbind_mm(struct vhost_vdpa *v)
{
	if (!v->mm)
		return;
	if (v->vdpa->use_va && ops_of(v)->unbind_mm)
		ops_of(v)->unbind_mm(v->vdpa);
	mmdrop(v->mm);
	v->mm = NULL;
}

/*
 * The fd is closing or the device is going away: leave the device reset,
 * in its initial state for the next driver, with nothing of ours left.
 */
static void vhost_vdpa_teardown(struct vhost_vdpa *v)
{
	vhost_vdpa_reset_device(v, true);
	vhost_vdpa_put_eventfds(v);
	if (v->domain) {
		iommu_detach_device(v->domain, vdpa_get_dma_dev(v->vdpa));
		iommu_domain_free(v->domain);
		v->domain = NULL;
	}
	vhost_vdpa_unbind_mm(v);
}

static void vhost_vdpa_free_state(struct vhost_vdpa *v)
{
	kfree(v->vqs);
	kfree(v->as);
	v->vqs = NULL;
	v->as = NULL;
}

/* ---- ioctls ------------------------------------------------------------ */

static u64 vhost_vdpa_offered(struct vhost_vdpa *v)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	u64 f = BIT_ULL(VHOST_BACKEND_F_IOTLB_MSG_V2) |
		BIT_ULL(VHOST_BACKEND_F_IOTLB_BATCH) |
		BIT_ULL(VHOST_BACKEND_F_IOTLB_ASID) |
		/* Tables are ours: we put them back after every reset. */
		BIT_ULL(VHOST_BACKEND_F_IOTLB_PERSIST);

	if (ops->suspend)
		f |= BIT_ULL(VHOST_BACKEND_F_SUSPEND);
	if (ops->resume)
		f |= BIT_ULL(VHOST_BACKEND_F_RESUME);
	if (ops->get_vq_desc_group)
		f |= BIT_ULL(VHOST_BACKEND_F_DESC_ASID);
	if (ops->get_backend_features)
		f |= ops->get_backend_features(v->vdpa) &
		     BIT_ULL(VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK);
	return f;
}

static long vhost_vdpa_set_backend_features(struct vhost_vdpa *v,
					    u64 __user *argp)
{
	u64 f;

	if (copy_from_user(&f, argp, sizeof(f)))
		return -EFAULT;
	if (f & ~vhost_vdpa_offered(v))
		return -EOPNOTSUPP;
	if ((f & BIT_ULL(VHOST_BACKEND_F_DESC_ASID)) &&
	    !(f & BIT_ULL(VHOST_BACKEND_F_IOTLB_ASID)))
		return -EINVAL;
	v->backend_features = f;
	return 0;
}

static long vhost_vdpa_set_owner(struct vhost_vdpa *v)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	int err;

	if (v->mm)
		return -EBUSY;
	if (!current->mm)
		return -EPERM;
	if (v->vdpa->use_va && ops->bind_mm) {
		err = ops->bind_mm(v->vdpa, current->mm);
		if (err)
			return err;
	}
	mmgrab(current->mm);
	v->mm = current->mm;
	return 0;
}

static long vhost_vdpa_reset_owner(struct vhost_vdpa *v)
{
	int err = vhost_vdpa_owner_check(v);

	if (err)
		return err;
	/* The owner's memory goes with it, persistent or not. */
	err = vhost_vdpa_reset(v, true);
	vhost_vdpa_put_eventfds(v);
	vhost_vdpa_unbind_mm(v);
	return err;
}

static long vhost_vdpa_set_status(struct vhost_vdpa *v, u8 __user *argp)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	u8 status, old;

	if (get_user(status, argp))
		return -EFAULT;
	old = ops->get_status(v->vdpa);
	/* Bits only go away through a reset. */
	if (status && (old & ~status))
		return -EINVAL;
	if (!status)
		return vhost_vdpa_reset(v, false);

	vdpa_set_status(v->vdpa, status);
	if (status & ~old & VIRTIO_CONFIG_S_DRIVER_OK)
		vhost_vdpa_producers(v, true);
	return 0;
}

static long vhost_vdpa_config_args(struct vhost_vdpa *v,
				   struct vhost_vdpa_config __user *argp,
				   struct vhost_vdpa_config *c)
{
	size_t size = ops_of(v)->get_config_size(v->vdpa);

	if (copy_from_user(c, argp, sizeof(*c)))
		return -EFAULT;
	if (!c->len || c->off > size || c->len > size - c->off)
		return -EINVAL;
	return 0;
}

static long vhost_vdpa_get_config(struct vhost_vdpa *v,
				  struct vhost_vdpa_config __user *argp)
{
	struct vhost_vdpa_config c;
	long err;
	u8 *buf;

	err = vhost_vdpa_config_args(v, argp, &c);
	if (err)
		return err;
	buf = kvzalloc(c.len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	vdpa_get_config(v->vdpa, c.off, buf, c.len);
	if (copy_to_user(argp->buf, buf, c.len))
		err = -EFAULT;
	kvfree(buf);
	return err;
}

static long vhost_vdpa_set_config(struct vhost_vdpa *v,
				  struct vhost_vdpa_config __user *argp)
{
	struct vhost_vdpa_config c;
	long err;
	u8 *buf;

	err = vhost_vdpa_config_args(v, argp, &c);
	if (err)
		return err;
	buf = vmemdup_user(argp->buf, c.len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	vdpa_set_config(v->vdpa, c.off, buf, c.len);
	kvfree(buf);
	return 0;
}

static long vhost_vdpa_set_features(struct vhost_vdpa *v, u64 __user *argp)
{
	u64 features;

	/* Features are fixed once the device accepted them. */
	if (ops_of(v)->get_status(v->vdpa) & VIRTIO_CONFIG_S_FEATURES_OK)
		return -EBUSY;
	if (copy_from_user(&features, argp, sizeof(features)))
		return -EFAULT;
	return vdpa_set_features(v->vdpa, features) ? -EINVAL : 0;
}

static long vhost_vdpa_suspend(struct vhost_vdpa *v, bool suspend)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	int err;

	/* A device that does not run is as suspended as it gets. */
	if (!(ops->get_status(v->vdpa) & VIRTIO_CONFIG_S_DRIVER_OK))
		return 0;
	if (suspend) {
		if (!ops->suspend)
			return -EOPNOTSUPP;
		err = ops->suspend(v->vdpa);
	} else {
		if (!ops->resume)
			return -EOPNOTSUPP;
		err = ops->resume(v->vdpa);
	}
	if (!err)
		v->suspended = suspend;
	return err;
}

static long vhost_vdpa_put_u32(void __user *argp, u32 val)
{
	return put_user(val, (u32 __user *)argp);
}

/* May the queue's setup change now? Only while the device is not running. */
static bool vhost_vdpa_vq_settable(struct vhost_vdpa *v)
{
	return !(ops_of(v)->get_status(v->vdpa) & VIRTIO_CONFIG_S_DRIVER_OK) ||
	       v->suspended;
}

static bool vhost_vdpa_packed(struct vhost_vdpa *v)
{
	return ops_of(v)->get_driver_features(v->vdpa) &
	       BIT_ULL(VIRTIO_F_RING_PACKED);
}

static long vhost_vdpa_vring_base(struct vhost_vdpa *v, unsigned int cmd,
				  u16 idx, struct vhost_vring_state *s)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	struct vdpa_vq_state st = {};
	long err;

	if (cmd == VHOST_GET_VRING_BASE) {
		err = ops->get_vq_state(v->vdpa, idx, &st);
		if (err)
			return err;
		if (vhost_vdpa_packed(v))
			s->num = st.packed.last_avail_idx |
				 st.packed.last_avail_counter << 15 |
				 (st.packed.last_used_idx |
				  st.packed.last_used_counter << 15) << 16;
		else
			s->num = st.split.avail_index;
		return 0;
	}

	if (!vhost_vdpa_vq_settable(v))
		return -EINVAL;
	if (vhost_vdpa_packed(v)) {
		st.packed.last_avail_idx = s->num & 0x7fff;
		st.packed.last_avail_counter = !!(s->num & 0x8000);
		st.packed.last_used_idx = (s->num >> 16) & 0x7fff;
		st.packed.last_used_counter = !!(s->num & 0x80000000);
	} else {
		if (s->num > 0xffff)
			return -EINVAL;
		st.split.avail_index = s->num;
	}
	return ops->set_vq_state(v->vdpa, idx, &st);
}

static long vhost_vdpa_set_vring_addr(struct vhost_vdpa *v, u16 idx,
				      void __user *argp)
{
	struct vhost_vring_addr a;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	/* No dirty logging here. */
	if (a.flags)
		return -EOPNOTSUPP;
	/* The alignments virtio requires of split rings. */
	if ((a.desc_user_addr & 15) || (a.avail_user_addr & 1) ||
	    (a.used_user_addr & 3))
		return -EINVAL;
	if (!vhost_vdpa_vq_settable(v))
		return -EINVAL;
	return ops_of(v)->set_vq_address(v->vdpa, idx, a.desc_user_addr,
					 a.avail_user_addr, a.used_user_addr) ?
	       -EINVAL : 0;
}

static long vhost_vdpa_vring_ioctl(struct vhost_vdpa *v, unsigned int cmd,
				   void __user *argp)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	struct vdpa_device *vdpa = v->vdpa;
	struct vhost_vring_state s;
	struct vhost_vring_file f;
	struct vhost_vdpa_vq *vq;
	u32 idx;

	/* Every argument starts with the queue (or group) index. */
	if (get_user(idx, (u32 __user *)argp))
		return -EFAULT;

	if (cmd == VHOST_VDPA_SET_GROUP_ASID) {
		if (copy_from_user(&s, argp, sizeof(s)))
			return -EFAULT;
		if (idx >= vdpa->ngroups || s.num >= vdpa->nas)
			return -EINVAL;
		if (!ops->set_group_asid)
			return -EOPNOTSUPP;
		return ops->set_group_asid(vdpa, idx, s.num);
	}

	if (idx >= vdpa->nvqs)
		return -ENOBUFS;
	idx = array_index_nospec(idx, vdpa->nvqs);
	vq = &v->vqs[idx];
	s.index = idx;

	switch (cmd) {
	case VHOST_SET_VRING_NUM:
		if (copy_from_user(&s, argp, sizeof(s)))
			return -EFAULT;
		if (!s.num || s.num > ops->get_vq_num_max(vdpa) ||
		    !is_power_of_2(s.num))
			return -EINVAL;
		if (!vhost_vdpa_vq_settable(v) && ops->get_vq_ready(vdpa, idx))
			return -EBUSY;
		ops->set_vq_num(vdpa, idx, s.num);
		return 0;
	case VHOST_SET_VRING_ADDR:
		return vhost_vdpa_set_vring_addr(v, idx, argp);
	case VHOST_SET_VRING_BASE:
		if (copy_from_user(&s, argp, sizeof(s)))
			return -EFAULT;
		return vhost_vdpa_vring_base(v, cmd, idx, &s);
	case VHOST_GET_VRING_BASE: {
		long err = vhost_vdpa_vring_base(v, cmd, idx, &s);

		if (err)
			return err;
		return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
	}
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL:
	case VHOST_SET_VRING_ERR:
		if (copy_from_user(&f, argp, sizeof(f)))
			return -EFAULT;
		if (cmd == VHOST_SET_VRING_KICK)
			return vhost_vdpa_set_kick(v, vq, f.fd);
		if (cmd == VHOST_SET_VRING_CALL)
			return vhost_vdpa_set_call(v, vq, f.fd);
		{
			struct eventfd_ctx *ctx = vhost_vdpa_eventfd(f.fd);

			if (IS_ERR(ctx))
				return PTR_ERR(ctx);
			swap(ctx, vq->err);
			if (ctx)
				eventfd_ctx_put(ctx);
			return 0;
		}
	case VHOST_SET_VRING_BUSYLOOP_TIMEOUT:
		if (copy_from_user(&s, argp, sizeof(s)))
			return -EFAULT;
		vq->busyloop_timeout = s.num;
		return 0;
	case VHOST_GET_VRING_BUSYLOOP_TIMEOUT:
		s.num = vq->busyloop_timeout;
		break;
	case VHOST_VDPA_SET_VRING_ENABLE:
		if (copy_from_user(&s, argp, sizeof(s)))
			return -EFAULT;
		ops->set_vq_ready(vdpa, idx, !!s.num);
		return 0;
	case VHOST_VDPA_GET_VRING_GROUP:
		if (!ops->get_vq_group)
			return -EOPNOTSUPP;
		s.num = ops->get_vq_group(vdpa, idx);
		if (s.num >= vdpa->ngroups)
			return -EIO;
		break;
	case VHOST_VDPA_GET_VRING_DESC_GROUP:
		if (!ops->get_vq_desc_group)
			return -EOPNOTSUPP;
		s.num = ops->get_vq_desc_group(vdpa, idx);
		if (s.num >= vdpa->ngroups)
			return -EIO;
		break;
	case VHOST_VDPA_GET_VRING_SIZE:
		if (!ops->get_vq_size)
			return -EOPNOTSUPP;
		s.num = ops->get_vq_size(vdpa, idx);
		break;
	default:
		return -ENOTTY;
	}
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static bool vhost_vdpa_is_vring_cmd(unsigned int cmd)
{
	switch (cmd) {
	case VHOST_SET_VRING_NUM:
	case VHOST_SET_VRING_ADDR:
	case VHOST_SET_VRING_BASE:
	case VHOST_GET_VRING_BASE:
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL:
	case VHOST_SET_VRING_ERR:
	case VHOST_SET_VRING_BUSYLOOP_TIMEOUT:
	case VHOST_GET_VRING_BUSYLOOP_TIMEOUT:
	case VHOST_VDPA_SET_VRING_ENABLE:
	case VHOST_VDPA_GET_VRING_GROUP:
	case VHOST_VDPA_GET_VRING_DESC_GROUP:
	case VHOST_VDPA_SET_GROUP_ASID:
	case VHOST_VDPA_GET_VRING_SIZE:
		return true;
	}
	return false;
}

static long vhost_vdpa_do_ioctl(struct vhost_vdpa *v, unsigned int cmd,
				void __user *argp)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	struct vdpa_device *vdpa = v->vdpa;
	struct vdpa_iova_range r;
	long err;

	/*
	 * As upstream: queue setup, memory and owner changes need the owner;
	 * device-wide queries and status/config/feature writes do not (QEMU
	 * sets ACKNOWLEDGE|DRIVER before it takes ownership). Nothing the
	 * device can reach exists before an owner maps it.
	 */
	if (vhost_vdpa_is_vring_cmd(cmd)) {
		err = vhost_vdpa_owner_check(v);
		return err ? err : vhost_vdpa_vring_ioctl(v, cmd, argp);
	}

	switch (cmd) {
	case VHOST_SET_OWNER:
		return vhost_vdpa_set_owner(v);
	case VHOST_RESET_OWNER:
		return vhost_vdpa_reset_owner(v);
	case VHOST_GET_FEATURES:
		return put_user(ops->get_device_features(vdpa),
				(u64 __user *)argp);
	case VHOST_SET_FEATURES:
		return vhost_vdpa_set_features(v, argp);
	case VHOST_GET_BACKEND_FEATURES:
		return put_user(vhost_vdpa_offered(v), (u64 __user *)argp);
	case VHOST_SET_BACKEND_FEATURES:
		return vhost_vdpa_set_backend_features(v, argp);
	case VHOST_SET_MEM_TABLE:
		/* Memory comes as IOTLB messages; a table would be ignored. */
		err = vhost_vdpa_owner_check(v);
		return err ? err : -EOPNOTSUPP;
	case VHOST_VDPA_GET_DEVICE_ID:
		return vhost_vdpa_put_u32(argp, ops->get_device_id(vdpa));
	case VHOST_VDPA_GET_STATUS:
		return put_user(ops->get_status(vdpa), (u8 __user *)argp);
	case VHOST_VDPA_SET_STATUS:
		return vhost_vdpa_set_status(v, argp);
	case VHOST_VDPA_GET_CONFIG:
		return vhost_vdpa_get_config(v, argp);
	case VHOST_VDPA_SET_CONFIG:
		return vhost_vdpa_set_config(v, argp);
	case VHOST_VDPA_GET_VRING_NUM:
		return put_user(ops->get_vq_num_max(vdpa), (u16 __user *)argp);
	case VHOST_VDPA_SET_CONFIG_CALL:
		return vhost_vdpa_set_config_call(v, argp);
	case VHOST_VDPA_GET_IOVA_RANGE:
		r = v->range;
		return copy_to_user(argp, &r, sizeof(r)) ? -EFAULT : 0;
	case VHOST_VDPA_GET_CONFIG_SIZE:
		return vhost_vdpa_put_u32(argp, ops->get_config_size(vdpa));
	case VHOST_VDPA_GET_AS_NUM:
		return vhost_vdpa_put_u32(argp, vdpa->nas);
	case VHOST_VDPA_GET_VQS_COUNT:
		return vhost_vdpa_put_u32(argp, vdpa->nvqs);
	case VHOST_VDPA_GET_GROUP_NUM:
		return vhost_vdpa_put_u32(argp, vdpa->ngroups);
	case VHOST_VDPA_SUSPEND:
		return vhost_vdpa_suspend(v, true);
	case VHOST_VDPA_RESUME:
		return vhost_vdpa_suspend(v, false);
	}
	return -ENOTTY;
}

static long vhost_vdpa_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct vhost_vdpa *v = file->private_data;
	long ret;

	mutex_lock(&v->lock);
	if (v->vdpa)
		ret = vhost_vdpa_do_ioctl(v, cmd, (void __user *)arg);
	else
		ret = -ENODEV;
	mutex_unlock(&v->lock);
	return ret;
}

/* ---- doorbells --------------------------------------------------------- */

/* The queue's doorbell page, or 0 when it cannot be mapped (db_lock held). */
static unsigned long vhost_vdpa_db_pfn(struct vdpa_device *vdpa,
				       unsigned long idx)
{
	struct vdpa_notification_area area;

	if (!vdpa->ops->get_vq_notification || idx >= vdpa->nvqs)
		return 0;
	area = vdpa->ops->get_vq_notification(vdpa,
					      array_index_nospec(idx, vdpa->nvqs));
	if (!PAGE_ALIGNED(area.addr) || area.size < PAGE_SIZE)
		return 0;
	return PHYS_PFN(area.addr);
}

/*
 * The page goes in at the first access, not in mmap(): mmap() runs before
 * the new mapping is linked to the file, where removal's
 * unmap_mapping_range() could not find it. A fault only happens on a
 * linked mapping, and under db_lock it sees either the device or NULL.
 */
static vm_fault_t vhost_vdpa_db_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vhost_vdpa *v = vma->vm_file->private_data;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	unsigned long pfn;

	mutex_lock(&v->db_lock);
	if (v->db_vdpa) {
		pfn = vhost_vdpa_db_pfn(v->db_vdpa, vma->vm_pgoff);
		if (pfn)
			ret = vmf_insert_pfn(vma, vmf->address & PAGE_MASK, pfn);
	}
	mutex_unlock(&v->db_lock);
	return ret;
}

static const struct vm_operations_struct vhost_vdpa_db_vm_ops = {
	.fault = vhost_vdpa_db_fault,
};

static int vhost_vdpa_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vhost_vdpa *v = file->private_data;
	struct vdpa_device *vdpa;
	int err = 0;

	/* One write-only page per queue: nothing else shares the page. */
	if (vma->vm_end - vma->vm_start != PAGE_SIZE ||
	    !(vma->vm_flags & VM_SHARED) || (vma->vm_flags & VM_READ))
		return -EINVAL;

	/* Refuse now what the fault could not map, for a clear errno. */
	mutex_lock(&v->db_lock);
	vdpa = v->db_vdpa;
	if (!vdpa)
		err = -ENODEV;
	else if (!vdpa->ops->get_vq_notification)
		err = -EOPNOTSUPP;
	else if (!vhost_vdpa_db_pfn(vdpa, vma->vm_pgoff))
		err = -EINVAL;
	mutex_unlock(&v->db_lock);
	if (err)
		return err;

	vm_flags_clear(vma, VM_MAYREAD);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_ops = &vhost_vdpa_db_vm_ops;
	return 0;
}

/* ---- open, release ----------------------------------------------------- */

static int vhost_vdpa_open_locked(struct vhost_vdpa *v, struct file *file)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	struct vdpa_device *vdpa = v->vdpa;
	u32 i;
	int err;

	v->vqs = kcalloc(vdpa->nvqs, sizeof(*v->vqs), GFP_KERNEL);
	v->as = kcalloc(vdpa->nas, sizeof(*v->as), GFP_KERNEL);
	if (!v->vqs || !v->as) {
		vhost_vdpa_free_state(v);
		return -ENOMEM;
	}
	for (i = 0; i < vdpa->nvqs; i++)
		v->vqs[i].idx = i;
	for (i = 0; i < vdpa->nas; i++) {
		vdpa_iotlb_init(&v->as[i].iotlb, max_iotlb_entries,
				vhost_vdpa_iotlb_release);
		v->as[i].v = v;
		v->as[i].asid = i;
	}

	if (ops->dma_map && !(prefer_set_map && ops->set_map))
		v->dma = VHOST_VDPA_DMA_MAP;
	else if (ops->set_map)
		v->dma = VHOST_VDPA_DMA_SET_MAP;
	else
		v->dma = VHOST_VDPA_DMA_IOMMU;

	v->range = (struct vdpa_iova_range){ .first = 0, .last = U64_MAX };
	if (ops->get_iova_range)
		v->range = ops->get_iova_range(vdpa);
	if (v->dma == VHOST_VDPA_DMA_IOMMU) {
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
		v->domain = domain;
		if (domain->geometry.force_aperture) {
			v->range.first = max_t(u64, v->range.first,
					       domain->geometry.aperture_start);
			v->range.last = min_t(u64, v->range.last,
					      domain->geometry.aperture_end);
		}
	}

	v->backend_features = 0;
	v->in_batch = false;
	v->suspended = false;
	err = vhost_vdpa_reset(v, true);
	if (err)
		goto err_reset;
	v->mapping = file->f_mapping;
	v->open = true;
	return 0;

err_reset:
	vhost_vdpa_teardown(v);
err:
	vhost_vdpa_free_state(v);
	return err;
}

static int vhost_vdpa_open(struct inode *inode, struct file *file)
{
	struct vhost_vdpa *v = container_of(inode->i_cdev, struct vhost_vdpa,
					    cdev);
	int err;

	mutex_lock(&v->lock);
	if (!v->vdpa)
		err = -ENODEV;
	else if (v->open)
		err = -EBUSY;	/* one owner at a time, as upstream */
	else
		err = vhost_vdpa_open_locked(v, file);
	mutex_unlock(&v->lock);
	if (err)
		return err;
	file->private_data = v;
	return stream_open(inode, file);
}

static int vhost_vdpa_release(struct inode *inode, struct file *file)
{
	struct vhost_vdpa *v = file->private_data;

	mutex_lock(&v->lock);
	if (v->vdpa)
		vhost_vdpa_teardown(v);
	/* After removal only the mm reference is left to drop. */
	if (v->mm)
		mmdrop(v->mm);
	v->mm = NULL;
	vhost_vdpa_free_state(v);
	v->mapping = NULL;
	v->open = false;
	mutex_unlock(&v->lock);
	return 0;
}

static const struct file_operations vhost_vdpa_fops = {
	.owner		= THIS_MODULE,
	.open		= vhost_vdpa_open,
	.release	= vhost_vdpa_release,
	/* IOTLB messages in, nothing ever out */
	.write_iter	= vhost_vdpa_write_iter,
	.read_iter	= vhost_vdpa_read_iter,
	.poll		= vhost_vdpa_poll,
	/* the vhost ioctls and VHOST_VDPA_* */
	.unlocked_ioctl	= vhost_vdpa_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= compat_ptr_ioctl,
#endif
	/* doorbells */
	.mmap		= vhost_vdpa_mmap,
};

/* ---- the bus driver ---------------------------------------------------- */

static void vhost_vdpa_release_dev(struct device *dev)
{
	struct vhost_vdpa *v = container_of(dev, struct vhost_vdpa, dev);

	ida_free(&vhost_vdpa_ida, v->minor);
	mutex_destroy(&v->lock);
	mutex_destroy(&v->db_lock);
	kfree(v);
}

static int vhost_vdpa_probe(struct vdpa_device *vdpa)
{
	const struct vdpa_config_ops *ops = vdpa->ops;
	struct vhost_vdpa *v;
	int minor, err;

	/* Without a map op, only an IOMMU keeps the owner in its memory. */
	if (!ops->set_map && !ops->dma_map &&
	    !device_iommu_mapped(vdpa_get_dma_dev(vdpa)))
		return -EOPNOTSUPP;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	minor = ida_alloc_max(&vhost_vdpa_ida, VHOST_VDPA_MINORS - 1,
			      GFP_KERNEL);
	if (minor < 0) {
		kfree(v);
		return minor;
	}
	v->minor = minor;
	v->vdpa = vdpa;
	v->db_vdpa = vdpa;
	mutex_init(&v->lock);
	mutex_init(&v->db_lock);
	init_waitqueue_head(&v->read_wait);
	INIT_LIST_HEAD(&v->unpin_free);
	INIT_LIST_HEAD(&v->unpin_pending);

	device_initialize(&v->dev);
	v->dev.class = &vhost_vdpa_class;
	v->dev.parent = &vdpa->dev;
	v->dev.devt = MKDEV(MAJOR(vhost_vdpa_devt), minor);
	v->dev.release = vhost_vdpa_release_dev;
	err = dev_set_name(&v->dev, "vhost-vdpa-%u", minor);
	if (err)
		goto err;
	cdev_init(&v->cdev, &vhost_vdpa_fops);
	v->cdev.owner = THIS_MODULE;
	err = cdev_device_add(&v->cdev, &v->dev);
	if (err)
		goto err;
	vdpa_set_drvdata(vdpa, v);
	return 0;

err:
	put_device(&v->dev);
	return err;
}

static void vhost_vdpa_remove(struct vdpa_device *vdpa)
{
	struct vhost_vdpa *v = vdpa_get_drvdata(vdpa);

	/* No new open; an open fd now fails everything with -ENODEV. */
	cdev_device_del(&v->cdev, &v->dev);

	mutex_lock(&v->lock);
	if (v->open)
		vhost_vdpa_teardown(v);
	mutex_lock(&v->db_lock);
	v->db_vdpa = NULL;
	mutex_unlock(&v->db_lock);
	/* Doorbells of a device that is gone must not stay writable. */
	if (v->mapping)
		unmap_mapping_range(v->mapping, 0, 0, 1);
	WRITE_ONCE(v->vdpa, NULL);
	mutex_unlock(&v->lock);
	wake_up_all(&v->read_wait);

	put_device(&v->dev);
}

static struct vdpa_driver vhost_vdpa_driver = {
	.driver = {
		.name = "vhost_vdpa",
	},
	.probe = vhost_vdpa_probe,
	.remove = vhost_vdpa_remove,
};

static int __init vhost_vdpa_init(void)
{
	int err;

	err = alloc_chrdev_region(&vhost_vdpa_devt, 0, VHOST_VDPA_MINORS,
				  "vhost-vdpa");
	if (err)
		return err;
	err = class_register(&vhost_vdpa_class);
	if (err)
		goto err_region;
	err = vdpa_register_driver(&vhost_vdpa_driver);
	if (err)
		goto err_class;
	return 0;

err_class:
	class_unregister(&vhost_vdpa_class);
err_region:
	unregister_chrdev_region(vhost_vdpa_devt, VHOST_VDPA_MINORS);
	return err;
}

static void __exit vhost_vdpa_exit(void)
{
	vdpa_unregister_driver(&vhost_vdpa_driver);
	class_unregister(&vhost_vdpa_class);
	unregister_chrdev_region(vhost_vdpa_devt, VHOST_VDPA_MINORS);
}

module_init(vhost_vdpa_init);
module_exit(vhost_vdpa_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vDPA devices as vhost devices for userspace: /dev/vhost-vdpa-N");
