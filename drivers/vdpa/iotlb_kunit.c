// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the vDPA IOVA translation tables (drivers/vdpa/iotlb.c).
 *
 * What owners rely on: overlapping or malformed ranges are refused with a
 * distinct errno, unmapping part of an entry keeps the rest translating to
 * the same addresses, the release hook sees exactly what left the table,
 * permissions are enforced, ranges may touch U64_MAX, and copies through a
 * table reach the right bytes or fail without touching memory they should
 * not.
 */

#include <kunit/test.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vdpa_iotlb.h>

#define RO	VHOST_ACCESS_RO
#define WO	VHOST_ACCESS_WO
#define RW	VHOST_ACCESS_RW

#define MAX_RELEASED	8

/* A table whose release hook records what it is given. */
struct iotlb_ctx {
	struct vdpa_iotlb iotlb;
	struct kunit *test;
	unsigned int nreleased;
	struct vdpa_iotlb_map released[MAX_RELEASED];
};

static void iotlb_record_release(struct vdpa_iotlb *iotlb,
				 struct vdpa_iotlb_map *map)
{
	struct iotlb_ctx *ctx = container_of(iotlb, struct iotlb_ctx, iotlb);

	if (ctx->nreleased >= MAX_RELEASED) {
		KUNIT_FAIL(ctx->test, "release hook called too often");
		return;
	}
	ctx->released[ctx->nreleased++] = *map;
}

static int iotlb_test_init(struct kunit *test)
{
	struct iotlb_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->test = test;
	vdpa_iotlb_init(&ctx->iotlb, 0, iotlb_record_release);
	test->priv = ctx;
	return 0;
}

static void iotlb_test_exit(struct kunit *test)
{
	struct iotlb_ctx *ctx = test->priv;

	vdpa_iotlb_clear(&ctx->iotlb);
}

static struct vdpa_iotlb *ctx_iotlb(struct kunit *test)
{
	return &((struct iotlb_ctx *)test->priv)->iotlb;
}

static void expect_xlate(struct kunit *test, const struct vdpa_iotlb *iotlb,
			 u64 iova, u32 perm, u64 want_addr, u64 want_len)
{
	u64 addr = 0, len = 0;
	int ret = vdpa_iotlb_translate(iotlb, iova, perm, &addr, &len);

	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "translating %#llx", iova);
	if (ret)
		return;
	KUNIT_EXPECT_EQ_MSG(test, addr, want_addr, "translating %#llx", iova);
	KUNIT_EXPECT_EQ_MSG(test, len, want_len, "translating %#llx", iova);
}

static void expect_xlate_err(struct kunit *test,
			     const struct vdpa_iotlb *iotlb, u64 iova,
			     u32 perm, int err)
{
	u64 addr, len;

	KUNIT_EXPECT_EQ_MSG(test,
			    vdpa_iotlb_translate(iotlb, iova, perm, &addr, &len),
			    err, "translating %#llx", iova);
}

static int cmp_map_start(const void *a, const void *b)
{
	const struct vdpa_iotlb_map *x = a, *y = b;

	if (x->start == y->start)
		return 0;
	return x->start < y->start ? -1 : 1;
}

/* The release hook saw @n pieces; return them sorted by start. */
static struct vdpa_iotlb_map *released_sorted(struct kunit *test,
					      unsigned int n)
{
	struct iotlb_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, ctx->nreleased, n);
	sort(ctx->released, ctx->nreleased, sizeof(ctx->released[0]),
	     cmp_map_start, NULL);
	return ctx->released;
}

static void expect_piece(struct kunit *test, const struct vdpa_iotlb_map *map,
			 u64 start, u64 last, u64 addr)
{
	KUNIT_EXPECT_EQ(test, map->start, start);
	KUNIT_EXPECT_EQ(test, map->last, last);
	KUNIT_EXPECT_EQ(test, map->addr, addr);
}

static void vdpa_iotlb_test_add_translate(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0x50000,
					     RW, NULL), 0);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 1);
	expect_xlate(test, iotlb, 0x1000, RW, 0x50000, 0x1000);
	expect_xlate(test, iotlb, 0x1800, RO, 0x50800, 0x800);
	expect_xlate(test, iotlb, 0x1fff, WO, 0x50fff, 1);
	expect_xlate_err(test, iotlb, 0xfff, RO, -EFAULT);
	expect_xlate_err(test, iotlb, 0x2000, RO, -EFAULT);

	/* A single byte is a valid range. */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x3000, 0x3000, 0x7,
					     RO, NULL), 0);
	expect_xlate(test, iotlb, 0x3000, RO, 0x7, 1);
}

