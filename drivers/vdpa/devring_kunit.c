// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for device-side split ring access (drivers/vdpa/devring.c).
 *
 * Each test plays the driver by hand: it lays out a descriptor table, an
 * available ring and a used ring in kernel memory, using the virtio ring
 * layout from <uapi/linux/virtio_ring.h>, and checks what the device side
 * takes from them and writes back. The memory is reached either through an
 * identity table (IOVA = physical address) or through a table that maps an
 * IOVA window onto it with chosen permissions.
 */

#include <kunit/test.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vdpa_devring.h>
#include <linux/vdpa_iotlb.h>
#include <linux/virtio_byteorder.h>
#include <uapi/linux/virtio_ring.h>

/* Layout of the test memory: one page per area, buffers at the end. */
#define FX_DESC		(0 * PAGE_SIZE)
#define FX_AVAIL	(1 * PAGE_SIZE)
#define FX_USED		(2 * PAGE_SIZE)
#define FX_INDIRECT	(3 * PAGE_SIZE)
#define FX_DATA		(4 * PAGE_SIZE)
#define FX_SIZE		(8 * PAGE_SIZE)
#define FX_SLOT		256	/* bytes per data buffer */

/* Where the memory appears to the device when not identity-mapped. */
#define FX_TABLE_IOVA	0x7f0000000000ULL

#define FX_NUM		8
#define FX_MAX_SEGS	16

#define EVENT_IDX	BIT_ULL(VIRTIO_RING_F_EVENT_IDX)
#define INDIRECT	BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC)

struct ring_fx {
	struct vdpa_iotlb iotlb;
	struct vdpa_devring ring;
	struct vdpa_devring_seg segs[FX_MAX_SEGS];
	struct vdpa_devring_chain chain;
	struct vring vr;
	u8 *mem;
	u64 base;	/* IOVA of mem */
	u16 avail_idx;	/* the driver's next avail index */
};

static int fx_init(struct kunit *test)
{
	struct ring_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->mem = kunit_kzalloc(test, FX_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->mem);
	vdpa_iotlb_init(&fx->iotlb, 0, NULL);
	vdpa_iotlb_set_identity(&fx->iotlb, true);
	fx->base = virt_to_phys(fx->mem);
	fx->vr.num = FX_NUM;
	fx->vr.desc = (struct vring_desc *)(fx->mem + FX_DESC);
	fx->vr.avail = (struct vring_avail *)(fx->mem + FX_AVAIL);
	fx->vr.used = (struct vring_used *)(fx->mem + FX_USED);
	test->priv = fx;
	return 0;
}

static void fx_exit(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	vdpa_iotlb_clear(&fx->iotlb);
}

static u64 fx_iova(const struct ring_fx *fx, const void *p)
{
	return fx->base + ((const u8 *)p - fx->mem);
}

static u8 *fx_buf(struct ring_fx *fx, unsigned int n)
{
	return fx->mem + FX_DATA + n * FX_SLOT;
}

static struct vring_desc *fx_indirect(struct ring_fx *fx)
{
	return (struct vring_desc *)(fx->mem + FX_INDIRECT);
}

/* Reach the memory through FX_TABLE_IOVA; nothing is mapped yet. */
static void fx_table_mode(struct ring_fx *fx)
{
	vdpa_iotlb_set_identity(&fx->iotlb, false);
	fx->base = FX_TABLE_IOVA;
}

static void fx_map(struct kunit *test, struct ring_fx *fx, size_t off,
		   size_t len, u32 perm)
{
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(&fx->iotlb, fx->base + off,
					     fx->base + off + len - 1,
					     virt_to_phys(fx->mem + off), perm,
					     NULL), 0);
}

static void fx_start(struct kunit *test, struct ring_fx *fx, u64 features,
		     u16 last_avail)
{
	KUNIT_ASSERT_EQ(test, vdpa_devring_init(&fx->ring, &fx->iotlb,
						features, fx->vr.num,
						fx_iova(fx, fx->vr.desc),
						fx_iova(fx, fx->vr.avail),
						fx_iova(fx, fx->vr.used),
						last_avail), 0);
	fx->avail_idx = last_avail;
	fx->vr.avail->idx = __cpu_to_virtio16(true, last_avail);
	fx->chain.segs = fx->segs;
	fx->chain.max_segs = FX_MAX_SEGS;
}

static void set_desc(struct vring_desc *d, u64 addr, u32 len, u16 flags,
		     u16 next)
{
	d->addr = __cpu_to_virtio64(true, addr);
	d->len = __cpu_to_virtio32(true, len);
	d->flags = __cpu_to_virtio16(true, flags);
	d->next = __cpu_to_virtio16(true, next);
}

/* Descriptor @i of the ring: data slot @slot, @len bytes. */
static void fx_desc(struct ring_fx *fx, u16 i, unsigned int slot, u32 len,
		    u16 flags, u16 next)
{
	set_desc(&fx->vr.desc[i], fx_iova(fx, fx_buf(fx, slot)), len, flags,
		 next);
}

