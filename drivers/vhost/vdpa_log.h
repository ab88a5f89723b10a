/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost-vdpa's dirty page log: vhost's format (VHOST_SET_LOG_BASE, a bit
 * per 4 KiB page, VHOST_SET_LOG_FD) filled in by a parent that can log
 * (vdpa_config_ops.set_dirty_log), addressed by IOVA.
 */
#ifndef _VHOST_VDPA_LOG_H
#define _VHOST_VDPA_LOG_H

#include <linux/spinlock.h>
#include <linux/vdpa_iotlb.h>

struct eventfd_ctx;
struct vhost_vdpa_log_pins;

/**
 * struct vhost_vdpa_log - the owner's log
 * @log: what the parent marks
 * @lock: guards @pins and @ctx against @log's mark, which the parent calls
 *	under its own locks: taken last, never held while anything waits
 * @pins: the pinned pages of the log, or NULL
 * @ctx: eventfd signalled after marks, or NULL
 * @base: user address of the log's first byte, 0 for none
 * @on: attached to the parent (VHOST_F_LOG_ALL acked)
 *
 * Everything but the mark is called in the owner's context, serialised by
 * the caller.
 */
struct vhost_vdpa_log {
	struct vdpa_dirty_log log;
	spinlock_t lock;	/* see above */
	struct vhost_vdpa_log_pins *pins;
	struct eventfd_ctx *ctx;
	u64 base;
	bool on;
};

void vhost_vdpa_log_init(struct vhost_vdpa_log *l);
bool vhost_vdpa_log_covers(const struct vhost_vdpa_log *l, u64 end);
int vhost_vdpa_log_pin(const struct vhost_vdpa_log *l, u64 end,
		       struct vhost_vdpa_log_pins **pins);
void vhost_vdpa_log_install(struct vhost_vdpa_log *l,
			    struct vhost_vdpa_log_pins *pins);
void vhost_vdpa_log_unpin(struct vhost_vdpa_log_pins *pins);
int vhost_vdpa_log_set_fd(struct vhost_vdpa_log *l, int fd);
void vhost_vdpa_log_clear(struct vhost_vdpa_log *l);

#endif /* _VHOST_VDPA_LOG_H */
