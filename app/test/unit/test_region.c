/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * lib/region: hugetlbfs-backed regions. Needs 2 MB hugepages and a hugetlbfs
 * mount (scripts/setup-hugepages.sh): without them every test fails, it does
 * not skip. Region names carry the pid so parallel runs do not clash; every
 * file a test may leave is removed by the teardown.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include <numa.h>
#include <numaif.h>
#include <cmocka.h>

#include "nbshm_region.h"

#define TWO_MB (UINT64_C(2) << 20)
#define ONE_GB (UINT64_C(1) << 30)
#define SETUP_HINT "scripts/setup-hugepages.sh"
#define MAX_NAMES 64

static char g_dir[PATH_MAX];
static bool g_have_dir;
static char g_names[MAX_NAMES][NBSHM_REGION_NAME_MAX];
static unsigned int g_n_names;

/* A region name unique to this run, removed by the teardown. */
static const char *
tname(const char *what)
{
	char *n;

	assert_true(g_n_names < MAX_NAMES);
	n = g_names[g_n_names++];
	snprintf(n, NBSHM_REGION_NAME_MAX, "%s-%ld", what, (long)getpid());
	return n;
}

static void
tpath(const char *name, char *path, size_t len)
{
	int n = snprintf(path, len, "%s/%s%s", g_dir, NBSHM_REGION_FILE_PREFIX, name);

	assert_true(n > 0 && (size_t)n < len);
}

static bool
exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	tpath(name, path, sizeof(path));
	return stat(path, &st) == 0;
}

static int
cleanup_files(void **state)
{
	char path[PATH_MAX];
	unsigned int i;

	(void)state;
	if (!g_have_dir)
		return 0;
	for (i = 0; i < g_n_names; i++) {
		tpath(g_names[i], path, sizeof(path));
		if (unlink(path) != 0 && errno == EISDIR)
			rmdir(path);
	}
	return 0;
}

static int
group_setup(void **state)
{
	(void)state;
	g_have_dir = nbshm_hugetlbfs_dir(TWO_MB, g_dir, sizeof(g_dir)) == 0;
	return 0;
}

/* Fail (never skip) without hugepages: CI reserves them before the tests. */
static void
require_hugepages(unsigned int pages)
{
	long free_pages;

	if (!g_have_dir)
		fail_msg("no hugetlbfs mount for 2 MB pages: run " SETUP_HINT
			" (as root) before the tests");
	free_pages = nbshm_hugepages_free(TWO_MB);
	if (free_pages < (long)pages)
		fail_msg("need %u free 2 MB hugepages, %ld free: run " SETUP_HINT
			" (as root) before the tests", pages, free_pages);
}

#define CREATE_OK(r, name, pages, node) do { \
	char e_[512] = ""; \
	if (nbshm_region_create((r), (name), TWO_MB, (pages), (node), \
			e_, sizeof(e_)) != 0) \
		fail_msg("create %s: %s", (name), e_); \
} while (0)

#define assert_has(haystack, needle) do { \
	if (strstr((haystack), (needle)) == NULL) \
		fail_msg("\"%s\" does not mention \"%s\"", (haystack), (needle)); \
} while (0)

/* Run fn in a child: its exit code, or 1000 + signal. */
static int
run_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(arg));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 1000 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static void
assert_failed_region(const struct nbshm_region *r)
{
	assert_int_equal(r->fd, -1);
	assert_null(r->base);
}

/* A valid header for a hand-made file. */
static void
good_hdr(struct nbshm_region_hdr *h, const char *name, unsigned int pages)
{
	memset(h, 0, sizeof(*h));
	h->magic = NBSHM_REGION_MAGIC;
	h->version = NBSHM_REGION_VERSION;
	h->hdr_size = NBSHM_REGION_DATA_OFFSET;
	h->size = pages * TWO_MB;
	h->page_size = TWO_MB;
	h->numa_node = -1;
	snprintf(h->name, sizeof(h->name), "%s", name);
}

/*
 * Make a region file by hand, with no lock holder: @p pages pages (0: an empty
 * file) starting with @p hdr. hugetlbfs has no write(): map it.
 */
