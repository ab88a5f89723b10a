// SPDX-License-Identifier: GPL-2.0
/*
 * VDUSE IOVA domain: the IOVA allocators, the bounce pages and coherent
 * allocations behind them, and the "[vduse-domain]" file through which the
 * daemon maps all of it (IOVA = file offset).
 *
 * The layout and the file's view are described in vduse.h. Memory the
 * daemon can map is never reused while the domain lives: bounce pages stay
 * until the domain dies, and a freed coherent allocation stays referenced
 * by whatever page tables still map it.
 */

#include <linux/anon_inodes.h>
#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "vduse.h"
#include "domain.h"

/* Last ref gone: no device and no daemon mapping or fd left. */
static void vduse_domain_release(struct kref *ref)
{
	struct vduse_domain *domain = container_of(ref, struct vduse_domain, ref);
	unsigned long i;

	/*
	 * A coherent allocation left over is still the driver's memory, as
	 * far as we know: leak it rather than free it under the driver.
	 */
	WARN_ON_ONCE(!RB_EMPTY_ROOT(&domain->coh_root));

	for (i = 0; domain->slots && i < domain->nslots; i++)
		if (domain->slots[i].page)
			__free_page(domain->slots[i].page);
	kvfree(domain->slots);
	kvfree(domain->stream_map);
	mutex_destroy(&domain->umem_mutex);
	kfree(domain);
}

static void vduse_domain_put(struct vduse_domain *domain)
{
	kref_put(&domain->ref, vduse_domain_release);
}