static void fx_publish(struct ring_fx *fx, u16 head)
{
	fx->vr.avail->ring[fx->avail_idx & (fx->vr.num - 1)] =
		__cpu_to_virtio16(true, head);
	fx->avail_idx++;
	fx->vr.avail->idx = __cpu_to_virtio16(true, fx->avail_idx);
}

static int fx_fetch(struct ring_fx *fx)
{
	return vdpa_devring_fetch(&fx->ring, &fx->chain);
}

static u16 fx_used_idx(const struct ring_fx *fx)
{
	return __virtio16_to_cpu(true, fx->vr.used->idx);
}

static void expect_used(struct kunit *test, struct ring_fx *fx, u16 pos,
			u32 id, u32 len)
{
	struct vring_used_elem *e = &fx->vr.used->ring[pos & (fx->vr.num - 1)];

	KUNIT_EXPECT_EQ_MSG(test, __virtio32_to_cpu(true, e->id), id,
			    "used entry %u", pos);
	KUNIT_EXPECT_EQ_MSG(test, __virtio32_to_cpu(true, e->len), len,
			    "used entry %u", pos);
}

static void expect_seg(struct kunit *test, struct ring_fx *fx,
		       unsigned int i, unsigned int slot, u32 len)
{
	KUNIT_EXPECT_EQ_MSG(test, fx->segs[i].iova, fx_iova(fx, fx_buf(fx, slot)),
			    "segment %u", i);
	KUNIT_EXPECT_EQ_MSG(test, fx->segs[i].len, len, "segment %u", i);
}

static void vdpa_devring_test_init(struct kunit *test)
{
	struct vdpa_devring ring;
	struct vdpa_iotlb iotlb;

	vdpa_iotlb_init(&iotlb, 0, NULL);
	/* sizes: a power of two, at most 32768 */
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 0, 0x1000,
						0x2000, 0x3000, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 3, 0x1000,
						0x2000, 0x3000, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 65536,
						0x1000, 0x2000, 0x3000, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 32768,
						0x100000, 0x200000, 0x300000,
						0), 0);
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 1, 0x1000,
						0x2000, 0x3000, 0), 0);

	/* alignment: 16 for descriptors, 2 for avail, 4 for used */
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 8, 0x1008,
						0x2000, 0x3000, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 8, 0x1000,
						0x2001, 0x3000, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 8, 0x1000,
						0x2000, 0x3002, 0), -EINVAL);

	/* areas that would wrap past U64_MAX */
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 8,
						U64_MAX - 15, 0x2000, 0x3000,
						0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 8, 0x1000,
						U64_MAX - 1, 0x3000, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 8, 0x1000,
						0x2000, U64_MAX - 3, 0),
			-EINVAL);
	/* a table ending exactly at U64_MAX is fine */
	KUNIT_EXPECT_EQ(test, vdpa_devring_init(&ring, &iotlb, 0, 8,
						U64_MAX - 127, 0x2000, 0x3000,
						0), 0);

	/* the position is taken as given */
	KUNIT_ASSERT_EQ(test, vdpa_devring_init(&ring, &iotlb,
						EVENT_IDX | INDIRECT, 8,
						0x1000, 0x2000, 0x3000, 1234),
			0);
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&ring), 1234);
}

static void vdpa_devring_test_empty(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 0);
}

static void vdpa_devring_test_single(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	fx_desc(fx, 2, 0, 100, 0, 0);
	fx_publish(fx, 2);

	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 2);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_out, 1);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_in, 0);
	KUNIT_EXPECT_EQ(test, fx->chain.out_len, 100);
	KUNIT_EXPECT_EQ(test, fx->chain.in_len, 0);
	expect_seg(test, fx, 0, 0, 100);
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 1);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);

	KUNIT_ASSERT_EQ(test, vdpa_devring_complete(&fx->ring, 2, 0), 0);
	KUNIT_EXPECT_EQ(test, fx_used_idx(fx), 1);
	expect_used(test, fx, 0, 2, 0);
}

static void vdpa_devring_test_chain(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	/* 5 -> 1 -> 7 -> 0: two readable, then two writable */
	fx_desc(fx, 5, 0, 10, VRING_DESC_F_NEXT, 1);
	fx_desc(fx, 1, 1, 20, VRING_DESC_F_NEXT, 7);
	fx_desc(fx, 7, 2, 30, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 0);
	fx_desc(fx, 0, 3, 40, VRING_DESC_F_WRITE, 0);
	fx_publish(fx, 5);
	/* a second chain behind it, sharing no descriptor */
	fx_desc(fx, 3, 4, 50, VRING_DESC_F_WRITE, 0);
	fx_publish(fx, 3);

	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 5);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_out, 2);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_in, 2);
	KUNIT_EXPECT_EQ(test, fx->chain.out_len, 30);
	KUNIT_EXPECT_EQ(test, fx->chain.in_len, 70);
	expect_seg(test, fx, 0, 0, 10);
	expect_seg(test, fx, 1, 1, 20);
	expect_seg(test, fx, 2, 2, 30);
	expect_seg(test, fx, 3, 3, 40);

	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 3);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_out, 0);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_in, 1);
	KUNIT_EXPECT_EQ(test, fx->chain.in_len, 50);

	/* completions may come in any order; each takes the next slot */
	KUNIT_ASSERT_EQ(test, vdpa_devring_complete(&fx->ring, 3, 50), 0);
	KUNIT_EXPECT_EQ(test, fx_used_idx(fx), 1);
	KUNIT_ASSERT_EQ(test, vdpa_devring_complete(&fx->ring, 5, 55), 0);
	KUNIT_EXPECT_EQ(test, fx_used_idx(fx), 2);
	expect_used(test, fx, 0, 3, 50);
	expect_used(test, fx, 1, 5, 55);
}

