/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device-side access to a split virtqueue in driver memory.
 *
 * A software device (the simulator, a software control virtqueue) uses this
 * to take buffers the driver made available, move data in and out of them
 * and return them through the used ring. All driver memory, rings included,
 * is reached through a struct vdpa_iotlb, so the ring may live anywhere the
 * driver can map: kernel memory (identity table), guest memory or a process.
 *
 * The driver is not trusted: every index, length and address it wrote is
 * checked, every walk is bounded, and any violation is returned as an error
 * after which the caller should stop using the ring (and set NEEDS_RESET).
 *
 * Only VIRTIO_F_VERSION_1 (little-endian) rings are supported. Locking is the
 * caller's: one context at a time per ring.
 */
#ifndef _LINUX_VDPA_DEVRING_H
#define _LINUX_VDPA_DEVRING_H

#include <linux/types.h>

struct vdpa_iotlb;

/**
 * struct vdpa_devring - device side of a split virtqueue
 * @iotlb: translation for the rings and the buffers; the owner may point it
 *	to another table (address space change) between calls
 * @desc: IOVA of the descriptor table
 * @avail: IOVA of the available (driver) ring
 * @used: IOVA of the used (device) ring
 * @num: queue size, a power of two
 * @last_avail: next available-ring index to take
 * @avail_idx: the driver's avail index as last read
 * @used_idx: next used-ring index to fill, as published in the used ring
 * @signalled_used: @used_idx when the driver was last notified
 * @signalled_valid: @signalled_used means something
 * @event_idx: VIRTIO_RING_F_EVENT_IDX was negotiated
 * @indirect: VIRTIO_RING_F_INDIRECT_DESC was negotiated
 */
struct vdpa_devring {
	struct vdpa_iotlb *iotlb;
	u64 desc;
	u64 avail;
	u64 used;
	u16 num;
	u16 last_avail;
	u16 avail_idx;
	u16 used_idx;
	u16 signalled_used;
	bool signalled_valid;
	bool event_idx;
	bool indirect;
};

/**
 * struct vdpa_devring_seg - one non-empty buffer of a chain
 * @iova: where it starts
 * @len: its length in bytes
 */
struct vdpa_devring_seg {
	u64 iova;
	u32 len;
};

/**
 * struct vdpa_devring_chain - a descriptor chain taken from the ring
 * @segs: caller's array the segments are stored in: first the @nr_out
 *	device-readable ones, then the @nr_in device-writable ones
 * @max_segs: size of @segs; longer chains are refused with -ENOBUFS
 * @nr_out: number of device-readable segments
 * @nr_in: number of device-writable segments
 * @out_len: total bytes the device may read
 * @in_len: total bytes the device may write
 * @head: descriptor id to give back to vdpa_devring_complete()
 */
struct vdpa_devring_chain {
	struct vdpa_devring_seg *segs;
	unsigned int max_segs;
	unsigned int nr_out;
	unsigned int nr_in;
	u64 out_len;
	u64 in_len;
	u16 head;
};

/**
 * struct vdpa_devring_iter - a cursor over the readable or writable data of
 *	a chain
 * @iotlb: translation of the segments
 * @seg: current segment
 * @nr: segments left, @seg included
 * @off: bytes of @seg already consumed
 * @left: bytes left in all remaining segments
 * @to_dev: false for a readable (out) cursor, true for a writable (in) one
 */
struct vdpa_devring_iter {
	const struct vdpa_iotlb *iotlb;
	const struct vdpa_devring_seg *seg;
	unsigned int nr;
	u32 off;
	u64 left;
	bool to_dev;
};

int vdpa_devring_init(struct vdpa_devring *ring, struct vdpa_iotlb *iotlb,
		      u64 features, u32 num, u64 desc, u64 avail, u64 used,
		      u16 last_avail);
int vdpa_devring_fetch(struct vdpa_devring *ring,
		       struct vdpa_devring_chain *chain);
void vdpa_devring_abandon(struct vdpa_devring *ring, u16 n);
int vdpa_devring_complete(struct vdpa_devring *ring, u16 head, u32 len);
bool vdpa_devring_need_notify(struct vdpa_devring *ring);
void vdpa_devring_set_last_avail(struct vdpa_devring *ring, u16 idx);

/**
 * vdpa_devring_last_avail - the ring's position, for struct vdpa_vq_state
 * @ring: the ring
 *
 * Return: the next available-ring index the device will take.
 */
static inline u16 vdpa_devring_last_avail(const struct vdpa_devring *ring)
{
	return ring->last_avail;
}

void vdpa_devring_iter_out(struct vdpa_devring_iter *iter,
			   const struct vdpa_devring *ring,
			   const struct vdpa_devring_chain *chain);
void vdpa_devring_iter_in(struct vdpa_devring_iter *iter,
			  const struct vdpa_devring *ring,
			  const struct vdpa_devring_chain *chain);
ssize_t vdpa_devring_pull(struct vdpa_devring_iter *iter, void *buf,
			  size_t len);
ssize_t vdpa_devring_push(struct vdpa_devring_iter *iter, const void *buf,
			  size_t len);
size_t vdpa_devring_skip(struct vdpa_devring_iter *iter, size_t len);

#endif /* _LINUX_VDPA_DEVRING_H */
