/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Named shared regions on hugetlbfs (see nbshm_region.h).
 *
 * How a region is created, and why:
 *
 * 1. The file is first created unnamed (O_TMPFILE) in the hugetlbfs mount,
 *    locked, sized, filled with pages, mapped, and its header written. Only
 *    then is it given its name with linkat(), which fails with EEXIST rather
 *    than replace a file. So nobody who opens the name sees a half-built region (no
 *    header yet, size 0), and a creator that dies half-way leaves nothing
 *    behind: its pages go back to the pool when its descriptor closes. Older
 *    kernels without O_TMPFILE on hugetlbfs get a hidden temporary name,
 *    ".nbshm-<name>.<pid>.tmp", which region names can never produce.
 *
 * 2. Pages are allocated with fallocate(), not by touching the mapping. A
 *    hugetlbfs page fault that finds no free page raises SIGBUS, which would
 *    kill the process; fallocate() fails cleanly with ENOSPC instead. The mmap
 *    reservation alone is not enough: it is counted system-wide, so a fault
 *    under an MPOL_BIND policy on a node with no free pages still raises
 *    SIGBUS. fallocate() on hugetlbfs allocates with the calling thread's
 *    memory policy (the file's shared policy is empty and mbind() on a
 *    hugetlbfs mapping sets only that mapping's policy), so for a NUMA node the
 *    thread's policy is bound to that node around the call and restored after.
 *    An allocation that would have to leave the node fails with ENOSPC.
 *    Before that, the free counts in sysfs are checked, so that an obviously
 *    short pool is reported without fallocate() first taking every free page
 *    (it keeps what it got until the file is closed) from other processes.
 *
 * 3. The mapping is then mbind()ed to the node too (so that no later fault of
 *    this mapping could ever land elsewhere), every page is touched (the pages
 *    exist, so this only fills the page tables and cannot fault for lack of
 *    memory), and the placement is read back with move_pages() and checked.
 *
 * 4. The creator keeps an exclusive flock() on the file until it closes the
 *    region. A file whose lock can be taken belongs to a creator that died: it
 *    is stale and is unlinked (while holding its lock, after checking the name
 *    still names the locked file, so two creators cannot both remove it, nor
 *    remove the other's new file). A file whose lock is held is in use.
 *
 * 5. A consumer's region (nbshm_region_create_split()) has no name: two
 *    memfds side by side in one hugepage-aligned range reserved first, each
 *    allocated, mapped MAP_FIXED, placed and sealed as above. Renewing it
 *    (nbshm_region_renew()) fills the new files before anything is mapped,
 *    so that running out of hugepages changes nothing, then maps them over
 *    the old ones in one step each: the range never has a hole.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <mntent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/memfd.h>
#include <numa.h>
#include <numaif.h>

#include "nbshm_region.h"

#define NBSHM_REGION_SETUP_HINT "run scripts/setup-hugepages.sh"
#define NBSHM_REGION_PROC_MOUNTS "/proc/mounts"
#define NBSHM_REGION_SYSFS_HUGEPAGES "/sys/kernel/mm/hugepages"
#define NBSHM_REGION_SYSFS_NODE "/sys/devices/system/node"

/* Node masks passed to the kernel cover this many nodes (x86-64 allows 1024). */
#define NBSHM_REGION_MAX_NODES 1024
#define NBSHM_REGION_MASK_LONGS (NBSHM_REGION_MAX_NODES / (8 * sizeof(unsigned long)))
/* maxnode argument: the kernel reads maxnode - 1 bits (as libnuma passes). */
#define NBSHM_REGION_MASK_MAXNODE (NBSHM_REGION_MAX_NODES + 1)

/* Pages queried per move_pages() call when checking placement. */
#define NBSHM_REGION_QUERY_BATCH 64u

/* Stale-file removals tried before giving up on a name that keeps coming back. */
#define NBSHM_REGION_PUBLISH_TRIES 4

static int __attribute__((format(printf, 3, 4)))
nbshm_region_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
nbshm_region_reset(struct nbshm_region *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->rx_fd = -1;
	r->numa_node = -1;
}

/* 1..NAME_MAX-1 characters of [A-Za-z0-9_.-]: safe as a file name component. */
static bool
nbshm_region_name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0')
		return false;
	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		if (i >= NBSHM_REGION_NAME_MAX - 1)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				(c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

static int
nbshm_region_bad_name(const char *name, char *err, size_t errlen)
{
	return nbshm_region_err(err, errlen,
		"bad region name \"%.*s%s\": use 1..%d characters of [A-Za-z0-9_.-]",
		NBSHM_REGION_NAME_MAX, name == NULL ? "(null)" : name,
		name != NULL && strlen(name) > NBSHM_REGION_NAME_MAX ? "..." : "",
		NBSHM_REGION_NAME_MAX - 1);
}

static bool
nbshm_region_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* "2M", "1G", "64K" or "<n> B" for messages. */
static const char *
nbshm_region_size_str(uint64_t sz, char *buf, size_t len)
{
	if (sz >= (UINT64_C(1) << 30) && sz % (UINT64_C(1) << 30) == 0)
		snprintf(buf, len, "%" PRIu64 "G", sz >> 30);
	else if (sz >= (UINT64_C(1) << 20) && sz % (UINT64_C(1) << 20) == 0)
		snprintf(buf, len, "%" PRIu64 "M", sz >> 20);
	else if (sz >= 1024 && sz % 1024 == 0)
		snprintf(buf, len, "%" PRIu64 "K", sz >> 10);
	else
		snprintf(buf, len, "%" PRIu64 " B", sz);
	return buf;
}

/*
 * Parse a size as the kernel writes a hugetlbfs pagesize= option ("2M",
 * "1G"), also accepting "2048k", "1024M", "2048kB" and plain bytes.
 */
static int
nbshm_hugetlbfs_parse_size(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int shift = 0;
	size_t i = 0;

	if (n == 0 || s[0] < '0' || s[0] > '9')
		return -1;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i < n) {
		switch (s[i]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return -1;
		}
		i++;
		if (i < n && (s[i] == 'b' || s[i] == 'B'))
			i++;
		if (i != n)
			return -1;
	}
	if (v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

/* Default hugepage size (bytes) from /proc/meminfo, 0 when unknown. */
static uint64_t
nbshm_hugetlbfs_default_size(void)
{
	char line[256];
	unsigned long long kb;
	uint64_t sz = 0;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "Hugepagesize: %llu kB", &kb) == 1) {
			sz = (uint64_t)kb << 10;
			break;
		}
	}
	fclose(f);
	return sz;
}

/* Page size of a hugetlbfs mount entry (0 if unknown). */
static uint64_t
nbshm_hugetlbfs_mount_size(const struct mntent *m)
{
	const char *opt = hasmntopt(m, "pagesize");
	uint64_t sz;

	if (opt == NULL)
		return nbshm_hugetlbfs_default_size();
	opt += strlen("pagesize");
	if (*opt != '=')
		return 0;
	opt++;
	if (nbshm_hugetlbfs_parse_size(opt, strcspn(opt, ","), &sz) != 0)
		return 0;
	return sz;
}

int
nbshm_hugetlbfs_dir(uint64_t page_size, char *dir, size_t len)
{
	struct mntent ent, *m;
	char buf[4096];
	int ret = -1;
	FILE *f;

	if (dir == NULL || len == 0 || page_size == 0)
		return -1;
	f = setmntent(NBSHM_REGION_PROC_MOUNTS, "re");
	if (f == NULL)
		return -1;
	while ((m = getmntent_r(f, &ent, buf, sizeof(buf))) != NULL) {
		if (strcmp(m->mnt_type, "hugetlbfs") != 0 ||
				nbshm_hugetlbfs_mount_size(m) != page_size)
			continue;
		if (strlen(m->mnt_dir) >= len)
			continue;
		strcpy(dir, m->mnt_dir);
		ret = 0;
		break;
	}
	endmntent(f);
	return ret;
}

static long
nbshm_hugepages_read_count(const char *path)
{
	long v = -1;
	FILE *f;

	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* A counter of /sys/kernel/mm/hugepages/hugepages-<kB>kB, -1 when unknown. */
static long
nbshm_hugepages_count(uint64_t page_size, const char *what)
{
	char path[256];

	if (page_size < 1024 || page_size % 1024 != 0)
		return -1;
	snprintf(path, sizeof(path), NBSHM_REGION_SYSFS_HUGEPAGES
		"/hugepages-%" PRIu64 "kB/%s", page_size >> 10, what);
	return nbshm_hugepages_read_count(path);
}

long
nbshm_hugepages_free(uint64_t page_size)
{
	return nbshm_hugepages_count(page_size, "free_hugepages");
}

long
nbshm_hugepages_node_free(uint64_t page_size, int node)
{
	char path[256];

	snprintf(path, sizeof(path), NBSHM_REGION_SYSFS_NODE
		"/node%d/hugepages/hugepages-%" PRIu64 "kB/free_hugepages",
		node, page_size >> 10);
	return nbshm_hugepages_read_count(path);
}

/*
 * Hugepages an allocation can get without the kernel's surplus (overcommit)
 * pages: free ones not reserved by other mappings, system-wide or, for a node,
 * free on that node. -1 when unknown or when surplus pages may be allocated
 * (then only the allocation itself can tell).
 */
static long
nbshm_hugepages_available(uint64_t page_size, int node)
{
	long free_pages, resv, over, surplus;

	over = nbshm_hugepages_count(page_size, "nr_overcommit_hugepages");
	surplus = nbshm_hugepages_count(page_size, "surplus_hugepages");
	if (over < 0 || surplus < 0 || over > surplus)
		return -1;
	if (node >= 0)
		return nbshm_hugepages_node_free(page_size, node);
	free_pages = nbshm_hugepages_free(page_size);
	resv = nbshm_hugepages_count(page_size, "resv_hugepages");
	if (free_pages < 0 || resv < 0)
		return -1;
	return free_pages > resv ? free_pages - resv : 0;
}

static void
nbshm_region_nodemask(unsigned long *mask, int node)
{
	const unsigned int bits = 8 * sizeof(unsigned long);

	memset(mask, 0, NBSHM_REGION_MASK_LONGS * sizeof(unsigned long));
	mask[(unsigned int)node / bits] |= 1UL << ((unsigned int)node % bits);
}

/*
 * Create the file, unnamed if the kernel can. Sets *tmp to the temporary name
 * when one had to be used ("" otherwise).
 */
static int
nbshm_region_open_new(const char *dir, const char *name, char *tmp, size_t tmplen,
		char *err, size_t errlen)
{
	int fd, n;

	tmp[0] = '\0';
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return nbshm_region_err(err, errlen,
			"region %s: open(%s, O_TMPFILE): %s", name, dir, strerror(errno));

	n = snprintf(tmp, tmplen, "%s/.%s%s.%ld.tmp", dir, NBSHM_REGION_FILE_PREFIX,
		name, (long)getpid());
	if (n < 0 || (size_t)n >= tmplen) {
		tmp[0] = '\0';
		return nbshm_region_err(err, errlen,
			"region %s: path in %s too long", name, dir);
	}
	/* Left over by an earlier process with our pid that died half-way. */
	unlink(tmp);
	fd = open(tmp, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		nbshm_region_err(err, errlen, "region %s: open(%s): %s",
			name, tmp, strerror(errno));
		tmp[0] = '\0';
		return -1;
	}
	return fd;
}

/*
 * Allocate every page of the file with fallocate() (see the top of the file:
 * ENOSPC instead of SIGBUS), on @p node when it is >= 0.
 */
static int
nbshm_region_allocate(int fd, const char *name, uint64_t size, uint64_t page_size,
		uint32_t n_pages, int node, char *err, size_t errlen)
{
	unsigned long old_mask[NBSHM_REGION_MASK_LONGS];
	unsigned long new_mask[NBSHM_REGION_MASK_LONGS];
	char node_str[32] = "";
	int old_mode = MPOL_DEFAULT;
	long avail, free_pages;
	int rc, e;

	if (node >= 0)
		snprintf(node_str, sizeof(node_str), " on NUMA node %d", node);
	/*
	 * Fail early when the pool is short: fallocate() would take every free
	 * page before it failed, starving other processes for a moment.
	 */
	avail = nbshm_hugepages_available(page_size, node);
	if (avail >= 0 && (unsigned long)avail < n_pages)
		return nbshm_region_err(err, errlen,
			"region %s: need %u free %" PRIu64 " kB hugepages%s, %ld free: "
			NBSHM_REGION_SETUP_HINT " with more pages",
			name, n_pages, page_size >> 10, node_str, avail);
	/* For the message: a failed fallocate() keeps the pages it got until close. */
	free_pages = node >= 0 ? nbshm_hugepages_node_free(page_size, node) :
		nbshm_hugepages_free(page_size);

	if (node >= 0) {
		/* Only this thread's policy changes, and only until fallocate returns. */
		if (get_mempolicy(&old_mode, old_mask, NBSHM_REGION_MASK_MAXNODE,
				NULL, 0) != 0)
			return nbshm_region_err(err, errlen,
				"region %s: get_mempolicy: %s", name, strerror(errno));
		nbshm_region_nodemask(new_mask, node);
		if (set_mempolicy(MPOL_BIND, new_mask, NBSHM_REGION_MASK_MAXNODE) != 0)
			return nbshm_region_err(err, errlen,
				"region %s: set_mempolicy(MPOL_BIND, node %d): %s: "
				"is the node in this process's cpuset?",
				name, node, strerror(errno));
	}
	rc = fallocate(fd, 0, 0, (off_t)size);
	e = errno;
	if (node >= 0 && set_mempolicy(old_mode, old_mask, NBSHM_REGION_MASK_MAXNODE) != 0)
		return nbshm_region_err(err, errlen,
			"region %s: set_mempolicy (restoring the thread's policy): %s",
			name, strerror(errno));
	if (rc == 0)
		return 0;

	if (e != ENOSPC && e != ENOMEM)
		return nbshm_region_err(err, errlen,
			"region %s: fallocate of %u x %" PRIu64 " kB hugepages%s: %s",
			name, n_pages, page_size >> 10, node_str, strerror(e));
	if (free_pages >= 0 && (unsigned long)free_pages < n_pages)
		return nbshm_region_err(err, errlen,
			"region %s: fallocate: %s: need %u free %" PRIu64
			" kB hugepages%s, %ld free: " NBSHM_REGION_SETUP_HINT " with more pages",
			name, strerror(e), n_pages, page_size >> 10, node_str, free_pages);
	return nbshm_region_err(err, errlen,
		"region %s: fallocate: %s: need %u free %" PRIu64 " kB hugepages%s, %ld free: "
		"a size= limit on the hugetlbfs mount, a hugetlb cgroup limit or other "
		"mappings' reservations stand in the way",
		name, strerror(e), n_pages, page_size >> 10, node_str, free_pages);
}

/* Read back where each page sits and check it is on @p node. */
static int
nbshm_region_check_node(const char *name, uint8_t *base, uint64_t page_size, uint32_t n_pages,
		int node, char *err, size_t errlen)
{
	void *pages[NBSHM_REGION_QUERY_BATCH];
	int status[NBSHM_REGION_QUERY_BATCH];
	uint32_t i, j, n;

	for (i = 0; i < n_pages; i += n) {
		n = n_pages - i < NBSHM_REGION_QUERY_BATCH ?
			n_pages - i : NBSHM_REGION_QUERY_BATCH;
		for (j = 0; j < n; j++)
			pages[j] = base + (uint64_t)(i + j) * page_size;
		if (move_pages(0, n, pages, NULL, status, 0) != 0) {
			/* Kernel without page migration: the binding is all we have. */
			if (errno == ENOSYS)
				return 0;
			return nbshm_region_err(err, errlen,
				"region %s: move_pages (placement query): %s",
				name, strerror(errno));
		}
		for (j = 0; j < n; j++) {
			if (status[j] == node)
				continue;
			if (status[j] < 0)
				return nbshm_region_err(err, errlen,
					"region %s: page %u: placement unknown: %s",
					name, i + j, strerror(-status[j]));
			return nbshm_region_err(err, errlen,
				"region %s: page %u is on NUMA node %d, not %d",
				name, i + j, status[j], node);
		}
	}
	return 0;
}

/*
 * Pages of a fresh mapping: bound to @p node (so that no later fault of it
 * could land elsewhere), touched (they exist, fallocate: this only fills the
 * page tables and cannot fault for lack of memory), placement read back.
 */
static int
nbshm_region_place(const char *name, uint8_t *base, uint64_t size, uint64_t page_size,
		int node, char *err, size_t errlen)
{
	unsigned long mask[NBSHM_REGION_MASK_LONGS];
	uint64_t off;

	if (node >= 0) {
		nbshm_region_nodemask(mask, node);
		if (mbind(base, size, MPOL_BIND, mask, NBSHM_REGION_MASK_MAXNODE,
				MPOL_MF_STRICT) != 0)
			return nbshm_region_err(err, errlen,
				"region %s: mbind(MPOL_BIND, node %d): %s", name, node,
				strerror(errno));
	}
	for (off = 0; off < size; off += page_size)
		((volatile uint8_t *)base)[off] = 0;
	if (node >= 0)
		return nbshm_region_check_node(name, base, page_size,
			(uint32_t)(size / page_size), node, err, errlen);
	return 0;
}

/*
 * The name exists: remove it if its creator died (stale), fail if it is alive.
 * Returns 0 when the caller should try to publish again.
 */
static int
nbshm_region_remove_stale(const char *path, const char *name, char *err, size_t errlen)
{
	struct stat locked, named;
	int fd, e;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return nbshm_region_err(err, errlen, "region %s: open(%s): %s",
			name, path, strerror(errno));
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return nbshm_region_err(err, errlen,
				"region %s is in use by another process (%s)", name, path);
		return nbshm_region_err(err, errlen, "region %s: flock(%s): %s",
			name, path, strerror(e));
	}
	/*
	 * Stale. Another creator that locked this file before us unlinked it
	 * before it unlocked, so if the name still names the file we locked,
	 * nobody else is removing it.
	 */
	if (fstat(fd, &locked) == 0 && stat(path, &named) == 0 &&
			locked.st_dev == named.st_dev && locked.st_ino == named.st_ino &&
			unlink(path) != 0 && errno != ENOENT) {
		e = errno;
		close(fd);
		return nbshm_region_err(err, errlen,
			"region %s: removing stale %s: unlink: %s", name, path, strerror(e));
	}
	close(fd);
	return 0;
}

/* Give the finished file its name; never replaces an existing one. */
static int
nbshm_region_publish(int fd, const char *tmp, const char *path, const char *name,
		char *err, size_t errlen)
{
	char src[64];
	int i, rc;

	if (tmp[0] == '\0')
		snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	for (i = 0; i < NBSHM_REGION_PUBLISH_TRIES; i++) {
		if (tmp[0] == '\0')
			rc = linkat(AT_FDCWD, src, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
		else
			rc = link(tmp, path);
		if (rc == 0)
			return 0;
		if (errno != EEXIST)
			return nbshm_region_err(err, errlen, "region %s: link to %s: %s",
				name, path, strerror(errno));
		if (nbshm_region_remove_stale(path, name, err, errlen) != 0)
			return -1;
	}
	return nbshm_region_err(err, errlen,
		"region %s: %s reappeared %d times: another process keeps creating it",
		name, path, NBSHM_REGION_PUBLISH_TRIES);
}

/* An unnamed hugetlbfs file that can be sealed (a part of a consumer's region). */
static int
nbshm_region_open_sealable(const char *name, const char *part, uint64_t page_size,
		char *err, size_t errlen)
{
	unsigned int shift = (unsigned int)__builtin_ctzll(page_size);
	char label[NBSHM_REGION_NAME_MAX + sizeof(NBSHM_REGION_FILE_PREFIX) + 8];
	int fd;

	/* /proc/PID/fd shows it as /memfd:nbshm-NAME.PART */
	snprintf(label, sizeof(label), "%s%s.%s", NBSHM_REGION_FILE_PREFIX, name, part);
	fd = memfd_create(label, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB |
		(shift << MFD_HUGE_SHIFT));

	if (fd < 0)
		nbshm_region_err(err, errlen, "region %s: memfd_create(MFD_HUGETLB, %" PRIu64
			" kB pages): %s", name, page_size >> 10, strerror(errno));
	return fd;
}

static void
nbshm_region_write_hdr(void *base, const char *name, uint64_t size, uint64_t page_size,
		int numa_node)
{
	struct nbshm_region_hdr *h = base;

	memset(h, 0, NBSHM_REGION_DATA_OFFSET);
	h->magic = NBSHM_REGION_MAGIC;
	h->version = NBSHM_REGION_VERSION;
	h->hdr_size = NBSHM_REGION_DATA_OFFSET;
	h->size = size;
	h->page_size = page_size;
	h->generation = 0;
	h->numa_node = numa_node;
	memcpy(h->name, name, strlen(name) + 1);
}

/*
 * Checks shared by every way to create a region (@p r reset first); NUMA -1
 * where NUMA is not available.
 */
static int
nbshm_region_create_args(struct nbshm_region *r, const char *name, uint64_t page_size,
		uint32_t n_pages, int *numa_node, uint64_t *size, char *err, size_t errlen)
{
	char szs[32];

	if (r == NULL)
		return nbshm_region_err(err, errlen, "region: no region structure given");
	nbshm_region_reset(r);
	if (!nbshm_region_name_ok(name))
		return nbshm_region_bad_name(name, err, errlen);
	if (!nbshm_region_pow2(page_size) || page_size < 4096)
		return nbshm_region_err(err, errlen,
			"region %s: bad page size %" PRIu64 ": use a hugepage size (2M or 1G)",
			name, page_size);
	if (n_pages == 0)
		return nbshm_region_err(err, errlen, "region %s: 0 pages: need at least 1", name);
	if (n_pages > (uint64_t)INT64_MAX / page_size ||
			(uint64_t)n_pages * page_size > SIZE_MAX)
		return nbshm_region_err(err, errlen,
			"region %s: %u pages of %s overflow the file size", name, n_pages,
			nbshm_region_size_str(page_size, szs, sizeof(szs)));
	*size = (uint64_t)n_pages * page_size;

	/* NUMA placement is skipped, and recorded as -1, where NUMA is not available. */
	if (*numa_node < -1)
		return nbshm_region_err(err, errlen,
			"region %s: bad NUMA node %d: use -1 (any) or a node number",
			name, *numa_node);
	if (*numa_node >= 0 && numa_available() < 0)
		*numa_node = -1;
	if (*numa_node >= 0) {
		if (*numa_node > numa_max_node() || *numa_node >= NBSHM_REGION_MAX_NODES)
			return nbshm_region_err(err, errlen,
				"region %s: NUMA node %d does not exist (highest is %d)",
				name, *numa_node, numa_max_node());
		if (!numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned int)*numa_node))
			return nbshm_region_err(err, errlen,
				"region %s: NUMA node %d has no memory this process may use",
				name, *numa_node);
	}

	return 0;
}

