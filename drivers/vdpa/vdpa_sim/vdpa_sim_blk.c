// SPDX-License-Identifier: GPL-2.0
/*
 * vDPA simulator: a virtio-blk device backed by a sparse RAM disk.
 *
 * Pages are only allocated when first written, and reads of holes return
 * zeros, so creating many large disks costs nothing until they are used.
 * The data lives as long as the device: a driver reset or rebind keeps it.
 */

#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <linux/xarray.h>
#include <uapi/linux/vdpa.h>
#include <uapi/linux/virtio_blk.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/virtio_ring.h>

#include "vdpa_sim.h"

#define VDPASIM_BLK_SECTOR_SHIFT	9
#define VDPASIM_BLK_SECTOR_SIZE		BIT(VDPASIM_BLK_SECTOR_SHIFT)
#define VDPASIM_BLK_DEFAULT_CAPACITY	0x40000	/* sectors: 128 MiB */
#define VDPASIM_BLK_SIZE_MAX		SZ_64K
/* Header and status take two of the chain's segments. */
#define VDPASIM_BLK_SEG_MAX		(VDPASIM_MAX_SEGS - 2)
/* Largest data transfer a driver respecting the limits above can ask for. */
#define VDPASIM_BLK_MAX_XFER		(VDPASIM_BLK_SIZE_MAX * VDPASIM_BLK_SEG_MAX)
#define VDPASIM_BLK_BUDGET		32

#define VDPASIM_BLK_FEATURES	(BIT_ULL(VIRTIO_F_VERSION_1) |		\
				 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM) |	\
				 BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |	\
				 BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |	\
				 BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) |	\
				 BIT_ULL(VIRTIO_BLK_F_SEG_MAX) |	\
				 BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) |	\
				 BIT_ULL(VIRTIO_BLK_F_FLUSH))

#define VDPASIM_BLK_REQUIRED	(BIT_ULL(VIRTIO_F_VERSION_1) |		\
				 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM))

static unsigned long long max_capacity = 1ULL << 24;
module_param(max_capacity, ullong, 0444);
MODULE_PARM_DESC(max_capacity,
		 "Largest disk that can be created, in 512-byte sectors");

/* Request header as the driver writes it (VERSION_1: little-endian). */
struct vdpasim_blk_req {
	__le32 type;
	__le32 ioprio;
	__le64 sector;
};

struct vdpasim_blk_stats {
	u64 reads;
	u64 writes;
	u64 flushes;
	u64 read_bytes;
	u64 written_bytes;
	u64 errors;
	u64 unsupported;
};

struct vdpasim_blk {
	struct vdpasim sim;
	struct virtio_blk_config config;
	struct xarray pages;
	u64 capacity;
	struct vdpasim_blk_stats stats;
};

static struct vdpasim_blk *sim_to_blk(struct vdpasim *sim)
{
	return container_of(sim, struct vdpasim_blk, sim);
}

/* Whether @len bytes from @sector are inside the disk. */
static bool vdpasim_blk_in_range(const struct vdpasim_blk *blk, u64 sector,
				 u64 len)
{
	return sector <= blk->capacity &&
	       (len >> VDPASIM_BLK_SECTOR_SHIFT) <= blk->capacity - sector;
}

static bool vdpasim_blk_len_ok(u64 len)
{
	return IS_ALIGNED(len, VDPASIM_BLK_SECTOR_SIZE) && len <= VDPASIM_BLK_MAX_XFER;
}

static u8 vdpasim_blk_read(struct vdpasim_blk *blk,
			   struct vdpa_devring_iter *in, u64 sector, u32 len)
{
	u64 pos = sector << VDPASIM_BLK_SECTOR_SHIFT;

	while (len) {
		struct page *page = xa_load(&blk->pages, pos >> PAGE_SHIFT);
		size_t off = offset_in_page(pos);
		u32 n = min_t(u64, len, PAGE_SIZE - off);
		ssize_t done;
		void *p;

		p = kmap_local_page(page ? page : ZERO_PAGE(0));
		done = vdpa_devring_push(in, p + off, n);
		kunmap_local(p);
		if (done != n)
			return VIRTIO_BLK_S_IOERR;
		pos += n;
		len -= n;
	}
	return VIRTIO_BLK_S_OK;
}

static u8 vdpasim_blk_write(struct vdpasim_blk *blk,
			    struct vdpa_devring_iter *out, u64 sector, u32 len)
{
	u64 pos = sector << VDPASIM_BLK_SECTOR_SHIFT;

