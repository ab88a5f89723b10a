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
 * memory reaches the device through IOTLB messages written to the fd: they
 * are checked here, and the pages they name pinned and charged to the
 * owner's RLIMIT_MEMLOCK for parents that use physical addresses, into one
 * table per address space, which vdpa_as.c keeps and pushes to the parent
 * as a whole map (set_map), as increments (dma_map/dma_unmap) or into an
 * IOMMU domain on the parent's DMA device.
 *
 * A bound device costs a struct device and a slot in an xarray of minors;
 * everything else is allocated when the device node is opened and freed
 * when it is closed. Nothing on the way of a device's life walks the
 * others: one cdev covers every minor (a cdev per device would put them
 * all on one kobj_map chain, walked by every open and every removal), and
 * the node is a child of the vdpa device without a class (a class would
 * add a "vhost-vdpa" glue directory per device, which the driver core
 * finds by walking all of them, and which libvirt and govdpa, reading
 * /sys/bus/vdpa/devices/<dev>/vhost-vdpa-N, do not expect).
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
#include <linux/xarray.h>

#include "vdpa_as.h"
#include "vdpa_log.h"

#define VHOST_VDPA_MINORS	BIT(MINORBITS)

/*
 * Off by default: QEMU 7.2 refuses x-svq=on, its way to migrate, on a
 * device that offers VHOST_F_LOG_ALL; with it, QEMU migrates without.
 */
static bool dirty_log;
module_param(dirty_log, bool, 0644);
MODULE_PARM_DESC(dirty_log,
		 "Offer dirty page logging (VHOST_F_LOG_ALL) where the parent can log; read at open");

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
 * @desc: the ring addresses last set (VHOST_SET_VRING_ADDR)
 * @avail: see @desc
 * @used: see @desc
 * @stopped_base: where the queue stood when the owner reset the running
 *	device, for VHOST_GET_VRING_BASE (see vhost_vdpa_save_bases())
 * @idx: queue index
 * @kick_added: @kick_wait is on the eventfd's wait queue
 * @producer_on: @producer is registered
 * @stopped: @stopped_base is what VHOST_GET_VRING_BASE reports
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
	u64 desc, avail, used;
	u32 stopped_base;
	u16 idx;
	bool kick_added;
	bool producer_on;
	bool stopped;
};

/**
 * struct vhost_vdpa - a vDPA device bound to vhost-vdpa
 * @dev: the node's device, /dev/vhost-vdpa-@minor; its refcount is the
 *	lifetime of this structure, and an open file holds a reference
 * @map_lock: serialises IOTLB messages, which drop @lock while they pin
 *	pages, with each other and with the ioctls that pin the log or push
 *	the tables to the parent (reset); never taken by removal, so a
 *	message stuck on a userspace page fault holds nothing removal needs.
 *	Taken before @lock
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
 * @maps: the owner's tables, one per address space, and how they reach the
 *	parent (vdpa_as.c); the tables exist while open
 * @mm: the owner's mm (VHOST_SET_OWNER), grabbed; @maps holds its own
 *	reference to the mm its pins are charged to, which may outlive the
 *	owner (VHOST_RESET_OWNER)
 * @config_call: config-change eventfd, or NULL
 * @backend_features: acked VHOST_BACKEND_F_* bits
 * @batch_asid: address space of the open batch
 * @minor: our minor number
 * @in_batch: between VHOST_IOTLB_BATCH_BEGIN and _END
 * @suspended: VHOST_VDPA_SUSPEND succeeded and no resume or reset since
 * @open: the device node is open
 * @features: the features userspace last set, VHOST_F_LOG_ALL excluded
 * @log_end: one past the highest IOVA mapped writable since the owner came:
 *	what the dirty log must cover
 * @log: the dirty page log (vdpa_log.c)
 * @log_offered: VHOST_F_LOG_ALL is offered (dirty_log, read at open)
 */
struct vhost_vdpa {
	struct device dev;
	struct mutex map_lock;	/* see above */
	struct mutex lock;	/* see above */
	struct mutex db_lock;	/* see above */
	struct vdpa_device *db_vdpa;
	struct vdpa_device *vdpa;
	struct address_space *mapping;
	wait_queue_head_t read_wait;
	struct vhost_vdpa_vq *vqs;
	struct vhost_vdpa_maps maps;
	struct mm_struct *mm;
	struct eventfd_ctx *config_call;
	u64 backend_features;
	u32 batch_asid;
	unsigned int minor;
	bool in_batch;
	bool suspended;
	bool open;
	u64 features;
	u64 log_end;
	struct vhost_vdpa_log log;
	bool log_offered;
};

