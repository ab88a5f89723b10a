// SPDX-License-Identifier: GPL-2.0
/*
 * Device-side split virtqueue access through a vdpa_iotlb.
 *
 * The layouts below are the virtio 1.x split ring, always little-endian.
 * Every read of driver memory goes through vdpa_iotlb_copy_from(), which
 * checks the mapping and its permission, so a bad address is an error code
 * here, never a fault.
 */

#include <linux/export.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/vdpa_devring.h>
#include <linux/vdpa_iotlb.h>
#include <uapi/linux/virtio_ring.h>

/* Descriptor as the driver writes it. */
struct devring_desc {
	__le64 addr;
	__le32 len;
	__le16 flags;
	__le16 next;
};

struct devring_used_elem {
	__le32 id;
	__le32 len;
};

/* Offsets of the fields of the avail and used rings. */
#define AVAIL_FLAGS		0
#define AVAIL_IDX		2
#define AVAIL_RING(i)		(4 + 2 * (u64)(i))
#define USED_IDX		2
#define USED_RING(i)		(4 + 8 * (u64)(i))

/*
 * An indirect table longer than what a u16 "next" can address would only
 * hold unreachable entries; refusing it bounds the walk.
 */
#define DEVRING_MAX_INDIRECT	65536

static int devring_read16(const struct vdpa_devring *ring, u64 iova, u16 *val)
{
	__le16 v;
	int ret = vdpa_iotlb_copy_from(ring->iotlb, &v, iova, sizeof(v));

	if (!ret)
		*val = le16_to_cpu(v);
	return ret;
}

static int devring_write16(const struct vdpa_devring *ring, u64 iova, u16 val)
{
	__le16 v = cpu_to_le16(val);

	return vdpa_iotlb_copy_to(ring->iotlb, iova, &v, sizeof(v));
}

/**
 * vdpa_devring_init - start using a split ring
 * @ring: the ring state to initialise
 * @iotlb: translation for the rings and buffers
 * @features: negotiated virtio features (EVENT_IDX and INDIRECT_DESC matter)
 * @num: queue size, a power of two up to 32768
 * @desc: IOVA of the descriptor table (16-byte aligned)
 * @avail: IOVA of the available ring (2-byte aligned)
 * @used: IOVA of the used ring (4-byte aligned)
 * @last_avail: where to start, from the queue state (0 for a fresh queue);
 *	the used index is assumed to be there too, as nothing is in flight
 *
 * Nothing is read here: the rings are only checked as they are used, since
 * the driver may map them later.
 *
 * Return: 0, or -EINVAL for a bad size, misaligned or wrapping area.
 */
int vdpa_devring_init(struct vdpa_devring *ring, struct vdpa_iotlb *iotlb,
		      u64 features, u32 num, u64 desc, u64 avail, u64 used,
		      u16 last_avail)
{
	if (!num || num > 32768 || !is_power_of_2(num))
		return -EINVAL;
	if (!IS_ALIGNED(desc, 16) || !IS_ALIGNED(avail, 2) ||
	    !IS_ALIGNED(used, 4))
		return -EINVAL;
	/* Area sizes include the event fields, whether used or not. */
	if (desc + (16 * (u64)num - 1) < desc ||
	    avail + (AVAIL_RING(num) + 1) < avail ||
	    used + (USED_RING(num) + 1) < used)
		return -EINVAL;

	ring->iotlb = iotlb;
	ring->desc = desc;
	ring->avail = avail;
	ring->used = used;
	ring->num = num;
	ring->event_idx = features & BIT_ULL(VIRTIO_RING_F_EVENT_IDX);
	ring->indirect = features & BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC);
	vdpa_devring_set_last_avail(ring, last_avail);
	return 0;
}
EXPORT_SYMBOL_GPL(vdpa_devring_init);

/**
 * vdpa_devring_set_last_avail - move the ring to a saved position
 * @ring: the ring
 * @idx: next available-ring index to take; the used index follows it
 */
void vdpa_devring_set_last_avail(struct vdpa_devring *ring, u16 idx)
{
	ring->last_avail = idx;
	ring->avail_idx = idx;
	ring->used_idx = idx;
	ring->signalled_valid = false;
}
EXPORT_SYMBOL_GPL(vdpa_devring_set_last_avail);

