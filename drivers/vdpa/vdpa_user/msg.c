// SPDX-License-Identifier: GPL-2.0
/*
 * Requests to the daemon: what the kernel cannot answer alone is queued,
 * read by the daemon from /dev/vduse/<name>, and answered by a write.
 *
 * A request waits for its reply at most msg_timeout seconds. A daemon that
 * lets one time out is broken for good: every request fails from then on,
 * so a vDPA device on a dead daemon can still be reset and deleted with
 * bounded waits, and the kernel fails the driver's requests in flight
 * (takeover.c). A fatal signal ends one wait without breaking anything.
 * The daemon closing its node is not a failure: what it read and did not
 * answer is read again by the next opener.
 */

#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/virtio_config.h>

#include "vduse.h"

struct vduse_msg {
	struct list_head node;
	struct vduse_dev_request req;
	struct vduse_dev_response resp;
	bool done;
};

/**
 * vduse_msg_init - set up a new device's request queues
 * @dev: the device
 */
void vduse_msg_init(struct vduse_dev *dev)
{
	spin_lock_init(&dev->msg_lock);
	INIT_LIST_HEAD(&dev->msg_pending);
	INIT_LIST_HEAD(&dev->msg_reading);
	init_waitqueue_head(&dev->msg_wait);
	init_waitqueue_head(&dev->reply_wait);
	dev->msg_timeout = VDUSE_MSG_TIMEOUT;
}

static void vduse_fail_list_locked(struct list_head *list)
{
	struct vduse_msg *msg, *next;

	list_for_each_entry_safe(msg, next, list, node) {
		list_del_init(&msg->node);
		msg->resp.result = VDUSE_REQ_RESULT_FAILED;
		WRITE_ONCE(msg->done, true);
	}
}

static void vduse_break_locked(struct vduse_dev *dev, const char *why)
{
	lockdep_assert_held(&dev->msg_lock);
	dev->broken = true;
	vduse_fail_list_locked(&dev->msg_pending);
	vduse_fail_list_locked(&dev->msg_reading);
	dev_warn(&dev->dev, "%s: device broken\n", why);
}

/**
 * vduse_msg_broken - the device is broken
 * @dev: the device
 *
 * Return: true once a request timed out or the kernel took the device over.
 */
bool vduse_msg_broken(struct vduse_dev *dev)
{
	bool broken;

	spin_lock(&dev->msg_lock);
	broken = dev->broken;
	spin_unlock(&dev->msg_lock);
	return broken;
}

/**
 * vduse_msg_break - break the device for good
 * @dev: the device
 * @why: for the log
 *
 * Every request waiting fails now, every later one at once.
 */
void vduse_msg_break(struct vduse_dev *dev, const char *why)
{
	spin_lock(&dev->msg_lock);
	if (!dev->broken)
		vduse_break_locked(dev, why);
	spin_unlock(&dev->msg_lock);
	wake_up_all(&dev->reply_wait);
	wake_up_all(&dev->msg_wait);
}

static long vduse_msg_wait(struct vduse_dev *dev, struct vduse_msg *msg)
{
	unsigned int secs = READ_ONCE(dev->msg_timeout);

	if (!secs)
		return wait_event_killable(dev->reply_wait, READ_ONCE(msg->done));
	/* A positive answer is what is left of the timeout, at least 1. */
	return wait_event_killable_timeout(dev->reply_wait,
					   READ_ONCE(msg->done),
					   min_t(u64, (u64)secs * HZ,
						 MAX_SCHEDULE_TIMEOUT - 1));
}

