/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_SIGBUS_H
#define NBSHM_SIGBUS_H

/**
 * @file
 * A SIGBUS guard for shared mappings another process can take pages from
 * (a file truncated, or holes punched in it, with no free hugepage left to
 * fault in again): instead of dying, the process gets anonymous zero pages
 * over the whole guarded mapping and a flag saying so.
 *
 * The first nbshm_sigbus_guard() installs one process-wide SIGBUS handler
 * (and again whenever another handler replaced it), which chains the handler
 * installed before it. For a fault inside a guarded mapping it maps anonymous
 * zero pages over that whole mapping (MAP_FIXED, same address and length; the
 * read-only part read-only again), sets the mapping's broken flag and
 * returns: the faulting access runs again on zeros. Faults anywhere else, and
 * SIGBUS sent with kill(), go to the previous handler or get the default
 * action. The handler calls only mmap() and mprotect(). Plain C.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Mappings one process may guard at once. */
#define NBSHM_SIGBUS_SLOTS 1024u

/**
 * Guard [@p base, @p base + @p len); [@p ro_lo, @p ro_hi) (offsets, may be
 * empty) is made read-only again after a repair.
 * @return the slot (>= 0), or -EMFILE when every slot is taken, or a negative
 *   errno when the handler cannot be installed.
 */
int nbshm_sigbus_guard(void *base, size_t len, size_t ro_lo, size_t ro_hi);

/** Stop guarding (before the range is unmapped or reused). */
void nbshm_sigbus_unguard(int slot);

/** The slot's flag: non-zero once a fault was repaired (read it acquire). */
const int *nbshm_sigbus_broken(int slot);

/** Offset of the faulting address in the mapping, once broken. */
uint64_t nbshm_sigbus_fault_off(int slot);

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_SIGBUS_H */