/* Read the driver's avail index; it may not run more than @num ahead. */
static int devring_read_avail_idx(struct vdpa_devring *ring)
{
	u16 idx;
	int ret = devring_read16(ring, ring->avail + AVAIL_IDX, &idx);

	if (ret)
		return ret;
	if ((u16)(idx - ring->last_avail) > ring->num)
		return -EINVAL;
	ring->avail_idx = idx;
	return 0;
}

/* Return 1 if a buffer is available, 0 if not, or -errno. */
static int devring_pending(struct vdpa_devring *ring)
{
	int ret;

	if (ring->last_avail != ring->avail_idx)
		return 1;

	ret = devring_read_avail_idx(ring);
	if (ret)
		return ret;
	if (ring->avail_idx == ring->last_avail && ring->event_idx) {
		/*
		 * Empty: ask for a kick at the next buffer, then look again
		 * in case the driver added one before it saw our request.
		 */
		ret = devring_write16(ring, ring->used + USED_RING(ring->num),
				      ring->last_avail);
		if (ret)
			return ret;
		/* Order the avail_event store before the avail idx reload. */
		smp_mb();
		ret = devring_read_avail_idx(ring);
		if (ret)
			return ret;
	}
	if (ring->avail_idx == ring->last_avail)
		return 0;
	/* Read ring entries only after the index that published them. */
	smp_rmb();
	return 1;
}

static int devring_add_seg(struct vdpa_devring_chain *chain, u64 addr,
			   u32 len, bool writable)
{
	struct vdpa_devring_seg *seg;

	if (addr + (len - 1) < addr)
		return -EINVAL;
	/* The spec puts all readable buffers before the writable ones. */
	if (!writable && chain->nr_in)
		return -EINVAL;
	if (chain->nr_out + chain->nr_in >= chain->max_segs)
		return -ENOBUFS;

	seg = &chain->segs[chain->nr_out + chain->nr_in];
	seg->iova = addr;
	seg->len = len;
	if (writable) {
		chain->nr_in++;
		chain->in_len += len;
	} else {
		chain->nr_out++;
		chain->out_len += len;
	}
	return 0;
}

/*
 * Follow a chain from @head. Each table (the ring's, then at most one
 * indirect one) may be walked for at most its own size: more means a loop.
 */
static int devring_walk(struct vdpa_devring *ring, u16 head,
			struct vdpa_devring_chain *chain)
{
	u64 table = ring->desc;
	u32 size = ring->num;
	u32 steps = 0;
	bool indirect = false;
	u32 i = head;

	chain->nr_out = 0;
	chain->nr_in = 0;
	chain->out_len = 0;
	chain->in_len = 0;
	chain->head = head;

	for (;;) {
		struct devring_desc d;
		u16 flags;
		u32 len;
		u64 addr;
		int ret;

		if (++steps > size)
			return -ELOOP;
		ret = vdpa_iotlb_copy_from(ring->iotlb, &d,
					   table + i * sizeof(d), sizeof(d));
		if (ret)
			return ret;
		flags = le16_to_cpu(d.flags);
		len = le32_to_cpu(d.len);
		addr = le64_to_cpu(d.addr);

		if (flags & VRING_DESC_F_INDIRECT) {
			if (!ring->indirect || indirect ||
			    (flags & VRING_DESC_F_NEXT))
				return -EINVAL;
			if (!len || len % sizeof(d) ||
			    len / sizeof(d) > DEVRING_MAX_INDIRECT ||
			    addr + (len - 1) < addr)
				return -EINVAL;
			table = addr;
			size = len / sizeof(d);
			steps = 0;
			indirect = true;
			i = 0;
			continue;
		}

		if (len) {
			ret = devring_add_seg(chain, addr, len,
					      flags & VRING_DESC_F_WRITE);
			if (ret)
				return ret;
		}
		if (!(flags & VRING_DESC_F_NEXT))
			return 0;
		i = le16_to_cpu(d.next);
		if (i >= size)
			return -EINVAL;
	}
}