/* The allocation with the lowest IOVA that ends at or after @iova. */
static struct vduse_coherent *
vduse_coherent_first_after(struct vduse_domain *domain, u64 iova)
{
	struct rb_node *node = domain->coh_root.rb_node;
	struct vduse_coherent *found = NULL;

	lockdep_assert_held(&domain->coh_lock);
	while (node) {
		struct vduse_coherent *coh = rb_entry(node, struct vduse_coherent, node);

		if (coh->iova + coh->size - 1 >= iova) {
			found = coh;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

static struct page *vduse_coherent_page(struct vduse_coherent *coh, u64 offset)
{
	void *addr = coh->vaddr + offset;

	if (is_vmalloc_addr(addr))
		return vmalloc_to_page(addr);
	return virt_to_page(addr);
}

/**
 * vduse_domain_get_page - the page the domain's file shows at an IOVA
 * @domain: the domain
 * @iova: the IOVA (file offset)
 *
 * Return: the page with a reference taken, or NULL if nothing backs @iova
 * (a bounce slot never used, a umem registered, no coherent allocation).
 */
struct page *vduse_domain_get_page(struct vduse_domain *domain, u64 iova)
{
	struct vduse_coherent *coh;
	struct page *page = NULL;
	unsigned long flags;

	if (iova < domain->bounce_size) {
		/* The daemon has its own copy of the window then. */
		if (READ_ONCE(domain->umem_pages))
			return NULL;
		/* Pairs with vduse_domain_get_bounce_page(): see it zeroed. */
		page = smp_load_acquire(&domain->slots[iova >> PAGE_SHIFT].page);
		if (page)
			get_page(page);
		return page;
	}

	/* The reference is taken before vduse_dma_free() can drop its own. */
	spin_lock_irqsave(&domain->coh_lock, flags);
	coh = vduse_coherent_first_after(domain, iova);
	if (coh && coh->iova <= iova) {
		page = vduse_coherent_page(coh, iova - coh->iova);
		get_page(page);
	}
	spin_unlock_irqrestore(&domain->coh_lock, flags);
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(vduse_domain_get_page);

static vm_fault_t vduse_domain_fault(struct vm_fault *vmf)
{
	struct vduse_domain *domain = vmf->vma->vm_file->private_data;
	struct page *page;

	if (READ_ONCE(domain->revoked))
		return VM_FAULT_SIGBUS;
	page = vduse_domain_get_page(domain, (u64)vmf->pgoff << PAGE_SHIFT);
	if (!page)
		return VM_FAULT_SIGBUS;
	/* A real page, so that GUP (O_DIRECT, io_uring) works on it. */
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct vduse_domain_vm_ops = {
	.fault = vduse_domain_fault,
};

static int vduse_domain_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vduse_domain *domain = file->private_data;
	u64 pages = domain->iova_end >> PAGE_SHIFT;

	if (vma->vm_pgoff > pages || vma_pages(vma) > pages - vma->vm_pgoff)
		return -EINVAL;

	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &vduse_domain_vm_ops;
	return 0;
}

static int vduse_domain_file_release(struct inode *inode, struct file *file)
{
	vduse_domain_put(file->private_data);
	return 0;
}

static const struct file_operations vduse_domain_fops = {
	.owner = THIS_MODULE,
	.mmap = vduse_domain_mmap,
	.release = vduse_domain_file_release,
};

struct vduse_domain *vduse_domain_create(u64 bounce_size)
{
	struct vduse_domain *domain;
	struct file *file;

	if (bounce_size < VDUSE_BOUNCE_MIN || bounce_size > VDUSE_BOUNCE_MAX ||
	    !PAGE_ALIGNED(bounce_size))
		return ERR_PTR(-EINVAL);

	domain = kzalloc(sizeof(*domain), GFP_KERNEL);
	if (!domain)
		return ERR_PTR(-ENOMEM);

	kref_init(&domain->ref);
	domain->bounce_size = bounce_size;
	domain->nslots = bounce_size >> PAGE_SHIFT;
	domain->iova_end = bounce_size + VDUSE_COHERENT_SIZE;
	spin_lock_init(&domain->stream_lock);
	rwlock_init(&domain->bounce_lock);
	mutex_init(&domain->umem_mutex);
	spin_lock_init(&domain->coh_lock);
	domain->coh_root = RB_ROOT;

	domain->slots = kvcalloc(domain->nslots, sizeof(*domain->slots), GFP_KERNEL);
	domain->stream_map = kvcalloc(BITS_TO_LONGS(domain->nslots),
				      sizeof(unsigned long), GFP_KERNEL);
	if (!domain->slots || !domain->stream_map)
		goto err;
	__set_bit(0, domain->stream_map);

	file = anon_inode_getfile("[vduse-domain]", &vduse_domain_fops, domain, O_RDWR);
	if (IS_ERR(file)) {
		vduse_domain_put(domain);
		return ERR_CAST(file);
	}
	domain->file = file;
	kref_get(&domain->ref);
	return domain;

err:
	vduse_domain_put(domain);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_IF_KUNIT(vduse_domain_create);

void vduse_domain_destroy(struct vduse_domain *domain)
{
	vduse_domain_dereg_umem(domain);
	fput(domain->file);
	vduse_domain_put(domain);
}
EXPORT_SYMBOL_IF_KUNIT(vduse_domain_destroy);

void *vduse_domain_coherent_va(struct vduse_domain *domain, u64 iova,
			       u64 size)
{
	struct vduse_coherent *coh;
	unsigned long flags;
	void *va = NULL;

	spin_lock_irqsave(&domain->coh_lock, flags);
	coh = vduse_coherent_first_after(domain, iova);
	if (coh && coh->iova <= iova && size <= coh->size &&
	    iova - coh->iova <= coh->size - size)
		va = coh->vaddr + (iova - coh->iova);
	spin_unlock_irqrestore(&domain->coh_lock, flags);
	return va;
}

void vduse_domain_revoke(struct vduse_domain *domain)
{
	WRITE_ONCE(domain->revoked, true);
	unmap_mapping_range(domain->file->f_mapping, 0, 0, 1);
}

void vduse_domain_reset_bounce(struct vduse_domain *domain)
{
	unsigned long flags;

	spin_lock_irqsave(&domain->stream_lock, flags);
	domain->bounce_live = false;
	spin_unlock_irqrestore(&domain->stream_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vduse_domain_reset_bounce);

int vduse_domain_lookup(struct vduse_domain *domain, u64 start, u64 last,
			struct vduse_iotlb_entry *entry, struct file **file)
{
	struct vduse_coherent *coh;
	unsigned long flags;

	if (start > last)
		return -EINVAL;

	if (start < domain->bounce_size && READ_ONCE(domain->bounce_live)) {
		entry->start = 0;
		entry->last = domain->bounce_size - 1;
	} else {
		spin_lock_irqsave(&domain->coh_lock, flags);
		coh = vduse_coherent_first_after(domain, start);
		if (!coh || coh->iova > last) {
			spin_unlock_irqrestore(&domain->coh_lock, flags);
			return -EINVAL;
		}
		entry->start = coh->iova;
		entry->last = coh->iova + coh->size - 1;
		spin_unlock_irqrestore(&domain->coh_lock, flags);
	}
	entry->offset = entry->start;
	entry->perm = VDUSE_ACCESS_RW;
	if (file)
		*file = get_file(domain->file);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vduse_domain_lookup);

u64 vduse_domain_bounce_size(struct vduse_domain *domain)
{
	return domain->bounce_size;
}
EXPORT_SYMBOL_IF_KUNIT(vduse_domain_bounce_size);

/**
 * vduse_domain_stream_alloc - take slots of the bounce window
 * @domain: the domain
 * @n: how many consecutive slots
 *
 * First fit from the bottom, so that a light load keeps reusing the same
 * few bounce pages. Makes the bounce window visible to lookups.
 *
 * Return: index of the first slot, 0 if no room (slot 0 is never free).
 */
unsigned long vduse_domain_stream_alloc(struct vduse_domain *domain,
					unsigned long n)
{
	unsigned long first, flags;

	spin_lock_irqsave(&domain->stream_lock, flags);
	first = bitmap_find_next_zero_area(domain->stream_map, domain->nslots,
					   1, n, 0);
	if (first < domain->nslots) {
		bitmap_set(domain->stream_map, first, n);
		domain->bounce_live = true;
	} else {
		first = 0;
	}
	spin_unlock_irqrestore(&domain->stream_lock, flags);
	return first;
}

/**
 * vduse_domain_stream_free - give back slots from vduse_domain_stream_alloc()
 * @domain: the domain
 * @first: index of the first slot
 * @n: how many
 *
 * A range that is not wholly taken (a double or bogus unmap) is left alone
 * rather than freeing slots another mapping holds.
 */
void vduse_domain_stream_free(struct vduse_domain *domain,
			      unsigned long first, unsigned long n)
{
	unsigned long flags;
	bool taken;

	spin_lock_irqsave(&domain->stream_lock, flags);
	taken = first && find_next_zero_bit(domain->stream_map, first + n, first) >= first + n;
	if (taken)
		bitmap_clear(domain->stream_map, first, n);
	spin_unlock_irqrestore(&domain->stream_lock, flags);
	if (!taken)
		pr_warn_ratelimited("vduse: unmap of unmapped IOVA %#llx\n",
				    (u64)first << PAGE_SHIFT);
}

/**
 * vduse_domain_get_bounce_page - make sure a bounce slot has its page
 * @domain: the domain
 * @i: the slot, held by the caller's streaming map
 * @gfp: allocation flags
 *
 * Return: 0, or -ENOMEM.
 */
int vduse_domain_get_bounce_page(struct vduse_domain *domain, unsigned long i,
				 gfp_t gfp)
{
	struct vduse_bounce_slot *slot = &domain->slots[i];
	struct page *page;

	/* Only the slot's holder sets the page, so no one races with us. */
	if (slot->page)
		return 0;
	page = alloc_page(gfp | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	/* The zeroed contents must be visible to a lockless fault first. */
	smp_store_release(&slot->page, page);
	return 0;
}

/**
 * vduse_domain_coherent_insert - give a coherent allocation its IOVA
 * @domain: the domain
 * @coh: the allocation, with @coh->size set; gets @coh->iova
 *
 * First fit over the allocations in IOVA order: there are few of them
 * (rings, mostly), and an idle domain needs no allocator memory.
 *
 * Return: 0, or -ENOMEM if the coherent window has no room.
 */
int vduse_domain_coherent_insert(struct vduse_domain *domain,
				 struct vduse_coherent *coh)
{
	struct rb_node **link = &domain->coh_root.rb_node, *parent = NULL, *node;
	u64 next = domain->bounce_size;
	unsigned long flags;

	spin_lock_irqsave(&domain->coh_lock, flags);
	for (node = rb_first(&domain->coh_root); node; node = rb_next(node)) {
		struct vduse_coherent *cur = rb_entry(node, struct vduse_coherent, node);

		if (cur->iova - next >= coh->size)
			break;
		next = cur->iova + cur->size;
	}
	if (domain->iova_end - next < coh->size) {
		spin_unlock_irqrestore(&domain->coh_lock, flags);
		return -ENOMEM;
	}
	coh->iova = next;

	while (*link) {
		parent = *link;
		if (coh->iova < rb_entry(parent, struct vduse_coherent, node)->iova)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&coh->node, parent, link);
	rb_insert_color(&coh->node, &domain->coh_root);
	spin_unlock_irqrestore(&domain->coh_lock, flags);
	return 0;
}

/**
 * vduse_domain_coherent_remove - take a coherent allocation out of the domain
 * @domain: the domain
 * @iova: its first IOVA
 * @vaddr: its kernel address
 *
 * Once this returns, lookups and faults no longer find it; pages already
 * faulted in keep their own references.
 *
 * Return: the allocation, or NULL if none starts at @iova with @vaddr.
 */
struct vduse_coherent *vduse_domain_coherent_remove(struct vduse_domain *domain,
						    u64 iova, void *vaddr)
{
	struct vduse_coherent *coh;
	unsigned long flags;

	spin_lock_irqsave(&domain->coh_lock, flags);
	coh = vduse_coherent_first_after(domain, iova);
	if (coh && coh->iova == iova && coh->vaddr == vaddr)
		rb_erase(&coh->node, &domain->coh_root);
	else
		coh = NULL;
	spin_unlock_irqrestore(&domain->coh_lock, flags);
	return coh;
}

/*
 * Moves the in-flight part of every busy slot between kernel and user
 * storage. Runs with bounce copies excluded, so no copy sees half a switch.
 */
static void vduse_umem_move(struct vduse_domain *domain, struct page **upages,
			    bool to_user)
{
	unsigned long i;

	for (i = 1; i < domain->nslots; i++) {
		struct vduse_bounce_slot *slot = &domain->slots[i];
		unsigned int off = offset_in_page(slot->orig);
		struct page *dst = to_user ? upages[i] : slot->page;
		struct page *src = to_user ? slot->page : upages[i];

		if (!slot->len)
			continue;
		memcpy_page(dst, off, src, off, slot->len);
		flush_dcache_page(dst);
	}
}

/* Charges pinned pages like other long-term pinners (RDMA, io_uring). */
static int vduse_umem_charge(struct mm_struct *mm, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;

	if (atomic64_add_return(npages, &mm->pinned_vm) > limit &&
	    !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

int vduse_domain_reg_umem(struct vduse_domain *domain, u64 uaddr)
{
	unsigned long npages = domain->nslots, done;
	struct mm_struct *mm = current->mm;
	struct page **pages;
	int ret;

	if (!PAGE_ALIGNED(uaddr) || uaddr != (unsigned long)uaddr)
		return -EINVAL;
	if (!mm)
		return -EFAULT;

	mutex_lock(&domain->umem_mutex);
	if (domain->umem_pages) {
		ret = -EEXIST;
		goto unlock;
	}

	pages = kvcalloc(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		ret = -ENOMEM;
		goto unlock;
	}
	ret = vduse_umem_charge(mm, npages);
	if (ret)
		goto free;

	for (done = 0; done < npages; done += ret) {
		ret = pin_user_pages_fast(uaddr + done * PAGE_SIZE, npages - done,
					  FOLL_WRITE | FOLL_LONGTERM, pages + done);
		if (ret <= 0) {
			ret = ret ?: -EFAULT;
			unpin_user_pages(pages, done);
			goto uncharge;
		}
	}

	mmgrab(mm);
	domain->umem_mm = mm;
	write_lock_irq(&domain->bounce_lock);
	vduse_umem_move(domain, pages, true);
	WRITE_ONCE(domain->umem_pages, pages);
	write_unlock_irq(&domain->bounce_lock);
	mutex_unlock(&domain->umem_mutex);
	return 0;

uncharge:
	atomic64_sub(npages, &mm->pinned_vm);
free:
	kvfree(pages);
unlock:
	mutex_unlock(&domain->umem_mutex);
	return ret;
}

int vduse_domain_dereg_umem(struct vduse_domain *domain)
{
	struct page **pages;

	mutex_lock(&domain->umem_mutex);
	pages = domain->umem_pages;
	if (!pages) {
		mutex_unlock(&domain->umem_mutex);
		return -ENOENT;
	}

	/* Busy slots got their kernel page when they were mapped. */
	write_lock_irq(&domain->bounce_lock);
	vduse_umem_move(domain, pages, false);
	WRITE_ONCE(domain->umem_pages, NULL);
	write_unlock_irq(&domain->bounce_lock);

	unpin_user_pages_dirty_lock(pages, domain->nslots, true);
	kvfree(pages);
	atomic64_sub(domain->nslots, &domain->umem_mm->pinned_vm);
	mmdrop(domain->umem_mm);
	domain->umem_mm = NULL;
	mutex_unlock(&domain->umem_mutex);
	return 0;
}
