// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark module, never part of the series: the cost of our IOTLB
 * (linux/vdpa_iotlb.h) beside upstream's (linux/vhost_iotlb.h, as vringh
 * and vhost-vdpa use it), in one kernel, on the same tables.
 *
 * For each table size it fills both tables with the same entries (a page
 * each, a page apart), translates the same pseudo-random IOVAs through
 * each, and empties them entry by entry, alternating which table goes
 * first, after a round that is not reported. Results go to the kernel log
 * as the benchmark's lines:
 *
 *   BENCH result <op>_<entries> <O|U> <round> <ns per operation> ns
 *
 * O is ours (vdpa_iotlb_add/_translate/_remove), U upstream's
 * (vhost_iotlb_add_range/_itree_first/_del_range). A translation is what
 * each side does per descriptor: find the entry, check the permission,
 * compute the address and the length left in the entry. The module then
 * refuses to stay loaded (-EAGAIN): its work is done at load.
 */

#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/vdpa_iotlb.h>
#include <linux/vhost_iotlb.h>
#include <uapi/linux/vhost_types.h>

static char *sizes = "16,256,4096,65536";
module_param(sizes, charp, 0444);
MODULE_PARM_DESC(sizes, "table sizes, comma-separated");

static unsigned int lookups = 200000;
module_param(lookups, uint, 0444);
MODULE_PARM_DESC(lookups, "translations timed per table and round");

static unsigned int rounds = 3;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds per size, the tables' order alternating");

#define BENCH_STRIDE	(2 * PAGE_SIZE)
#define BENCH_HOST	0x100000000ULL

struct bench_tables {
	struct vdpa_iotlb *ours;
	struct vhost_iotlb *theirs;
	u64 *iova;		/* the IOVAs translated, the same for both */
	unsigned int n;
};

static void bench_report(const char *op, unsigned int n, char stack,
			 unsigned int round, u64 ns, unsigned int ops)
{
	u64 x100 = div_u64(ns * 100, ops);

	pr_info("BENCH result %s_%u %c %u %llu.%02llu ns\n", op, n, stack,
		round, div_u64(x100, 100), x100 % 100);
}