int
nbshm_region_create(struct nbshm_region *r, const char *name, uint64_t page_size,
		uint32_t n_pages, int numa_node, char *err, size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX], szs[32];
	void *base = MAP_FAILED;
	uint64_t size;
	int fd = -1, n;

	tmp[0] = '\0';
	if (nbshm_region_create_args(r, name, page_size, n_pages, &numa_node, &size, err,
			errlen) != 0)
		return -1;

	if (nbshm_hugetlbfs_dir(page_size, dir, sizeof(dir)) != 0)
		return nbshm_region_err(err, errlen,
			"region %s: no hugetlbfs mount for %s (%" PRIu64 " kB) pages: "
			NBSHM_REGION_SETUP_HINT, name,
			nbshm_region_size_str(page_size, szs, sizeof(szs)), page_size >> 10);
	n = snprintf(r->path, sizeof(r->path), "%s/%s%s", dir, NBSHM_REGION_FILE_PREFIX,
		name);
	if (n < 0 || (size_t)n >= sizeof(r->path)) {
		r->path[0] = '\0';
		return nbshm_region_err(err, errlen, "region %s: path in %s too long",
			name, dir);
	}

	fd = nbshm_region_open_new(dir, name, tmp, sizeof(tmp), err, errlen);
	if (fd < 0)
		goto fail_nofd;
	/* Nobody else can reach the file yet: this never blocks. */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		nbshm_region_err(err, errlen, "region %s: flock: %s", name, strerror(errno));
		goto fail;
	}
	if (ftruncate(fd, (off_t)size) != 0) {
		nbshm_region_err(err, errlen, "region %s: ftruncate to %" PRIu64 " bytes: %s",
			name, size, strerror(errno));
		goto fail;
	}
	if (nbshm_region_allocate(fd, name, size, page_size, n_pages, numa_node,
			err, errlen) != 0)
		goto fail;

	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		nbshm_region_err(err, errlen, "region %s: mmap of %" PRIu64 " bytes: %s",
			name, size, strerror(errno));
		goto fail;
	}
	r->base = base;
	r->size = size;
	r->page_size = page_size;
	memcpy(r->name, name, strlen(name) + 1);

	if (nbshm_region_place(name, base, size, page_size, numa_node, err, errlen) != 0)
		goto fail;
	nbshm_region_write_hdr(base, name, size, page_size, numa_node);

	if (nbshm_region_publish(fd, tmp, r->path, name, err, errlen) != 0)
		goto fail;
	if (tmp[0] != '\0')
		unlink(tmp);

	r->numa_node = numa_node;
	r->fd = fd;
	r->owner = true;
	r->writable = true;
	r->used = NBSHM_REGION_DATA_OFFSET;
	return 0;