static void
craft(const char *name, unsigned int pages, const struct nbshm_region_hdr *hdr)
{
	char path[PATH_MAX];
	void *p;
	int fd;

	tpath(name, path, sizeof(path));
	fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	if (pages > 0) {
		assert_int_equal(ftruncate(fd, (off_t)(pages * TWO_MB)), 0);
		p = mmap(NULL, pages * TWO_MB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		assert_true(p != MAP_FAILED);
		memcpy(p, hdr, sizeof(*hdr));
		assert_int_equal(munmap(p, pages * TWO_MB), 0);
	}
	assert_int_equal(close(fd), 0);
}

static void
test_hugetlbfs_dir_and_free(void **state)
{
	char small[2], dir[PATH_MAX];
	struct statfs sfs;

	(void)state;
	require_hugepages(0);
	assert_int_equal(statfs(g_dir, &sfs), 0);
	assert_true((unsigned long)sfs.f_type == HUGETLBFS_MAGIC);
	assert_true((uint64_t)sfs.f_bsize == TWO_MB);
	assert_int_equal(nbshm_hugetlbfs_dir(TWO_MB, dir, sizeof(dir)), 0);
	assert_string_equal(dir, g_dir);
	/* too small a buffer, sizes no mount has */
	assert_int_equal(nbshm_hugetlbfs_dir(TWO_MB, small, sizeof(small)), -1);
	assert_int_equal(nbshm_hugetlbfs_dir(4096, dir, sizeof(dir)), -1);
	assert_int_equal(nbshm_hugetlbfs_dir(0, dir, sizeof(dir)), -1);
	assert_int_equal(nbshm_hugetlbfs_dir(TWO_MB + 1, dir, sizeof(dir)), -1);

	assert_true(nbshm_hugepages_free(TWO_MB) >= 0);
	assert_int_equal(nbshm_hugepages_free(3000), -1);
	assert_int_equal(nbshm_hugepages_free(0), -1);
	assert_int_equal(nbshm_hugepages_free(12288), -1);	/* no 12 kB hugepages */
}

static int
child_lock_is_held(void *arg)
{
	int fd = open(arg, O_RDONLY);

	if (fd < 0)
		return 1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 2;
	if (errno != EWOULDBLOCK)
		return 3;
	return 0;
}

static void
test_create_header_carve_close(void **state)
{
	const char *name = tname("basic");
	const struct nbshm_region_hdr *h;
	struct nbshm_region r;
	char path[PATH_MAX];
	uint64_t rest, used;
	struct stat st;

	(void)state;
	require_hugepages(2);
	CREATE_OK(&r, name, 2, -1);
	tpath(name, path, sizeof(path));
	assert_string_equal(r.path, path);
	assert_string_equal(r.name, name);
	assert_true(r.fd >= 0);
	assert_non_null(r.base);
	assert_true(r.size == 2 * TWO_MB);
	assert_true(r.page_size == TWO_MB);
	assert_int_equal(r.numa_node, -1);
	assert_true(r.owner);
	assert_true(r.writable);
	assert_true(r.used == NBSHM_REGION_DATA_OFFSET);
	assert_int_equal((uintptr_t)r.base % TWO_MB, 0);

	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true((uint64_t)st.st_size == 2 * TWO_MB);

	h = nbshm_region_header(&r);
	assert_ptr_equal(h, r.base);
	assert_true(h->magic == NBSHM_REGION_MAGIC);
	assert_int_equal(h->version, NBSHM_REGION_VERSION);
	assert_int_equal(h->hdr_size, NBSHM_REGION_DATA_OFFSET);
	assert_true(h->size == 2 * TWO_MB);
	assert_true(h->page_size == TWO_MB);
	assert_int_equal(h->generation, 0);
	assert_int_equal(h->numa_node, -1);
	assert_string_equal(h->name, name);

	/* the creator holds the lock, seen from another process */
	assert_int_equal(run_child(child_lock_is_held, path), 0);

	/* carve: alignment, refusals that change nothing, exhaustion */
	assert_true(nbshm_region_carve(&r, 100, 1) == 4096);
	assert_true(nbshm_region_carve(&r, 10, 64) == 4224);
	assert_true(nbshm_region_carve(&r, 1, 0) == 4234);		/* align 0 = 1 */
	assert_true(nbshm_region_carve(&r, 8, 3) == UINT64_MAX);	/* not pow2 */
	assert_true(nbshm_region_carve(&r, 0, 1) == UINT64_MAX);	/* empty */
	assert_true(nbshm_region_carve(&r, 1, 1) == 4235);
	assert_true(nbshm_region_carve(&r, 1, TWO_MB) == TWO_MB);
	assert_true(nbshm_region_carve(&r, 2 * TWO_MB, 1) == UINT64_MAX);
	assert_true(nbshm_region_carve(&r, UINT64_MAX, 1) == UINT64_MAX);
	assert_true(nbshm_region_carve(&r, 1, UINT64_C(1) << 63) == UINT64_MAX);
	assert_true(nbshm_region_carve(&r, 1, 4 * TWO_MB) == UINT64_MAX);
	used = r.used;
	assert_true(used == TWO_MB + 1);
	rest = r.size - used;
	assert_true(nbshm_region_carve(&r, rest + 1, 1) == UINT64_MAX);
	assert_true(nbshm_region_carve(&r, rest, 1) == used);
	assert_true(r.used == r.size);
	assert_true(nbshm_region_carve(&r, 1, 1) == UINT64_MAX);

	/* every page is writable and reads back */
	r.base[NBSHM_REGION_DATA_OFFSET] = 0x11;
	r.base[TWO_MB] = 0x22;
	r.base[r.size - 1] = 0x33;
	assert_int_equal(r.base[NBSHM_REGION_DATA_OFFSET], 0x11);
	assert_int_equal(r.base[TWO_MB], 0x22);
	assert_int_equal(r.base[r.size - 1], 0x33);

	nbshm_region_close(&r);
	assert_int_equal(r.fd, -1);
	assert_null(r.base);
	assert_false(exists(name));
	assert_true(nbshm_region_carve(&r, 1, 1) == UINT64_MAX);
	nbshm_region_close(&r);		/* idempotent */
	nbshm_region_close(NULL);
}

static void
check_placement(const struct nbshm_region *r, int node)
{
	uint64_t off;

	for (off = 0; off < r->size; off += r->page_size) {
		int where = -1;

		assert_int_equal(get_mempolicy(&where, NULL, 0, r->base + off,
			MPOL_F_NODE | MPOL_F_ADDR), 0);
		assert_int_equal(where, node);
	}
}

/*
 * A split region (a consumer's): no name on hugetlbfs, two sealed files side
 * by side; the rx file cannot be written, mapped writable or punched by
 * anyone holding its fd; renew gives new files over the same addresses that
 * mappings of the old ones do not see.
 */
static void
test_create_split(void **state)
{
	const char *name = tname("split");
	const struct nbshm_region_hdr *h;
	struct nbshm_region r;
	char path[PATH_MAX], e[512] = "";
	struct stat st, st2;
	uint8_t *old_ctl, *old_rx;
	int fd2, old_fd;

	(void)state;
	require_hugepages(6);
	assert_int_equal(nbshm_region_create_split(&r, name, TWO_MB, 3, -1, TWO_MB / 2, e,
		sizeof(e)), -1);	/* not a page boundary */
	if (nbshm_region_create_split(&r, name, TWO_MB, 3, -1, TWO_MB, e, sizeof(e)) != 0)
		fail_msg("nbshm_region_create_split(%s): %s", name, e);
	assert_true(r.fd >= 0 && r.rx_fd >= 0);
	assert_true(r.size == 3 * TWO_MB && r.split == TWO_MB);
	assert_true(((uintptr_t)r.base & (TWO_MB - 1)) == 0);
	assert_true(r.owner);
	assert_int_equal(strncmp(r.path, "memfd:" NBSHM_REGION_FILE_PREFIX,
		strlen("memfd:" NBSHM_REGION_FILE_PREFIX)), 0);
	h = nbshm_region_header(&r);
	assert_true(h->magic == NBSHM_REGION_MAGIC);
	assert_true(h->size == r.size);
	assert_string_equal(h->name, name);
	/* no file by name: only the descriptors reach it */
	tpath(name, path, sizeof(path));
	assert_int_equal(stat(path, &st), -1);
	/* sizes: [0, split) and [split, size) */
	assert_int_equal(fstat(r.fd, &st), 0);
	assert_true((uint64_t)st.st_size == r.split);
	assert_int_equal(fstat(r.rx_fd, &st), 0);
	assert_true((uint64_t)st.st_size == r.size - r.split);
	assert_int_equal(fcntl(r.fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	assert_int_equal(fcntl(r.rx_fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW |
		F_SEAL_FUTURE_WRITE | F_SEAL_SEAL);
	/* neither this fd nor another one on the same file may change its size */
	assert_int_equal(ftruncate(r.fd, 0), -1);
	assert_int_equal(errno, EPERM);
	fd2 = dup(r.rx_fd);
	assert_true(fd2 >= 0);
	assert_int_equal(ftruncate(fd2, (off_t)r.size * 2), -1);
	assert_int_equal(errno, EPERM);
	/* the rx file: no hole, no writable mapping, read-only stays read-only */
	assert_int_equal(fallocate(fd2, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
		(off_t)TWO_MB), -1);
	assert_int_equal(errno, EPERM);
	assert_true(mmap(NULL, TWO_MB, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0) ==
		MAP_FAILED);
	assert_int_equal(errno, EPERM);
	old_rx = mmap(NULL, TWO_MB, PROT_READ, MAP_SHARED, fd2, 0);
	assert_true(old_rx != MAP_FAILED);
	assert_int_equal(mprotect(old_rx, TWO_MB, PROT_READ | PROT_WRITE), -1);
	assert_int_equal(madvise(old_rx, TWO_MB, MADV_REMOVE), -1);
	/* ours is still writable */
	r.base[r.split] = 0x11;
	r.base[r.size - 1] = 0x5a;
	assert_int_equal(old_rx[0], 0x11);
	/* renew: a consumer's old mappings see none of what is written after */
	old_ctl = mmap(NULL, TWO_MB, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
	assert_true(old_ctl != MAP_FAILED);
	old_fd = dup(r.fd);
	assert_int_equal(nbshm_region_renew(&r, true, e, sizeof(e)), 0);
	assert_int_equal(fstat(old_fd, &st), 0);
	assert_int_equal(fstat(r.fd, &st2), 0);
	assert_true(st.st_ino != st2.st_ino);
	assert_int_equal(fcntl(r.rx_fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW |
		F_SEAL_FUTURE_WRITE | F_SEAL_SEAL);
	assert_true(nbshm_region_header(&r)->magic == NBSHM_REGION_MAGIC);
	assert_int_equal(r.base[r.split], 0);	/* fresh pages */
	r.base[r.split] = 0x22;
	r.base[100] = 0x33;
	old_ctl[100] = 0x44;			/* the old attachment writes its rings */
	assert_int_equal(old_rx[0], 0x11);
	assert_int_equal(r.base[100], 0x33);
	/* control only: the rx file stays */
	fd2 = dup(r.rx_fd);
	assert_int_equal(nbshm_region_renew(&r, false, e, sizeof(e)), 0);
	assert_int_equal(fstat(fd2, &st), 0);
	assert_int_equal(fstat(r.rx_fd, &st2), 0);
	assert_true(st.st_ino == st2.st_ino);
	assert_int_equal(r.base[r.split], 0x22);
	close(fd2);
	close(old_fd);
	munmap(old_ctl, TWO_MB);
	munmap(old_rx, TWO_MB);
	nbshm_region_close(&r);
	assert_int_equal(r.fd, -1);
	assert_int_equal(r.rx_fd, -1);
}

static void
test_create_numa(void **state)
{
	const char *name = tname("numa");
	unsigned long mask_before[16], mask_after[16];
	int mode_before, mode_after, node;
	struct nbshm_region r;
	char err[512];

	(void)state;
	require_hugepages(2);
	if (numa_available() < 0) {
		/* NUMA placement is ignored, and recorded as "any" */
		CREATE_OK(&r, name, 2, 0);
		assert_int_equal(r.numa_node, -1);
		assert_int_equal(nbshm_region_header(&r)->numa_node, -1);
		nbshm_region_close(&r);
		return;
	}
	for (node = 0; node <= numa_max_node(); node++) {
		char path[256];
		FILE *f;
		long n = -1;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/hugepages/"
			"hugepages-2048kB/free_hugepages", node);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
		if (n < 2)
			continue;

		memset(mask_before, 0, sizeof(mask_before));
		memset(mask_after, 0xff, sizeof(mask_after));
		assert_int_equal(get_mempolicy(&mode_before, mask_before, 1025, NULL, 0), 0);
		CREATE_OK(&r, name, 2, node);
		assert_int_equal(get_mempolicy(&mode_after, mask_after, 1025, NULL, 0), 0);
		/* the thread's own policy is back to what it was */
		assert_int_equal(mode_after, mode_before);
		assert_memory_equal(mask_after, mask_before, sizeof(mask_before));

		assert_int_equal(r.numa_node, node);
		assert_int_equal(nbshm_region_header(&r)->numa_node, node);
		check_placement(&r, node);
		nbshm_region_close(&r);
		assert_false(exists(name));
	}

	assert_int_equal(nbshm_region_create(&r, name, TWO_MB, 2, numa_max_node() + 1,
		err, sizeof(err)), -1);
	assert_has(err, "does not exist");
	assert_failed_region(&r);
	assert_int_equal(nbshm_region_create(&r, name, TWO_MB, 2, -2, err, sizeof(err)), -1);
	assert_has(err, "bad NUMA node");
	assert_failed_region(&r);
	assert_false(exists(name));
}

static int
child_create_in_use(void *arg)
{
	const char *name = arg;
	struct nbshm_region r;
	char err[512] = "";

	if (nbshm_region_create(&r, name, TWO_MB, 1, -1, err, sizeof(err)) == 0)
		return 1;
	if (strstr(err, "in use") == NULL) {
		fprintf(stderr, "child create: %s\n", err);
		return 2;
	}
	if (r.fd != -1 || r.base != NULL)
		return 3;
	return 0;
}

static void
test_create_in_use(void **state)
{
	const char *name = tname("inuse");
	struct nbshm_region r, r2;
	struct stat before, after;
	char err[512], path[PATH_MAX];

	(void)state;
	require_hugepages(3);
	CREATE_OK(&r, name, 2, -1);
	tpath(name, path, sizeof(path));
	assert_int_equal(stat(path, &before), 0);

	assert_int_equal(nbshm_region_create(&r2, name, TWO_MB, 1, -1, err, sizeof(err)), -1);
	assert_has(err, "in use");
	assert_has(err, name);
	assert_has(err, path);
	assert_null(strchr(err, '\n'));
	assert_failed_region(&r2);
	assert_int_equal(run_child(child_create_in_use, (void *)name), 0);

	/* the live region was not touched */
	assert_int_equal(stat(path, &after), 0);
	assert_true(before.st_ino == after.st_ino);
	assert_true((uint64_t)after.st_size == 2 * TWO_MB);
	assert_true(nbshm_region_header(&r)->magic == NBSHM_REGION_MAGIC);
	nbshm_region_close(&r2);	/* a failed create closes cleanly */
	assert_true(exists(name));

	/* once closed, the name is free */
	nbshm_region_close(&r);
	CREATE_OK(&r, name, 1, -1);
	nbshm_region_close(&r);
	assert_false(exists(name));
}

static int
child_create_and_die(void *arg)
{
	struct nbshm_region r;
	char err[512];

	if (nbshm_region_create(&r, arg, TWO_MB, 2, -1, err, sizeof(err)) != 0) {
		fprintf(stderr, "child create: %s\n", err);
		return 1;
	}
	r.base[NBSHM_REGION_DATA_OFFSET] = 0x5a;
	nbshm_region_header(&r)->generation = 3;
	return 0;	/* exits without closing: the file stays, unlocked */
}

static void
test_stale_from_dead_creator(void **state)
{
	const char *name = tname("stale");
	struct stat old, cur;
	struct nbshm_region r;
	char path[PATH_MAX];

	(void)state;
	require_hugepages(3);
	assert_int_equal(run_child(child_create_and_die, (void *)name), 0);
	tpath(name, path, sizeof(path));
	assert_int_equal(stat(path, &old), 0);

	CREATE_OK(&r, name, 1, -1);
	assert_int_equal(stat(path, &cur), 0);
	assert_true(cur.st_ino != old.st_ino);
	assert_true((uint64_t)cur.st_size == TWO_MB);
	assert_true(r.size == TWO_MB);
	assert_true(nbshm_region_header(&r)->size == TWO_MB);
	assert_int_equal(nbshm_region_header(&r)->generation, 0);
	assert_int_equal(r.base[NBSHM_REGION_DATA_OFFSET], 0);
	nbshm_region_close(&r);
	assert_false(exists(name));
}

static void
test_stale_crafted(void **state)
{
	const char *name = tname("crafted");
	struct nbshm_region_hdr h;
	struct nbshm_region r;

	(void)state;
	require_hugepages(3);
	/* a valid header with no lock holder */
	good_hdr(&h, name, 1);
	craft(name, 1, &h);
	CREATE_OK(&r, name, 2, -1);
	assert_true(r.size == 2 * TWO_MB);
	assert_true(nbshm_region_header(&r)->size == 2 * TWO_MB);
	nbshm_region_close(&r);
	assert_false(exists(name));

	/* garbage, and an empty file: stale all the same */
	memset(&h, 0xff, sizeof(h));
	craft(name, 1, &h);
	CREATE_OK(&r, name, 1, -1);
	nbshm_region_close(&r);
	craft(name, 0, NULL);
	CREATE_OK(&r, name, 1, -1);
	assert_true(nbshm_region_header(&r)->magic == NBSHM_REGION_MAGIC);
	nbshm_region_close(&r);
	assert_false(exists(name));
}

static void
test_close_keeps_a_replacement(void **state)
{
	const char *name = tname("replaced");
	struct nbshm_region_hdr h;
	struct nbshm_region r;
	char path[PATH_MAX];

	(void)state;
	require_hugepages(3);
	CREATE_OK(&r, name, 1, -1);
	/* someone removes the file by hand and another region takes the name */
	tpath(name, path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	good_hdr(&h, name, 1);
	craft(name, 1, &h);
	nbshm_region_close(&r);
	/* the owner removed only its own file */
	assert_true(exists(name));
	assert_int_equal(unlink(path), 0);
}

static void
test_bad_names(void **state)
{
	static const char *const bad[] = {
		"", "a/b", "../x", "a b", "tab\t", "\xc3\xa9", "semi;colon", "x*",
	};
	char longname[128], maxname[NBSHM_REGION_NAME_MAX];
	struct nbshm_region r;
	char err[512];
	unsigned int i;
	size_t n;

	(void)state;
	require_hugepages(1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(nbshm_region_create(&r, bad[i], TWO_MB, 1, -1,
			err, sizeof(err)), -1);
		assert_has(err, "bad region name");
		assert_failed_region(&r);
	}
	assert_int_equal(nbshm_region_create(&r, NULL, TWO_MB, 1, -1, err, sizeof(err)), -1);
	assert_has(err, "bad region name");

	memset(longname, 'x', 100);
	longname[100] = '\0';
	assert_int_equal(nbshm_region_create(&r, longname, TWO_MB, 1, -1,
		err, sizeof(err)), -1);
	assert_has(err, "bad region name");
	assert_null(strchr(err, '\n'));
	/* 64 characters is one too many, 63 is fine */
	longname[NBSHM_REGION_NAME_MAX] = '\0';
	assert_int_equal(nbshm_region_create(&r, longname, TWO_MB, 1, -1,
		err, sizeof(err)), -1);
	assert_has(err, "bad region name");

	n = (size_t)snprintf(maxname, sizeof(maxname), "%s", tname("max"));
	memset(maxname + n, 'm', sizeof(maxname) - 1 - n);
	maxname[sizeof(maxname) - 1] = '\0';
	assert_true(g_n_names < MAX_NAMES);
	snprintf(g_names[g_n_names++], NBSHM_REGION_NAME_MAX, "%s", maxname);
	CREATE_OK(&r, maxname, 1, -1);
	assert_int_equal(strlen(nbshm_region_header(&r)->name), NBSHM_REGION_NAME_MAX - 1);
	assert_string_equal(nbshm_region_header(&r)->name, maxname);
	nbshm_region_close(&r);
	assert_false(exists(maxname));

	/* the error buffer may be absent */
	assert_int_equal(nbshm_region_create(&r, "", TWO_MB, 1, -1, NULL, 0), -1);
	assert_int_equal(nbshm_region_create(NULL, "ok", TWO_MB, 1, -1, err, sizeof(err)), -1);
}

static void
test_bad_sizes(void **state)
{
	const char *name = tname("sizes");
	struct nbshm_region r;
	char dir[PATH_MAX], err[512];

	(void)state;
	require_hugepages(0);
	/* a page size with no mount: 1 GB, or 16 GB where 1 GB is mounted */
	if (nbshm_hugetlbfs_dir(ONE_GB, dir, sizeof(dir)) != 0) {
		assert_int_equal(nbshm_region_create(&r, name, ONE_GB, 1, -1,
			err, sizeof(err)), -1);
		assert_has(err, "1G");
		assert_has(err, "1048576 kB");
	} else {
		assert_int_equal(nbshm_region_create(&r, name, 16 * ONE_GB, 1, -1,
			err, sizeof(err)), -1);
		assert_has(err, "16G");
	}
	assert_has(err, "no hugetlbfs mount");
	assert_has(err, SETUP_HINT);
	assert_failed_region(&r);

	assert_int_equal(nbshm_region_create(&r, name, 3000, 1, -1, err, sizeof(err)), -1);
	assert_has(err, "bad page size");
	assert_int_equal(nbshm_region_create(&r, name, 0, 1, -1, err, sizeof(err)), -1);
	assert_has(err, "bad page size");
	assert_int_equal(nbshm_region_create(&r, name, 2048, 1, -1, err, sizeof(err)), -1);
	assert_has(err, "bad page size");
	assert_int_equal(nbshm_region_create(&r, name, TWO_MB, 0, -1, err, sizeof(err)), -1);
	assert_has(err, "0 pages");
	assert_int_equal(nbshm_region_create(&r, name, UINT64_C(1) << 40, UINT32_MAX, -1,
		err, sizeof(err)), -1);
	assert_has(err, "overflow");
	assert_failed_region(&r);
	assert_false(exists(name));
}

static long
sysfs_2m(const char *what)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-2048kB/%s", what);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void
test_not_enough_hugepages(void **state)
{
	const char *name = tname("toobig");
	struct nbshm_region r;
	long free_pages;
	char err[512];
	uint32_t want;

	(void)state;
	require_hugepages(0);
	/* With overcommit the kernel could really hand out that many pages. */
	if (sysfs_2m("nr_overcommit_hugepages") != 0) {
		print_message("nr_overcommit_hugepages is set: not asking for too many pages\n");
		return;
	}
	free_pages = nbshm_hugepages_free(TWO_MB);
	want = (uint32_t)free_pages + 64;
	assert_int_equal(nbshm_region_create(&r, name, TWO_MB, want, -1, err, sizeof(err)), -1);
	assert_has(err, "need ");
	assert_has(err, "2048 kB hugepages");
	assert_has(err, SETUP_HINT);
	assert_null(strchr(err, '\n'));
	assert_failed_region(&r);
	assert_false(exists(name));
	/* a failed create does not SIGBUS and leaves a working library */
	require_hugepages(1);
	CREATE_OK(&r, name, 1, -1);
	nbshm_region_close(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_hugetlbfs_dir_and_free, cleanup_files),
		cmocka_unit_test_teardown(test_create_header_carve_close, cleanup_files),
		cmocka_unit_test_teardown(test_create_numa, cleanup_files),
		cmocka_unit_test_teardown(test_create_split, cleanup_files),
		cmocka_unit_test_teardown(test_create_in_use, cleanup_files),
		cmocka_unit_test_teardown(test_stale_from_dead_creator, cleanup_files),
		cmocka_unit_test_teardown(test_stale_crafted, cleanup_files),
		cmocka_unit_test_teardown(test_close_keeps_a_replacement, cleanup_files),
		cmocka_unit_test_teardown(test_bad_names, cleanup_files),
		cmocka_unit_test_teardown(test_bad_sizes, cleanup_files),
		cmocka_unit_test_teardown(test_not_enough_hugepages, cleanup_files),
	};

	/* A child that never answers would hang the suite: fail instead. */
	alarm(120);
	return cmocka_run_group_tests(tests, group_setup, cleanup_files);
}
