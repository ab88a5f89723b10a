// SPDX-License-Identifier: GPL-2.0
/*
 * The map vhost-vdpa gives a device: a VMM's memory, by user address.
 * The daemon cannot reach another process's addresses, but it can map the
 * files behind them (a memfd, hugetlbfs, shared memory): each translation
 * keeps a reference to its file and the file offset of its first IOVA,
 * which VDUSE_IOTLB_GET_FD hands out. A range whose memory has no file
 * (private or anonymous) is left out: the daemon cannot reach it at all.
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/vdpa_iotlb.h>

#include "vduse.h"

static void vduse_umap_release(struct vdpa_iotlb *iotlb,
			       struct vdpa_iotlb_map *map)
{
	fput(map->opaque);
}

/**
 * vduse_umap_init - set up a new device's (empty) user map
 * @dev: the device
 */
void vduse_umap_init(struct vduse_dev *dev)
{
	mutex_init(&dev->umap_lock);
	vdpa_iotlb_init(&dev->umap, 0, vduse_umap_release);
}

/**
 * vduse_umap_clear - drop every translation
 * @dev: the device
 */
void vduse_umap_clear(struct vduse_dev *dev)
{
	mutex_lock(&dev->umap_lock);
	vdpa_iotlb_clear(&dev->umap);
	mutex_unlock(&dev->umap_lock);
}

/**
 * vduse_umap_empty - no translation set
 * @dev: the device
 *
 * Return: true if vhost-vdpa has not set a map (a driver in the kernel,
 * or none).
 */
bool vduse_umap_empty(struct vduse_dev *dev)
{
	bool empty;

	mutex_lock(&dev->umap_lock);
	empty = !vdpa_iotlb_first(&dev->umap, 0, U64_MAX);
	mutex_unlock(&dev->umap_lock);
	return empty;
}

/**
 * vduse_umap_set - replace the user map with vhost-vdpa's table
 * @dev: the device
 * @iotlb: the table; each entry's opaque is a struct vdpa_map_file
 *
 * Return: 0, or -ENOMEM with the map left empty.
 */
int vduse_umap_set(struct vduse_dev *dev, struct vdpa_iotlb *iotlb)
{
	const struct vdpa_map_file *mf;
	struct vdpa_iotlb_map *map;
	int err = 0;

	mutex_lock(&dev->umap_lock);
	vdpa_iotlb_clear(&dev->umap);
	for (map = vdpa_iotlb_first(iotlb, 0, U64_MAX); map;
	     map = vdpa_iotlb_next(map, 0, U64_MAX)) {
		mf = map->opaque;
		if (!mf || !mf->file)
			continue;
		err = vdpa_iotlb_add(&dev->umap, map->start, map->last,
				     mf->offset + (map->addr - mf->addr),
				     map->perm, get_file(mf->file));
		if (err) {
			fput(mf->file);
			vdpa_iotlb_clear(&dev->umap);
			break;
		}
	}
	mutex_unlock(&dev->umap_lock);
	return err;
}

/**
 * vduse_umap_lookup - the first translation overlapping [start, last]
 * @dev: the device
 * @start: first IOVA
 * @last: last IOVA (inclusive)
 * @entry: filled as for vduse_domain_lookup()
 * @file: if not NULL, gets a reference to the file behind it
 *
 * Return: 0, or -EINVAL if none overlaps.
 */
int vduse_umap_lookup(struct vduse_dev *dev, u64 start, u64 last,
		      struct vduse_iotlb_entry *entry, struct file **file)
{
	struct vdpa_iotlb_map *map;

	mutex_lock(&dev->umap_lock);
	map = vdpa_iotlb_first(&dev->umap, start, last);
	if (map) {
		entry->start = map->start;
		entry->last = map->last;
		entry->offset = map->addr;
		/* VHOST_ACCESS_* and VDUSE_ACCESS_* have the same values. */
		entry->perm = map->perm;
		if (file)
			*file = get_file(map->opaque);
	}
	mutex_unlock(&dev->umap_lock);
	return map ? 0 : -EINVAL;
}