static void vdpa_devring_test_zero_length(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	/* empty descriptors are no segment, but keep the chain going */
	fx_desc(fx, 0, 0, 0, VRING_DESC_F_NEXT, 1);
	fx_desc(fx, 1, 1, 8, VRING_DESC_F_NEXT, 2);
	fx_desc(fx, 2, 2, 0, VRING_DESC_F_WRITE, 0);
	fx_publish(fx, 0);
	fx_desc(fx, 3, 3, 0, 0, 0);
	fx_publish(fx, 3);

	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_out, 1);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_in, 0);
	expect_seg(test, fx, 0, 1, 8);

	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 3);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_out + fx->chain.nr_in, 0);
}

static void vdpa_devring_test_readable_after_writable(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	fx_desc(fx, 0, 0, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	fx_desc(fx, 1, 1, 8, 0, 0);
	fx_publish(fx, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);
	/* nothing was taken */
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 0);
}

static void vdpa_devring_test_loop(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	u16 i;

	fx_start(test, fx, 0, 0);
	fx_desc(fx, 0, 0, 8, VRING_DESC_F_NEXT, 1);
	fx_desc(fx, 1, 1, 8, VRING_DESC_F_NEXT, 0);
	fx_publish(fx, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -ELOOP);

	fx_start(test, fx, 0, 0);
	fx_desc(fx, 4, 0, 0, VRING_DESC_F_NEXT, 4);
	fx_publish(fx, 4);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -ELOOP);

	/* a chain through every descriptor once is the longest legal one */
	fx_start(test, fx, 0, 0);
	for (i = 0; i < FX_NUM; i++)
		fx_desc(fx, i, i, 1,
			i < FX_NUM - 1 ? VRING_DESC_F_NEXT : 0, i + 1);
	fx_publish(fx, 0);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_out, FX_NUM);
}

static void vdpa_devring_test_out_of_range(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	fx_desc(fx, 0, 0, 8, VRING_DESC_F_NEXT, FX_NUM);
	fx_publish(fx, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	fx_start(test, fx, 0, 0);
	fx_publish(fx, FX_NUM);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	fx_start(test, fx, 0, 0);
	fx_publish(fx, U16_MAX);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 0);
}

static void vdpa_devring_test_avail_too_far(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	u16 i, start = 65530;

	for (i = 0; i < FX_NUM; i++)
		fx_desc(fx, i, i, 8, 0, 0);

	/* more than num buffers ahead of the device: a broken driver */
	fx_start(test, fx, 0, 100);
	fx->vr.avail->idx = __cpu_to_virtio16(true, 100 + FX_NUM + 1);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);
	/* ... also when the index wrapped */
	fx_start(test, fx, 0, start);
	fx->vr.avail->idx =
		__cpu_to_virtio16(true, vdpa_devring_last_avail(&fx->ring) +
					FX_NUM + 1);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);
	/* ... or went backwards */
	fx_start(test, fx, 0, 100);
	fx->vr.avail->idx = __cpu_to_virtio16(true, 99);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	/* exactly num ahead: a full ring */
	fx_start(test, fx, 0, start);
	for (i = 0; i < FX_NUM; i++)
		fx_publish(fx, i);
	for (i = 0; i < FX_NUM; i++) {
		KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
		KUNIT_EXPECT_EQ(test, fx->chain.head, i);
	}
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);
}

static void vdpa_devring_test_wrap(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	u16 i, pos;

	/* a 4-entry ring two buffers before the 16-bit indexes wrap */
	fx->vr.num = 4;
	fx_start(test, fx, 0, 65534);
	for (i = 0; i < 4; i++) {
		fx_desc(fx, i, i, 16 + i, 0, 0);
		fx_publish(fx, 3 - i);
	}
	KUNIT_EXPECT_EQ(test, fx->avail_idx, 2);

	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
		KUNIT_EXPECT_EQ(test, fx->chain.head, 3 - i);
		KUNIT_EXPECT_EQ(test, fx->chain.out_len, 16 + 3 - i);
		KUNIT_ASSERT_EQ(test, vdpa_devring_complete(&fx->ring,
							    fx->chain.head,
							    i), 0);
	}
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 2);
	KUNIT_EXPECT_EQ(test, fx_used_idx(fx), 2);
	/* used entries 65534, 65535, 0, 1 land in slots 2, 3, 0, 1 */
	for (i = 0, pos = 65534; i < 4; i++, pos++)
		expect_used(test, fx, pos, 3 - i, i);

	fx_publish(fx, 1);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 1);
	KUNIT_ASSERT_EQ(test, vdpa_devring_complete(&fx->ring, 1, 7), 0);
	KUNIT_EXPECT_EQ(test, fx_used_idx(fx), 3);
	expect_used(test, fx, 2, 1, 7);
}