	while (len) {
		unsigned long index = pos >> PAGE_SHIFT;
		struct page *page = xa_load(&blk->pages, index);
		size_t off = offset_in_page(pos);
		u32 n = min_t(u64, len, PAGE_SIZE - off);
		ssize_t done;
		void *p;

		if (!page) {
			page = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!page)
				return VIRTIO_BLK_S_IOERR;
			if (xa_err(xa_store(&blk->pages, index, page,
					    GFP_KERNEL))) {
				__free_page(page);
				return VIRTIO_BLK_S_IOERR;
			}
		}
		p = kmap_local_page(page);
		done = vdpa_devring_pull(out, p + off, n);
		kunmap_local(p);
		if (done != n)
			return VIRTIO_BLK_S_IOERR;
		pos += n;
		len -= n;
	}
	return VIRTIO_BLK_S_OK;
}

/* Serve one request; returns the status and sets *written to data bytes. */
static u8 vdpasim_blk_serve(struct vdpasim_blk *blk,
			    const struct vdpa_devring_chain *chain,
			    struct vdpa_devring_iter *out,
			    struct vdpa_devring_iter *in, u32 *written)
{
	struct vdpasim_blk_stats *st = &blk->stats;
	u64 space = chain->in_len - 1;
	struct vdpasim_blk_req req;
	char id[VIRTIO_BLK_ID_BYTES];
	u64 sector, len;
	u8 status;

	*written = 0;
	if (vdpa_devring_pull(out, &req, sizeof(req)) != sizeof(req))
		return VIRTIO_BLK_S_IOERR;
	sector = le64_to_cpu(req.sector);

	switch (le32_to_cpu(req.type)) {
	case VIRTIO_BLK_T_IN:
		len = space;
		if (!vdpasim_blk_len_ok(len) ||
		    !vdpasim_blk_in_range(blk, sector, len))
			return VIRTIO_BLK_S_IOERR;
		status = vdpasim_blk_read(blk, in, sector, len);
		if (status == VIRTIO_BLK_S_OK) {
			*written = len;
			st->reads++;
			st->read_bytes += len;
		}
		return status;
	case VIRTIO_BLK_T_OUT:
		len = chain->out_len - sizeof(req);
		if (!vdpasim_blk_len_ok(len) ||
		    !vdpasim_blk_in_range(blk, sector, len))
			return VIRTIO_BLK_S_IOERR;
		status = vdpasim_blk_write(blk, out, sector, len);
		if (status == VIRTIO_BLK_S_OK) {
			st->writes++;
			st->written_bytes += len;
		}
		return status;
	case VIRTIO_BLK_T_FLUSH:
		/* RAM is as durable as this disk gets. */
		st->flushes++;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		strscpy_pad(id, dev_name(&blk->sim.vdpa.dev), sizeof(id));
		len = min_t(u64, space, sizeof(id));
		if (vdpa_devring_push(in, id, len) != len)
			return VIRTIO_BLK_S_IOERR;
		*written = len;
		return VIRTIO_BLK_S_OK;
	}
	st->unsupported++;
	return VIRTIO_BLK_S_UNSUPP;
}

static bool vdpasim_blk_work(struct vdpasim *sim)
{
	struct vdpasim_blk *blk = sim_to_blk(sim);
	struct vdpa_devring_chain chain = {
		.segs = sim->run->segs[0],
		.max_segs = VDPASIM_MAX_SEGS,
	};
	struct vdpa_devring_iter out, in;
	struct vdpasim_vq *vq;
	unsigned int done;
	u32 written;
	u8 status;
	int ret = 0;

	vq = vdpasim_vq_running(sim, 0);
	if (!vq)
		return false;

	for (done = 0; done < VDPASIM_BLK_BUDGET; done++) {
		ret = vdpa_devring_fetch(&vq->ring, &chain);
		if (ret <= 0)
			break;
		/* Without room for a status byte there is no way to answer. */
		if (!chain.in_len) {
			blk->stats.errors++;
			ret = vdpa_devring_complete(&vq->ring, chain.head, 0);
			if (ret)
				break;
			continue;
		}
		vdpa_devring_iter_out(&out, &vq->ring, &chain);
		vdpa_devring_iter_in(&in, &vq->ring, &chain);
		status = vdpasim_blk_serve(blk, &chain, &out, &in, &written);
		if (status == VIRTIO_BLK_S_IOERR)
			blk->stats.errors++;

		/* The status is the last writable byte, after any data. */
		vdpa_devring_skip(&in, chain.in_len - 1 - written);
		ret = vdpa_devring_push(&in, &status, 1);
		if (ret < 0)
			break;
		ret = vdpa_devring_complete(&vq->ring, chain.head,
					    written + 1);
		if (ret)
			break;
	}
	if (ret < 0) {
		vdpasim_vq_error(sim, vq, ret);
		return false;
	}
	if (done)
		vdpasim_vq_notify(sim, vq);
	return done == VDPASIM_BLK_BUDGET;
}