/**
 * vdpa_devring_fetch - take the next available buffer
 * @ring: the ring
 * @chain: where to describe the buffer; @chain->segs and @chain->max_segs
 *	must be set by the caller
 *
 * With EVENT_IDX, finding the ring empty also asks the driver to kick at its
 * next buffer, so a caller that processes until empty never misses work.
 *
 * Return: 1 and a filled @chain; 0 if the ring is empty; -EINVAL for a
 * malformed ring or chain (avail index too far ahead, head or next out of
 * range, readable after writable, bad indirect descriptor); -ELOOP for a
 * chain longer than its table; -ENOBUFS for more than @chain->max_segs
 * segments; -EFAULT or -EPERM for unmapped or wrongly mapped memory.
 * After an error the ring should be considered broken.
 */
int vdpa_devring_fetch(struct vdpa_devring *ring,
		       struct vdpa_devring_chain *chain)
{
	u16 head;
	int ret;

	ret = devring_pending(ring);
	if (ret <= 0)
		return ret;

	ret = devring_read16(ring, ring->avail +
			     AVAIL_RING(ring->last_avail & (ring->num - 1)),
			     &head);
	if (ret)
		return ret;
	if (head >= ring->num)
		return -EINVAL;

	ret = devring_walk(ring, head, chain);
	if (ret)
		return ret;
	ring->last_avail++;
	return 1;
}
EXPORT_SYMBOL_GPL(vdpa_devring_fetch);

/**
 * vdpa_devring_abandon - give back buffers taken but not used
 * @ring: the ring
 * @n: how many of the last fetched buffers to put back, in reverse order
 *	of fetching; none of them may have been completed
 */
void vdpa_devring_abandon(struct vdpa_devring *ring, u16 n)
{
	ring->last_avail -= n;
}
EXPORT_SYMBOL_GPL(vdpa_devring_abandon);

/**
 * vdpa_devring_complete - return a buffer through the used ring
 * @ring: the ring
 * @head: the chain's head id (&vdpa_devring_chain.head)
 * @len: bytes written into the chain's writable part
 *
 * The element is visible to the driver before the used index that
 * publishes it. Call vdpa_devring_need_notify() after a batch.
 *
 * Return: 0, or -EFAULT/-EPERM if the used ring is not writable.
 */
int vdpa_devring_complete(struct vdpa_devring *ring, u16 head, u32 len)
{
	struct devring_used_elem elem = {
		.id = cpu_to_le32(head),
		.len = cpu_to_le32(len),
	};
	u64 at = ring->used + USED_RING(ring->used_idx & (ring->num - 1));
	int ret;

	ret = vdpa_iotlb_copy_to(ring->iotlb, at, &elem, sizeof(elem));
	if (ret)
		return ret;
	/* The element must be visible before the index that covers it. */
	smp_wmb();
	ret = devring_write16(ring, ring->used + USED_IDX, ring->used_idx + 1);
	if (ret)
		return ret;
	ring->used_idx++;
	return 0;
}
EXPORT_SYMBOL_GPL(vdpa_devring_complete);

/**
 * vdpa_devring_need_notify - whether to interrupt the driver now
 * @ring: the ring
 *
 * Accounts for the buffers completed since the last call that returned
 * true, following the driver's suppression request: used_event with
 * EVENT_IDX, VRING_AVAIL_F_NO_INTERRUPT without. When the driver's field
 * cannot be read the answer is true: a spurious interrupt is harmless.
 *
 * Return: true if the driver should be signalled.
 */
bool vdpa_devring_need_notify(struct vdpa_devring *ring)
{
	u16 old = ring->signalled_used;
	u16 new = ring->used_idx;
	bool valid = ring->signalled_valid;
	u16 val;

	/* Publish the used index before reading the driver's wish. */
	smp_mb();

	if (valid && old == new)
		return false;
	ring->signalled_used = new;
	ring->signalled_valid = true;

	if (!ring->event_idx) {
		if (devring_read16(ring, ring->avail + AVAIL_FLAGS, &val))
			return true;
		return !(val & VRING_AVAIL_F_NO_INTERRUPT);
	}
	if (!valid)
		return true;
	if (devring_read16(ring, ring->avail + AVAIL_RING(ring->num), &val))
		return true;
	return vring_need_event(val, new, old);
}
EXPORT_SYMBOL_GPL(vdpa_devring_need_notify);

static void devring_iter_init(struct vdpa_devring_iter *iter,
			      const struct vdpa_devring *ring,
			      const struct vdpa_devring_seg *seg,
			      unsigned int nr, u64 len, bool to_dev)
{
	iter->iotlb = ring->iotlb;
	iter->seg = seg;
	iter->nr = nr;
	iter->off = 0;
	iter->left = len;
	iter->to_dev = to_dev;
}

