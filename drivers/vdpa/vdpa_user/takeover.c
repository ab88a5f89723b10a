// SPDX-License-Identifier: GPL-2.0
/*
 * When the daemon is gone for good, the kernel answers for the device.
 *
 * A block driver in the kernel (virtio_blk over virtio_vdpa) waits for
 * every request it made available, and its removal waits for them too: a
 * daemon killed with requests in flight would hang the disk and
 * "vdpa dev del" for ever. So the kernel keeps its own count of the heads
 * the driver has in flight on every split ring in the device's domain,
 * from the avail and used rings, before every interrupt's callback: a
 * driver in the kernel reaps used buffers in that callback only, so
 * until the next one it cannot make more than a ring's worth of heads
 * available, and no entry the count has not read yet is overwritten (a
 * window larger than the ring is reported).
 *
 * When the device breaks (a request unanswered, or no daemon for
 * msg_timeout seconds while a driver runs), the kernel revokes the
 * daemon's mappings and completes what is in flight, and everything
 * made available afterwards, with VIRTIO_BLK_S_IOERR: the block layer
 * sees I/O errors and the device can be reset and deleted.
 *
 * Other device types are only broken: virtio_net never waits for its
 * buffers, and completing them would feed it empty frames for ever.
 *
 * Everything here runs under the queue's @kick_lock, in any context. The
 * rings are coherent memory the driver keeps while the queue is enabled;
 * descriptors and buffers, which the daemon may have pointed anywhere,
 * are reached a page at a time through the domain.
 */

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <uapi/linux/virtio_blk.h>
#include <uapi/linux/virtio_ring.h>

#include "vduse.h"
#include "domain.h"

/* Offsets in a split ring's driver (avail) and device (used) areas. */
#define AVAIL_IDX		2
#define AVAIL_RING(i)		(4 + 2 * (u64)(i))
#define USED_IDX		2
#define USED_RING(i)		(4 + 8 * (u64)(i))
#define USED_AVAIL_EVENT(num)	USED_RING(num)

/* The split ring's entries as a VERSION_1 device sees them: little endian. */
struct vduse_desc {
	__le64 addr;
	__le32 len;
	__le16 flags;
	__le16 next;
};

struct vduse_used_elem {
	__le32 id;
	__le32 len;
};

/* Copy between @buf and IOVA @iova of @domain; false if a page is missing. */
static bool vduse_iova_rw(struct vduse_domain *domain, u64 iova, void *buf,
			  size_t len, bool write)
{
	if (iova + len < iova)
		return false;
	while (len) {
		size_t off = offset_in_page(iova);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		struct page *page = vduse_domain_get_page(domain, iova);
		void *p;

		if (!page)
			return false;
		p = kmap_local_page(page);
		if (write)
			memcpy(p + off, buf, n);
		else
			memcpy(buf, p + off, n);
		kunmap_local(p);
		put_page(page);
		iova += n;
		buf += n;
		len -= n;
	}
	return true;
}

static u16 vduse_ring16(const void *area, u64 off)
{
	return le16_to_cpu(READ_ONCE(*(const __le16 *)(area + off)));
}

static void vduse_set_ring16(void *area, u64 off, u16 val)
{
	WRITE_ONCE(*(__le16 *)(area + off), cpu_to_le16(val));
}

static void vduse_track_lost(struct vduse_vq *vq, const char *why)
{
	if (!vq->track_lost)
		dev_warn_ratelimited(&vq->dev->dev,
				     "queue %u: lost count of requests in flight (%s)\n",
				     vq->index, why);
	vq->track_lost = true;
}

/*
 * Account what the driver made available and the daemon used since the
 * last look. Counts, not bits: a head used and made available again in
 * one window nets out whatever the order the two rings are read in. It
 * runs before every interrupt's callback, so it only reads new entries.
 */
static void vduse_track_scan_locked(struct vduse_vq *vq)
{
	u16 idx, head, n, i;
	u32 id;

	lockdep_assert_held(&vq->kick_lock);
	idx = vduse_ring16(vq->avail_va, AVAIL_IDX);
	/* The entries are read after the index that published them. */
	smp_rmb();
	n = idx - vq->seen_avail;
	if (n > vq->num) {
		vduse_track_lost(vq, "avail index jumped");
		n = 0;
	}
	for (i = 0; i < n; i++) {
		head = vduse_ring16(vq->avail_va,
				    AVAIL_RING((u16)(vq->seen_avail + i) % vq->num));
		if (head < vq->num && vq->inflight[head] < U8_MAX)
			vq->inflight[head]++;
	}
	vq->seen_avail = idx;

	idx = vduse_ring16(vq->used_va, USED_IDX);
	/* As above: the daemon published the entries with the index. */
	smp_rmb();
	n = idx - vq->seen_used;
	if (n > vq->num) {
		vduse_track_lost(vq, "used index jumped");
		n = 0;
	}
	for (i = 0; i < n; i++) {
		id = le32_to_cpu(READ_ONCE(*(__le32 *)(vq->used_va +
			USED_RING((u16)(vq->seen_used + i) % vq->num))));
		/* A daemon's garbage is the driver's to find, not ours. */
		if (id < vq->num && vq->inflight[id])
			vq->inflight[id]--;
	}
	vq->seen_used = idx;
}

