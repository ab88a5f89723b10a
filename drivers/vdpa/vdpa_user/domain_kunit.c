// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the VDUSE IOVA domain (domain.c) and the DMA ops on it
 * (dma.c), called directly on a struct device of vduse_kunit_dev_type.
 *
 * What the driver and the daemon rely on: IOVA 0 is never handed out, a
 * full window fails a map cleanly and frees up again, a streaming map keeps
 * the buffer's offset within the page, bounce copies go exactly the way the
 * direction and DMA_ATTR_SKIP_CPU_SYNC say and never touch bytes outside
 * the map, the daemon's view (lookup, the pages of the file) shows the
 * bounce window only while it is live and each coherent allocation as its
 * own zeroed range.
 */

#include <kunit/test.h>
#include <linux/dma-map-ops.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "vduse.h"
#include "domain.h"

#define BOUNCE		VDUSE_BOUNCE_MIN
#define NSLOTS		(BOUNCE >> PAGE_SHIFT)

struct domain_ctx {
	struct vduse_domain *domain;
	struct device dev;
	u8 *buf;			/* two pages, page aligned */
};

static int domain_test_init(struct kunit *test)
{
	struct domain_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->domain = vduse_domain_create(BOUNCE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->domain);
	ctx->dev.type = &vduse_kunit_dev_type;
	dev_set_drvdata(&ctx->dev, ctx->domain);
	/* kmalloc() aligns power-of-two sizes to themselves. */
	ctx->buf = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->buf);
	KUNIT_ASSERT_TRUE(test, PAGE_ALIGNED(ctx->buf));
	test->priv = ctx;
	return 0;
}

static void domain_test_exit(struct kunit *test)
{
	struct domain_ctx *ctx = test->priv;

	vduse_domain_destroy(ctx->domain);
}

static struct domain_ctx *ctx_of(struct kunit *test)
{
	return test->priv;
}

static dma_addr_t map(struct kunit *test, void *addr, size_t size,
		      enum dma_data_direction dir, unsigned long attrs)
{
	return vduse_dma_ops.map_page(&ctx_of(test)->dev, virt_to_page(addr),
				      offset_in_page(addr), size, dir, attrs);
}

static void unmap(struct kunit *test, dma_addr_t iova, size_t size,
		  enum dma_data_direction dir, unsigned long attrs)
{
	vduse_dma_ops.unmap_page(&ctx_of(test)->dev, iova, size, dir, attrs);
}

/* Copies between @kbuf and the daemon's view of [@iova, @iova + @len). */
static void daemon_access(struct kunit *test, u64 iova, void *kbuf, size_t len,
			  bool write)
{
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(iova));
		struct page *page = vduse_domain_get_page(ctx_of(test)->domain, iova);

		KUNIT_ASSERT_NOT_NULL_MSG(test, page, "no page at IOVA %#llx", iova);
		if (write)
			memcpy_to_page(page, offset_in_page(iova), kbuf, n);
		else
			memcpy_from_page(kbuf, page, offset_in_page(iova), n);
		put_page(page);
		iova += n;
		kbuf += n;
		len -= n;
	}
}

static void fill(u8 *p, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = seed + i * 7;
}

static void domain_test_create(struct kunit *test)
{
	static const u64 bad[] = {
		0, VDUSE_BOUNCE_MIN - PAGE_SIZE, VDUSE_BOUNCE_MIN + 1,
		VDUSE_BOUNCE_MAX + PAGE_SIZE,
	};
	struct vduse_domain *domain;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(vduse_domain_create(bad[i])),
				    -EINVAL, "size %#llx", bad[i]);

	domain = vduse_domain_create(2 * VDUSE_BOUNCE_MIN);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	KUNIT_EXPECT_EQ(test, vduse_domain_bounce_size(domain), 2 * VDUSE_BOUNCE_MIN);
	vduse_domain_destroy(domain);
}