static void vdpa_iotlb_test_overlap(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0x50000,
					     RW, NULL), 0);
	/* identical, inside, straddling either end, covering */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0, RW,
					     NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x1400, 0x14ff, 0, RW,
					     NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x800, 0x1000, 0, RW,
					     NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x1fff, 0x2fff, 0, RW,
					     NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0, U64_MAX, 0, RW, NULL),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 1);
	/* the refused adds left the entry alone */
	expect_xlate(test, iotlb, 0x1000, RW, 0x50000, 0x1000);

	/* neighbours touching either end are fine */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0xfff, 0xfff, 0x1, RW,
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x2000, 0x2fff, 0x2, RW,
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 3);
	/* contiguous IOVAs in different entries: length stops at the entry */
	expect_xlate(test, iotlb, 0x1ffe, RO, 0x50ffe, 2);
}

static void vdpa_iotlb_test_invalid(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);

	/* empty (last before first) */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x2000, 0x1fff, 0, RW,
					     NULL), -EINVAL);
	/* the translated end would wrap */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1001, U64_MAX,
					     RW, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0, 0x100, U64_MAX - 0xff,
					     RW, NULL), -EINVAL);
	/* ... but may end exactly at U64_MAX */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0, 0xff, U64_MAX - 0xff,
					     RW, NULL), 0);
	/* no permission, unknown permission bits */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0, 0,
					     NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0,
					     RW | 0x4, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 1);

	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 1);
}

static void vdpa_iotlb_test_limit(struct kunit *test)
{
	struct iotlb_ctx *ctx = test->priv;
	struct vdpa_iotlb *iotlb = &ctx->iotlb;

	vdpa_iotlb_init(iotlb, 2, iotlb_record_release);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x0000, 0x0fff, 0x10000,
					     RW, NULL), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x4000, 0x7fff, 0x20000,
					     RW, NULL), 0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x9000, 0x9fff, 0, RW,
					     NULL), -ENOSPC);
	/* overlap is reported before fullness */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x0, 0x0, 0, RW, NULL),
			-EEXIST);

	/* Splitting would need a third entry: refused, table unchanged. */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0x5000, 0x5fff),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 2);
	KUNIT_EXPECT_EQ(test, ctx->nreleased, 0);
	expect_xlate(test, iotlb, 0x5000, RW, 0x21000, 0x3000);

	/* Trimming an end needs no new entry, even when full. */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0x7000, 0x8fff), 0);
	expect_xlate(test, iotlb, 0x4000, RW, 0x20000, 0x3000);
	expect_xlate_err(test, iotlb, 0x7000, RO, -EFAULT);

	/* Removing a whole entry makes room. */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0x0, 0xfff), 0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x9000, 0x9fff, 0, RW,
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 2);
}

/* A reservation makes the next split sure to succeed; clear frees it. */
static void vdpa_iotlb_test_reserve(struct kunit *test)
{
	struct iotlb_ctx *ctx = test->priv;
	struct vdpa_iotlb *iotlb = &ctx->iotlb;

	vdpa_iotlb_init(iotlb, 2, iotlb_record_release);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x0000, 0x3fff, 0x10000,
					     RW, NULL), 0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_reserve(iotlb), 0);
	KUNIT_EXPECT_NOT_NULL(test, iotlb->spare);
	/* a second reservation keeps the first */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_reserve(iotlb), 0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0x1000, 0x1fff), 0);
	KUNIT_EXPECT_NULL(test, iotlb->spare);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 2);
	expect_xlate(test, iotlb, 0x2000, RW, 0x12000, 0x2000);

	/* a full table cannot promise a split */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_reserve(iotlb), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0x0, 0xfff), 0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_reserve(iotlb), 0);
	vdpa_iotlb_clear(iotlb);
	KUNIT_EXPECT_NULL(test, iotlb->spare);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 0);
}

