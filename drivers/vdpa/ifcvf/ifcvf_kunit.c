// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the IFC VF live-migration registers (ifcvf_lm.c).
 *
 * No IFC VF is needed: a RAM buffer stands in for BAR 4. Before each call
 * it is filled with a poison byte, so a test sees exactly which bytes the
 * call wrote and what it left alone; values are read back little-endian,
 * as the device would see them on the wire. What a migration tool relies
 * on: each queue's indexes land in that queue's slot and nowhere else, a
 * saved position is the one restored, the dirty log is only ever enabled
 * with a complete range, bad queue indexes and ranges change nothing, and a
 * device without the block says "not supported" instead of pretending.
 *
 * RAM cannot show the width of one access, only the bytes it changed: a
 * 16-bit index written with 32 bits would clobber its neighbour, which is
 * what the poison catches.
 */

#include <kunit/test.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/vdpa.h>

#include "ifcvf_lm.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define FX_NVQS		3
#define FX_GUARD	64	/* bytes past the block that must stay poisoned */
#define FX_POISON	0xa5

struct lm_fx {
	struct ifcvf_lm lm;
	u8 *bar;	/* the fake BAR, as the test inspects it */
	size_t len;	/* the block plus the guard */
};

static int lm_fx_init(struct kunit *test)
{
	struct lm_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->len = ifcvf_lm_size(FX_NVQS) + FX_GUARD;
	fx->bar = kunit_kzalloc(test, fx->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->bar);
	memset(fx->bar, FX_POISON, fx->len);
	/*
	 * The code under test only uses readw/writew/readl/writel, which on
	 * every architecture we build for are plain loads and stores that
	 * work on RAM as well as on MMIO; __force tells sparse this RAM is
	 * deliberately used as an __iomem region.
	 */
	ifcvf_lm_init(&fx->lm, (void __force __iomem *)fx->bar, FX_NVQS);
	test->priv = fx;
	return 0;
}

/* Bytes in [from, to) of the fake BAR that are not poison any more. */
static unsigned int lm_fx_touched(const struct lm_fx *fx, size_t from,
				  size_t to)
{
	unsigned int n = 0;
	size_t i;

	for (i = from; i < to; i++)
		n += fx->bar[i] != FX_POISON;
	return n;
}

static size_t vq_slot(u16 qid)
{
	return IFCVF_LM_VQ_STATE + qid * IFCVF_LM_VQ_STRIDE;
}

static void ifcvf_lm_test_layout(struct kunit *test)
{
	/* the block ends with the last queue's slot */
	KUNIT_EXPECT_EQ(test, ifcvf_lm_size(1), 0x24);
	KUNIT_EXPECT_EQ(test, ifcvf_lm_size(FX_NVQS), vq_slot(FX_NVQS));
	KUNIT_EXPECT_EQ(test, ifcvf_lm_size(U16_MAX), 0x20 + 4 * 65535UL);
}

static void ifcvf_lm_test_restore_writes_one_slot(struct kunit *test)
{
	const struct ifcvf_lm_vq_state st = { .avail_idx = 0x1234,
					      .used_idx = 0xabcd };
	struct lm_fx *fx = test->priv;
	size_t slot = vq_slot(1);

	KUNIT_ASSERT_EQ(test, ifcvf_lm_vq_restore(&fx->lm, 1, &st), 0);

	KUNIT_EXPECT_EQ(test, get_unaligned_le16(fx->bar + slot), 0x1234);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(fx->bar + slot + 2), 0xabcd);
	/* neither the other queues, nor the log registers, nor the guard */
	KUNIT_EXPECT_EQ(test, lm_fx_touched(fx, 0, slot), 0);
	KUNIT_EXPECT_EQ(test, lm_fx_touched(fx, slot + 4, fx->len), 0);
}

static void ifcvf_lm_test_save_reads_one_slot(struct kunit *test)
{
	struct lm_fx *fx = test->priv;
	struct ifcvf_lm_vq_state st;
	u16 q;

	/* distinct halves in every slot, so a misplaced read shows */
	for (q = 0; q < FX_NVQS; q++) {
		put_unaligned_le16(0x100 * q + 0x11, fx->bar + vq_slot(q));
		put_unaligned_le16(0x100 * q + 0x22, fx->bar + vq_slot(q) + 2);
	}

	for (q = 0; q < FX_NVQS; q++) {
		memset(&st, 0, sizeof(st));
		KUNIT_ASSERT_EQ(test, ifcvf_lm_vq_save(&fx->lm, q, &st), 0);
		KUNIT_EXPECT_EQ(test, st.avail_idx, 0x100 * q + 0x11);
		KUNIT_EXPECT_EQ(test, st.used_idx, 0x100 * q + 0x22);
	}
}

