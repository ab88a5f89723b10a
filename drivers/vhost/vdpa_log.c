// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-vdpa's dirty page log.
 *
 * A VMM migrating a guest copies the pages the guest and the device wrote;
 * it learns the device's writes from this log. The format is vhost's: the
 * owner hands a bitmap in its memory (VHOST_SET_LOG_BASE), bit N of which
 * covers the 4 KiB page at N * 4096, and acks VHOST_F_LOG_ALL; here N is
 * the IOVA's page, as QEMU maps guest memory at IOVA = guest physical
 * address. Bits are set atomically in the owner's page; the owner's
 * eventfd (VHOST_SET_LOG_FD) is signalled after.
 *
 * The parent marks from its own context, under its own locks: reaching the
 * owner's page there could fault and wait on userspace (a log in a
 * userfaultfd or FUSE mapping) with the device held. So the part of the
 * log that covers what the device may write (every IOVA below the end of
 * the highest writable mapping) is pinned beforehand, in the owner's
 * context, long-term (which refuses file-backed mappings) and charged to
 * its RLIMIT_MEMLOCK, and a mark only sets bits in pinned pages under a
 * spinlock. The pins exist while logging is on and are redone whole when
 * the log moves or must grow; a log of a 1 TiB guest is 32 MiB.
 */

#include <linux/capability.h>
#include <linux/eventfd.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <uapi/linux/vhost_types.h>

#include "vdpa_log.h"

#define LOG_BITS_PER_PAGE	(PAGE_SIZE * BITS_PER_BYTE)

/**
 * struct vhost_vdpa_log_pins - the pinned part of a log
 * @mm: the owner's mm, charged for @npages; outlives the pins
 * @base: the log's user address the pins were taken for
 * @npages: pages pinned from @base's page on
 * @pages: the pages
 */
struct vhost_vdpa_log_pins {
	struct mm_struct *mm;
	u64 base;
	unsigned long npages;
	struct page *pages[] __counted_by(npages);
};

/* Bit @bit of the log, counted from its page-aligned start. */
static u64 vhost_vdpa_log_abs(u64 base, u64 bit)
{
	return (base & ~PAGE_MASK) * BITS_PER_BYTE + bit;
}

/* Pages of a log at @base covering IOVAs [0, @end). */
static u64 vhost_vdpa_log_npages(u64 base, u64 end)
{
	u64 bits = DIV_ROUND_UP_ULL(end, VHOST_PAGE_SIZE);

	return bits ? vhost_vdpa_log_abs(base, bits - 1) / LOG_BITS_PER_PAGE + 1
		    : 0;
}

static void vhost_vdpa_log_mark(struct vdpa_dirty_log *log, u64 iova, u64 len)
{
	struct vhost_vdpa_log *l = container_of(log, struct vhost_vdpa_log, log);
	struct vhost_vdpa_log_pins *pins;
	u64 bit, last;

	if (!len)
		return;
	bit = iova / VHOST_PAGE_SIZE;
	last = (iova + len - 1) / VHOST_PAGE_SIZE;

	spin_lock(&l->lock);
	pins = l->pins;
	while (bit <= last) {
		u64 abs, idx, first, n;
		unsigned long *p;

		if (!pins)
			break;
		abs = vhost_vdpa_log_abs(pins->base, bit);
		idx = abs / LOG_BITS_PER_PAGE;
		if (idx >= pins->npages)
			break;
		first = abs % LOG_BITS_PER_PAGE;
		n = min(LOG_BITS_PER_PAGE - first, last - bit + 1);
		p = kmap_local_page(pins->pages[idx]);
		for (abs = first; abs < first + n; abs++)
			set_bit(abs, p);
		kunmap_local(p);
		bit += n;
	}
	/* The pins cover every writable mapping: a page beyond is our bug. */
	if (bit <= last)
		pr_warn_ratelimited("vhost-vdpa: dirty log: %llu written pages outside the pinned log, not marked\n",
				    last - bit + 1);
	if (l->ctx)
		eventfd_signal(l->ctx);
	spin_unlock(&l->lock);
}

/**
 * vhost_vdpa_log_init - set up a device's log, empty
 * @l: the log
 */
void vhost_vdpa_log_init(struct vhost_vdpa_log *l)
{
	l->log.mark = vhost_vdpa_log_mark;
	spin_lock_init(&l->lock);
}

/**
 * vhost_vdpa_log_covers - whether the pinned log covers IOVAs [0, @end)
 * @l: the log
 * @end: one past the highest IOVA the device may write
 *
 * Return: true if nothing needs pinning for @end.
 */