static void vdpa_devring_test_indirect(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	struct vring_desc *ind = fx_indirect(fx);

	fx_start(test, fx, INDIRECT, 0);
	/* a table of three: 0 -> 2 -> 1 */
	set_desc(&ind[0], fx_iova(fx, fx_buf(fx, 0)), 16, VRING_DESC_F_NEXT, 2);
	set_desc(&ind[2], fx_iova(fx, fx_buf(fx, 1)), 32,
		 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(&ind[1], fx_iova(fx, fx_buf(fx, 2)), 8, VRING_DESC_F_WRITE, 0);
	set_desc(&fx->vr.desc[4], fx_iova(fx, ind), 3 * sizeof(*ind),
		 VRING_DESC_F_INDIRECT, 0);
	fx_publish(fx, 4);

	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 4);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_out, 1);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_in, 2);
	KUNIT_EXPECT_EQ(test, fx->chain.out_len, 16);
	KUNIT_EXPECT_EQ(test, fx->chain.in_len, 40);
	expect_seg(test, fx, 0, 0, 16);
	expect_seg(test, fx, 1, 1, 32);
	expect_seg(test, fx, 2, 2, 8);
}

static void vdpa_devring_test_indirect_larger_than_ring(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	struct vring_desc *ind = fx_indirect(fx);
	u16 i, n = FX_MAX_SEGS;

	/* an indirect table is bounded by its own size, not the ring's */
	fx_start(test, fx, INDIRECT, 0);
	for (i = 0; i < n; i++)
		set_desc(&ind[i], fx_iova(fx, fx_buf(fx, 0)) + i, 1,
			 i < n - 1 ? VRING_DESC_F_NEXT : 0, i + 1);
	set_desc(&fx->vr.desc[0], fx_iova(fx, ind), n * sizeof(*ind),
		 VRING_DESC_F_INDIRECT, 0);
	fx_publish(fx, 0);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_out, n);
	KUNIT_EXPECT_EQ(test, fx->chain.out_len, n);
}

/* One indirect descriptor at head 0 pointing to a table of @n. */
static void fx_indirect_head(struct ring_fx *fx, unsigned int n, u16 flags)
{
	set_desc(&fx->vr.desc[0], fx_iova(fx, fx_indirect(fx)),
		 n * sizeof(struct vring_desc), VRING_DESC_F_INDIRECT | flags,
		 1);
	fx_desc(fx, 1, 1, 8, 0, 0);
	fx_publish(fx, 0);
}

