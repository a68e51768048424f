/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * libnbshm-client: surviving a region file that shrinks under a client.
 *
 * A client maps nbfwd's region file MAP_SHARED. If that file is truncated
 * (by nbfwd, by root, by anyone holding a writable fd), the next access to a
 * page past the new end raises SIGBUS, whose default action kills the
 * process. nbshm_client_connect() installs one process-wide SIGBUS handler
 * (chaining the handler that was there before). For a fault inside the
 * mapping of a live client the handler maps anonymous zero pages over that
 * whole mapping (MAP_FIXED, same address and length, the rx area read-only
 * again when it was), marks the client broken and returns: the faulting
 * instruction runs again and reads zeros. From then on every client call
 * that returns a status returns -EIO (nbshm_client_sigbus_fail()). Faults
 * anywhere else, and SIGBUS sent with kill(), go to the previous handler
 * (or its default action).
 *
 * The handler touches only this file's static table (never a client, which
 * another thread may be freeing) and calls only mmap() and mprotect().
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "nbshm_client_priv.h"

/* Slot states */
#define SB_FREE 0u
#define SB_CLAIMED 1u	/* being filled in: the handler skips it */
#define SB_LIVE 2u

/* One client mapping the handler may repair. */
struct client_sigbus_slot {
	uint32_t state;		/* SB_*, atomic */
	int broken;		/* set by the handler, read by the client */
	uintptr_t base;		/* the mapping */
	size_t len;
	uintptr_t ro_lo;	/* read-only part [ro_lo, ro_hi) as offsets, or empty */
	uintptr_t ro_hi;
	uintptr_t fault_off;	/* offset of the faulting address, once broken */
};

static struct client_sigbus_slot sb_slots[NBSHM_CLIENT_SIGBUS_SLOTS];
static pthread_mutex_t sb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction sb_prev;	/* what was installed before us */

static void client_sigbus(int sig, siginfo_t *si, void *uctx);

/* Hand the signal to whoever had it before us. */
static void
client_sigbus_chain(int sig, siginfo_t *si, void *uctx)
{
	struct sigaction prev = sb_prev;
	struct sigaction dfl;

	if (prev.sa_flags & SA_SIGINFO) {
		if (prev.sa_sigaction != NULL && prev.sa_sigaction != client_sigbus) {
			prev.sa_sigaction(sig, si, uctx);
			return;
		}
	} else if (prev.sa_handler == SIG_IGN && si->si_code <= 0) {
		return;		/* sent by a process and ignored before we came */
	} else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN &&
			prev.sa_handler != NULL) {
		prev.sa_handler(sig);
		return;
	}
	/*
	 * Default action. A fault (si_code > 0) happens again when we return,
	 * now with the default disposition, and kills the process as it would
	 * have without us; a signal sent by a process is raised again (it is
	 * blocked in here, so it is delivered on return).
	 */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGBUS, &dfl, NULL);
	if (si->si_code <= 0)
		raise(SIGBUS);
}

static void
client_sigbus(int sig, siginfo_t *si, void *uctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	struct client_sigbus_slot *s;
	int saved = errno;
	void *p;
	unsigned int i;

	/* only faults carry a meaningful address */
	for (i = 0; si->si_code > 0 && i < NBSHM_CLIENT_SIGBUS_SLOTS; i++) {
		s = &sb_slots[i];
		if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != SB_LIVE)
			continue;
		if (a < s->base || a - s->base >= s->len)
			continue;
		p = mmap((void *)s->base, s->len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			break;	/* cannot repair: as if we were not here */
		if (s->ro_hi > s->ro_lo)
			mprotect((void *)(s->base + s->ro_lo), s->ro_hi - s->ro_lo, PROT_READ);
		s->fault_off = a - s->base;
		__atomic_store_n(&s->broken, 1, __ATOMIC_RELEASE);
		errno = saved;
		return;
	}
	errno = saved;
	client_sigbus_chain(sig, si, uctx);
}

/* Install the handler unless it is the one installed now. Under sb_lock. */
static int
client_sigbus_install(void)
{
	struct sigaction cur, sa;
	int err;

	if (sigaction(SIGBUS, NULL, &cur) < 0)
		return -errno;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == client_sigbus)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = client_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	/* someone replaced us (or never had us): chain to them from now on */
	sb_prev = cur;
	if (sigaction(SIGBUS, &sa, NULL) < 0) {
		err = errno;
		return -err;
	}
	return 0;
}

int
nbshm_client_sigbus_register(struct nbshm_client *c)
{
	struct client_sigbus_slot *s = NULL;
	unsigned int i;
	int rc;

	pthread_mutex_lock(&sb_lock);
	rc = client_sigbus_install();
	for (i = 0; rc == 0 && i < NBSHM_CLIENT_SIGBUS_SLOTS; i++) {
		if (__atomic_load_n(&sb_slots[i].state, __ATOMIC_RELAXED) == SB_FREE) {
			s = &sb_slots[i];
			break;
		}
	}
	if (rc == 0 && s != NULL) {
		__atomic_store_n(&s->state, SB_CLAIMED, __ATOMIC_RELAXED);
		s->base = (uintptr_t)c->base;
		s->len = c->map_len;
		s->ro_lo = c->ro_lo;
		s->ro_hi = c->ro_hi;
		s->fault_off = 0;
		__atomic_store_n(&s->broken, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&s->state, SB_LIVE, __ATOMIC_RELEASE);
		c->broken = &s->broken;
		c->sigbus_slot = (int)i;
	}
	pthread_mutex_unlock(&sb_lock);
	if (rc < 0)
		return nbshm_client_fail(-rc, "installing the SIGBUS handler: %s", strerror(-rc));
	if (s == NULL)
		return nbshm_client_fail(EMFILE, "more than %u clients in this process",
				NBSHM_CLIENT_SIGBUS_SLOTS);
	return 0;
}

void
nbshm_client_sigbus_unregister(struct nbshm_client *c)
{
	if (c->sigbus_slot < 0)
		return;
	pthread_mutex_lock(&sb_lock);
	__atomic_store_n(&sb_slots[c->sigbus_slot].state, SB_FREE, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&sb_lock);
	c->sigbus_slot = -1;
	c->broken = NULL;
}

int
nbshm_client_sigbus_fail(const struct nbshm_client *c)
{
	uint64_t off = 0;

	if (c->sigbus_slot >= 0)
		off = sb_slots[c->sigbus_slot].fault_off;
	return nbshm_client_fail(EIO, "region %s shrank under this client (SIGBUS at offset "
			"0x%" PRIx64 " of %" PRIu64 " bytes: its file was truncated); the mapping "
			"now reads zeros: close the client", c->region_name, off,
			(uint64_t)c->map_len);
}