static void vdpa_iotlb_test_remove_split(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);
	struct vdpa_iotlb_map *rel, *map;
	int cookie;

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x0, 0xffff, 0x100000, RO,
					     &cookie), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(iotlb, 0x4000, 0x4fff), 0);

	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 2);
	expect_xlate(test, iotlb, 0x0, RO, 0x100000, 0x4000);
	expect_xlate(test, iotlb, 0x3fff, RO, 0x103fff, 1);
	expect_xlate_err(test, iotlb, 0x4000, RO, -EFAULT);
	expect_xlate_err(test, iotlb, 0x4fff, RO, -EFAULT);
	expect_xlate(test, iotlb, 0x5000, RO, 0x105000, 0xb000);
	expect_xlate(test, iotlb, 0xffff, RO, 0x10ffff, 1);
	/* both halves keep the permission */
	expect_xlate_err(test, iotlb, 0x5000, WO, -EPERM);

	rel = released_sorted(test, 1);
	expect_piece(test, &rel[0], 0x4000, 0x4fff, 0x104000);
	KUNIT_EXPECT_PTR_EQ(test, rel[0].opaque, (void *)&cookie);
	KUNIT_EXPECT_EQ(test, rel[0].perm, RO);

	/* Both halves keep the cookie for their own release. */
	map = vdpa_iotlb_first(iotlb, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_EXPECT_PTR_EQ(test, map->opaque, (void *)&cookie);
	map = vdpa_iotlb_first(iotlb, 0xffff, 0xffff);
	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_EXPECT_PTR_EQ(test, map->opaque, (void *)&cookie);
}

static void vdpa_iotlb_test_remove_across(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);
	struct vdpa_iotlb_map *rel;

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x0000, 0x0fff, 0xa0000,
					     RW, NULL), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x2000, 0x2fff, 0xb0000,
					     RW, NULL), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x4000, 0x4fff, 0xc0000,
					     RW, NULL), 0);

	/* Trims A's tail, drops B, trims C's head; the holes are fine. */
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(iotlb, 0x800, 0x47ff), 0);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 2);
	expect_xlate(test, iotlb, 0x0, RW, 0xa0000, 0x800);
	expect_xlate_err(test, iotlb, 0x800, RO, -EFAULT);
	expect_xlate_err(test, iotlb, 0x2000, RO, -EFAULT);
	expect_xlate_err(test, iotlb, 0x47ff, RO, -EFAULT);
	expect_xlate(test, iotlb, 0x4800, RW, 0xc0800, 0x800);

	rel = released_sorted(test, 3);
	expect_piece(test, &rel[0], 0x800, 0xfff, 0xa0800);
	expect_piece(test, &rel[1], 0x2000, 0x2fff, 0xb0000);
	expect_piece(test, &rel[2], 0x4000, 0x47ff, 0xc0000);
}

static void vdpa_iotlb_test_remove_hole(struct kunit *test)
{
	struct iotlb_ctx *ctx = test->priv;
	struct vdpa_iotlb *iotlb = &ctx->iotlb;

	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0, U64_MAX), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0x1000,
					     RW, NULL), 0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0x2000, 0x2fff), 0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0, 0xfff), 0);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 1);
	KUNIT_EXPECT_EQ(test, ctx->nreleased, 0);
}

static void vdpa_iotlb_test_perm(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0x1000,
					     RO, NULL), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x2000, 0x2fff, 0x2000,
					     WO, NULL), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x3000, 0x3fff, 0x3000,
					     RW, NULL), 0);

	expect_xlate(test, iotlb, 0x1000, RO, 0x1000, 0x1000);
	expect_xlate_err(test, iotlb, 0x1000, WO, -EPERM);
	expect_xlate_err(test, iotlb, 0x1000, RW, -EPERM);

	expect_xlate(test, iotlb, 0x2000, WO, 0x2000, 0x1000);
	expect_xlate_err(test, iotlb, 0x2000, RO, -EPERM);
	expect_xlate_err(test, iotlb, 0x2000, RW, -EPERM);

	expect_xlate(test, iotlb, 0x3000, RO, 0x3000, 0x1000);
	expect_xlate(test, iotlb, 0x3000, WO, 0x3000, 0x1000);
	expect_xlate(test, iotlb, 0x3000, RW, 0x3000, 0x1000);

	/* unmapped wins over permission */
	expect_xlate_err(test, iotlb, 0x4000, RO, -EFAULT);
}