static void vdpa_devring_test_indirect_malformed(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	struct vring_desc *ind = fx_indirect(fx);

	set_desc(&ind[0], fx_iova(fx, fx_buf(fx, 0)), 8, 0, 0);

	/* the driver did not negotiate INDIRECT_DESC */
	fx_start(test, fx, 0, 0);
	fx_indirect_head(fx, 1, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	/* INDIRECT together with NEXT */
	fx_start(test, fx, INDIRECT, 0);
	fx_indirect_head(fx, 1, VRING_DESC_F_NEXT);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	/* empty table, or not a whole number of descriptors */
	fx_start(test, fx, INDIRECT, 0);
	fx_indirect_head(fx, 0, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);
	fx_start(test, fx, INDIRECT, 0);
	set_desc(&fx->vr.desc[0], fx_iova(fx, ind), 24, VRING_DESC_F_INDIRECT,
		 0);
	fx_publish(fx, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	/* a table that wraps the address space */
	fx_start(test, fx, INDIRECT, 0);
	set_desc(&fx->vr.desc[0], U64_MAX - 15, 32, VRING_DESC_F_INDIRECT, 0);
	fx_publish(fx, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	/* nested: an indirect descriptor inside the table */
	fx_start(test, fx, INDIRECT, 0);
	set_desc(&ind[0], fx_iova(fx, ind), 16, VRING_DESC_F_INDIRECT, 0);
	fx_indirect_head(fx, 1, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	/* a loop inside the table */
	fx_start(test, fx, INDIRECT, 0);
	set_desc(&ind[0], fx_iova(fx, fx_buf(fx, 0)), 8, VRING_DESC_F_NEXT, 1);
	set_desc(&ind[1], fx_iova(fx, fx_buf(fx, 1)), 8, VRING_DESC_F_NEXT, 0);
	fx_indirect_head(fx, 2, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -ELOOP);

	/* next beyond the table (but within the ring) */
	fx_start(test, fx, INDIRECT, 0);
	set_desc(&ind[0], fx_iova(fx, fx_buf(fx, 0)), 8, VRING_DESC_F_NEXT, 2);
	fx_indirect_head(fx, 2, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	/* readable after writable inside the table */
	fx_start(test, fx, INDIRECT, 0);
	set_desc(&ind[0], fx_iova(fx, fx_buf(fx, 0)), 8,
		 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(&ind[1], fx_iova(fx, fx_buf(fx, 1)), 8, 0, 0);
	fx_indirect_head(fx, 2, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 0);
}

static void vdpa_devring_test_too_many_segments(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	fx_desc(fx, 0, 0, 8, VRING_DESC_F_NEXT, 1);
	fx_desc(fx, 1, 1, 0, VRING_DESC_F_NEXT, 2);
	fx_desc(fx, 2, 2, 8, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 3);
	fx_desc(fx, 3, 3, 8, VRING_DESC_F_WRITE, 0);
	fx_publish(fx, 0);

	fx->chain.max_segs = 2;
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 0);
	/* three non-empty segments: the empty one does not count */
	fx->chain.max_segs = 3;
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_out, 1);
	KUNIT_EXPECT_EQ(test, fx->chain.nr_in, 2);
}

static void vdpa_devring_test_buffer_wraps(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	set_desc(&fx->vr.desc[0], U64_MAX - 3, 8, 0, 0);
	fx_publish(fx, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EINVAL);

	/* ending exactly at U64_MAX is a valid buffer (access decides) */
	fx_start(test, fx, 0, 0);
	set_desc(&fx->vr.desc[0], U64_MAX - 7, 8, 0, 0);
	fx_publish(fx, 0);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->segs[0].iova, U64_MAX - 7);
}

static void vdpa_devring_test_unmapped(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	struct vdpa_devring_iter it;
	u8 byte[16];

	fx_table_mode(fx);
	fx_map(test, fx, FX_DESC, PAGE_SIZE, VHOST_ACCESS_RO);
	fx_map(test, fx, FX_USED, PAGE_SIZE, VHOST_ACCESS_WO);
	fx_start(test, fx, INDIRECT, 0);

	/* avail ring unmapped */
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EFAULT);
	fx_map(test, fx, FX_AVAIL, PAGE_SIZE, VHOST_ACCESS_RO);

	/* an indirect table nobody mapped */
	fx_indirect_head(fx, 1, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EFAULT);

	/* buffers are only checked when accessed: slot 0 mapped, 1 not */
	fx_start(test, fx, INDIRECT, 0);
	fx_map(test, fx, FX_DATA, FX_SLOT, VHOST_ACCESS_RW);
	fx_desc(fx, 0, 0, 8, VRING_DESC_F_NEXT, 1);
	fx_desc(fx, 1, 1, 8, 0, 0);
	fx_publish(fx, 0);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	vdpa_devring_iter_out(&it, &fx->ring, &fx->chain);
	KUNIT_EXPECT_EQ(test, vdpa_devring_pull(&it, byte, 8), 8);
	KUNIT_EXPECT_EQ(test, vdpa_devring_pull(&it, byte, 8), -EFAULT);

	/* the used ring going away: the used index stays where it was */
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(&fx->iotlb, fx->base + FX_USED,
						fx->base + FX_USED +
						PAGE_SIZE - 1), 0);
	KUNIT_EXPECT_EQ(test, vdpa_devring_complete(&fx->ring, 0, 0), -EFAULT);
	fx_map(test, fx, FX_USED, PAGE_SIZE, VHOST_ACCESS_WO);
	KUNIT_ASSERT_EQ(test, vdpa_devring_complete(&fx->ring, 0, 3), 0);
	KUNIT_EXPECT_EQ(test, fx_used_idx(fx), 1);
	expect_used(test, fx, 0, 0, 3);
}

static void vdpa_devring_test_unmapped_desc(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_table_mode(fx);
	fx_map(test, fx, FX_AVAIL, PAGE_SIZE, VHOST_ACCESS_RO);
	fx_map(test, fx, FX_USED, PAGE_SIZE, VHOST_ACCESS_WO);
	fx_start(test, fx, 0, 0);
	fx_desc(fx, 0, 0, 8, 0, 0);
	fx_publish(fx, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EFAULT);
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 0);
}