/**
 * vduse_track_scan - an interrupt is due: account the rings
 * @vq: the queue
 *
 * Context: any; takes @vq->kick_lock.
 */
void vduse_track_scan(struct vduse_vq *vq)
{
	unsigned long flags;

	spin_lock_irqsave(&vq->kick_lock, flags);
	if (vq->inflight)
		vduse_track_scan_locked(vq);
	spin_unlock_irqrestore(&vq->kick_lock, flags);
}

/**
 * vduse_track_start - the driver started the device: count its requests
 * @dev: the device
 *
 * Only split rings a driver in the kernel placed in coherent memory of the
 * domain are counted; vhost-vdpa's rings are its owner's, who waits on
 * its own. The rings are read through their kernel addresses: a driver
 * frees a ring only after it disabled the queue or reset the device, and
 * either stops the count first.
 */
void vduse_track_start(struct vduse_dev *dev)
{
	u64 features = READ_ONCE(dev->driver_features);
	struct vduse_domain *domain = dev->domain;
	u32 i;

	if (!domain || (features & BIT_ULL(VIRTIO_F_RING_PACKED)) ||
	    !(features & BIT_ULL(VIRTIO_F_VERSION_1)) || !vduse_umap_empty(dev))
		return;
	for (i = 0; i < dev->nvqs; i++) {
		struct vduse_vq *vq = &dev->vqs[i];
		void *avail, *used;
		u8 *counts;

		/* Split rings are a power of two long (virtio 1.2, 2.7). */
		if (!READ_ONCE(vq->ready) || !is_power_of_2(vq->num))
			continue;
		avail = vduse_domain_coherent_va(domain, vq->driver_addr,
						 AVAIL_RING(vq->num) + 2);
		used = vduse_domain_coherent_va(domain, vq->device_addr,
						USED_AVAIL_EVENT(vq->num) + 2);
		if (!avail || !used)
			continue;
		counts = kcalloc(vq->num, sizeof(*counts), GFP_KERNEL);
		if (!counts)
			continue;
		spin_lock_irq(&vq->kick_lock);
		if (!vq->inflight && vq->ready) {
			vq->inflight = counts;
			counts = NULL;
			vq->avail_va = avail;
			vq->used_va = used;
			/* Nothing was used yet: all made available is in flight. */
			vq->seen_used = vduse_ring16(used, USED_IDX);
			vq->seen_avail = vq->seen_used;
			vq->track_lost = false;
			vduse_track_scan_locked(vq);
		}
		spin_unlock_irq(&vq->kick_lock);
		kfree(counts);
	}
}

/**
 * vduse_track_stop - the queue is disabled or reset: stop counting
 * @vq: the queue
 */
void vduse_track_stop(struct vduse_vq *vq)
{
	u8 *counts;

	spin_lock_irq(&vq->kick_lock);
	counts = vq->inflight;
	vq->inflight = NULL;
	spin_unlock_irq(&vq->kick_lock);
	kfree(counts);
}

/* The last descriptor of @head's chain, direct or through one indirect table. */
static bool vduse_chain_last(struct vduse_vq *vq, struct vduse_domain *domain,
			     u16 head, struct vduse_desc *last)
{
	u64 table = vq->desc_addr;
	u32 size = vq->num, i = head, hops = 0;
	bool indirect = false;
	struct vduse_desc d;
	u16 flags;

	for (;;) {
		/* A chain is never longer than the ring (virtio 1.2, 2.7.5.3.1). */
		if (i >= size || hops++ >= vq->num)
			return false;
		if (!vduse_iova_rw(domain, table + (u64)i * sizeof(d), &d,
				   sizeof(d), false))
			return false;
		flags = le16_to_cpu(d.flags);
		if (flags & VRING_DESC_F_INDIRECT) {
			if (indirect)
				return false;
			indirect = true;
			table = le64_to_cpu(d.addr);
			size = min_t(u32, le32_to_cpu(d.len) / sizeof(d), vq->num);
			i = 0;
			hops = 0;
			continue;
		}
		if (!(flags & VRING_DESC_F_NEXT)) {
			*last = d;
			return true;
		}
		i = le16_to_cpu(d.next);
	}
}

/*
 * Complete every head in flight: a block request gets VIRTIO_BLK_S_IOERR
 * in its status byte (the last, device-writable byte of its chain). Then
 * ask for a kick on the next buffer, so later requests fail as fast.
 * Return: true if the driver has something to reap.
 */
static bool vduse_fail_inflight_locked(struct vduse_vq *vq,
				       struct vduse_domain *domain)
{
	u8 status = VIRTIO_BLK_S_IOERR;
	struct vduse_used_elem elem;
	struct vduse_desc last;
	u16 used, head, done = 0;

