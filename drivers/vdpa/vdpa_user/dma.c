// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA API of an attached VDUSE device, on its IOVA domain.
 *
 * Streaming maps bounce: the driver's bytes are copied to and from bounce
 * storage the daemon can map, at the same offset within the page as in the
 * driver's buffer. Coherent allocations are plain zeroed pages the daemon
 * maps directly. These ops run in any context, down to hard interrupts, so
 * nothing here sleeps except the coherent free of vmalloc memory.
 */

#include <linux/dma-map-ops.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "vduse.h"
#include "domain.h"

#if IS_ENABLED(CONFIG_VDUSE_KUNIT_TEST)
const struct device_type vduse_kunit_dev_type = {
	.name = "vduse-kunit",
};
EXPORT_SYMBOL_IF_KUNIT(vduse_kunit_dev_type);
#endif

static struct vduse_domain *dev_domain(struct device *dev)
{
#if IS_ENABLED(CONFIG_VDUSE_KUNIT_TEST)
	if (dev->type == &vduse_kunit_dev_type)
		return dev_get_drvdata(dev);
#endif
	return vduse_dma_domain(dev);
}

static bool copies_to_device(enum dma_data_direction dir)
{
	return dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL;
}

static bool copies_to_cpu(enum dma_data_direction dir)
{
	return dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL;
}

/* Slots spanned by @size bytes at in-page offset @off; at least one. */
static unsigned long bounce_nslots(u64 off, size_t size)
{
	return DIV_ROUND_UP(off + size, PAGE_SIZE) ?: 1;
}

/* Whether [@iova, @iova + @size) can be a streaming map's range. */
static bool bounce_range_ok(struct vduse_domain *domain, u64 iova, size_t size)
{
	return iova >= PAGE_SIZE && iova < domain->bounce_size &&
	       size <= domain->bounce_size - iova;
}

/*
 * Copies the mapped bytes of [@iova, @iova + @size) between the driver's
 * memory and the bounce storage. A slot only ever holds the bytes its map
 * recorded, whatever range a sync names. bounce_lock is taken page by page:
 * a umem switch between two pages moves what the earlier ones copied, since
 * the slots' records stay in place around the whole copy.
 */
static void bounce_copy(struct vduse_domain *domain, u64 iova, size_t size,
			bool to_device)
{
	u64 end = iova + size;

	while (iova < end) {
		struct vduse_bounce_slot *slot = &domain->slots[iova >> PAGE_SHIFT];
		unsigned int off = offset_in_page(iova);
		unsigned int len = min_t(u64, PAGE_SIZE - off, end - iova);
		unsigned int from = max_t(unsigned int, off, offset_in_page(slot->orig));
		unsigned int to = min_t(unsigned int, off + len,
					offset_in_page(slot->orig) + slot->len);

		if (slot->len && from < to) {
			struct page *orig = pfn_to_page(PHYS_PFN(slot->orig));
			struct page *bounce;

			read_lock(&domain->bounce_lock);
			bounce = vduse_bounce_storage(domain, iova >> PAGE_SHIFT);
			if (to_device) {
				memcpy_page(bounce, from, orig, from, to - from);
				flush_dcache_page(bounce);
			} else {
				memcpy_page(orig, from, bounce, from, to - from);
				flush_dcache_page(orig);
			}
			read_unlock(&domain->bounce_lock);
		}
		iova += len;
	}
}

/*
 * Records which of the driver's bytes each slot of a new map holds, under
 * bounce_lock: a umem switch must not see half a record.
 */
static void bounce_record(struct vduse_domain *domain, u64 iova, size_t size,
			  phys_addr_t phys)
{
	u64 pos = iova, end = iova + size;

	while (pos < end) {
		struct vduse_bounce_slot *slot = &domain->slots[pos >> PAGE_SHIFT];
		unsigned int len = min_t(u64, PAGE_SIZE - offset_in_page(pos), end - pos);

		slot->orig = phys + (pos - iova);
		slot->len = len;
		pos += len;
	}
}

/* Marks the slots of [@iova, @iova + @size) as holding nothing. */
static void bounce_forget(struct vduse_domain *domain, u64 iova, size_t size)
{
	unsigned long i, last = (iova + size - !!size) >> PAGE_SHIFT;

	for (i = iova >> PAGE_SHIFT; i <= last; i++)
		domain->slots[i].len = 0;
}