static void vdpa_devring_test_permissions(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	struct vdpa_devring_iter out, in;
	u8 byte[8] = {};

	fx_table_mode(fx);
	/* the device only writes the used ring: write-only is enough */
	fx_map(test, fx, FX_USED, PAGE_SIZE, VHOST_ACCESS_WO);
	fx_map(test, fx, FX_AVAIL, PAGE_SIZE, VHOST_ACCESS_RO);
	fx_map(test, fx, FX_DESC, PAGE_SIZE, VHOST_ACCESS_WO);
	/* slot 0 readable by the driver's wish only as WO, slot 1 RO */
	fx_map(test, fx, FX_DATA, FX_SLOT, VHOST_ACCESS_WO);
	fx_map(test, fx, FX_DATA + FX_SLOT, FX_SLOT, VHOST_ACCESS_RO);
	fx_start(test, fx, EVENT_IDX, 0);

	fx_desc(fx, 0, 0, 8, VRING_DESC_F_NEXT, 1);
	fx_desc(fx, 1, 1, 8, VRING_DESC_F_WRITE, 0);
	fx_publish(fx, 0);
	/* descriptor table not readable */
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EPERM);

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(&fx->iotlb, fx->base + FX_DESC,
						fx->base + FX_DESC +
						PAGE_SIZE - 1), 0);
	fx_map(test, fx, FX_DESC, PAGE_SIZE, VHOST_ACCESS_RO);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);

	/* a readable buffer mapped write-only, a writable one read-only */
	vdpa_devring_iter_out(&out, &fx->ring, &fx->chain);
	KUNIT_EXPECT_EQ(test, vdpa_devring_pull(&out, byte, 8), -EPERM);
	vdpa_devring_iter_in(&in, &fx->ring, &fx->chain);
	KUNIT_EXPECT_EQ(test, vdpa_devring_push(&in, byte, 8), -EPERM);

	KUNIT_EXPECT_EQ(test, vdpa_devring_complete(&fx->ring, 0, 0), 0);
	KUNIT_EXPECT_TRUE(test, vdpa_devring_need_notify(&fx->ring));
	/* an empty ring with EVENT_IDX writes avail_event: fine */
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);

	/* a used ring the device may not write */
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(&fx->iotlb, fx->base + FX_USED,
						fx->base + FX_USED +
						PAGE_SIZE - 1), 0);
	fx_map(test, fx, FX_USED, PAGE_SIZE, VHOST_ACCESS_RO);
	KUNIT_EXPECT_EQ(test, vdpa_devring_complete(&fx->ring, 0, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EPERM);
	KUNIT_EXPECT_EQ(test, fx_used_idx(fx), 1);

	/* an available ring the device may not read */
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(&fx->iotlb, fx->base + FX_AVAIL,
						fx->base + FX_AVAIL +
						PAGE_SIZE - 1), 0);
	fx_map(test, fx, FX_AVAIL, PAGE_SIZE, VHOST_ACCESS_WO);
	fx_publish(fx, 0);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), -EPERM);
}

static u16 fx_avail_event(const struct ring_fx *fx)
{
	return __virtio16_to_cpu(true, vring_avail_event(&fx->vr));
}

static void vdpa_devring_test_avail_event(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_desc(fx, 0, 0, 8, 0, 0);
	fx_desc(fx, 1, 1, 8, 0, 0);

	/* without EVENT_IDX the field is the driver's business */
	fx_start(test, fx, 0, 0);
	vring_avail_event(&fx->vr) = __cpu_to_virtio16(true, 0xbeef);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);
	KUNIT_EXPECT_EQ(test, fx_avail_event(fx), 0xbeef);

	/* with it, finding the ring empty asks for a kick at the next one */
	fx_start(test, fx, EVENT_IDX, 40);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);
	KUNIT_EXPECT_EQ(test, fx_avail_event(fx), 40);
	fx_publish(fx, 0);
	fx_publish(fx, 1);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);
	KUNIT_EXPECT_EQ(test, fx_avail_event(fx), 42);
}

/* Make @n single-descriptor buffers available, take and complete them. */
static void fx_roundtrip(struct kunit *test, struct ring_fx *fx,
			 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fx_desc(fx, i, i, 8, 0, 0);
		fx_publish(fx, i);
	}
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
		KUNIT_ASSERT_EQ(test, vdpa_devring_complete(&fx->ring,
							    fx->chain.head,
							    0), 0);
	}
}

static void vdpa_devring_test_notify_flags(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	fx_roundtrip(test, fx, 1);
	KUNIT_EXPECT_TRUE(test, vdpa_devring_need_notify(&fx->ring));
	/* nothing new since */
	KUNIT_EXPECT_FALSE(test, vdpa_devring_need_notify(&fx->ring));

	fx->vr.avail->flags = __cpu_to_virtio16(true,
						VRING_AVAIL_F_NO_INTERRUPT);
	fx_roundtrip(test, fx, 2);
	KUNIT_EXPECT_FALSE(test, vdpa_devring_need_notify(&fx->ring));

	/* re-enabled: only completions after that count */
	fx->vr.avail->flags = 0;
	KUNIT_EXPECT_FALSE(test, vdpa_devring_need_notify(&fx->ring));
	fx_roundtrip(test, fx, 1);
	KUNIT_EXPECT_TRUE(test, vdpa_devring_need_notify(&fx->ring));
}

static void fx_set_used_event(struct ring_fx *fx, u16 val)
{
	vring_used_event(&fx->vr) = __cpu_to_virtio16(true, val);
}