/* Send @msg, wait for its reply; 0 if the daemon answered OK. */
static int vduse_msg_send(struct vduse_dev *dev, struct vduse_msg *msg)
{
	bool broke = false;
	long ret;
	int err;

	spin_lock(&dev->msg_lock);
	if (dev->broken) {
		spin_unlock(&dev->msg_lock);
		return -EIO;
	}
	msg->req.request_id = dev->msg_next_id++;
	list_add_tail(&msg->node, &dev->msg_pending);
	spin_unlock(&dev->msg_lock);
	wake_up(&dev->msg_wait);

	ret = vduse_msg_wait(dev, msg);

	spin_lock(&dev->msg_lock);
	if (msg->done) {
		err = msg->resp.result == VDUSE_REQ_RESULT_OK ? 0 : -EIO;
	} else {
		/* Killed, or timed out: then nothing waits any more. */
		list_del(&msg->node);
		broke = !ret && !dev->broken;
		if (broke)
			vduse_break_locked(dev, "the daemon did not answer in time");
		err = -EIO;
	}
	spin_unlock(&dev->msg_lock);
	if (broke) {
		wake_up_all(&dev->reply_wait);
		wake_up_all(&dev->msg_wait);
		/* What the driver has in flight will not come back either. */
		vduse_takeover_arm(dev, true);
	}
	return err;
}

/**
 * vduse_msg_set_status - ask the daemon to accept a status byte
 * @dev: the device
 * @status: the new status, 0 for a reset
 *
 * Return: 0 if the daemon accepted it, -EIO otherwise.
 */
int vduse_msg_set_status(struct vduse_dev *dev, u8 status)
{
	struct vduse_msg *msg = kzalloc(sizeof(*msg), GFP_KERNEL);
	int err;

	if (!msg)
		return -ENOMEM;
	msg->req.type = VDUSE_SET_STATUS;
	msg->req.s.status = status;
	err = vduse_msg_send(dev, msg);
	kfree(msg);
	return err;
}

/**
 * vduse_msg_get_vq_state - ask the daemon where a queue stands
 * @dev: the device
 * @index: the queue
 * @state: the answer, in the ring layout the driver accepted
 *
 * Return: 0, or -EIO if the daemon failed or did not answer.
 */
int vduse_msg_get_vq_state(struct vduse_dev *dev, u32 index,
			   struct vdpa_vq_state *state)
{
	struct vduse_msg *msg = kzalloc(sizeof(*msg), GFP_KERNEL);
	const struct vduse_vq_state *vs;
	int err;

	if (!msg)
		return -ENOMEM;
	msg->req.type = VDUSE_GET_VQ_STATE;
	msg->req.vq_state.index = index;
	err = vduse_msg_send(dev, msg);
	vs = &msg->resp.vq_state;
	if (!err && (dev->driver_features & BIT_ULL(VIRTIO_F_RING_PACKED))) {
		/* The fields are wider on the wire than in the ring. */
		state->packed.last_avail_counter = vs->packed.last_avail_counter & 1;
		state->packed.last_avail_idx = vs->packed.last_avail_idx & 0x7fff;
		state->packed.last_used_counter = vs->packed.last_used_counter & 1;
		state->packed.last_used_idx = vs->packed.last_used_idx & 0x7fff;
	} else if (!err) {
		state->split.avail_index = vs->split.avail_index;
	}
	kfree(msg);
	return err;
}

/**
 * vduse_msg_update_iotlb - tell the daemon translations in a range changed
 * @dev: the device
 * @start: first IOVA
 * @last: last IOVA (inclusive)
 *
 * The daemon drops its mappings of the range and looks them up again.
 *
 * Return: 0, or -EIO if the daemon failed or did not answer.
 */
int vduse_msg_update_iotlb(struct vduse_dev *dev, u64 start, u64 last)
{
	struct vduse_msg *msg = kzalloc(sizeof(*msg), GFP_KERNEL);
	int err;

	if (!msg)
		return -ENOMEM;
	msg->req.type = VDUSE_UPDATE_IOTLB;
	msg->req.iova.start = start;
	msg->req.iova.last = last;
	err = vduse_msg_send(dev, msg);
	kfree(msg);
	return err;
}

/**
 * vduse_msg_requeue_read - the daemon closed its node
 * @dev: the device
 *
 * Requests it read and did not answer go back, first, to those the next
 * opener reads.
 */
void vduse_msg_requeue_read(struct vduse_dev *dev)
{
	spin_lock(&dev->msg_lock);
	list_splice_init(&dev->msg_reading, &dev->msg_pending);
	spin_unlock(&dev->msg_lock);
	wake_up(&dev->msg_wait);
}

