/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Surviving a shared file that loses pages under its mapping (see
 * nbshm_sigbus.h). Used by libnbshm-client (a region truncated under a
 * client) and by nbfwd (a consumer punching holes in its control file).
 *
 * The handler touches only this file's static table (never an object that
 * another thread may be freeing) and calls only mmap() and mprotect().
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "nbshm_sigbus.h"

/* Slot states */
#define SB_FREE 0u
#define SB_CLAIMED 1u	/* being filled in: the handler skips it */
#define SB_LIVE 2u

/* One guarded mapping the handler may repair. */
struct sigbus_slot {
	uint32_t state;		/* SB_*, atomic */
	int broken;		/* set by the handler, read by the owner */
	uintptr_t base;		/* the mapping */
	size_t len;
	uintptr_t ro_lo;	/* read-only part [ro_lo, ro_hi) as offsets, or empty */
	uintptr_t ro_hi;
	uintptr_t fault_off;	/* offset of the faulting address, once broken */
};

static struct sigbus_slot sb_slots[NBSHM_SIGBUS_SLOTS];
static pthread_mutex_t sb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction sb_prev;	/* what was installed before us */

static void sigbus_handler(int sig, siginfo_t *si, void *uctx);

/* Hand the signal to whoever had it before us. */
static void
sigbus_chain(int sig, siginfo_t *si, void *uctx)
{
	struct sigaction prev = sb_prev;
	struct sigaction dfl;

	if (prev.sa_flags & SA_SIGINFO) {
		if (prev.sa_sigaction != NULL && prev.sa_sigaction != sigbus_handler) {
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
sigbus_handler(int sig, siginfo_t *si, void *uctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	struct sigbus_slot *s;
	int saved = errno;
	void *p;
	unsigned int i;

	/* only faults carry a meaningful address */
	for (i = 0; si->si_code > 0 && i < NBSHM_SIGBUS_SLOTS; i++) {
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
	sigbus_chain(sig, si, uctx);
}

/* Install the handler unless it is the one installed now. Under sb_lock. */
static int
sigbus_install(void)
{
	struct sigaction cur, sa;
	int err;

	if (sigaction(SIGBUS, NULL, &cur) < 0)
		return -errno;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == sigbus_handler)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigbus_handler;
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
nbshm_sigbus_guard(void *base, size_t len, size_t ro_lo, size_t ro_hi)
{
	struct sigbus_slot *s = NULL;
	unsigned int i;
	int rc;

	pthread_mutex_lock(&sb_lock);
	rc = sigbus_install();
	for (i = 0; rc == 0 && i < NBSHM_SIGBUS_SLOTS; i++) {
		if (__atomic_load_n(&sb_slots[i].state, __ATOMIC_RELAXED) == SB_FREE) {
			s = &sb_slots[i];
			break;
		}
	}
	if (rc == 0 && s != NULL) {
		__atomic_store_n(&s->state, SB_CLAIMED, __ATOMIC_RELAXED);
		s->base = (uintptr_t)base;
		s->len = len;
		s->ro_lo = ro_lo;
		s->ro_hi = ro_hi;
		s->fault_off = 0;
		__atomic_store_n(&s->broken, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&s->state, SB_LIVE, __ATOMIC_RELEASE);
		rc = (int)i;
	} else if (rc == 0) {
		rc = -EMFILE;
	}
	pthread_mutex_unlock(&sb_lock);
	return rc;
}

void
nbshm_sigbus_unguard(int slot)
{
	if (slot < 0 || slot >= (int)NBSHM_SIGBUS_SLOTS)
		return;
	pthread_mutex_lock(&sb_lock);
	__atomic_store_n(&sb_slots[slot].state, SB_FREE, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&sb_lock);
}

const int *
nbshm_sigbus_broken(int slot)
{
	return &sb_slots[slot].broken;
}

uint64_t
nbshm_sigbus_fault_off(int slot)
{
	return sb_slots[slot].fault_off;
}