static void vdpa_devring_test_notify_event_idx(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, EVENT_IDX, 0);
	/* NO_INTERRUPT is ignored when EVENT_IDX is negotiated */
	fx->vr.avail->flags = __cpu_to_virtio16(true,
						VRING_AVAIL_F_NO_INTERRUPT);
	fx_set_used_event(fx, 100);
	fx_roundtrip(test, fx, 1);
	/* the first completion always signals */
	KUNIT_EXPECT_TRUE(test, vdpa_devring_need_notify(&fx->ring));
	KUNIT_EXPECT_FALSE(test, vdpa_devring_need_notify(&fx->ring));

	/* "interrupt me once entry 2 is used", i.e. when used idx passes 2 */
	fx_set_used_event(fx, 2);
	fx_roundtrip(test, fx, 1);
	KUNIT_EXPECT_FALSE(test, vdpa_devring_need_notify(&fx->ring));
	fx_roundtrip(test, fx, 1);
	KUNIT_EXPECT_TRUE(test, vdpa_devring_need_notify(&fx->ring));

	/* a batch that jumps over the event still signals once */
	fx_set_used_event(fx, 4);
	fx_roundtrip(test, fx, 3);
	KUNIT_EXPECT_TRUE(test, vdpa_devring_need_notify(&fx->ring));
	KUNIT_EXPECT_FALSE(test, vdpa_devring_need_notify(&fx->ring));

	/* an event still ahead: no signal */
	fx_set_used_event(fx, 20);
	fx_roundtrip(test, fx, 2);
	KUNIT_EXPECT_FALSE(test, vdpa_devring_need_notify(&fx->ring));
}

static void vdpa_devring_test_notify_event_wrap(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, EVENT_IDX, 65534);
	fx_roundtrip(test, fx, 1);
	KUNIT_EXPECT_TRUE(test, vdpa_devring_need_notify(&fx->ring));
	/* used idx 65535 -> 1 crosses the event at 65535 */
	fx_set_used_event(fx, 65535);
	fx_roundtrip(test, fx, 2);
	KUNIT_EXPECT_EQ(test, fx_used_idx(fx), 1);
	KUNIT_EXPECT_TRUE(test, vdpa_devring_need_notify(&fx->ring));
	/* ... and an event at 3 is not reached by idx 2 */
	fx_set_used_event(fx, 3);
	fx_roundtrip(test, fx, 1);
	KUNIT_EXPECT_FALSE(test, vdpa_devring_need_notify(&fx->ring));
}

static void vdpa_devring_test_iter(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	static const u8 in_data[] = "abcdefghij";
	struct vdpa_devring_iter it;
	u8 buf[32];
	unsigned int i;

	fx_start(test, fx, 0, 0);
	/* readable 3 + 5 + 7 bytes holding 0..14, writable 4 + 4 */
	fx_desc(fx, 0, 0, 3, VRING_DESC_F_NEXT, 1);
	fx_desc(fx, 1, 1, 5, VRING_DESC_F_NEXT, 2);
	fx_desc(fx, 2, 2, 7, VRING_DESC_F_NEXT, 3);
	fx_desc(fx, 3, 3, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 4);
	fx_desc(fx, 4, 4, 4, VRING_DESC_F_WRITE, 0);
	for (i = 0; i < 3; i++)
		fx_buf(fx, 0)[i] = i;
	for (i = 0; i < 5; i++)
		fx_buf(fx, 1)[i] = 3 + i;
	for (i = 0; i < 7; i++)
		fx_buf(fx, 2)[i] = 8 + i;
	fx_publish(fx, 0);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);

	vdpa_devring_iter_out(&it, &fx->ring, &fx->chain);
	KUNIT_EXPECT_EQ(test, vdpa_devring_pull(&it, buf, 0), 0);
	KUNIT_ASSERT_EQ(test, vdpa_devring_pull(&it, buf, 4), 4);
	KUNIT_ASSERT_EQ(test, vdpa_devring_pull(&it, buf + 4, sizeof(buf)),
			11);
	for (i = 0; i < 15; i++)
		KUNIT_EXPECT_EQ_MSG(test, buf[i], i, "byte %u", i);
	KUNIT_EXPECT_EQ(test, vdpa_devring_pull(&it, buf, sizeof(buf)), 0);
	/* a readable cursor cannot write */
	KUNIT_EXPECT_EQ(test, vdpa_devring_push(&it, buf, 1), -EINVAL);

	/* skipping crosses segments the same way */
	vdpa_devring_iter_out(&it, &fx->ring, &fx->chain);
	KUNIT_EXPECT_EQ(test, vdpa_devring_skip(&it, 8), 8);
	KUNIT_ASSERT_EQ(test, vdpa_devring_pull(&it, buf, 3), 3);
	KUNIT_EXPECT_EQ(test, buf[0], 8);
	KUNIT_EXPECT_EQ(test, buf[2], 10);
	KUNIT_EXPECT_EQ(test, vdpa_devring_skip(&it, 100), 4);
	KUNIT_EXPECT_EQ(test, vdpa_devring_skip(&it, 1), 0);

	vdpa_devring_iter_in(&it, &fx->ring, &fx->chain);
	KUNIT_EXPECT_EQ(test, vdpa_devring_pull(&it, buf, 1), -EINVAL);
	KUNIT_ASSERT_EQ(test, vdpa_devring_push(&it, in_data, 6), 6);
	KUNIT_EXPECT_MEMEQ(test, fx_buf(fx, 3), in_data, 4);
	KUNIT_EXPECT_MEMEQ(test, fx_buf(fx, 4), in_data + 4, 2);
	/* only two bytes of room left */
	KUNIT_EXPECT_EQ(test, vdpa_devring_push(&it, in_data + 6, 4), 2);
	KUNIT_EXPECT_MEMEQ(test, fx_buf(fx, 4), in_data + 4, 4);
	KUNIT_EXPECT_EQ(test, vdpa_devring_push(&it, in_data, 1), 0);
	/* nothing beyond the writable segments was touched */
	KUNIT_EXPECT_EQ(test, fx_buf(fx, 3)[4], 0);
	KUNIT_EXPECT_EQ(test, fx_buf(fx, 4)[4], 0);
}