static dma_addr_t bounce_map(struct vduse_domain *domain, phys_addr_t phys,
			     size_t size, enum dma_data_direction dir,
			     unsigned long attrs)
{
	unsigned long first, n, i;
	u64 iova;

	if (size > domain->bounce_size)
		return DMA_MAPPING_ERROR;
	n = bounce_nslots(offset_in_page(phys), size);
	first = vduse_domain_stream_alloc(domain, n);
	if (!first)
		return DMA_MAPPING_ERROR;

	for (i = first; i < first + n; i++) {
		/* Kept until the domain dies, so failing here is only transient. */
		if (vduse_domain_get_bounce_page(domain, i, GFP_ATOMIC | __GFP_NOWARN)) {
			vduse_domain_stream_free(domain, first, n);
			return DMA_MAPPING_ERROR;
		}
	}

	iova = ((u64)first << PAGE_SHIFT) + offset_in_page(phys);
	read_lock(&domain->bounce_lock);
	bounce_record(domain, iova, size, phys);
	read_unlock(&domain->bounce_lock);
	if (!(attrs & DMA_ATTR_SKIP_CPU_SYNC) && copies_to_device(dir))
		bounce_copy(domain, iova, size, true);
	return iova;
}

static void bounce_unmap(struct vduse_domain *domain, dma_addr_t iova,
			 size_t size, enum dma_data_direction dir,
			 unsigned long attrs)
{
	if (!bounce_range_ok(domain, iova, size)) {
		pr_warn_ratelimited("vduse: unmap of bad IOVA range %#llx+%zu\n",
				    (u64)iova, size);
		return;
	}

	if (!(attrs & DMA_ATTR_SKIP_CPU_SYNC) && copies_to_cpu(dir))
		bounce_copy(domain, iova, size, false);
	read_lock(&domain->bounce_lock);
	bounce_forget(domain, iova, size);
	read_unlock(&domain->bounce_lock);

	vduse_domain_stream_free(domain, iova >> PAGE_SHIFT,
				 bounce_nslots(offset_in_page(iova), size));
}

static void bounce_sync(struct vduse_domain *domain, dma_addr_t iova,
			size_t size, bool to_device)
{
	if (bounce_range_ok(domain, iova, size))
		bounce_copy(domain, iova, size, to_device);
}

static dma_addr_t vduse_dma_map_page(struct device *dev, struct page *page,
				     unsigned long offset, size_t size,
				     enum dma_data_direction dir,
				     unsigned long attrs)
{
	return bounce_map(dev_domain(dev), page_to_phys(page) + offset, size,
			  dir, attrs);
}

static void vduse_dma_unmap_page(struct device *dev, dma_addr_t dma_addr,
				 size_t size, enum dma_data_direction dir,
				 unsigned long attrs)
{
	bounce_unmap(dev_domain(dev), dma_addr, size, dir, attrs);
}

static void vduse_dma_sync_single_for_cpu(struct device *dev,
					  dma_addr_t dma_addr, size_t size,
					  enum dma_data_direction dir)
{
	if (copies_to_cpu(dir))
		bounce_sync(dev_domain(dev), dma_addr, size, false);
}

static void vduse_dma_sync_single_for_device(struct device *dev,
					     dma_addr_t dma_addr, size_t size,
					     enum dma_data_direction dir)
{
	if (copies_to_device(dir))
		bounce_sync(dev_domain(dev), dma_addr, size, true);
}

static void vduse_dma_unmap_sg(struct device *dev, struct scatterlist *sgl,
			       int nents, enum dma_data_direction dir,
			       unsigned long attrs)
{
	struct vduse_domain *domain = dev_domain(dev);
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		bounce_unmap(domain, sg_dma_address(sg), sg_dma_len(sg), dir, attrs);
}

/* One IOVA range per entry: nothing is merged, so all @nents count. */
static int vduse_dma_map_sg(struct device *dev, struct scatterlist *sgl,
			    int nents, enum dma_data_direction dir,
			    unsigned long attrs)
{
	struct vduse_domain *domain = dev_domain(dev);
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		sg_dma_address(sg) = bounce_map(domain, sg_phys(sg), sg->length,
						dir, attrs);
		if (sg_dma_address(sg) == DMA_MAPPING_ERROR) {
			/* The driver gets nothing back, so nothing to copy back. */
			vduse_dma_unmap_sg(dev, sgl, i, dir,
					   attrs | DMA_ATTR_SKIP_CPU_SYNC);
			return -ENOMEM;
		}
		sg_dma_len(sg) = sg->length;
	}
	return nents;
}

static void bounce_sync_sg(struct device *dev, struct scatterlist *sgl,
			   int nents, bool to_device)
{
	struct vduse_domain *domain = dev_domain(dev);
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		bounce_sync(domain, sg_dma_address(sg), sg_dma_len(sg), to_device);
}