bool vhost_vdpa_log_covers(const struct vhost_vdpa_log *l, u64 end)
{
	u64 need = l->base ? vhost_vdpa_log_npages(l->base, end) : 0;

	if (!need)
		return true;
	return l->pins && l->pins->base == l->base && l->pins->npages >= need;
}

/**
 * vhost_vdpa_log_unpin - release pins that are not (or no longer) installed
 * @pins: from vhost_vdpa_log_pin(), or NULL
 */
void vhost_vdpa_log_unpin(struct vhost_vdpa_log_pins *pins)
{
	if (!pins)
		return;
	unpin_user_pages_dirty_lock(pins->pages, pins->npages, true);
	atomic64_sub(pins->npages, &pins->mm->pinned_vm);
	kvfree(pins);
}

/**
 * vhost_vdpa_log_pin - pin the log at @l's base for IOVAs [0, @end)
 * @l: the log, whose base the caller keeps still meanwhile
 * @end: one past the highest IOVA the device may write
 * @pins: set to the pins, NULL if there is no log or nothing to cover
 *
 * In the owner's context, with nothing held that the device or its removal
 * needs: pinning faults the owner's pages in, and a fault may wait on
 * userspace.
 *
 * Return: 0; -EFAULT if the log is not writable memory of the owner's for
 * all of it; -ENOMEM past RLIMIT_MEMLOCK or the machine's memory; -EINTR
 * on a fatal signal.
 */
int vhost_vdpa_log_pin(const struct vhost_vdpa_log *l, u64 end,
		       struct vhost_vdpa_log_pins **pins)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	u64 base = l->base, npages = base ? vhost_vdpa_log_npages(base, end) : 0;
	struct mm_struct *mm = current->mm;
	struct vhost_vdpa_log_pins *p;
	unsigned long done = 0;
	long got;

	*pins = NULL;
	if (!npages)
		return 0;
	/* A log for IOVAs far beyond memory: even CAP_IPC_LOCK cannot have it. */
	if (npages > totalram_pages() ||
	    (npages > limit && !capable(CAP_IPC_LOCK)))
		return -ENOMEM;
	if ((base & PAGE_MASK) + npages * PAGE_SIZE - 1 < base)
		return -EFAULT;
	p = kvmalloc(struct_size(p, pages, npages), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	p->mm = mm;
	p->base = base;
	p->npages = 0;
	if (atomic64_add_return(npages, &mm->pinned_vm) > limit &&
	    !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		kvfree(p);
		return -ENOMEM;
	}
	while (done < npages) {
		got = pin_user_pages_fast((base & PAGE_MASK) + done * PAGE_SIZE,
					  min_t(u64, npages - done, INT_MAX),
					  FOLL_WRITE | FOLL_LONGTERM,
					  p->pages + done);
		if (got <= 0)
			break;
		done += got;
		p->npages = done;
		if (done < npages && fatal_signal_pending(current)) {
			got = -EINTR;
			break;
		}
	}
	/* Only what is pinned stays charged. */
	atomic64_sub(npages - done, &mm->pinned_vm);
	if (done < npages) {
		vhost_vdpa_log_unpin(p);
		return got < 0 ? got : -EFAULT;
	}
	*pins = p;
	return 0;
}

/**
 * vhost_vdpa_log_install - mark into @pins from now on
 * @l: the log
 * @pins: from vhost_vdpa_log_pin(), or NULL for none; the log owns them
 *
 * The pins in place before are released once no mark uses them.
 */
void vhost_vdpa_log_install(struct vhost_vdpa_log *l,
			    struct vhost_vdpa_log_pins *pins)
{
	struct vhost_vdpa_log_pins *old;

	spin_lock(&l->lock);
	old = l->pins;
	l->pins = pins;
	spin_unlock(&l->lock);
	vhost_vdpa_log_unpin(old);
}

/**
 * vhost_vdpa_log_set_fd - VHOST_SET_LOG_FD
 * @l: the log
 * @fd: an eventfd, or -1 for none
 *
 * Return: 0, or the eventfd lookup's error.
 */
int vhost_vdpa_log_set_fd(struct vhost_vdpa_log *l, int fd)
{
	struct eventfd_ctx *ctx = NULL, *old;

	if (fd != -1) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	spin_lock(&l->lock);
	old = l->ctx;
	l->ctx = ctx;
	spin_unlock(&l->lock);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

/**
 * vhost_vdpa_log_clear - the owner is gone: forget its log
 * @l: the log, detached from the parent
 */
void vhost_vdpa_log_clear(struct vhost_vdpa_log *l)
{
	vhost_vdpa_log_install(l, NULL);
	vhost_vdpa_log_set_fd(l, -1);
	l->base = 0;
}