static int vdpasim_blk_get_vq_stats(struct vdpasim *sim, u16 idx,
				    struct vdpa_stats_msg *msg)
{
	const struct vdpasim_blk_stats *st = &sim_to_blk(sim)->stats;
	const struct {
		const char *name;
		u64 value;
	} counters[] = {
		{ "read_requests", st->reads },
		{ "write_requests", st->writes },
		{ "flush_requests", st->flushes },
		{ "read_bytes", st->read_bytes },
		{ "written_bytes", st->written_bytes },
		{ "errors", st->errors },
		{ "unsupported_requests", st->unsupported },
	};
	unsigned int i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(counters) && !err; i++)
		err = vdpa_stats_put(msg, counters[i].name, counters[i].value);
	return err;
}

static const struct vdpasim_class vdpasim_blk_class = {
	.device_id	= VIRTIO_ID_BLOCK,
	.ngroups	= 1,
	.nas		= 1,
	.config_size	= sizeof(struct virtio_blk_config),
	.work		= vdpasim_blk_work,
	.get_vq_stats	= vdpasim_blk_get_vq_stats,
};

static __virtio32 vdpasim_blk_le32(u32 val)
{
	return (__force __virtio32)cpu_to_le32(val);
}

static int vdpasim_blk_dev_add(struct vdpa_mgmt_dev *mdev, const char *name,
			       const struct vdpa_dev_set_config *config,
			       struct netlink_ext_ack *extack)
{
	u64 capacity = VDPASIM_BLK_DEFAULT_CAPACITY;
	u64 features = VDPASIM_BLK_FEATURES;
	struct vdpasim_blk *blk;
	struct vdpasim *sim;

	/* within supported_features, with required_features: the core checked */
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES))
		features = config->device_features;
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_BLK_CFG_CAPACITY)) {
		capacity = config->blk.capacity;
		if (!capacity || capacity > max_capacity) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "capacity must be 1..%llu sectors",
					       max_capacity);
			return -ERANGE;
		}
	}

	sim = vdpasim_create(&vdpasim_blk_class, mdev, name, sizeof(*blk), 1,
			     features);
	if (IS_ERR(sim))
		return PTR_ERR(sim);
	blk = sim_to_blk(sim);
	sim->config = &blk->config;
	xa_init(&blk->pages);
	blk->capacity = capacity;
	blk->config.capacity = (__force __virtio64)cpu_to_le64(capacity);
	blk->config.size_max = vdpasim_blk_le32(VDPASIM_BLK_SIZE_MAX);
	blk->config.seg_max = vdpasim_blk_le32(VDPASIM_BLK_SEG_MAX);
	blk->config.blk_size = vdpasim_blk_le32(VDPASIM_BLK_SECTOR_SIZE);
	return vdpasim_register(sim);
}

static void vdpasim_blk_dev_del(struct vdpa_mgmt_dev *mdev,
				struct vdpa_device *vdpa)
{
	struct vdpasim_blk *blk = sim_to_blk(vdpa_to_sim(vdpa));
	struct page *page;
	unsigned long index;

	get_device(&vdpa->dev);
	vdpa_unregister_device(vdpa);
	vdpasim_stop(&blk->sim);
	/* The disk goes with the device, and only then. */
	xa_for_each(&blk->pages, index, page)
		__free_page(page);
	xa_destroy(&blk->pages);
	put_device(&vdpa->dev);
}

static const struct vdpa_mgmtdev_ops vdpasim_blk_mgmt_ops = {
	.dev_add	= vdpasim_blk_dev_add,
	.dev_del	= vdpasim_blk_dev_del,
};

static const struct virtio_device_id vdpasim_blk_id_table[] = {
	{ VIRTIO_ID_BLOCK, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct vdpa_mgmt_dev vdpasim_blk_mgmt = {
	.ops			= &vdpasim_blk_mgmt_ops,
	.id_table		= vdpasim_blk_id_table,
	.config_attr_mask	= BIT_ULL(VDPA_ATTR_DEV_BLK_CFG_CAPACITY) |
				  BIT_ULL(VDPA_ATTR_DEV_FEATURES),
	.supported_features	= VDPASIM_BLK_FEATURES,
	.required_features	= VDPASIM_BLK_REQUIRED,
	.max_supported_vqs	= 1,
};

static int __init vdpasim_blk_init(void)
{
	static_assert(offsetof(struct vdpasim_blk, sim) == 0);
	return vdpasim_mgmt_register(&vdpasim_blk_mgmt, "vdpasim_blk");
}

static void __exit vdpasim_blk_exit(void)
{
	vdpasim_mgmt_unregister(&vdpasim_blk_mgmt);
}

module_init(vdpasim_blk_init);
module_exit(vdpasim_blk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vDPA simulator: RAM-backed virtio-blk device");