static void vdpa_iotlb_test_u64_max(struct kunit *test)
{
	struct iotlb_ctx *ctx = test->priv;
	struct vdpa_iotlb *iotlb = &ctx->iotlb;
	struct vdpa_iotlb_map *rel, *map;

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, U64_MAX - 0xfff, U64_MAX,
					     0x40000, RW, NULL), 0);
	expect_xlate(test, iotlb, U64_MAX - 0xfff, RO, 0x40000, 0x1000);
	expect_xlate(test, iotlb, U64_MAX, RO, 0x40fff, 1);
	expect_xlate_err(test, iotlb, U64_MAX - 0x1000, RO, -EFAULT);

	/* the last byte on its own */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, U64_MAX, U64_MAX, 0, RW,
					     NULL), -EEXIST);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(iotlb, U64_MAX, U64_MAX), 0);
	expect_xlate(test, iotlb, U64_MAX - 1, RO, 0x40ffe, 1);
	expect_xlate_err(test, iotlb, U64_MAX, RO, -EFAULT);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, U64_MAX, U64_MAX, 0x9,
					     RW, NULL), 0);
	expect_xlate(test, iotlb, U64_MAX, RO, 0x9, 1);

	/* split with the tail ending at U64_MAX */
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(iotlb, U64_MAX - 0xfff,
						U64_MAX - 0xf00), 0);
	expect_xlate(test, iotlb, U64_MAX - 0xeff, RO, 0x40100, 0xeff);
	rel = released_sorted(test, 2);
	expect_piece(test, &rel[0], U64_MAX - 0xfff, U64_MAX - 0xf00, 0x40000);
	expect_piece(test, &rel[1], U64_MAX, U64_MAX, 0x40fff);

	/* lookups reach the top of the space */
	map = vdpa_iotlb_first(iotlb, U64_MAX - 1, U64_MAX);
	KUNIT_ASSERT_NOT_NULL(test, map);
	map = vdpa_iotlb_next(map, U64_MAX - 1, U64_MAX);
	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_EXPECT_EQ(test, map->start, U64_MAX);
	KUNIT_EXPECT_EQ(test, map->addr, 0x9);
}

static void vdpa_iotlb_test_whole_space(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);
	struct vdpa_iotlb_map *rel;

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0, U64_MAX, 0, RW, NULL),
			0);
	/* 2^64 bytes do not fit a u64: capped */
	expect_xlate(test, iotlb, 0, RO, 0, U64_MAX);
	expect_xlate(test, iotlb, 1, RO, 1, U64_MAX);
	expect_xlate(test, iotlb, U64_MAX, RO, U64_MAX, 1);

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(iotlb, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(iotlb, U64_MAX, U64_MAX), 0);
	expect_xlate_err(test, iotlb, 0, RO, -EFAULT);
	expect_xlate_err(test, iotlb, U64_MAX, RO, -EFAULT);
	expect_xlate(test, iotlb, 1, RO, 1, U64_MAX - 1);

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_remove(iotlb, 0, U64_MAX), 0);
	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 0);
	rel = released_sorted(test, 3);
	expect_piece(test, &rel[0], 0, 0, 0);
	expect_piece(test, &rel[1], 1, U64_MAX - 1, 1);
	expect_piece(test, &rel[2], U64_MAX, U64_MAX, U64_MAX);
}

static void vdpa_iotlb_test_identity(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0x9000,
					     RO, NULL), 0);
	vdpa_iotlb_set_identity(iotlb, true);
	KUNIT_EXPECT_TRUE(test, vdpa_iotlb_is_identity(iotlb));

	/* every address, read/write, to itself; entries are ignored */
	expect_xlate(test, iotlb, 0x1000, RW, 0x1000, U64_MAX - 0xfff);
	expect_xlate(test, iotlb, 0x5000, WO, 0x5000, U64_MAX - 0x4fff);
	expect_xlate(test, iotlb, 0, RW, 0, U64_MAX);
	expect_xlate(test, iotlb, U64_MAX, RW, U64_MAX, 1);

	/* the entries were kept */
	vdpa_iotlb_set_identity(iotlb, false);
	KUNIT_EXPECT_FALSE(test, vdpa_iotlb_is_identity(iotlb));
	expect_xlate(test, iotlb, 0x1000, RO, 0x9000, 0x1000);
	expect_xlate_err(test, iotlb, 0x5000, RO, -EFAULT);
}

