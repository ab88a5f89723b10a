/* SPDX-License-Identifier: GPL-2.0+ WITH Linux-syscall-note */
/*
 * vDPA management over generic netlink.
 *
 * The family is described in Documentation/netlink/specs/vdpa.yaml. Command
 * and attribute numbers are ABI shared with iproute2's vdpa tool: only ever
 * append, never renumber.
 */

#ifndef _UAPI_LINUX_VDPA_H_
#define _UAPI_LINUX_VDPA_H_

#define VDPA_GENL_NAME "vdpa"
#define VDPA_GENL_VERSION 0x1

enum vdpa_command {
	VDPA_CMD_UNSPEC,
	VDPA_CMD_MGMTDEV_NEW,		/* reserved, never sent by the kernel */
	VDPA_CMD_MGMTDEV_GET,		/* get one or dump all */
	VDPA_CMD_DEV_NEW,
	VDPA_CMD_DEV_DEL,
	VDPA_CMD_DEV_GET,		/* get one or dump all */
	VDPA_CMD_DEV_CONFIG_GET,	/* get one or dump all */
	VDPA_CMD_DEV_VSTATS_GET,
	VDPA_CMD_DEV_ATTR_SET,
};

enum vdpa_attr {
	VDPA_ATTR_UNSPEC,

	/* 64-bit attributes are padded with attribute 0 */
	VDPA_ATTR_PAD = VDPA_ATTR_UNSPEC,

	/* a management device is named by an optional bus and a device name */
	VDPA_ATTR_MGMTDEV_BUS_NAME,		/* string */
	VDPA_ATTR_MGMTDEV_DEV_NAME,		/* string */
	VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES,	/* u64, bit N: virtio id N */

	VDPA_ATTR_DEV_NAME,			/* string */
	VDPA_ATTR_DEV_ID,			/* u32, virtio device id */
	VDPA_ATTR_DEV_VENDOR_ID,		/* u32 */
	VDPA_ATTR_DEV_MAX_VQS,			/* u32 */
	VDPA_ATTR_DEV_MAX_VQ_SIZE,		/* u16 */
	VDPA_ATTR_DEV_MIN_VQ_SIZE,		/* u16 */

	VDPA_ATTR_DEV_NET_CFG_MACADDR,		/* binary, ETH_ALEN bytes */
	VDPA_ATTR_DEV_NET_STATUS,		/* u16, despite its original u8 label */
	VDPA_ATTR_DEV_NET_CFG_MAX_VQP,		/* u16 */
	VDPA_ATTR_DEV_NET_CFG_MTU,		/* u16 */

	VDPA_ATTR_DEV_NEGOTIATED_FEATURES,	/* u64 */
	VDPA_ATTR_DEV_MGMTDEV_MAX_VQS,		/* u32 */
	/* features a management device can offer to the devices it creates */
	VDPA_ATTR_DEV_SUPPORTED_FEATURES,	/* u64 */

	VDPA_ATTR_DEV_QUEUE_INDEX,		/* u32 */
	VDPA_ATTR_DEV_VENDOR_ATTR_NAME,		/* string */
	VDPA_ATTR_DEV_VENDOR_ATTR_VALUE,	/* u64 */

	/* features provisioned to (offered by) one device */
	VDPA_ATTR_DEV_FEATURES,			/* u64 */

	VDPA_ATTR_DEV_BLK_CFG_CAPACITY,		/* u64, 512-byte sectors */
	VDPA_ATTR_DEV_BLK_CFG_SIZE_MAX,		/* u32 */
	VDPA_ATTR_DEV_BLK_CFG_BLK_SIZE,		/* u32 */
	VDPA_ATTR_DEV_BLK_CFG_SEG_MAX,		/* u32 */
	VDPA_ATTR_DEV_BLK_CFG_NUM_QUEUES,	/* u16 */
	VDPA_ATTR_DEV_BLK_CFG_PHY_BLK_EXP,	/* u8 */
	VDPA_ATTR_DEV_BLK_CFG_ALIGN_OFFSET,	/* u8 */
	VDPA_ATTR_DEV_BLK_CFG_MIN_IO_SIZE,	/* u16 */
	VDPA_ATTR_DEV_BLK_CFG_OPT_IO_SIZE,	/* u32 */
	VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEC,	/* u32 */
	VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEG,	/* u32 */
	VDPA_ATTR_DEV_BLK_CFG_DISCARD_SEC_ALIGN,	/* u32 */
	VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEC,	/* u32 */
	VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEG,	/* u32 */
	VDPA_ATTR_DEV_BLK_READ_ONLY,		/* u8 */
	VDPA_ATTR_DEV_BLK_FLUSH,		/* u8 */

	/* append new attributes here */
	VDPA_ATTR_MAX,
};

#endif /* _UAPI_LINUX_VDPA_H_ */