	vduse_track_scan_locked(vq);
	used = vduse_ring16(vq->used_va, USED_IDX);
	for (head = 0; head < vq->num; head++) {
		if (!vq->inflight[head])
			continue;
		if (vduse_chain_last(vq, domain, head, &last) &&
		    (le16_to_cpu(last.flags) & VRING_DESC_F_WRITE) && last.len)
			vduse_iova_rw(domain, le64_to_cpu(last.addr) +
				      le32_to_cpu(last.len) - 1,
				      &status, 1, true);
		elem.id = cpu_to_le32(head);
		elem.len = cpu_to_le32(1);
		memcpy(vq->used_va + USED_RING((u16)(used + done) % vq->num),
		       &elem, sizeof(elem));
		vq->inflight[head] = 0;
		done++;
	}
	/* Entries before the index that publishes them. */
	smp_wmb();
	used += done;
	vduse_set_ring16(vq->used_va, USED_IDX, used);
	vq->seen_used = used;
	vduse_set_ring16(vq->used_va, 0, 0);	/* no VRING_USED_F_NO_NOTIFY */
	if (READ_ONCE(vq->dev->driver_features) & BIT_ULL(VIRTIO_RING_F_EVENT_IDX))
		vduse_set_ring16(vq->used_va, USED_AVAIL_EVENT(vq->num),
				 vq->seen_avail);
	return done != 0;
}

/**
 * vduse_takeover_kick_locked - a kick on a device the kernel took over
 * @vq: the queue
 *
 * Fails what the kick made available (block devices).
 *
 * Context: any, with @vq->kick_lock held.
 * Return: true if an interrupt is due (the kernel completed requests).
 */
bool vduse_takeover_kick_locked(struct vduse_vq *vq)
{
	struct vduse_dev *dev = vq->dev;

	lockdep_assert_held(&vq->kick_lock);
	return vq->inflight && dev->device_id == VIRTIO_ID_BLOCK &&
	       vduse_fail_inflight_locked(vq, dev->domain);
}

static void vduse_takeover_work(struct work_struct *work)
{
	struct vduse_dev *dev = container_of(to_delayed_work(work),
					     struct vduse_dev, takeover_work);
	struct vduse_domain *domain;
	u32 i;

	mutex_lock(&dev->lock);
	/* A new daemon came in time, or the driver went away. */
	if ((dev->open && !vduse_msg_broken(dev)) ||
	    !(READ_ONCE(dev->status) & VIRTIO_CONFIG_S_DRIVER_OK)) {
		mutex_unlock(&dev->lock);
		return;
	}
	if (!vduse_msg_broken(dev))
		vduse_msg_break(dev, "no daemon");
	domain = dev->domain;
	mutex_unlock(&dev->lock);
	if (!domain)
		return;

	/* From now on the kernel alone touches the rings. */
	vduse_domain_revoke(domain);
	vduse_domain_dereg_umem(domain);
	WRITE_ONCE(dev->taken_over, true);

	for (i = 0; i < dev->nvqs; i++) {
		struct vduse_vq *vq = &dev->vqs[i];
		bool irq;

		spin_lock_irq(&vq->kick_lock);
		irq = vduse_takeover_kick_locked(vq);
		spin_unlock_irq(&vq->kick_lock);
		if (irq)
			vduse_vq_irq(vq);
	}
}

/**
 * vduse_takeover_init - set up a new device's takeover
 * @dev: the device
 */
void vduse_takeover_init(struct vduse_dev *dev)
{
	INIT_DELAYED_WORK(&dev->takeover_work, vduse_takeover_work);
}

/**
 * vduse_takeover_arm - the daemon closed its node, or the device broke
 * @dev: the device
 * @now: broken: take over now, rather than after msg_timeout
 *
 * A driver running without a daemon waits msg_timeout seconds for a new
 * one (0: for ever), then the kernel takes over.
 */
void vduse_takeover_arm(struct vduse_dev *dev, bool now)
{
	unsigned int secs = READ_ONCE(dev->msg_timeout);

	if (now)
		mod_delayed_work(system_wq, &dev->takeover_work, 0);
	else if (secs && (READ_ONCE(dev->status) & VIRTIO_CONFIG_S_DRIVER_OK))
		mod_delayed_work(system_wq, &dev->takeover_work,
				 min_t(u64, (u64)secs * HZ, MAX_JIFFY_OFFSET));
}

/**
 * vduse_takeover_disarm - a daemon opened the node
 * @dev: the device
 *
 * A takeover already running checks for the daemon under @dev->lock.
 */
void vduse_takeover_disarm(struct vduse_dev *dev)
{
	cancel_delayed_work(&dev->takeover_work);
}

/**
 * vduse_takeover_exit - the device is released
 * @dev: the device
 */
void vduse_takeover_exit(struct vduse_dev *dev)
{
	cancel_delayed_work_sync(&dev->takeover_work);
}