/* One byte per map: every slot but the first, then nothing, then reuse. */
static void domain_test_stream_exhaust(struct kunit *test)
{
	struct domain_ctx *ctx = ctx_of(test);
	dma_addr_t *iova = kunit_kcalloc(test, NSLOTS, sizeof(*iova), GFP_KERNEL);
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, iova);
	for (i = 0; i < NSLOTS - 1; i++) {
		unsigned int off = (i * 97) % PAGE_SIZE;

		iova[i] = map(test, ctx->buf + off, 1, DMA_TO_DEVICE, 0);
		KUNIT_ASSERT_NE(test, iova[i], DMA_MAPPING_ERROR);
		KUNIT_EXPECT_GE(test, iova[i], PAGE_SIZE);
		KUNIT_EXPECT_LT(test, iova[i], BOUNCE);
		KUNIT_EXPECT_EQ(test, offset_in_page(iova[i]), off);
		if (i)
			KUNIT_EXPECT_NE(test, iova[i] >> PAGE_SHIFT,
					iova[i - 1] >> PAGE_SHIFT);
	}
	KUNIT_EXPECT_EQ(test, map(test, ctx->buf, 1, DMA_TO_DEVICE, 0),
			DMA_MAPPING_ERROR);

	unmap(test, iova[3], 1, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, map(test, ctx->buf + 5, 1, DMA_TO_DEVICE, 0),
			(iova[3] & PAGE_MASK) + 5);
	iova[3] = (iova[3] & PAGE_MASK) + 5;

	for (i = 0; i < NSLOTS - 1; i++)
		unmap(test, iova[i], 1, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(ctx->domain->stream_map, NSLOTS), 1);
	/* First fit: the lowest slot again. */
	KUNIT_EXPECT_EQ(test, map(test, ctx->buf + 9, 1, DMA_TO_DEVICE, 0),
			PAGE_SIZE + 9);
}

static void domain_test_stream_sizes(struct kunit *test)
{
	struct domain_ctx *ctx = ctx_of(test);
	const unsigned long skip = DMA_ATTR_SKIP_CPU_SYNC;
	size_t max = vduse_dma_ops.max_mapping_size(&ctx->dev);
	u8 *last = ctx->buf + PAGE_SIZE - 1;
	dma_addr_t iova;

	KUNIT_EXPECT_EQ(test, max, BOUNCE - 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, map(test, ctx->buf, BOUNCE, DMA_FROM_DEVICE, skip),
			DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, map(test, ctx->buf, BOUNCE + 1, DMA_FROM_DEVICE, skip),
			DMA_MAPPING_ERROR);

	/* Skip-sync: the driver's (too short) buffer is never touched. */
	iova = map(test, last, max, DMA_FROM_DEVICE, skip);
	KUNIT_ASSERT_NE(test, iova, DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, iova, 2 * PAGE_SIZE - 1);
	KUNIT_EXPECT_EQ(test, map(test, ctx->buf, 1, DMA_TO_DEVICE, 0),
			DMA_MAPPING_ERROR);
	unmap(test, iova, max, DMA_FROM_DEVICE, skip);

	/* Zero-length maps still take (and give back) a slot. */
	iova = map(test, ctx->buf + 3, 0, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, iova, PAGE_SIZE + 3);
	unmap(test, iova, 0, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(ctx->domain->stream_map, NSLOTS), 1);
}

/* 300 bytes straddling the buffer's page boundary. */
#define XOFF	(PAGE_SIZE - 100)
#define XLEN	300