static void ifcvf_lm_test_round_trip(struct kunit *test)
{
	static const u16 idx[] = { 0, 1, 0x7fff, 0x8000, 0xffff };
	struct lm_fx *fx = test->priv;
	struct ifcvf_lm_vq_state in, out;
	unsigned int i;
	u16 q;

	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		for (q = 0; q < FX_NVQS; q++) {
			in.avail_idx = idx[i] + q;
			in.used_idx = idx[i] - q;
			KUNIT_ASSERT_EQ(test,
					ifcvf_lm_vq_restore(&fx->lm, q, &in),
					0);
		}
		/* read after all writes: no queue's write hit another one */
		for (q = 0; q < FX_NVQS; q++) {
			KUNIT_ASSERT_EQ(test,
					ifcvf_lm_vq_save(&fx->lm, q, &out), 0);
			KUNIT_EXPECT_EQ(test, out.avail_idx, (u16)(idx[i] + q));
			KUNIT_EXPECT_EQ(test, out.used_idx, (u16)(idx[i] - q));
		}
	}
}

static void ifcvf_lm_test_queue_bounds(struct kunit *test)
{
	const struct ifcvf_lm_vq_state st = { .avail_idx = 7, .used_idx = 7 };
	struct ifcvf_lm_vq_state out = { .avail_idx = 42, .used_idx = 43 };
	static const u16 bad[] = { FX_NVQS, FX_NVQS + 1, U16_MAX };
	struct lm_fx *fx = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ(test, ifcvf_lm_vq_restore(&fx->lm, bad[i], &st),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, ifcvf_lm_vq_save(&fx->lm, bad[i], &out),
				-EINVAL);
	}
	KUNIT_EXPECT_EQ(test, lm_fx_touched(fx, 0, fx->len), 0);
	KUNIT_EXPECT_EQ(test, out.avail_idx, 42);
	KUNIT_EXPECT_EQ(test, out.used_idx, 43);

	/* the last queue is in bounds */
	KUNIT_EXPECT_EQ(test, ifcvf_lm_vq_restore(&fx->lm, FX_NVQS - 1, &st),
			0);
}

static void ifcvf_lm_test_log_start(struct kunit *test)
{
	const u64 base = 0x100000000000ULL, size = 0x20000;
	struct lm_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, ifcvf_lm_log_start(&fx->lm, base, size), 0);

	KUNIT_EXPECT_EQ(test, get_unaligned_le32(fx->bar + IFCVF_LM_CTRL),
			IFCVF_LM_CTRL_LOG_VF);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(fx->bar + IFCVF_LM_LOG_BASE),
			base);
	/* the end register is exclusive */
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(fx->bar + IFCVF_LM_LOG_END),
			base + size);
	/* the control register is 32 bits; status and queues are not ours */
	KUNIT_EXPECT_EQ(test, lm_fx_touched(fx, IFCVF_LM_CTRL + 4,
					    IFCVF_LM_LOG_BASE), 0);
	KUNIT_EXPECT_EQ(test, lm_fx_touched(fx, IFCVF_LM_VQ_STATE, fx->len),
			0);
}

static void ifcvf_lm_test_log_restart(struct kunit *test)
{
	struct lm_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, ifcvf_lm_log_start(&fx->lm, 0x1000, 0x1000), 0);
	KUNIT_ASSERT_EQ(test,
			ifcvf_lm_log_start(&fx->lm, 0xfedc000000ULL, 0x40), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(fx->bar + IFCVF_LM_CTRL),
			IFCVF_LM_CTRL_LOG_VF);
	/* both halves of both addresses follow the new range */
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(fx->bar + IFCVF_LM_LOG_BASE),
			0xfedc000000ULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(fx->bar + IFCVF_LM_LOG_END),
			0xfedc000040ULL);
}

static void ifcvf_lm_test_log_stop(struct kunit *test)
{
	struct lm_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, ifcvf_lm_log_start(&fx->lm, 0x1000, 0x1000), 0);
	KUNIT_ASSERT_EQ(test, ifcvf_lm_log_stop(&fx->lm), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(fx->bar + IFCVF_LM_CTRL),
			IFCVF_LM_CTRL_LOG_OFF);
	/* stopping twice is fine and still leaves it off */
	KUNIT_EXPECT_EQ(test, ifcvf_lm_log_stop(&fx->lm), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(fx->bar + IFCVF_LM_CTRL),
			IFCVF_LM_CTRL_LOG_OFF);
	KUNIT_EXPECT_EQ(test, lm_fx_touched(fx, IFCVF_LM_VQ_STATE, fx->len),
			0);
}

