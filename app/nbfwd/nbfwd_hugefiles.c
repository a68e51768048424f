/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Removes the primary's hugepage files at exit, but those a secondary maps
 * (see nbfwd_hugefiles.h for the rule).
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "nbfwd_hugefiles.h"
#include "nbfwd_log.h"

struct nbfwd_hugefiles {
	int *fds;		/* segment files already looked at */
	unsigned int n_fds;
	unsigned int cap;
	unsigned int removed;
	unsigned int busy;	/* mapped by another process */
	unsigned int failed;
};

static int
nbfwd_hugefiles_seen(struct nbfwd_hugefiles *h, int fd)
{
	unsigned int i;
	int *v;

	for (i = 0; i < h->n_fds; i++)
		if (h->fds[i] == fd)
			return 1;
	if (h->n_fds == h->cap) {
		v = realloc(h->fds, sizeof(*v) * (h->cap ? h->cap * 2 : 64));
		if (v == NULL)
			return -1;
		h->fds = v;
		h->cap = h->cap ? h->cap * 2 : 64;
	}
	h->fds[h->n_fds++] = fd;
	return 0;
}

/* One segment: its file (single-file segments: shared by many) is removed
 * when this process can take the exclusive lock, i.e. no other holds it.
 */
static int
nbfwd_hugefiles_one(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct nbfwd_hugefiles *h = arg;
	char link[64], path[PATH_MAX];
	ssize_t n;
	int fd;

	if (msl->external)
		return 0;
	fd = rte_memseg_get_fd_thread_unsafe(ms);
	if (fd < 0)
		return 0;	/* no file kept open: --legacy-mem, --no-huge */
	switch (nbfwd_hugefiles_seen(h, fd)) {
	case 1:
		return 0;
	case -1:
		return -1;
	default:
		break;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	/* a memfd (--in-memory) or a file already unlinked (--huge-unlink) */
	if (path[0] != '/' || strstr(path, " (deleted)") != NULL)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			h->busy++;
		else
			h->failed++;
		return 0;
	}
	if (unlink(path) == 0)
		h->removed++;
	else if (errno != ENOENT)
		h->failed++;
	return 0;
}

void
nbfwd_eal_cleanup(void)
{
	struct nbfwd_hugefiles h = { 0 };

	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		if (rte_memseg_walk(nbfwd_hugefiles_one, &h) < 0)
			APP_LOG(WARNING, "hugepage files: out of memory, some left in place");
		if (h.busy > 0 || h.failed > 0)
			APP_LOG(NOTICE, "hugepage files: %u removed, %u kept (mapped by a "
				"secondary process), %u could not be removed",
				h.removed, h.busy, h.failed);
		else
			APP_LOG(INFO, "hugepage files: %u removed", h.removed);
		free(h.fds);
	}
	rte_eal_cleanup();
}