static void vdpa_iotlb_test_iterate(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);
	static const u64 starts[] = { 0x1000, 0x3000, 0x5000 };
	struct vdpa_iotlb_map *map;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(starts); i++)
		KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, starts[i],
						     starts[i] + 0xfff, i, RW,
						     NULL), 0);

	/* [0x1800, 0x5000] touches all three, in IOVA order */
	i = 0;
	for (map = vdpa_iotlb_first(iotlb, 0x1800, 0x5000); map;
	     map = vdpa_iotlb_next(map, 0x1800, 0x5000)) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(starts));
		KUNIT_EXPECT_EQ(test, map->start, starts[i]);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, 3);

	KUNIT_EXPECT_NULL(test, vdpa_iotlb_first(iotlb, 0x2000, 0x2fff));
	map = vdpa_iotlb_first(iotlb, 0x2000, 0x3000);
	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_EXPECT_EQ(test, map->start, 0x3000);
	KUNIT_EXPECT_NULL(test, vdpa_iotlb_next(map, 0x2000, 0x3000));
}

static void vdpa_iotlb_test_clear(struct kunit *test)
{
	struct iotlb_ctx *ctx = test->priv;
	struct vdpa_iotlb *iotlb = &ctx->iotlb;
	struct vdpa_iotlb_map *rel;

	vdpa_iotlb_init(iotlb, 2, iotlb_record_release);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x0, 0xfff, 0x10, RW,
					     NULL), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, U64_MAX, U64_MAX, 0x20,
					     RO, NULL), 0);
	vdpa_iotlb_set_identity(iotlb, true);
	vdpa_iotlb_clear(iotlb);

	KUNIT_EXPECT_EQ(test, iotlb->nmaps, 0);
	KUNIT_EXPECT_NULL(test, vdpa_iotlb_first(iotlb, 0, U64_MAX));
	/* the mode is kept */
	KUNIT_EXPECT_TRUE(test, vdpa_iotlb_is_identity(iotlb));
	rel = released_sorted(test, 2);
	expect_piece(test, &rel[0], 0x0, 0xfff, 0x10);
	expect_piece(test, &rel[1], U64_MAX, U64_MAX, 0x20);

	/* the limit counts live entries only */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x0, 0xfff, 0, RW, NULL),
			0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0, RW,
					     NULL), 0);
}

static void vdpa_iotlb_test_alloc_free(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = vdpa_iotlb_alloc(1, NULL);

	KUNIT_ASSERT_NOT_NULL(test, iotlb);
	KUNIT_EXPECT_FALSE(test, vdpa_iotlb_is_identity(iotlb));
	KUNIT_EXPECT_EQ(test, iotlb->addr_kind, VDPA_IOTLB_PA);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0, 0xfff, 0, RW, NULL), 0);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0, RW,
					     NULL), -ENOSPC);
	/* without a release hook, removing and splitting still work */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0x800, 0x8ff), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_remove(iotlb, 0x0, 0x7ff), 0);
	vdpa_iotlb_free(iotlb);
	vdpa_iotlb_free(NULL);
}

/* Copies through a table that scatters contiguous IOVAs over two buffers. */
static void vdpa_iotlb_test_copy(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);
	static const u8 pattern[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	u8 *a, *b, *ro, out[16];

	a = kunit_kzalloc(test, 8, GFP_KERNEL);
	b = kunit_kzalloc(test, 8, GFP_KERNEL);
	ro = kunit_kzalloc(test, 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, ro);

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1007,
					     virt_to_phys(a), RW, NULL), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x1008, 0x100f,
					     virt_to_phys(b), RW, NULL), 0);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x2000, 0x2007,
					     virt_to_phys(ro), RO, NULL), 0);

	KUNIT_ASSERT_EQ(test, vdpa_iotlb_copy_to(iotlb, 0x1004, pattern, 8), 0);
	KUNIT_EXPECT_MEMEQ(test, a + 4, pattern, 4);
	KUNIT_EXPECT_MEMEQ(test, b, pattern + 4, 4);

	memset(out, 0xff, sizeof(out));
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_copy_from(iotlb, out, 0x1000, 16), 0);
	KUNIT_EXPECT_MEMEQ(test, out, a, 8);
	KUNIT_EXPECT_MEMEQ(test, out + 8, b, 8);

	/* runs into the hole at 0x1010 */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_copy_from(iotlb, out, 0x100c, 8),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_copy_to(iotlb, 0x0fff, pattern, 2),
			-EFAULT);

	/* read-only memory: readable, not writable, and left untouched */
	ro[0] = 0x5a;
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_copy_from(iotlb, out, 0x2000, 8), 0);
	KUNIT_EXPECT_EQ(test, out[0], 0x5a);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_copy_to(iotlb, 0x2000, pattern, 1),
			-EPERM);
	KUNIT_EXPECT_EQ(test, ro[0], 0x5a);

	/* nothing to copy is always fine */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_copy_from(iotlb, out, 0x9000, 0), 0);
}

