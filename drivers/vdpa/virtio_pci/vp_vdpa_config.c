// SPDX-License-Identifier: GPL-2.0
/*
 * The device-specific config space of a vp_vdpa_lib device: the function's
 * own config window, split into accesses of each field's width and read
 * again while the generation moves, with the virtio-net fields a device
 * was provisioned with (MTU, queue pairs) shown over the function's.
 *
 * vp_vdpa_mgmt.c reads the function's values here too, to check what
 * userspace asks to provision against them.
 */

#include <linux/io.h>
#include <linux/unaligned.h>
#include <linux/virtio_net.h>
#include <linux/vp_vdpa_lib.h>

#include "vp_vdpa_priv.h"

/* Config-space reads retried while the generation moves, at most this. */
#define VP_VDPA_CFG_RETRIES	16

/*
 * virtio-pci wants each field accessed with its own width: split a range
 * into the widest naturally aligned accesses it allows.
 */
static unsigned int vp_vdpa_cfg_width(unsigned int offset, unsigned int len)
{
	if (len >= 4 && IS_ALIGNED(offset, 4))
		return 4;
	if (len >= 2 && IS_ALIGNED(offset, 2))
		return 2;
	return 1;
}

static void vp_vdpa_cfg_read(void __iomem *base, unsigned int offset,
			     u8 *buf, unsigned int len)
{
	unsigned int width;

	for (; len; offset += width, buf += width, len -= width) {
		width = vp_vdpa_cfg_width(offset, len);
		if (width == 4)
			put_unaligned_le32(ioread32(base + offset), buf);
		else if (width == 2)
			put_unaligned_le16(ioread16(base + offset), buf);
		else
			*buf = ioread8(base + offset);
	}
}

static void vp_vdpa_cfg_write(void __iomem *base, unsigned int offset,
			      const u8 *buf, unsigned int len)
{
	unsigned int width;

	for (; len; offset += width, buf += width, len -= width) {
		width = vp_vdpa_cfg_width(offset, len);
		if (width == 4)
			iowrite32(get_unaligned_le32(buf), base + offset);
		else if (width == 2)
			iowrite16(get_unaligned_le16(buf), base + offset);
		else
			iowrite8(*buf, base + offset);
	}
}

/* A consistent snapshot of [@offset, @offset + @len) of the function's. */
int vp_vdpa_hw_cfg_get(struct vp_vdpa_hw *hw, unsigned int offset,
		       void *buf, unsigned int len)
{
	struct virtio_pci_modern_device *mdev = &hw->mdev;
	unsigned int tries = 0;
	u32 gen;

	if (!mdev->device || offset > mdev->device_len ||
	    len > mdev->device_len - offset)
		return -EINVAL;
	do {
		gen = vp_modern_generation(mdev);
		vp_vdpa_cfg_read(mdev->device, offset, buf, len);
	} while (gen != vp_modern_generation(mdev) &&
		 ++tries < VP_VDPA_CFG_RETRIES);
	return 0;
}

/* Show a provisioned 16-bit field over the function's own value. */
static void vp_vdpa_cfg_patch16(u8 *buf, unsigned int offset,
				unsigned int len, unsigned int field, u16 val)
{
	u8 bytes[2];
	unsigned int i;

	put_unaligned_le16(val, bytes);
	for (i = 0; i < sizeof(bytes); i++)
		if (field + i >= offset && field + i < offset + len)
			buf[field + i - offset] = bytes[i];
}

/**
 * vp_vdpa_lib_get_config - &vdpa_config_ops.get_config of a library device
 * @vdpa: the device
 * @offset: offset into the device-specific config space
 * @buf: where to store the bytes
 * @len: how many bytes; the core checked the range
 *
 * Reads the function's config space, retried until the generation is
 * stable, with provisioned virtio-net fields shown over the function's.
 */
void vp_vdpa_lib_get_config(struct vdpa_device *vdpa, unsigned int offset,
			    void *buf, unsigned int len)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);

	if (vp_vdpa_hw_cfg_get(vp->hw, offset, buf, len)) {
		memset(buf, 0, len);
		return;
	}
	if (vp->max_vqp)
		vp_vdpa_cfg_patch16(buf, offset, len,
				    offsetof(struct virtio_net_config,
					     max_virtqueue_pairs),
				    vp->max_vqp);
	if (vp->mtu)
		vp_vdpa_cfg_patch16(buf, offset, len,
				    offsetof(struct virtio_net_config, mtu),
				    vp->mtu);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_get_config);

/**
 * vp_vdpa_lib_set_config - &vdpa_config_ops.set_config of a library device
 * @vdpa: the device
 * @offset: offset into the device-specific config space
 * @buf: the bytes to write
 * @len: how many bytes; the core checked the range
 */
void vp_vdpa_lib_set_config(struct vdpa_device *vdpa, unsigned int offset,
			    const void *buf, unsigned int len)
{
	struct virtio_pci_modern_device *mdev = &vdpa_to_vp(vdpa)->hw->mdev;

	if (mdev->device && offset <= mdev->device_len &&
	    len <= mdev->device_len - offset)
		vp_vdpa_cfg_write(mdev->device, offset, buf, len);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_set_config);

size_t vp_vdpa_get_config_size(struct vdpa_device *vdpa)
{
	struct virtio_pci_modern_device *mdev = &vdpa_to_vp(vdpa)->hw->mdev;

	return mdev->device ? mdev->device_len : 0;
}

u32 vp_vdpa_get_generation(struct vdpa_device *vdpa)
{
	return vp_modern_generation(&vdpa_to_vp(vdpa)->hw->mdev);
}