static dev_t vhost_vdpa_devt;
static struct cdev vhost_vdpa_cdev;
/*
 * Minor -> struct vhost_vdpa. A minor is reserved (NULL) from probe until
 * the device is added and again from removal until the last reference
 * goes, so it is not reused while its /sys/dev/char link may exist.
 */
static DEFINE_XARRAY_ALLOC(vhost_vdpa_minors);

static const struct vdpa_config_ops *ops_of(struct vhost_vdpa *v)
{
	return v->vdpa->ops;
}

static bool vhost_vdpa_acked(const struct vhost_vdpa *v, unsigned int bit)
{
	return v->backend_features & BIT_ULL(bit);
}

/* ---- the dirty log ----------------------------------------------------- */

/* The device is still there and still ours after v->lock was dropped. */
static int vhost_vdpa_still_owner(struct vhost_vdpa *v)
{
	if (!v->vdpa)
		return -ENODEV;
	return v->mm == current->mm ? 0 : -EPERM;
}

static bool vhost_vdpa_can_log(struct vhost_vdpa *v)
{
	return v->log_offered && ops_of(v)->set_dirty_log;
}

/* Attach the log to the parent or detach it: no mark runs after a detach. */
static int vhost_vdpa_log_attach(struct vhost_vdpa *v, bool on)
{
	int err;

	if (on == v->log.on)
		return 0;
	err = ops_of(v)->set_dirty_log(v->vdpa, on ? &v->log.log : NULL);
	if (!err)
		v->log.on = on;
	return err;
}

/*
 * Pin the log for IOVAs [0, @end) and mark there from now on. Pinning may
 * wait on userspace: v->lock is dropped meanwhile, as for IOTLB pins, and
 * the caller's map_lock keeps the log's base and other pinning still.
 */
static int vhost_vdpa_log_repin(struct vhost_vdpa *v, u64 end)
{
	struct vhost_vdpa_log_pins *pins;
	int err;

	lockdep_assert_held(&v->map_lock);
	if (vhost_vdpa_log_covers(&v->log, end))
		return 0;
	mutex_unlock(&v->lock);
	err = vhost_vdpa_log_pin(&v->log, end, &pins);
	mutex_lock(&v->lock);
	if (err)
		return err;
	err = vhost_vdpa_still_owner(v);
	if (err) {
		vhost_vdpa_log_unpin(pins);
		return err;
	}
	vhost_vdpa_log_install(&v->log, pins);
	return 0;
}