static void vdpa_devring_test_abandon(struct kunit *test)
{
	struct ring_fx *fx = test->priv;

	fx_start(test, fx, 0, 0);
	fx_desc(fx, 1, 1, 8, 0, 0);
	fx_desc(fx, 2, 2, 8, 0, 0);
	fx_publish(fx, 1);
	fx_publish(fx, 2);

	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 2);
	vdpa_devring_abandon(&fx->ring, 1);
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 1);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 2);

	vdpa_devring_abandon(&fx->ring, 2);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 1);
}

static void vdpa_devring_test_set_last_avail(struct kunit *test)
{
	struct ring_fx *fx = test->priv;
	u16 i;

	fx_start(test, fx, 0, 0);
	for (i = 0; i < 3; i++) {
		fx_desc(fx, i, i, 8, 0, 0);
		fx_publish(fx, i);
	}
	/* resume as if the first two had been used already */
	vdpa_devring_set_last_avail(&fx->ring, 2);
	KUNIT_EXPECT_EQ(test, vdpa_devring_last_avail(&fx->ring), 2);
	KUNIT_ASSERT_EQ(test, fx_fetch(fx), 1);
	KUNIT_EXPECT_EQ(test, fx->chain.head, 2);
	KUNIT_EXPECT_EQ(test, fx_fetch(fx), 0);
	/* the used index follows the position */
	KUNIT_ASSERT_EQ(test, vdpa_devring_complete(&fx->ring, 2, 1), 0);
	KUNIT_EXPECT_EQ(test, fx_used_idx(fx), 3);
	expect_used(test, fx, 2, 2, 1);
}

static struct kunit_case vdpa_devring_cases[] = {
	KUNIT_CASE(vdpa_devring_test_init),
	KUNIT_CASE(vdpa_devring_test_empty),
	KUNIT_CASE(vdpa_devring_test_single),
	KUNIT_CASE(vdpa_devring_test_chain),
	KUNIT_CASE(vdpa_devring_test_zero_length),
	KUNIT_CASE(vdpa_devring_test_readable_after_writable),
	KUNIT_CASE(vdpa_devring_test_loop),
	KUNIT_CASE(vdpa_devring_test_out_of_range),
	KUNIT_CASE(vdpa_devring_test_avail_too_far),
	KUNIT_CASE(vdpa_devring_test_wrap),
	KUNIT_CASE(vdpa_devring_test_indirect),
	KUNIT_CASE(vdpa_devring_test_indirect_larger_than_ring),
	KUNIT_CASE(vdpa_devring_test_indirect_malformed),
	KUNIT_CASE(vdpa_devring_test_too_many_segments),
	KUNIT_CASE(vdpa_devring_test_buffer_wraps),
	KUNIT_CASE(vdpa_devring_test_unmapped),
	KUNIT_CASE(vdpa_devring_test_unmapped_desc),
	KUNIT_CASE(vdpa_devring_test_permissions),
	KUNIT_CASE(vdpa_devring_test_avail_event),
	KUNIT_CASE(vdpa_devring_test_notify_flags),
	KUNIT_CASE(vdpa_devring_test_notify_event_idx),
	KUNIT_CASE(vdpa_devring_test_notify_event_wrap),
	KUNIT_CASE(vdpa_devring_test_iter),
	KUNIT_CASE(vdpa_devring_test_abandon),
	KUNIT_CASE(vdpa_devring_test_set_last_avail),
	{}
};

static struct kunit_suite vdpa_devring_suite = {
	.name = "vdpa_devring",
	.init = fx_init,
	.exit = fx_exit,
	.test_cases = vdpa_devring_cases,
};

kunit_test_suite(vdpa_devring_suite);

MODULE_DESCRIPTION("KUnit tests for vDPA device-side split ring access");
MODULE_LICENSE("GPL");