static int bench_fill_ours(struct bench_tables *t, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int err;

	for (i = 0; i < t->n; i++) {
		err = vdpa_iotlb_add(t->ours, i * BENCH_STRIDE,
				     i * BENCH_STRIDE + PAGE_SIZE - 1,
				     BENCH_HOST + i * PAGE_SIZE,
				     VHOST_ACCESS_RW, NULL);
		if (err)
			return err;
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

static int bench_fill_theirs(struct bench_tables *t, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int err;

	for (i = 0; i < t->n; i++) {
		err = vhost_iotlb_add_range(t->theirs, i * BENCH_STRIDE,
					    i * BENCH_STRIDE + PAGE_SIZE - 1,
					    BENCH_HOST + i * PAGE_SIZE,
					    VHOST_ACCESS_RW);
		if (err)
			return err;
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

static int bench_lookup_ours(struct bench_tables *t, u64 *ns, u64 *sum)
{
	u64 t0 = ktime_get_ns(), addr, len;
	unsigned int i;
	int err;

	for (i = 0; i < lookups; i++) {
		err = vdpa_iotlb_translate(t->ours, t->iova[i], VHOST_ACCESS_RO,
					   &addr, &len);
		if (err)
			return err;
		*sum += addr + len;
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

static int bench_lookup_theirs(struct bench_tables *t, u64 *ns, u64 *sum)
{
	u64 t0 = ktime_get_ns();
	struct vhost_iotlb_map *map;
	unsigned int i;
	u64 iova;

	for (i = 0; i < lookups; i++) {
		iova = t->iova[i];
		map = vhost_iotlb_itree_first(t->theirs, iova, iova);
		if (!map || !(map->perm & VHOST_ACCESS_RO))
			return -EFAULT;
		*sum += map->addr + iova - map->start + map->last - iova + 1;
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

static int bench_empty_ours(struct bench_tables *t, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int err;

	for (i = 0; i < t->n; i++) {
		err = vdpa_iotlb_remove(t->ours, i * BENCH_STRIDE,
					i * BENCH_STRIDE + PAGE_SIZE - 1);
		if (err)
			return err;
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

static void bench_empty_theirs(struct bench_tables *t, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < t->n; i++)
		vhost_iotlb_del_range(t->theirs, i * BENCH_STRIDE,
				      i * BENCH_STRIDE + PAGE_SIZE - 1);
	*ns = ktime_get_ns() - t0;
}

/* One round on tables of t->n entries; @ours_first alternates. */
static int bench_round(struct bench_tables *t, unsigned int round,
		       bool ours_first)
{
	u64 ns_o[3], ns_u[3], sum_o = 0, sum_u = 0;
	int err = 0, k;

	for (k = 0; k < 2 && !err; k++) {
		if (!k == ours_first)
			err = bench_fill_ours(t, &ns_o[0]) ?:
			      bench_lookup_ours(t, &ns_o[1], &sum_o);
		else
			err = bench_fill_theirs(t, &ns_u[0]) ?:
			      bench_lookup_theirs(t, &ns_u[1], &sum_u);
	}
	if (err)
		return err;
	/* Both translated the same IOVAs to the same places. */
	if (sum_o != sum_u) {
		pr_err("BENCH iotlb: translations differ: %llx against %llx\n",
		       sum_o, sum_u);
		return -EINVAL;
	}
	for (k = 0; k < 2 && !err; k++) {
		if (!k == ours_first)
			err = bench_empty_ours(t, &ns_o[2]);
		else
			bench_empty_theirs(t, &ns_u[2]);
	}
	if (err)
		return err;

	if (!round)
		return 0;
	bench_report("add", t->n, 'O', round, ns_o[0], t->n);
	bench_report("add", t->n, 'U', round, ns_u[0], t->n);
	bench_report("lookup", t->n, 'O', round, ns_o[1], lookups);
	bench_report("lookup", t->n, 'U', round, ns_u[1], lookups);
	bench_report("remove", t->n, 'O', round, ns_o[2], t->n);
	bench_report("remove", t->n, 'U', round, ns_u[2], t->n);
	return 0;
}

static int bench_size(unsigned int n)
{
	struct bench_tables t = { .n = n };
	struct rnd_state rnd;
	unsigned int i, r;
	int err = -ENOMEM;

	prandom_seed_state(&rnd, n);
	t.iova = kvmalloc_array(lookups, sizeof(*t.iova), GFP_KERNEL);
	/* vhost_iotlb takes no entry without a limit: both get n */
	t.ours = vdpa_iotlb_alloc(n, NULL);
	t.theirs = vhost_iotlb_alloc(n, 0);
	if (!t.iova || !t.ours || !t.theirs)
		goto out;
	for (i = 0; i < lookups; i++)
		t.iova[i] = (u64)prandom_u32_state(&rnd) % n * BENCH_STRIDE +
			    prandom_u32_state(&rnd) % PAGE_SIZE;
	/* round 0 warms caches and the allocator up, and is not reported */
	for (r = 0, err = 0; r <= rounds && !err; r++)
		err = bench_round(&t, r, r & 1);
out:
	if (t.theirs)
		vhost_iotlb_free(t.theirs);
	if (t.ours)
		vdpa_iotlb_free(t.ours);
	kvfree(t.iova);
	return err;
}

static int __init vdpa_iotlb_bench_init(void)
{
	char *list, *p, *tok;
	unsigned int n;
	int err = 0;

	list = kstrdup(sizes, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	p = list;
	while (!err && (tok = strsep(&p, ",")) != NULL) {
		err = kstrtouint(tok, 0, &n);
		if (!err && !n)
			err = -EINVAL;
		if (!err)
			err = bench_size(n);
		if (err)
			pr_err("BENCH iotlb: table of %s entries: %d\n", tok, err);
	}
	kfree(list);
	return err ?: -EAGAIN;
}
module_init(vdpa_iotlb_bench_init);

MODULE_DESCRIPTION("vdpa_iotlb against vhost_iotlb, for the benchmarks");
MODULE_LICENSE("GPL");