/* The owner goes: its log with it. */
static void vhost_vdpa_log_drop(struct vhost_vdpa *v)
{
	if (v->log.on)
		vhost_vdpa_log_attach(v, false);
	vhost_vdpa_log_clear(&v->log);
	v->log_end = 0;
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
 * Called with v->lock held, which is dropped while pages are pinned: a
 * fault may wait on userspace (userfaultfd, FUSE) for ever, and removal
 * must not wait with it. The caller's map_lock keeps other IOTLB messages
 * out meanwhile. On error, whatever was entered is removed again.
 */
static int vhost_vdpa_pin_range(struct vhost_vdpa *v, struct vhost_vdpa_as *as,
				u64 iova, u64 size, u64 uaddr, u32 perm)
{
	unsigned long npages = size >> PAGE_SHIFT, done = 0, added = 0;
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	struct mm_struct *mm = current->mm;	/* the owner's, checked */
	unsigned int gup = FOLL_LONGTERM;
	unsigned long run_pfn = 0, run_len = 0;
	u64 run_iova = iova;
	struct page **pages;
	int err = 0;
	long got, i;

	lockdep_assert_held(&v->map_lock);
	if (perm & VHOST_ACCESS_WO)
		gup |= FOLL_WRITE;
	if (atomic64_add_return(npages, &mm->pinned_vm) > limit &&
	    !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}

	pages = (struct page **)__get_free_page(GFP_KERNEL);
	if (!pages) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}

	while (done < npages && !err) {
		got = min_t(unsigned long, npages - done,
			    PAGE_SIZE / sizeof(*pages));
		mutex_unlock(&v->lock);
		got = pin_user_pages_fast(uaddr + ((u64)done << PAGE_SHIFT),
					  got, gup, pages);
		mutex_lock(&v->lock);
		if (got <= 0) {
			err = got ? got : -EFAULT;
			break;
		}
		err = vhost_vdpa_still_owner(v);
		if (err) {
			unpin_user_pages(pages, got);
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

	/* Charge only what stays in the table; its release hook uncharges. */
	atomic64_sub(npages - added, &mm->pinned_vm);
	/* A removal meanwhile already emptied the table. */
	if (err && v->vdpa)
		vdpa_iotlb_remove(&as->iotlb, iova, iova + size - 1);
	return err;
}

static int vhost_vdpa_iotlb_update(struct vhost_vdpa *v, struct vhost_vdpa_as *as,
				   const struct vhost_iotlb_msg *msg)
{
	u64 last = msg->iova + msg->size - 1;
	int err;

	if (!msg->size || last < msg->iova ||
	    msg->uaddr + msg->size - 1 < msg->uaddr)
		return -EINVAL;
	if (msg->iova < v->maps.range.first || last > v->maps.range.last)
		return -EINVAL;
	if (!msg->perm || msg->perm & ~VHOST_ACCESS_RW)
		return -EINVAL;
	/* Pages are pinned and mapped whole: no entry may share a page. */
	if (!PAGE_ALIGNED(msg->iova) || !PAGE_ALIGNED(msg->size) ||
	    !PAGE_ALIGNED(msg->uaddr))
		return -EINVAL;
	/* While logging, the log covers a writable range before it is one. */
	if ((msg->perm & VHOST_ACCESS_WO) && v->log.on) {
		err = vhost_vdpa_log_repin(v, max(v->log_end, last + 1 ?: last));
		if (err)
			return err;
	}
	if (vdpa_iotlb_first(&as->iotlb, msg->iova, last))
		return -EEXIST;

	if (v->vdpa->use_va)
		err = vhost_vdpa_as_add_va(as, msg->iova, msg->size,
					   msg->uaddr, msg->perm);
	else
		err = vhost_vdpa_pin_range(v, as, msg->iova, msg->size,
					   msg->uaddr, msg->perm);
	if (err)
		return err;
	if (msg->perm & VHOST_ACCESS_WO)
		v->log_end = max(v->log_end, last + 1 ?: last);
	return vhost_vdpa_as_push_added(as, msg->iova, last, v->in_batch);
}

static int vhost_vdpa_iotlb_invalidate(struct vhost_vdpa *v,
				       struct vhost_vdpa_as *as,
				       const struct vhost_iotlb_msg *msg)
{
	u64 first = msg->iova, last = msg->iova + msg->size - 1;

	if (!msg->size || last < first)
		return -EINVAL;
	/*
	 * Entries are whole pages: take every page the range touches (DPDK
	 * starts with [0, U64_MAX - 1]).
	 */
	first = round_down(first, PAGE_SIZE);
	last |= PAGE_SIZE - 1;
	return vhost_vdpa_as_remove(as, first, last, v->in_batch);
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
	as = &v->maps.as[array_index_nospec(asid, v->vdpa->nas)];

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
		return vhost_vdpa_as_end_batch(as);
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

	mutex_lock(&v->map_lock);
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
	mutex_unlock(&v->map_lock);
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

static int vhost_vdpa_set_config_call(struct vhost_vdpa *v, const int *fd)
{
	struct eventfd_ctx *ctx;
	struct vdpa_callback cb;

	ctx = vhost_vdpa_eventfd(*fd);
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

/*
 * Reset the device. Afterwards it does not touch memory, so pages waiting
 * for a set_map can go; the tables go too unless the owner asked them to
 * persist (IOTLB_PERSIST) or @drop says they must go regardless.
 */
static int vhost_vdpa_reset_device(struct vhost_vdpa *v, bool drop)
{
	u32 i;
	int err;

	vhost_vdpa_producers(v, false);
	err = vdpa_reset(v->vdpa);
	if (err) {
		dev_err(&v->dev, "parent reset failed: %d\n", err);
		vhost_vdpa_detach_all(v);
	}
	v->in_batch = false;
	v->suspended = false;
	for (i = 0; i < v->vdpa->nvqs; i++) {
		struct vhost_vdpa_vq *vq = &v->vqs[i];

		/* The device forgot the rings; an owner that goes, the stops. */
		vq->desc = 0;
		vq->avail = 0;
		vq->used = 0;
		if (drop)
			vq->stopped = false;
	}
	/* A parent that failed to reset may still be running. */
	vhost_vdpa_maps_reset(&v->maps, !err);
	if (drop || !vhost_vdpa_acked(v, VHOST_BACKEND_F_IOTLB_PERSIST))
		vhost_vdpa_maps_clear(&v->maps);
	return err;
}

/* Reset for the owner, who keeps using the device. */
static int vhost_vdpa_reset(struct vhost_vdpa *v, bool drop)
{
	int err = vhost_vdpa_reset_device(v, drop);
	int err2 = vhost_vdpa_maps_install(&v->maps);

	/* DRIVER_OK retries it, and is refused while it fails. */
	if (err2)
		dev_warn(&v->dev, "cannot restore the maps after reset: %d\n",
			 err2);
	return err;
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
	vhost_vdpa_log_drop(v);
	vhost_vdpa_put_eventfds(v);
	/* What a failed unmap or reset kept pinned goes with the device. */
	vhost_vdpa_maps_close(&v->maps);
	vhost_vdpa_unbind_mm(v);
}

static void vhost_vdpa_free_state(struct vhost_vdpa *v)
{
	kfree(v->vqs);
	v->vqs = NULL;
	vhost_vdpa_maps_free(&v->maps);
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
					    const u64 *features)
{
	u64 f = *features;

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
	err = vhost_vdpa_maps_set_mm(&v->maps, current->mm);
	if (err)
		return err;
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
	vhost_vdpa_log_drop(v);
	vhost_vdpa_put_eventfds(v);
	vhost_vdpa_unbind_mm(v);
	return err;
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

/* Queue @idx's position as VHOST_GET_VRING_BASE reports it. */
static long vhost_vdpa_get_base(struct vhost_vdpa *v, u16 idx, u32 *num)
{
	struct vdpa_vq_state st = {};
	long err;

	err = ops_of(v)->get_vq_state(v->vdpa, idx, &st);
	if (err)
		return err;
	if (vhost_vdpa_packed(v))
		*num = st.packed.last_avail_idx |
		       st.packed.last_avail_counter << 15 |
		       (st.packed.last_used_idx |
			st.packed.last_used_counter << 15) << 16;
	else
		*num = st.split.avail_index;
	return 0;
}

/*
 * The owner resets a running device. QEMU up to 7.2 stops a device by
 * resetting it and asks for the queues' positions after (vhost-net
 * reports where a stopped queue stood; a reset virtio device would say 0),
 * and a migration's destination starts the queues there. So the
 * positions are taken first, from the device suspended if it can be,
 * and VHOST_GET_VRING_BASE reports them until the queue is set again or
 * the device restarts.
 */
static void vhost_vdpa_save_bases(struct vhost_vdpa *v)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	u32 i;

	if (!ops->suspend || (!v->suspended && ops->suspend(v->vdpa)))
		return;	/* a running device's positions would be stale */
	for (i = 0; i < v->vdpa->nvqs; i++) {
		struct vhost_vdpa_vq *vq = &v->vqs[i];

		vq->stopped = ops->get_vq_ready(v->vdpa, i) &&
			      !vhost_vdpa_get_base(v, i, &vq->stopped_base);
	}
}

static void vhost_vdpa_forget_bases(struct vhost_vdpa *v)
{
	u32 i;

	for (i = 0; i < v->vdpa->nvqs; i++)
		v->vqs[i].stopped = false;
}

static long vhost_vdpa_set_status(struct vhost_vdpa *v, const u8 *arg)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	u8 status = *arg, old;

	old = ops->get_status(v->vdpa);
	/* Bits only go away through a reset. */
	if (status && (old & ~status))
		return -EINVAL;
	if (!status) {
		if (old & VIRTIO_CONFIG_S_DRIVER_OK)
			vhost_vdpa_save_bases(v);
		return vhost_vdpa_reset(v, false);
	}

	if (status & ~old & VIRTIO_CONFIG_S_DRIVER_OK) {
		long err = vhost_vdpa_maps_ready(&v->maps);

		if (err)
			return err;
	}
	vdpa_set_status(v->vdpa, status);
	if (status & ~old & VIRTIO_CONFIG_S_DRIVER_OK) {
		vhost_vdpa_forget_bases(v);
		vhost_vdpa_producers(v, true);
	}
	return 0;
}

static long vhost_vdpa_config_check(struct vhost_vdpa *v,
				    const struct vhost_vdpa_config *c)
{
	size_t size;

	if (!v->vdpa)
		return -ENODEV;
	size = ops_of(v)->get_config_size(v->vdpa);
	/* As upstream: a bad offset is -EINVAL, a length past the end -E2BIG. */
	if (!c->len || c->off > size)
		return -EINVAL;
	if (c->len > size - c->off)
		return -E2BIG;
	return 0;
}

/*
 * GET_CONFIG and SET_CONFIG carry a buffer of their own length: it is
 * copied from or to userspace with v->lock dropped, as every argument is
 * (see vhost_vdpa_ioctl()).
 */
static long vhost_vdpa_config_ioctl(struct vhost_vdpa *v, unsigned int cmd,
				    struct vhost_vdpa_config __user *argp)
{
	bool set = cmd == VHOST_VDPA_SET_CONFIG;
	struct vhost_vdpa_config c;
	long err;
	u8 *buf;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	mutex_lock(&v->lock);
	err = vhost_vdpa_config_check(v, &c);
	mutex_unlock(&v->lock);
	if (err)
		return err;

	buf = set ? vmemdup_user(argp->buf, c.len) : kvzalloc(c.len, GFP_KERNEL);
	if (IS_ERR_OR_NULL(buf))
		return buf ? PTR_ERR(buf) : -ENOMEM;
	mutex_lock(&v->lock);
	err = vhost_vdpa_config_check(v, &c);
	if (!err && set)
		vdpa_set_config(v->vdpa, c.off, buf, c.len);
	else if (!err)
		vdpa_get_config(v->vdpa, c.off, buf, c.len);
	mutex_unlock(&v->lock);
	if (!err && !set && copy_to_user(argp->buf, buf, c.len))
		err = -EFAULT;
	kvfree(buf);
	return err;
}

/*
 * VHOST_F_LOG_ALL is vhost's, not the device's: it attaches the dirty log
 * and is the one bit that may change while the device runs (QEMU turns
 * logging on and off around a migration).
 */
static long vhost_vdpa_set_features(struct vhost_vdpa *v, const u64 *features)
{
	bool log = *features & BIT_ULL(VHOST_F_LOG_ALL);
	u64 f = *features & ~BIT_ULL(VHOST_F_LOG_ALL);
	int err;

	if (log && !vhost_vdpa_can_log(v))
		return -EINVAL;
	/* Features are fixed once the device accepted them, but for logging. */
	if (ops_of(v)->get_status(v->vdpa) & VIRTIO_CONFIG_S_FEATURES_OK) {
		if (f != v->features || log == v->log.on)
			return -EBUSY;
	} else if (vdpa_set_features(v->vdpa, f)) {
		return -EINVAL;
	}
	v->features = f;
	if (!log) {
		if (v->log.on)
			vhost_vdpa_log_attach(v, false);
		/* Nothing marks any more: the pins can go. */
		vhost_vdpa_log_install(&v->log, NULL);
		return 0;
	}
	err = vhost_vdpa_log_repin(v, v->log_end);
	if (err)
		return err;
	return vhost_vdpa_log_attach(v, true);
}

/* VHOST_SET_LOG_BASE: a new log; while logging, pinned before it is used. */
static long vhost_vdpa_set_log_base(struct vhost_vdpa *v, u64 base)
{
	u64 old = v->log.base;
	int err;

	if (!vhost_vdpa_can_log(v))
		return -EOPNOTSUPP;
	v->log.base = base;
	if (!v->log.on)
		return 0;
	err = vhost_vdpa_log_repin(v, v->log_end);
	if (err && !vhost_vdpa_still_owner(v))
		v->log.base = old;	/* the old pins are still in place */
	return err;
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

static long vhost_vdpa_vring_base(struct vhost_vdpa *v, unsigned int cmd,
				  u16 idx, struct vhost_vring_state *s)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	struct vdpa_vq_state st = {};
	long err;

	if (cmd == VHOST_GET_VRING_BASE) {
		if (v->vqs[idx].stopped) {
			s->num = v->vqs[idx].stopped_base;
			return 0;
		}
		return vhost_vdpa_get_base(v, idx, &s->num);
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
	err = ops->set_vq_state(v->vdpa, idx, &st);
	if (!err)
		v->vqs[idx].stopped = false;
	return err;
}

static long vhost_vdpa_set_vring_addr(struct vhost_vdpa *v, u16 idx,
				      const struct vhost_vring_addr *arg)
{
	struct vhost_vring_addr a = *arg;

	/*
	 * VHOST_VRING_F_LOG needs no log_guest_addr here: the used ring is
	 * written by IOVA, and the log is by IOVA, so it is logged anyway.
	 */
	struct vhost_vdpa_vq *vq = &v->vqs[idx];

	if (a.flags & ~BIT(VHOST_VRING_F_LOG))
		return -EOPNOTSUPP;
	/* The alignments virtio requires of split rings. */
	if ((a.desc_user_addr & 15) || (a.avail_user_addr & 1) ||
	    (a.used_user_addr & 3))
		return -EINVAL;
	if (!vhost_vdpa_vq_settable(v)) {
		/* QEMU turns VHOST_VRING_F_LOG on and off on a running ring. */
		if (a.desc_user_addr == vq->desc &&
		    a.avail_user_addr == vq->avail &&
		    a.used_user_addr == vq->used)
			return 0;
		return -EINVAL;
	}
	if (ops_of(v)->set_vq_address(v->vdpa, idx, a.desc_user_addr,
				      a.avail_user_addr, a.used_user_addr))
		return -EINVAL;
	vq->desc = a.desc_user_addr;
	vq->avail = a.avail_user_addr;
	vq->used = a.used_user_addr;
	return 0;
}

static long vhost_vdpa_vring_ioctl(struct vhost_vdpa *v, unsigned int cmd,
				   void *arg)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	struct vdpa_device *vdpa = v->vdpa;
	struct vhost_vring_state s;
	struct vhost_vring_file f;
	struct vhost_vdpa_vq *vq;
	u32 idx;

	/* Every argument starts with the queue (or group) index. */
	memcpy(&idx, arg, sizeof(idx));
	memcpy(&s, arg, sizeof(s));
	memcpy(&f, arg, sizeof(f));

	if (cmd == VHOST_VDPA_SET_GROUP_ASID) {
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
		if (!s.num || s.num > ops->get_vq_num_max(vdpa) ||
		    !is_power_of_2(s.num))
			return -EINVAL;
		if (!vhost_vdpa_vq_settable(v) && ops->get_vq_ready(vdpa, idx))
			return -EBUSY;
		ops->set_vq_num(vdpa, idx, s.num);
		return 0;
	case VHOST_SET_VRING_ADDR:
		return vhost_vdpa_set_vring_addr(v, idx, arg);
	case VHOST_SET_VRING_BASE:
		return vhost_vdpa_vring_base(v, cmd, idx, &s);
	case VHOST_GET_VRING_BASE: {
		long err = vhost_vdpa_vring_base(v, cmd, idx, &s);

		if (err)
			return err;
		break;
	}
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL:
	case VHOST_SET_VRING_ERR:
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
		vq->busyloop_timeout = s.num;
		return 0;
	case VHOST_GET_VRING_BUSYLOOP_TIMEOUT:
		s.num = vq->busyloop_timeout;
		break;
	case VHOST_VDPA_SET_VRING_ENABLE:
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
	memcpy(arg, &s, sizeof(s));
	return 0;
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

/* An ioctl's argument, in kernel memory; the largest is vhost_vring_addr. */
union vhost_vdpa_arg {
	u8 u8;
	u16 u16;
	u32 u32;
	u64 u64;
	int fd;
	struct vhost_vring_state state;
	struct vhost_vring_file file;
	struct vhost_vring_addr addr;
	struct vhost_vdpa_iova_range range;
};

static long vhost_vdpa_do_ioctl(struct vhost_vdpa *v, unsigned int cmd,
				union vhost_vdpa_arg *arg)
{
	const struct vdpa_config_ops *ops = ops_of(v);
	struct vdpa_device *vdpa = v->vdpa;
	long err;

	/*
	 * As upstream: queue setup, memory and owner changes need the owner;
	 * device-wide queries and status/config/feature writes do not (QEMU
	 * sets ACKNOWLEDGE|DRIVER before it takes ownership). Nothing the
	 * device can reach exists before an owner maps it.
	 */
	if (vhost_vdpa_is_vring_cmd(cmd)) {
		err = vhost_vdpa_owner_check(v);
		return err ? err : vhost_vdpa_vring_ioctl(v, cmd, arg);
	}

	switch (cmd) {
	case VHOST_SET_OWNER:
		return vhost_vdpa_set_owner(v);
	case VHOST_RESET_OWNER:
		return vhost_vdpa_reset_owner(v);
	case VHOST_GET_FEATURES:
		arg->u64 = ops->get_device_features(vdpa);
		if (vhost_vdpa_can_log(v))
			arg->u64 |= BIT_ULL(VHOST_F_LOG_ALL);
		return 0;
	case VHOST_SET_FEATURES:
		return vhost_vdpa_set_features(v, &arg->u64);
	case VHOST_GET_BACKEND_FEATURES:
		arg->u64 = vhost_vdpa_offered(v);
		return 0;
	case VHOST_SET_BACKEND_FEATURES:
		return vhost_vdpa_set_backend_features(v, &arg->u64);
	case VHOST_SET_LOG_BASE:
		err = vhost_vdpa_owner_check(v);
		if (err)
			return err;
		return vhost_vdpa_set_log_base(v, arg->u64);
	case VHOST_SET_LOG_FD:
		err = vhost_vdpa_owner_check(v);
		if (err)
			return err;
		if (!vhost_vdpa_can_log(v))
			return -EOPNOTSUPP;
		return vhost_vdpa_log_set_fd(&v->log, arg->fd);
	case VHOST_SET_MEM_TABLE:
		/* Memory comes as IOTLB messages; a table would be ignored. */
		err = vhost_vdpa_owner_check(v);
		return err ? err : -EOPNOTSUPP;
	case VHOST_VDPA_GET_DEVICE_ID:
		arg->u32 = ops->get_device_id(vdpa);
		return 0;
	case VHOST_VDPA_GET_STATUS:
		arg->u8 = ops->get_status(vdpa);
		return 0;
	case VHOST_VDPA_SET_STATUS:
		return vhost_vdpa_set_status(v, &arg->u8);
	case VHOST_VDPA_GET_VRING_NUM:
		arg->u16 = ops->get_vq_num_max(vdpa);
		return 0;
	case VHOST_VDPA_SET_CONFIG_CALL:
		return vhost_vdpa_set_config_call(v, &arg->fd);
	case VHOST_VDPA_GET_IOVA_RANGE:
		arg->range.first = v->maps.range.first;
		arg->range.last = v->maps.range.last;
		return 0;
	case VHOST_VDPA_GET_CONFIG_SIZE:
		arg->u32 = ops->get_config_size(vdpa);
		return 0;
	case VHOST_VDPA_GET_AS_NUM:
		arg->u32 = vdpa->nas;
		return 0;
	case VHOST_VDPA_GET_VQS_COUNT:
		arg->u32 = vdpa->nvqs;
		return 0;
	case VHOST_VDPA_GET_GROUP_NUM:
		arg->u32 = vdpa->ngroups;
		return 0;
	case VHOST_VDPA_SUSPEND:
		return vhost_vdpa_suspend(v, true);
	case VHOST_VDPA_RESUME:
		return vhost_vdpa_suspend(v, false);
	}
	return -ENOTTY;
}

/*
 * Which way an ioctl's argument goes. The direction bits of the numbers
 * cannot be trusted for this (GET_VRING_BUSYLOOP_TIMEOUT is _IOW, and
 * writes back), so the list is explicit; the size is the number's.
 */
static void vhost_vdpa_arg_dir(unsigned int cmd, bool *in, bool *out)
{
	*in = false;
	*out = false;
	switch (cmd) {
	case VHOST_GET_VRING_BASE:
	case VHOST_GET_VRING_BUSYLOOP_TIMEOUT:
	case VHOST_VDPA_GET_VRING_GROUP:
	case VHOST_VDPA_GET_VRING_DESC_GROUP:
	case VHOST_VDPA_GET_VRING_SIZE:
		*in = true;
		fallthrough;
	case VHOST_GET_FEATURES:
	case VHOST_GET_BACKEND_FEATURES:
	case VHOST_VDPA_GET_DEVICE_ID:
	case VHOST_VDPA_GET_STATUS:
	case VHOST_VDPA_GET_VRING_NUM:
	case VHOST_VDPA_GET_IOVA_RANGE:
	case VHOST_VDPA_GET_CONFIG_SIZE:
	case VHOST_VDPA_GET_AS_NUM:
	case VHOST_VDPA_GET_VQS_COUNT:
	case VHOST_VDPA_GET_GROUP_NUM:
		*out = true;
		break;
	case VHOST_SET_FEATURES:
	case VHOST_SET_BACKEND_FEATURES:
	case VHOST_VDPA_SET_STATUS:
	case VHOST_VDPA_SET_CONFIG_CALL:
	case VHOST_SET_VRING_NUM:
	case VHOST_SET_VRING_ADDR:
	case VHOST_SET_VRING_BASE:
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL:
	case VHOST_SET_VRING_ERR:
	case VHOST_SET_VRING_BUSYLOOP_TIMEOUT:
	case VHOST_VDPA_SET_VRING_ENABLE:
	case VHOST_VDPA_SET_GROUP_ASID:
	case VHOST_SET_LOG_BASE:
	case VHOST_SET_LOG_FD:
		*in = true;
		break;
	}
}

/*
 * Arguments are copied in before v->lock is taken and out after it is
 * dropped: a fault on user memory (userfaultfd, FUSE) may wait on
 * userspace for ever, and removal, which takes v->lock, must not.
 */
static long vhost_vdpa_ioctl(struct file *file, unsigned int cmd,
			     unsigned long uarg)
{
	struct vhost_vdpa *v = file->private_data;
	void __user *argp = (void __user *)uarg;
	union vhost_vdpa_arg arg = {};
	size_t size = _IOC_SIZE(cmd);
	/*
	 * These pin the dirty log, or reset the device and push the tables
	 * to the parent again: they wait for an IOTLB message in flight,
	 * which drops v->lock while it pins and would otherwise find half its
	 * range pushed by them, fail on it and unpin what the parent holds.
	 */
	bool pins = cmd == VHOST_SET_FEATURES || cmd == VHOST_SET_LOG_BASE ||
		    cmd == VHOST_VDPA_SET_STATUS || cmd == VHOST_RESET_OWNER;
	bool in, out;
	long ret;

	if (cmd == VHOST_VDPA_GET_CONFIG || cmd == VHOST_VDPA_SET_CONFIG)
		return vhost_vdpa_config_ioctl(v, cmd, argp);
	vhost_vdpa_arg_dir(cmd, &in, &out);
	if ((in || out) && size > sizeof(arg))
		return -ENOTTY;
	if (in && copy_from_user(&arg, argp, size))
		return -EFAULT;

	if (pins)
		mutex_lock(&v->map_lock);
	mutex_lock(&v->lock);
	if (v->vdpa)
		ret = vhost_vdpa_do_ioctl(v, cmd, &arg);
	else
		ret = -ENODEV;
	mutex_unlock(&v->lock);
	if (pins)
		mutex_unlock(&v->map_lock);

	if (!ret && out && copy_to_user(argp, &arg, size))
		ret = -EFAULT;
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
	struct vdpa_device *vdpa = v->vdpa;
	u32 i;
	int err;

	v->vqs = kcalloc(vdpa->nvqs, sizeof(*v->vqs), GFP_KERNEL);
	if (!v->vqs)
		return -ENOMEM;
	for (i = 0; i < vdpa->nvqs; i++)
		v->vqs[i].idx = i;
	v->log_offered = READ_ONCE(dirty_log);
	err = vhost_vdpa_maps_open(&v->maps, vdpa, &v->dev);
	if (err)
		goto err;

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
	struct vhost_vdpa *v;
	int err;

	xa_lock(&vhost_vdpa_minors);
	v = xa_load(&vhost_vdpa_minors, iminor(inode));
	if (v)
		get_device(&v->dev);
	xa_unlock(&vhost_vdpa_minors);
	if (!v)
		return -ENXIO;	/* as for a minor without a cdev */

	mutex_lock(&v->lock);
	if (!v->vdpa)
		err = -ENODEV;
	else if (v->open)
		err = -EBUSY;	/* one owner at a time, as upstream */
	else
		err = vhost_vdpa_open_locked(v, file);
	mutex_unlock(&v->lock);
	if (err) {
		put_device(&v->dev);
		return err;
	}
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
	put_device(&v->dev);
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

	xa_erase(&vhost_vdpa_minors, v->minor);
	mutex_destroy(&v->map_lock);
	mutex_destroy(&v->lock);
	mutex_destroy(&v->db_lock);
	kfree(v);
}

static int vhost_vdpa_probe(struct vdpa_device *vdpa)
{
	const struct vdpa_config_ops *ops = vdpa->ops;
	struct vhost_vdpa *v;
	u32 minor;
	int err;

	/* Without a map op, only an IOMMU keeps the owner in its memory. */
	if (!ops->set_map && !ops->dma_map &&
	    !device_iommu_mapped(vdpa_get_dma_dev(vdpa)))
		return -EOPNOTSUPP;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	err = xa_alloc(&vhost_vdpa_minors, &minor, NULL,
		       XA_LIMIT(0, VHOST_VDPA_MINORS - 1), GFP_KERNEL);
	if (err) {
		kfree(v);
		return err == -EBUSY ? -ENOSPC : err;
	}
	v->minor = minor;
	v->vdpa = vdpa;
	v->db_vdpa = vdpa;
	mutex_init(&v->map_lock);
	mutex_init(&v->lock);
	vhost_vdpa_log_init(&v->log);
	mutex_init(&v->db_lock);
	init_waitqueue_head(&v->read_wait);

	device_initialize(&v->dev);
	v->dev.parent = &vdpa->dev;
	v->dev.devt = MKDEV(MAJOR(vhost_vdpa_devt), minor);
	v->dev.release = vhost_vdpa_release_dev;
	err = dev_set_name(&v->dev, "vhost-vdpa-%u", minor);
	if (err)
		goto err;
	err = device_add(&v->dev);
	if (err)
		goto err;
	xa_store(&vhost_vdpa_minors, minor, v, GFP_KERNEL);
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
	xa_store(&vhost_vdpa_minors, v->minor, NULL, GFP_KERNEL);
	device_del(&v->dev);

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

	/* "vhost-vdpa" in /proc/devices: DPDK's virtio_user looks for it. */
	err = alloc_chrdev_region(&vhost_vdpa_devt, 0, VHOST_VDPA_MINORS,
				  "vhost-vdpa");
	if (err)
		return err;
	cdev_init(&vhost_vdpa_cdev, &vhost_vdpa_fops);
	vhost_vdpa_cdev.owner = THIS_MODULE;
	err = cdev_add(&vhost_vdpa_cdev, vhost_vdpa_devt, VHOST_VDPA_MINORS);
	if (err)
		goto err_region;
	err = vdpa_register_driver(&vhost_vdpa_driver);
	if (err)
		goto err_cdev;
	return 0;

err_cdev:
	cdev_del(&vhost_vdpa_cdev);
err_region:
	unregister_chrdev_region(vhost_vdpa_devt, VHOST_VDPA_MINORS);
	return err;
}

static void __exit vhost_vdpa_exit(void)
{
	vdpa_unregister_driver(&vhost_vdpa_driver);
	cdev_del(&vhost_vdpa_cdev);
	unregister_chrdev_region(vhost_vdpa_devt, VHOST_VDPA_MINORS);
}

module_init(vhost_vdpa_init);
module_exit(vhost_vdpa_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vDPA devices as vhost devices for userspace: /dev/vhost-vdpa-N");