static void domain_test_to_device(struct kunit *test)
{
	struct domain_ctx *ctx = ctx_of(test);
	u8 want[XLEN], got[XLEN];
	dma_addr_t iova;

	fill(ctx->buf + XOFF, XLEN, 1);
	memcpy(want, ctx->buf + XOFF, XLEN);
	iova = map(test, ctx->buf + XOFF, XLEN, DMA_TO_DEVICE, 0);
	KUNIT_ASSERT_NE(test, iova, DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, offset_in_page(iova), XOFF);
	daemon_access(test, iova, got, XLEN, false);
	KUNIT_EXPECT_MEMEQ(test, got, want, XLEN);

	/* Changed by the CPU: the device sees it only after a sync. */
	fill(ctx->buf + XOFF, XLEN, 2);
	daemon_access(test, iova, got, XLEN, false);
	KUNIT_EXPECT_MEMEQ(test, got, want, XLEN);
	vduse_dma_ops.sync_single_for_device(&ctx->dev, iova + 90, 20, DMA_TO_DEVICE);
	memcpy(want + 90, ctx->buf + XOFF + 90, 20);
	daemon_access(test, iova, got, XLEN, false);
	KUNIT_EXPECT_MEMEQ(test, got, want, XLEN);
	/* A sync the wrong way copies nothing. */
	vduse_dma_ops.sync_single_for_device(&ctx->dev, iova, XLEN, DMA_FROM_DEVICE);
	daemon_access(test, iova, got, XLEN, false);
	KUNIT_EXPECT_MEMEQ(test, got, want, XLEN);

	/* Unmapping a TO_DEVICE map copies nothing back. */
	fill(want, XLEN, 3);
	daemon_access(test, iova, want, XLEN, true);
	memcpy(want, ctx->buf + XOFF, XLEN);
	unmap(test, iova, XLEN, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_MEMEQ(test, ctx->buf + XOFF, want, XLEN);

	/* With skip-sync the map copies nothing either. */
	fill(ctx->buf + XOFF, XLEN, 4);
	iova = map(test, ctx->buf + XOFF, XLEN, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
	KUNIT_ASSERT_NE(test, iova, DMA_MAPPING_ERROR);
	daemon_access(test, iova, got, XLEN, false);
	KUNIT_EXPECT_MEMNEQ(test, got, ctx->buf + XOFF, XLEN);
	unmap(test, iova, XLEN, DMA_TO_DEVICE, 0);
}

static void domain_test_from_device(struct kunit *test)
{
	struct domain_ctx *ctx = ctx_of(test);
	u8 want[XLEN], data[XLEN], guard;
	dma_addr_t iova;

	memset(ctx->buf, 0xaa, 2 * PAGE_SIZE);
	iova = map(test, ctx->buf + XOFF, XLEN, DMA_FROM_DEVICE, 0);
	KUNIT_ASSERT_NE(test, iova, DMA_MAPPING_ERROR);
	/* Fresh bounce pages: the device does not see the 0xaa. */
	daemon_access(test, iova, data, XLEN, false);
	KUNIT_EXPECT_NULL(test, memchr_inv(data, 0, XLEN));

	fill(data, XLEN, 5);
	daemon_access(test, iova, data, XLEN, true);
	/* Bytes of the slots outside the map belong to no one. */
	guard = 0x55;
	daemon_access(test, iova - 1, &guard, 1, true);
	daemon_access(test, iova + XLEN, &guard, 1, true);

	vduse_dma_ops.sync_single_for_cpu(&ctx->dev, iova, 10, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, ctx->buf[XOFF], 0xaa);
	vduse_dma_ops.sync_single_for_cpu(&ctx->dev, iova, 10, DMA_FROM_DEVICE);
	KUNIT_EXPECT_MEMEQ(test, ctx->buf + XOFF, data, 10);
	KUNIT_EXPECT_EQ(test, ctx->buf[XOFF + 10], 0xaa);

	fill(data, XLEN, 6);
	daemon_access(test, iova, data, XLEN, true);
	unmap(test, iova, XLEN, DMA_FROM_DEVICE, 0);
	KUNIT_EXPECT_MEMEQ(test, ctx->buf + XOFF, data, XLEN);
	KUNIT_EXPECT_EQ(test, ctx->buf[XOFF - 1], 0xaa);
	KUNIT_EXPECT_EQ(test, ctx->buf[XOFF + XLEN], 0xaa);

	/* Skip-sync on unmap: the CPU's copy stays as it was. */
	memcpy(want, ctx->buf + XOFF, XLEN);
	iova = map(test, ctx->buf + XOFF, XLEN, DMA_FROM_DEVICE, 0);
	KUNIT_ASSERT_NE(test, iova, DMA_MAPPING_ERROR);
	fill(data, XLEN, 7);
	daemon_access(test, iova, data, XLEN, true);
	unmap(test, iova, XLEN, DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
	KUNIT_EXPECT_MEMEQ(test, ctx->buf + XOFF, want, XLEN);
}

static void domain_test_bidirectional(struct kunit *test)
{
	struct domain_ctx *ctx = ctx_of(test);
	u8 data[XLEN];
	dma_addr_t iova;

	fill(ctx->buf + XOFF, XLEN, 8);
	iova = map(test, ctx->buf + XOFF, XLEN, DMA_BIDIRECTIONAL, 0);
	KUNIT_ASSERT_NE(test, iova, DMA_MAPPING_ERROR);
	daemon_access(test, iova, data, XLEN, false);
	KUNIT_EXPECT_MEMEQ(test, data, ctx->buf + XOFF, XLEN);

	fill(data, XLEN, 9);
	daemon_access(test, iova, data, XLEN, true);
	unmap(test, iova, XLEN, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_MEMEQ(test, ctx->buf + XOFF, data, XLEN);
}

static void domain_test_sg(struct kunit *test)
{
	struct domain_ctx *ctx = ctx_of(test);
	const size_t len[] = { 100, 5000, 1 };
	u8 *big = kunit_kzalloc(test, 8 * PAGE_SIZE, GFP_KERNEL);
	u8 *data = kunit_kzalloc(test, len[1], GFP_KERNEL);
	struct scatterlist sgl[3], *sg;
	int i, n;

	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_ASSERT_NOT_NULL(test, data);
	fill(big, 8 * PAGE_SIZE, 10);
	sg_init_table(sgl, ARRAY_SIZE(sgl));
	sg_set_buf(&sgl[0], big + 10, len[0]);
	sg_set_buf(&sgl[1], big + PAGE_SIZE + 200, len[1]);
	sg_set_buf(&sgl[2], big + 7 * PAGE_SIZE + 4095, len[2]);

	n = vduse_dma_ops.map_sg(&ctx->dev, sgl, 3, DMA_BIDIRECTIONAL, 0);
	KUNIT_ASSERT_EQ(test, n, 3);
	for_each_sg(sgl, sg, 3, i) {
		KUNIT_EXPECT_EQ(test, sg_dma_len(sg), len[i]);
		KUNIT_EXPECT_EQ(test, offset_in_page(sg_dma_address(sg)), sg->offset);
		daemon_access(test, sg_dma_address(sg), data, len[i], false);
		KUNIT_EXPECT_MEMEQ(test, data, sg_virt(sg), len[i]);
	}

	fill(data, len[1], 11);
	daemon_access(test, sg_dma_address(&sgl[1]), data, len[1], true);
	vduse_dma_ops.sync_sg_for_cpu(&ctx->dev, sgl, 3, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_MEMEQ(test, big + PAGE_SIZE + 200, data, len[1]);
	vduse_dma_ops.unmap_sg(&ctx->dev, sgl, 3, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(ctx->domain->stream_map, NSLOTS), 1);

	/* An entry that cannot fit: an error, and the others are given back. */
	sg_init_table(sgl, 2);
	sg_set_buf(&sgl[0], big, 100);
	sg_set_page(&sgl[1], virt_to_page(big), BOUNCE, 0);
	n = vduse_dma_ops.map_sg(&ctx->dev, sgl, 2, DMA_FROM_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, n, -ENOMEM);
	KUNIT_EXPECT_EQ(test, bitmap_weight(ctx->domain->stream_map, NSLOTS), 1);
}

static void expect_entry(struct kunit *test, u64 start, u64 last,
			 u64 want_start, u64 want_last)
{
	struct vduse_iotlb_entry e = {};
	struct file *file = NULL;
	int ret;

	ret = vduse_domain_lookup(ctx_of(test)->domain, start, last, &e, &file);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "lookup [%#llx, %#llx]", start, last);
	KUNIT_EXPECT_EQ(test, e.start, want_start);
	KUNIT_EXPECT_EQ(test, e.last, want_last);
	KUNIT_EXPECT_EQ(test, e.offset, want_start);
	KUNIT_EXPECT_EQ(test, e.perm, VDUSE_ACCESS_RW);
	KUNIT_EXPECT_PTR_EQ(test, file, ctx_of(test)->domain->file);
	if (file)
		fput(file);
}

static void expect_no_entry(struct kunit *test, u64 start, u64 last)
{
	struct vduse_iotlb_entry e;

	KUNIT_EXPECT_EQ_MSG(test, vduse_domain_lookup(ctx_of(test)->domain, start,
						      last, &e, NULL),
			    -EINVAL, "lookup [%#llx, %#llx]", start, last);
}

static void domain_test_lookup_bounce(struct kunit *test)
{
	struct domain_ctx *ctx = ctx_of(test);
	struct page *page;
	dma_addr_t iova;

	expect_no_entry(test, 0, BOUNCE - 1);
	expect_no_entry(test, 0, U64_MAX);
	KUNIT_EXPECT_NULL(test, vduse_domain_get_page(ctx->domain, PAGE_SIZE));

	iova = map(test, ctx->buf, 64, DMA_TO_DEVICE, 0);
	KUNIT_ASSERT_NE(test, iova, DMA_MAPPING_ERROR);
	expect_entry(test, 100, 200, 0, BOUNCE - 1);
	expect_entry(test, BOUNCE - 1, U64_MAX, 0, BOUNCE - 1);
	expect_no_entry(test, BOUNCE, U64_MAX);
	expect_no_entry(test, 5, 4);
	unmap(test, iova, 64, DMA_TO_DEVICE, 0);
	/* Still live after the unmap: only a reset withdraws it. */
	expect_entry(test, 0, 0, 0, BOUNCE - 1);

	vduse_domain_reset_bounce(ctx->domain);
	expect_no_entry(test, 0, BOUNCE - 1);
	/* The pages stay, for a daemon that still maps them. */
	page = vduse_domain_get_page(ctx->domain, iova);
	KUNIT_EXPECT_NOT_NULL(test, page);
	if (page)
		put_page(page);
	KUNIT_EXPECT_NULL(test, vduse_domain_get_page(ctx->domain, 0));

	iova = map(test, ctx->buf, 64, DMA_TO_DEVICE, 0);
	KUNIT_ASSERT_NE(test, iova, DMA_MAPPING_ERROR);
	expect_entry(test, 0, 0, 0, BOUNCE - 1);
	unmap(test, iova, 64, DMA_TO_DEVICE, 0);
}

static struct page *kaddr_page(void *addr)
{
	return is_vmalloc_addr(addr) ? vmalloc_to_page(addr) : virt_to_page(addr);
}

static void domain_test_coherent(struct kunit *test)
{
	struct domain_ctx *ctx = ctx_of(test);
	const u64 end = BOUNCE + VDUSE_COHERENT_SIZE;
	dma_addr_t a, b, c;
	void *va, *vb, *vc;
	struct page *page;

	va = vduse_dma_ops.alloc(&ctx->dev, 3 * PAGE_SIZE - 5, &a, GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, va);
	vb = vduse_dma_ops.alloc(&ctx->dev, PAGE_SIZE, &b, GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, vb);
	KUNIT_EXPECT_NULL(test, memchr_inv(va, 0, 3 * PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(a));
	KUNIT_EXPECT_GE(test, a, BOUNCE);
	KUNIT_EXPECT_LT(test, a, end);
	KUNIT_EXPECT_TRUE(test, b >= a + 3 * PAGE_SIZE || b + PAGE_SIZE <= a);

	/* The window is not live, so coherent entries come first. */
	expect_entry(test, 0, U64_MAX, min(a, b), min(a, b) == a ?
		     a + 3 * PAGE_SIZE - 1 : b + PAGE_SIZE - 1);
	expect_entry(test, a + 5, a + 5, a, a + 3 * PAGE_SIZE - 1);
	expect_entry(test, b + PAGE_SIZE - 1, U64_MAX, b, b + PAGE_SIZE - 1);

	/* The daemon's page is the driver's page. */
	page = vduse_domain_get_page(ctx->domain, a + 2 * PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, page, kaddr_page(va + 2 * PAGE_SIZE));
	if (page)
		put_page(page);
	/* Past both allocations (b may follow a directly). */
	KUNIT_EXPECT_NULL(test, vduse_domain_get_page(ctx->domain,
						      max_t(u64, a + 3 * PAGE_SIZE,
							    b + PAGE_SIZE)));
	KUNIT_EXPECT_NULL(test, vduse_domain_get_page(ctx->domain, end));

	/* A free that names the wrong memory frees nothing. */
	vduse_dma_ops.free(&ctx->dev, PAGE_SIZE, va, b, 0);
	expect_entry(test, b, b, b, b + PAGE_SIZE - 1);

	vduse_dma_ops.free(&ctx->dev, 3 * PAGE_SIZE - 5, va, a, 0);
	expect_no_entry(test, a, a + 3 * PAGE_SIZE - 1);
	KUNIT_EXPECT_NULL(test, vduse_domain_get_page(ctx->domain, a));

	/* The hole is reused. */
	vc = vduse_dma_ops.alloc(&ctx->dev, 2 * PAGE_SIZE, &c, GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	KUNIT_EXPECT_EQ(test, c, a);
	vduse_dma_ops.free(&ctx->dev, 2 * PAGE_SIZE, vc, c, 0);
	vduse_dma_ops.free(&ctx->dev, PAGE_SIZE, vb, b, 0);
	expect_no_entry(test, 0, U64_MAX);

	KUNIT_EXPECT_NULL(test, vduse_dma_ops.alloc(&ctx->dev, VDUSE_COHERENT_SIZE + 1,
						    &a, GFP_KERNEL, 0));
}

static void domain_test_masks(struct kunit *test)
{
	struct device *dev = &ctx_of(test)->dev;

	KUNIT_EXPECT_TRUE(test, vduse_dma_ops.dma_supported(dev, DMA_BIT_MASK(64)));
	KUNIT_EXPECT_TRUE(test, vduse_dma_ops.dma_supported(dev, DMA_BIT_MASK(32)));
	KUNIT_EXPECT_FALSE(test, vduse_dma_ops.dma_supported(dev, DMA_BIT_MASK(24)));
	KUNIT_EXPECT_GE(test, vduse_dma_ops.get_required_mask(dev),
			(u64)VDUSE_BOUNCE_MAX + VDUSE_COHERENT_SIZE - 1);
}

static struct kunit_case vduse_domain_cases[] = {
	KUNIT_CASE(domain_test_create),
	KUNIT_CASE(domain_test_stream_exhaust),
	KUNIT_CASE(domain_test_stream_sizes),
	KUNIT_CASE(domain_test_to_device),
	KUNIT_CASE(domain_test_from_device),
	KUNIT_CASE(domain_test_bidirectional),
	KUNIT_CASE(domain_test_sg),
	KUNIT_CASE(domain_test_lookup_bounce),
	KUNIT_CASE(domain_test_coherent),
	KUNIT_CASE(domain_test_masks),
	{}
};

static struct kunit_suite vduse_domain_suite = {
	.name = "vduse_domain",
	.init = domain_test_init,
	.exit = domain_test_exit,
	.test_cases = vduse_domain_cases,
};

kunit_test_suite(vduse_domain_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the VDUSE IOVA domain");
MODULE_LICENSE("GPL");
