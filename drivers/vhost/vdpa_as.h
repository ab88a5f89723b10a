/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vhost-vdpa's address spaces: the owner's IOTLB, one table per address
 * space of an open device, the pinned pages and files behind its entries,
 * and the parent it is pushed to. vdpa.c turns IOTLB messages, resets and
 * the device's open and close into calls here, and pins the pages it
 * enters; nothing here reaches into struct vhost_vdpa.
 *
 * Every call is made under the device's lock (vhost_vdpa.lock), which
 * serialises them; none drops it.
 */
#ifndef _VHOST_VDPA_AS_H
#define _VHOST_VDPA_AS_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/vdpa.h>
#include <linux/vdpa_iotlb.h>

struct device;
struct iommu_domain;
struct mm_struct;
struct vhost_vdpa_maps;

/* How userspace's IOTLB reaches the device. */
enum vhost_vdpa_dma {
	VHOST_VDPA_DMA_SET_MAP,	/* whole table per address space */
	VHOST_VDPA_DMA_MAP,	/* one dma_map/dma_unmap per change */
	VHOST_VDPA_DMA_IOMMU,	/* an IOMMU domain on the DMA device */
};

/**
 * struct vhost_vdpa_as - one address space: the owner's table and its pins
 * @iotlb: userspace's mappings. For parents that use physical addresses
 *	an entry holds its pages pinned and charged to @maps' mm: whoever adds
 *	one hands them over, and the release hook unpins and uncharges them as
 *	they leave. Always a superset of what the parent can reach through
 *	this address space
 * @maps: the address spaces of the device, this one among them
 * @unpin_free: preallocated entries for @unpin_pending
 * @unpin_pending: pages gone from @iotlb that the parent may still map
 *	(whole-map parents between a change and the set_map that carries it)
 * @asid: address space id
 * @defer_unpin: removals queue pages on @unpin_pending instead of unpinning
 * @synced: the parent's address space holds exactly @iotlb; the device may
 *	only start when every address space is synced
 */
struct vhost_vdpa_as {
	struct vdpa_iotlb iotlb;
	struct vhost_vdpa_maps *maps;
	struct list_head unpin_free;
	struct list_head unpin_pending;
	u32 asid;
	bool defer_unpin;
	bool synced;
};

/**
 * struct vhost_vdpa_maps - the owner's memory as an open device reaches it
 * @vdpa: the parent the tables are pushed to
 * @dev: the device node, named in warnings
 * @as: one per address space of @vdpa, while open
 * @mm: the mm pinned pages are charged to, with a reference of its own:
 *	an owner that goes (VHOST_RESET_OWNER) may leave pins behind (an
 *	unmap the IOMMU refused, unpins deferred past a failed reset), which
 *	are uncharged from it when they go; NULL before the first owner
 * @domain: IOMMU domain, for parents without set_map and dma_map
 * @range: IOVA range userspace may map
 * @dma: how maps reach the parent, chosen at open
 */
struct vhost_vdpa_maps {
	struct vdpa_device *vdpa;
	struct device *dev;
	struct vhost_vdpa_as *as;
	struct mm_struct *mm;
	struct iommu_domain *domain;
	struct vdpa_iova_range range;
	enum vhost_vdpa_dma dma;
};

int vhost_vdpa_maps_open(struct vhost_vdpa_maps *maps,
			 struct vdpa_device *vdpa, struct device *dev);
int vhost_vdpa_maps_install(struct vhost_vdpa_maps *maps);
int vhost_vdpa_maps_ready(struct vhost_vdpa_maps *maps);
void vhost_vdpa_maps_reset(struct vhost_vdpa_maps *maps, bool stopped);
void vhost_vdpa_maps_clear(struct vhost_vdpa_maps *maps);
void vhost_vdpa_maps_close(struct vhost_vdpa_maps *maps);
int vhost_vdpa_maps_set_mm(struct vhost_vdpa_maps *maps, struct mm_struct *mm);
void vhost_vdpa_maps_free(struct vhost_vdpa_maps *maps);

int vhost_vdpa_as_add_va(struct vhost_vdpa_as *as, u64 iova, u64 size,
			 u64 uaddr, u32 perm);
int vhost_vdpa_as_push_added(struct vhost_vdpa_as *as, u64 first, u64 last,
			     bool batched);
int vhost_vdpa_as_remove(struct vhost_vdpa_as *as, u64 first, u64 last,
			 bool batched);
int vhost_vdpa_as_end_batch(struct vhost_vdpa_as *as);

#endif /* _VHOST_VDPA_AS_H */