fail:
	if (base != MAP_FAILED)
		munmap(base, size);
	/* An unnamed file's pages go back to the pool here. */
	close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
fail_nofd:
	nbshm_region_reset(r);
	return -1;
}

/*
 * A new file for one part of a split region, @p len bytes, its pages
 * allocated (on @p node): nothing is mapped yet, so a failure (no free
 * hugepages) changes nothing. @return its descriptor, or -1 with @p err set.
 */
static int
nbshm_region_part_new(const struct nbshm_region *r, const char *part, uint64_t len,
		char *err, size_t errlen)
{
	int fd = nbshm_region_open_sealable(r->name, part, r->page_size, err, errlen);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)len) != 0) {
		nbshm_region_err(err, errlen, "region %s.%s: ftruncate to %" PRIu64 " bytes: %s",
			r->name, part, len, strerror(errno));
		close(fd);
		return -1;
	}
	if (nbshm_region_allocate(fd, r->name, len, r->page_size,
			(uint32_t)(len / r->page_size), r->numa_node, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Map a part's new file read-write over its range (MAP_FIXED: the old
 * mapping is replaced in one step, the range never has a hole), place its
 * pages, seal it. The descriptor becomes *@p slot (the old one is closed)
 * once mapped, whatever follows.
 */
static int
nbshm_region_part_install(struct nbshm_region *r, const char *part, int fd, int *slot,
		uint64_t off, uint64_t len, unsigned int seals, char *err, size_t errlen)
{
	void *p = mmap(r->base + off, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);

	if (p == MAP_FAILED) {
		nbshm_region_err(err, errlen, "region %s.%s: mmap of %" PRIu64 " bytes: %s",
			r->name, part, len, strerror(errno));
		close(fd);
		return -1;
	}
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
	if (nbshm_region_place(r->name, r->base + off, len, r->page_size, r->numa_node,
			err, errlen) != 0)
		return -1;
	/* our mapping stays writable; new mappings of a FUTURE_WRITE file cannot be */
	if (fcntl(fd, F_ADD_SEALS, seals | F_SEAL_SEAL) != 0)
		return nbshm_region_err(err, errlen, "region %s.%s: sealing it: %s", r->name,
			part, strerror(errno));
	return 0;
}

int
nbshm_region_renew(struct nbshm_region *r, bool rx, char *err, size_t errlen)
{
	int cfd, rfd = -1;

	if (r == NULL || r->base == NULL || r->split == 0)
		return nbshm_region_err(err, errlen, "region: not a split region");
	cfd = nbshm_region_part_new(r, "ctl", r->split, err, errlen);
	if (cfd < 0)
		return -1;
	if (rx) {
		rfd = nbshm_region_part_new(r, "rx", r->size - r->split, err, errlen);
		if (rfd < 0) {
			close(cfd);
			return -1;
		}
	}
	if (nbshm_region_part_install(r, "ctl", cfd, &r->fd, 0, r->split,
			F_SEAL_SHRINK | F_SEAL_GROW, err, errlen) != 0) {
		if (rfd >= 0)
			close(rfd);
		return -1;
	}
	nbshm_region_write_hdr(r->base, r->name, r->size, r->page_size, r->numa_node);
	if (rx && nbshm_region_part_install(r, "rx", rfd, &r->rx_fd, r->split,
			r->size - r->split, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE,
			err, errlen) != 0)
		return -1;
	return 0;
}

int
nbshm_region_create_split(struct nbshm_region *r, const char *name, uint64_t page_size,
		uint32_t n_pages, int numa_node, uint64_t split, char *err, size_t errlen)
{
	uint64_t size;
	uintptr_t lo, at;
	void *res;

	if (nbshm_region_create_args(r, name, page_size, n_pages, &numa_node, &size, err,
			errlen) != 0)
		return -1;
	if (split == 0 || split >= size || split % page_size != 0)
		return nbshm_region_err(err, errlen, "region %s: split at %" PRIu64 " is not a "
			"page boundary inside its %" PRIu64 " bytes", name, split, size);
	/* a hugepage-aligned range of our own, for both files side by side */
	res = mmap(NULL, size + page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return nbshm_region_err(err, errlen, "region %s: reserving %" PRIu64
			" bytes of address space: %s", name, size, strerror(errno));
	lo = (uintptr_t)res;
	at = (lo + page_size - 1) & ~(uintptr_t)(page_size - 1);
	if (at > lo)
		munmap(res, at - lo);
	munmap((void *)(at + size), lo + page_size - at);
	memcpy(r->name, name, strlen(name) + 1);
	snprintf(r->path, sizeof(r->path), "memfd:%s%s", NBSHM_REGION_FILE_PREFIX, name);
	r->base = (uint8_t *)at;
	r->size = size;
	r->page_size = page_size;
	r->numa_node = numa_node;
	r->split = split;
	if (nbshm_region_renew(r, true, err, errlen) != 0) {
		nbshm_region_close(r);
		return -1;
	}
	r->owner = true;
	r->writable = true;
	r->used = NBSHM_REGION_DATA_OFFSET;
	return 0;
}

uint64_t
nbshm_region_carve(struct nbshm_region *r, uint64_t len, uint64_t align)
{
	uint64_t off;

	/* align 0 means 1; len 0 or a non power of two align is refused. */
	if (align == 0)
		align = 1;
	if (r == NULL || r->base == NULL || len == 0 || !nbshm_region_pow2(align) ||
			r->used > r->size || align - 1 > UINT64_MAX - r->used)
		return UINT64_MAX;
	off = (r->used + align - 1) & ~(align - 1);
	if (off > r->size || len > r->size - off)
		return UINT64_MAX;
	r->used = off + len;
	return off;
}

void
nbshm_region_close(struct nbshm_region *r)
{
	struct stat ours, named;

	if (r == NULL)
		return;
	if (r->base != NULL)
		munmap(r->base, r->size);
	if (r->fd >= 0) {
		/*
		 * Unlink while still holding the lock (see remove_stale), and only
		 * if the name is still ours: someone may have removed it by hand
		 * and created a new region of the same name since.
		 */
		if (r->owner && r->path[0] != '\0' && fstat(r->fd, &ours) == 0 &&
				stat(r->path, &named) == 0 && ours.st_dev == named.st_dev &&
				ours.st_ino == named.st_ino)
			unlink(r->path);
		close(r->fd);
	}
	if (r->rx_fd >= 0)
		close(r->rx_fd);
	r->base = NULL;
	r->fd = -1;
	r->rx_fd = -1;
	r->owner = false;
	r->writable = false;
}