static void ifcvf_lm_test_log_bad_range(struct kunit *test)
{
	struct lm_fx *fx = test->priv;

	KUNIT_EXPECT_EQ(test, ifcvf_lm_log_start(&fx->lm, 0x1000, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ifcvf_lm_log_start(&fx->lm, U64_MAX - 0xfff,
						 0x1000), -EINVAL);
	KUNIT_EXPECT_EQ(test, ifcvf_lm_log_start(&fx->lm, 1, U64_MAX), -EINVAL);
	/* a refused range must not even stop a running log */
	KUNIT_EXPECT_EQ(test, lm_fx_touched(fx, 0, fx->len), 0);

	/* the highest range that fits ends exactly below 2^64 */
	KUNIT_EXPECT_EQ(test, ifcvf_lm_log_start(&fx->lm, U64_MAX - 0xfff,
						 0xfff), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(fx->bar + IFCVF_LM_LOG_END),
			U64_MAX);
}

static void ifcvf_lm_test_missing(struct kunit *test)
{
	struct ifcvf_lm_vq_state st = { .avail_idx = 5, .used_idx = 6 };
	struct vdpa_vq_state vst = { .split.avail_index = 9 };
	struct ifcvf_lm lm;

	ifcvf_lm_init(&lm, NULL, FX_NVQS);
	KUNIT_EXPECT_FALSE(test, ifcvf_lm_present(&lm));
	KUNIT_EXPECT_EQ(test, ifcvf_lm_vq_save(&lm, 0, &st), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, st.avail_idx, 5);
	KUNIT_EXPECT_EQ(test, st.used_idx, 6);
	KUNIT_EXPECT_EQ(test, ifcvf_lm_vq_restore(&lm, 0, &st), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ifcvf_lm_log_start(&lm, 0x1000, 0x1000),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ifcvf_lm_log_stop(&lm), -EOPNOTSUPP);

	/* nor through the vDPA translation: no made-up position */
	KUNIT_EXPECT_EQ(test, ifcvf_lm_get_vq_state(&lm, 0, &vst), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, vst.split.avail_index, 9);
	KUNIT_EXPECT_EQ(test, ifcvf_lm_set_vq_state(&lm, 0, &vst), -EOPNOTSUPP);
}

static void ifcvf_lm_test_present(struct kunit *test)
{
	struct lm_fx *fx = test->priv;

	KUNIT_EXPECT_TRUE(test, ifcvf_lm_present(&fx->lm));
}

static void ifcvf_lm_test_vdpa_split(struct kunit *test)
{
	struct vdpa_vq_state in = { .split.avail_index = 0x4321 }, out = {};
	struct lm_fx *fx = test->priv;
	size_t slot = vq_slot(2);

	KUNIT_ASSERT_EQ(test, ifcvf_lm_set_vq_state(&fx->lm, 2, &in), 0);
	/* restored with nothing in flight: used stands where avail does */
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(fx->bar + slot), 0x4321);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(fx->bar + slot + 2), 0x4321);
	KUNIT_EXPECT_EQ(test, lm_fx_touched(fx, 0, slot), 0);
	KUNIT_EXPECT_EQ(test, lm_fx_touched(fx, slot + 4, fx->len), 0);

	/* the device moved on: avail is what the driver resumes from */
	put_unaligned_le16(0x4400, fx->bar + slot);
	put_unaligned_le16(0x43f0, fx->bar + slot + 2);
	KUNIT_ASSERT_EQ(test, ifcvf_lm_get_vq_state(&fx->lm, 2, &out),
			0);
	KUNIT_EXPECT_EQ(test, out.split.avail_index, 0x4400);

	KUNIT_EXPECT_EQ(test, ifcvf_lm_get_vq_state(&fx->lm, FX_NVQS, &out),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ifcvf_lm_set_vq_state(&fx->lm, FX_NVQS, &in),
			-EINVAL);
}

static struct kunit_case ifcvf_lm_cases[] = {
	KUNIT_CASE(ifcvf_lm_test_layout),
	KUNIT_CASE(ifcvf_lm_test_present),
	KUNIT_CASE(ifcvf_lm_test_restore_writes_one_slot),
	KUNIT_CASE(ifcvf_lm_test_save_reads_one_slot),
	KUNIT_CASE(ifcvf_lm_test_round_trip),
	KUNIT_CASE(ifcvf_lm_test_queue_bounds),
	KUNIT_CASE(ifcvf_lm_test_log_start),
	KUNIT_CASE(ifcvf_lm_test_log_restart),
	KUNIT_CASE(ifcvf_lm_test_log_stop),
	KUNIT_CASE(ifcvf_lm_test_log_bad_range),
	KUNIT_CASE(ifcvf_lm_test_missing),
	KUNIT_CASE(ifcvf_lm_test_vdpa_split),
	{}
};

static struct kunit_suite ifcvf_lm_suite = {
	.name = "ifcvf_lm",
	.init = lm_fx_init,
	.test_cases = ifcvf_lm_cases,
};

kunit_test_suite(ifcvf_lm_suite);

MODULE_DESCRIPTION("KUnit tests for the IFC VF live-migration registers");
MODULE_LICENSE("GPL");