/**
 * vdpa_devring_iter_out - cursor over the device-readable data of a chain
 * @iter: the cursor to initialise
 * @ring: the ring the chain came from
 * @chain: the chain; its segment array must outlive the cursor
 */
void vdpa_devring_iter_out(struct vdpa_devring_iter *iter,
			   const struct vdpa_devring *ring,
			   const struct vdpa_devring_chain *chain)
{
	devring_iter_init(iter, ring, chain->segs, chain->nr_out,
			  chain->out_len, false);
}
EXPORT_SYMBOL_GPL(vdpa_devring_iter_out);

/**
 * vdpa_devring_iter_in - cursor over the device-writable space of a chain
 * @iter: the cursor to initialise
 * @ring: the ring the chain came from
 * @chain: the chain; its segment array must outlive the cursor
 */
void vdpa_devring_iter_in(struct vdpa_devring_iter *iter,
			  const struct vdpa_devring *ring,
			  const struct vdpa_devring_chain *chain)
{
	devring_iter_init(iter, ring, chain->segs + chain->nr_out,
			  chain->nr_in, chain->in_len, true);
}
EXPORT_SYMBOL_GPL(vdpa_devring_iter_in);

/* Move the cursor by @n bytes, which fit in the current segment. */
static void devring_iter_advance(struct vdpa_devring_iter *iter, u32 n)
{
	iter->off += n;
	iter->left -= n;
	if (iter->off == iter->seg->len) {
		iter->seg++;
		iter->nr--;
		iter->off = 0;
	}
}

static ssize_t devring_iter_copy(struct vdpa_devring_iter *iter, void *buf,
				 size_t len)
{
	size_t done = 0;

	len = min_t(size_t, len, SSIZE_MAX);
	while (done < len && iter->nr) {
		u64 iova = iter->seg->iova + iter->off;
		u32 n = min_t(size_t, len - done, iter->seg->len - iter->off);
		int ret;

		if (iter->to_dev)
			ret = vdpa_iotlb_copy_to(iter->iotlb, iova, buf + done,
						 n);
		else
			ret = vdpa_iotlb_copy_from(iter->iotlb, buf + done,
						   iova, n);
		if (ret)
			return ret;
		devring_iter_advance(iter, n);
		done += n;
	}
	return done;
}

/**
 * vdpa_devring_pull - read from a chain's readable data
 * @iter: a cursor from vdpa_devring_iter_out()
 * @buf: where to copy
 * @len: most bytes to copy
 *
 * Return: bytes copied, less than @len only when the data ran out;
 * -EFAULT/-EPERM if a segment is not readable (the cursor is then left
 * within that segment); -EINVAL for a cursor over writable space.
 */
ssize_t vdpa_devring_pull(struct vdpa_devring_iter *iter, void *buf,
			  size_t len)
{
	if (iter->to_dev)
		return -EINVAL;
	return devring_iter_copy(iter, buf, len);
}
EXPORT_SYMBOL_GPL(vdpa_devring_pull);

/**
 * vdpa_devring_push - write into a chain's writable space
 * @iter: a cursor from vdpa_devring_iter_in()
 * @buf: what to copy
 * @len: most bytes to copy
 *
 * Return: bytes copied, less than @len only when the space ran out;
 * -EFAULT/-EPERM if a segment is not writable; -EINVAL for a cursor over
 * readable data.
 */
ssize_t vdpa_devring_push(struct vdpa_devring_iter *iter, const void *buf,
			  size_t len)
{
	if (!iter->to_dev)
		return -EINVAL;
	return devring_iter_copy(iter, (void *)buf, len);
}
EXPORT_SYMBOL_GPL(vdpa_devring_push);

/**
 * vdpa_devring_skip - move a cursor forward without copying
 * @iter: the cursor
 * @len: bytes to skip
 *
 * Return: bytes skipped, less than @len only at the end of the data.
 */
size_t vdpa_devring_skip(struct vdpa_devring_iter *iter, size_t len)
{
	size_t done = 0;

	while (done < len && iter->nr) {
		u32 n = min_t(size_t, len - done, iter->seg->len - iter->off);

		devring_iter_advance(iter, n);
		done += n;
	}
	return done;
}
EXPORT_SYMBOL_GPL(vdpa_devring_skip);