static void vduse_dma_sync_sg_for_cpu(struct device *dev,
				      struct scatterlist *sgl, int nents,
				      enum dma_data_direction dir)
{
	if (copies_to_cpu(dir))
		bounce_sync_sg(dev, sgl, nents, false);
}

static void vduse_dma_sync_sg_for_device(struct device *dev,
					 struct scatterlist *sgl, int nents,
					 enum dma_data_direction dir)
{
	if (copies_to_device(dir))
		bounce_sync_sg(dev, sgl, nents, true);
}

/*
 * Coherent memory is order-0 pages (alloc_pages_exact() splits them), each
 * refcounted on its own, so the daemon's mapping and GUP on it hold single
 * pages and free() never pulls memory out from under them. vmalloc memory,
 * order-0 too, stands in when no contiguous block is to be had.
 */
static void *vduse_dma_alloc(struct device *dev, size_t size,
			     dma_addr_t *dma_handle, gfp_t gfp,
			     unsigned long attrs)
{
	struct vduse_domain *domain = dev_domain(dev);
	struct vduse_coherent *coh;

	gfp &= ~(__GFP_COMP | __GFP_HIGHMEM | __GFP_DMA | __GFP_DMA32);
	size = PAGE_ALIGN(size);
	if (!size || size > VDUSE_COHERENT_SIZE)
		return NULL;

	coh = kzalloc(sizeof(*coh), gfp);
	if (!coh)
		return NULL;
	coh->size = size;
	coh->vaddr = alloc_pages_exact(size, gfp | __GFP_ZERO | __GFP_NOWARN);
	if (!coh->vaddr && gfpflags_allow_blocking(gfp))
		coh->vaddr = __vmalloc(size, gfp | __GFP_ZERO);
	if (!coh->vaddr)
		goto free_coh;

	if (vduse_domain_coherent_insert(domain, coh))
		goto free_mem;
	*dma_handle = coh->iova;
	return coh->vaddr;

free_mem:
	if (is_vmalloc_addr(coh->vaddr))
		vfree(coh->vaddr);
	else
		free_pages_exact(coh->vaddr, size);
free_coh:
	kfree(coh);
	return NULL;
}

static void vduse_dma_free(struct device *dev, size_t size, void *vaddr,
			   dma_addr_t dma_handle, unsigned long attrs)
{
	struct vduse_coherent *coh;

	coh = vduse_domain_coherent_remove(dev_domain(dev), dma_handle, vaddr);
	if (!coh) {
		pr_warn_ratelimited("vduse: free of bad coherent IOVA %#llx\n",
				    (u64)dma_handle);
		return;
	}

	/* Pages the daemon still maps keep their own references. */
	if (is_vmalloc_addr(coh->vaddr))
		vfree(coh->vaddr);
	else
		free_pages_exact(coh->vaddr, coh->size);
	kfree(coh);
}

/*
 * The largest streaming map that fits an empty window: the window minus
 * the reserved first slot and a slot for a buffer not starting a page.
 */
static size_t vduse_dma_max_mapping_size(struct device *dev)
{
	return dev_domain(dev)->bounce_size - 2 * PAGE_SIZE;
}

/* Whatever the bounce size, IOVAs stay below 2 GiB: no domain needed. */
static int vduse_dma_supported(struct device *dev, u64 mask)
{
	return mask >= VDUSE_IOVA_LIMIT;
}

static u64 vduse_dma_get_required_mask(struct device *dev)
{
	return VDUSE_IOVA_LIMIT;
}

const struct dma_map_ops vduse_dma_ops = {
	/* Streaming, page by page: bounced. */
	.map_page		= vduse_dma_map_page,
	.unmap_page		= vduse_dma_unmap_page,
	.sync_single_for_cpu	= vduse_dma_sync_single_for_cpu,
	.sync_single_for_device	= vduse_dma_sync_single_for_device,

	/* 6.12's dma_map_sg() calls map_sg unconditionally. */
	.map_sg			= vduse_dma_map_sg,
	.unmap_sg		= vduse_dma_unmap_sg,
	.sync_sg_for_cpu	= vduse_dma_sync_sg_for_cpu,
	.sync_sg_for_device	= vduse_dma_sync_sg_for_device,

	/* Coherent: pages of their own, shared with the daemon. */
	.alloc = vduse_dma_alloc, .free = vduse_dma_free,

	.dma_supported		= vduse_dma_supported,
	.get_required_mask	= vduse_dma_get_required_mask,
	.max_mapping_size	= vduse_dma_max_mapping_size,
};
EXPORT_SYMBOL_IF_KUNIT(vduse_dma_ops);