static bool vduse_msg_readable(struct vduse_dev *dev)
{
	bool ret;

	spin_lock(&dev->msg_lock);
	ret = !list_empty(&dev->msg_pending);
	spin_unlock(&dev->msg_lock);
	return ret;
}

static struct vduse_msg *vduse_find_reading_locked(struct vduse_dev *dev,
						   u32 id)
{
	struct vduse_msg *msg;

	list_for_each_entry(msg, &dev->msg_reading, node)
		if (msg->req.request_id == id)
			return msg;
	return NULL;
}

/**
 * vduse_msg_read_iter - the daemon reads the oldest request
 * @iocb: the read
 * @to: at least one struct vduse_dev_request
 *
 * Return: the size of a request, or -errno.
 */
ssize_t vduse_msg_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct vduse_dev *dev = iocb->ki_filp->private_data;
	struct vduse_dev_request req;
	struct vduse_msg *msg;
	int err;

	if (iov_iter_count(to) < sizeof(req))
		return -EINVAL;
	for (;;) {
		spin_lock(&dev->msg_lock);
		msg = list_first_entry_or_null(&dev->msg_pending,
					       struct vduse_msg, node);
		if (msg)
			break;
		spin_unlock(&dev->msg_lock);
		if (iocb->ki_filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible_exclusive(dev->msg_wait,
							 vduse_msg_readable(dev));
		if (err)
			return err;
	}
	list_move_tail(&msg->node, &dev->msg_reading);
	/* The sender may give up once we unlock: copy it now. */
	req = msg->req;
	spin_unlock(&dev->msg_lock);
	wake_up(&dev->msg_wait);

	if (copy_to_iter(&req, sizeof(req), to) == sizeof(req))
		return sizeof(req);

	/* Not delivered: it goes back first, unless it is over already. */
	spin_lock(&dev->msg_lock);
	msg = vduse_find_reading_locked(dev, req.request_id);
	if (msg)
		list_move(&msg->node, &dev->msg_pending);
	spin_unlock(&dev->msg_lock);
	wake_up(&dev->msg_wait);
	return -EFAULT;
}

/**
 * vduse_msg_write_iter - the daemon answers a request it read
 * @iocb: the write
 * @from: one struct vduse_dev_response
 *
 * Return: the size of a response, or -errno (-ENOENT if no request read
 * and unanswered has its id).
 */
ssize_t vduse_msg_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct vduse_dev *dev = iocb->ki_filp->private_data;
	struct vduse_dev_response resp;
	struct vduse_msg *msg;
	unsigned int i;

	if (iov_iter_count(from) < sizeof(resp))
		return -EINVAL;
	if (!copy_from_iter_full(&resp, sizeof(resp), from))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(resp.reserved); i++)
		if (resp.reserved[i])
			return -EINVAL;

	spin_lock(&dev->msg_lock);
	msg = vduse_find_reading_locked(dev, resp.request_id);
	if (msg) {
		list_del_init(&msg->node);
		msg->resp = resp;
		WRITE_ONCE(msg->done, true);
	}
	spin_unlock(&dev->msg_lock);
	if (!msg)
		return -ENOENT;
	wake_up_all(&dev->reply_wait);
	wake_up(&dev->msg_wait);
	return sizeof(resp);
}

/**
 * vduse_msg_poll - readable with a request to read, writable with one to
 *	answer, an error once broken
 * @file: the device's node
 * @wait: the poll table
 *
 * Return: the events.
 */
__poll_t vduse_msg_poll(struct file *file, struct poll_table_struct *wait)
{
	struct vduse_dev *dev = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &dev->msg_wait, wait);
	spin_lock(&dev->msg_lock);
	if (dev->broken)
		mask |= EPOLLERR;
	if (!list_empty(&dev->msg_pending))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (!list_empty(&dev->msg_reading))
		mask |= EPOLLOUT | EPOLLWRNORM;
	spin_unlock(&dev->msg_lock);
	return mask;
}