static void vdpa_iotlb_test_copy_identity(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);
	size_t len = PAGE_SIZE + 64;
	u8 *src, *buf, *out;
	u64 pa;
	size_t i;

	/* a range that crosses a page boundary of physical memory */
	buf = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	src = kunit_kmalloc(test, len, GFP_KERNEL);
	out = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < len; i++)
		src[i] = i * 7;

	vdpa_iotlb_set_identity(iotlb, true);
	pa = virt_to_phys(buf + PAGE_SIZE / 2);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_copy_to(iotlb, pa, src, len), 0);
	KUNIT_EXPECT_MEMEQ(test, buf + PAGE_SIZE / 2, src, len);
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_copy_from(iotlb, out, pa, len), 0);
	KUNIT_EXPECT_MEMEQ(test, out, src, len);

	/* a range wrapping past U64_MAX is refused, even in identity mode */
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_copy_from(iotlb, out, U64_MAX - 3, 8),
			-EFAULT);
}

static void vdpa_iotlb_test_copy_va_without_mm(struct kunit *test)
{
	struct vdpa_iotlb *iotlb = ctx_iotlb(test);
	u8 byte = 0;

	/* a VA table only works inside its owner's mm: here there is none */
	KUNIT_ASSERT_EQ(test, vdpa_iotlb_add(iotlb, 0x1000, 0x1fff, 0x400000,
					     RW, NULL), 0);
	iotlb->addr_kind = VDPA_IOTLB_VA;
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_copy_from(iotlb, &byte, 0x1000, 1),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, vdpa_iotlb_copy_to(iotlb, 0x1000, &byte, 1),
			-EFAULT);
}

static struct kunit_case vdpa_iotlb_cases[] = {
	KUNIT_CASE(vdpa_iotlb_test_add_translate),
	KUNIT_CASE(vdpa_iotlb_test_overlap),
	KUNIT_CASE(vdpa_iotlb_test_invalid),
	KUNIT_CASE(vdpa_iotlb_test_limit),
	KUNIT_CASE(vdpa_iotlb_test_reserve),
	KUNIT_CASE(vdpa_iotlb_test_remove_split),
	KUNIT_CASE(vdpa_iotlb_test_remove_across),
	KUNIT_CASE(vdpa_iotlb_test_remove_hole),
	KUNIT_CASE(vdpa_iotlb_test_perm),
	KUNIT_CASE(vdpa_iotlb_test_u64_max),
	KUNIT_CASE(vdpa_iotlb_test_whole_space),
	KUNIT_CASE(vdpa_iotlb_test_identity),
	KUNIT_CASE(vdpa_iotlb_test_iterate),
	KUNIT_CASE(vdpa_iotlb_test_clear),
	KUNIT_CASE(vdpa_iotlb_test_alloc_free),
	KUNIT_CASE(vdpa_iotlb_test_copy),
	KUNIT_CASE(vdpa_iotlb_test_copy_identity),
	KUNIT_CASE(vdpa_iotlb_test_copy_va_without_mm),
	{}
};

static struct kunit_suite vdpa_iotlb_suite = {
	.name = "vdpa_iotlb",
	.init = iotlb_test_init,
	.exit = iotlb_test_exit,
	.test_cases = vdpa_iotlb_cases,
};

kunit_test_suite(vdpa_iotlb_suite);

MODULE_DESCRIPTION("KUnit tests for vDPA IOVA translation tables");
MODULE_LICENSE("GPL");
