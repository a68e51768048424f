/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_REGION_H
#define NBSHM_REGION_H

/**
 * @file
 * Named shared regions backed by hugetlbfs files.
 *
 * A region is one file on a hugetlbfs mount (2 MB pages, or 1 GB where such a
 * mount exists), sized in whole pages, mapped shared, placed on a chosen NUMA
 * node. Its first bytes hold a small header (struct nbshm_region_hdr, in
 * nbshm_wire.h: a consumer sees it at the start of its control file). Packet
 * data starts at NBSHM_REGION_DATA_OFFSET. Other processes get a region by
 * file descriptor (nbshm_region_create_split()), never by name.
 *
 * The creator holds an exclusive flock() on the file for the region's life: a
 * file left by a process that died is detected as stale and replaced; a file
 * whose creator is alive is refused. Plain C: no DPDK dependency.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>

#include "nbshm_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NBSHM_REGION_FILE_PREFIX "nbshm-"	/**< file = <mount>/nbshm-<name> */

/** A mapped region, created here. */
struct nbshm_region {
	char name[NBSHM_REGION_NAME_MAX];
	char path[PATH_MAX];	/**< hugetlbfs file */
	uint8_t *base;		/**< mapping; the header sits at base */
	uint64_t size;		/**< bytes mapped */
	uint64_t page_size;	/**< hugepage size */
	int numa_node;		/**< -1 = no placement */
	int fd;			/**< open file (split: the control file), -1 when closed */
	int rx_fd;		/**< split region: the rx file, else -1 */
	uint64_t split;		/**< split region: bytes of the control file, else 0 */
	bool owner;		/**< created here: unlinked on close */
	bool writable;		/**< mapped read-write */
	uint64_t used;		/**< bytes handed out by nbshm_region_carve() */
};

/**
 * Find the hugetlbfs mount for a page size (from /proc/mounts: the pagesize=
 * option, or the default hugepage size when the option is absent).
 *
 * @param page_size
 *   Bytes per page (2 MB or 1 GB).
 * @param dir
 *   Filled with the mount point.
 * @param len
 *   Size of @p dir.
 * @return
 *   0 on success, -1 when no such mount exists.
 */
int nbshm_hugetlbfs_dir(uint64_t page_size, char *dir, size_t len);

/**
 * Free hugepages of a size, system-wide (sysfs free_hugepages).
 *
 * @return
 *   The count, or -1 when that page size is not supported by the kernel.
 */
long nbshm_hugepages_free(uint64_t page_size);

/**
 * Free hugepages of a size on one NUMA node (sysfs nodeN/hugepages/free_hugepages).
 *
 * @return
 *   The count, or -1 when unknown (no such node or size).
 */
long nbshm_hugepages_node_free(uint64_t page_size, int node);

/**
 * Create a region: a new hugetlbfs file of @p n_pages pages, mapped read-write,
 * its pages placed on @p numa_node (libnuma; ignored when NUMA is not
 * available), touched so they are really allocated, header written.
 *
 * @param r
 *   Filled on success; on failure r->fd is -1 and r->base NULL.
 * @param name
 *   Region name: [A-Za-z0-9_.-], 1..NBSHM_REGION_NAME_MAX-1 characters.
 * @param page_size
 *   Bytes per page; a hugetlbfs mount for that size must exist.
 * @param n_pages
 *   Pages (>= 1).
 * @param numa_node
 *   Node, or -1 for the default policy.
 * @param err
 *   On failure one line saying what failed and what to do.
 * @param errlen
 *   Size of @p err.
 * @return
 *   0 on success, -1 on failure.
 */
int nbshm_region_create(struct nbshm_region *r, const char *name, uint64_t page_size,
		uint32_t n_pages, int numa_node, char *err, size_t errlen);

/**
 * Create a region handed to another process by file descriptor (a consumer's):
 * one hugepage-aligned range of @p n_pages pages made of two unnamed
 * hugetlbfs files (memfds) side by side, each mapped read-write here,
 * allocated and placed as nbshm_region_create() does:
 *
 * - the control file, bytes [0, @p split): header page, rings, tx buffers;
 *   sealed F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL (r->fd);
 * - the rx file, bytes [@p split, size): sealed F_SEAL_SHRINK | F_SEAL_GROW |
 *   F_SEAL_FUTURE_WRITE | F_SEAL_SEAL after it is mapped here, so that whoever
 *   gets its descriptor can map it read-only only and cannot punch holes in
 *   it (r->rx_fd).
 *
 * It has no name in the file system; r->path reads "memfd:nbshm-NAME".
 *
 * @param split
 *   Size of the control file: a multiple of @p page_size, inside the region.
 * @return
 *   0 on success, -1 on failure with @p err set.
 */
int nbshm_region_create_split(struct nbshm_region *r, const char *name, uint64_t page_size,
		uint32_t n_pages, int numa_node, uint64_t split, char *err, size_t errlen);

/**
 * Give a split region new files (revocation: nobody who got the old
 * descriptors can reach the new pages): a new control file and, when @p rx,
 * a new rx file, filled, sealed and mapped over the same addresses
 * (MAP_FIXED), the old descriptors closed. The new control file starts with a
 * fresh header (generation 0) and zeros; so does a new rx file. When the new
 * files cannot be filled (no free hugepages) nothing changes.
 *
 * @return
 *   0 on success, -1 on failure with @p err set.
 */
int nbshm_region_renew(struct nbshm_region *r, bool rx, char *err, size_t errlen);

/**
 * Header of a mapped region.
 */
static inline struct nbshm_region_hdr *
nbshm_region_header(const struct nbshm_region *r)
{
	return (struct nbshm_region_hdr *)r->base;
}

/**
 * Reserve @p len bytes of the region's data area, aligned to @p align (a power
 * of two), after what earlier calls reserved. The first call starts at
 * NBSHM_REGION_DATA_OFFSET.
 *
 * @return
 *   The offset of the reserved bytes from the region's base, or UINT64_MAX when
 *   the region has not enough room left.
 */
uint64_t nbshm_region_carve(struct nbshm_region *r, uint64_t len, uint64_t align);

/**
 * Unmap and close a region; the creator also removes its file. Safe to call on
 * a region that failed to create or was already closed.
 */
void nbshm_region_close(struct nbshm_region *r);

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_REGION_H */
