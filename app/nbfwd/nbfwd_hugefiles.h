/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_HUGEFILES_H
#define NBFWD_HUGEFILES_H

/**
 * @file
 * EAL's hugepage files at exit. DPDK 22.11's rte_eal_cleanup() unmaps the
 * primary's memory but leaves its files (<hugedir>/<prefix>map_N) in
 * hugetlbfs, so every page it took stays taken until the next primary of
 * the same --file-prefix starts. EAL's own rule says when such a file is
 * free: each process that maps it holds a shared flock() on it, and a file
 * only the caller holds can be upgraded to an exclusive one.
 */

/**
 * rte_eal_cleanup(), after removing every hugepage file of this primary
 * that no other process (a secondary: dpdk-dumpcap, dpdk-pdump) has mapped.
 * The pages go back to the system when the mappings go, in rte_eal_cleanup()
 * or at exit. Files a secondary still maps are kept (and counted in a log
 * line); so are files EAL no longer holds open (--legacy-mem).
 */
void nbfwd_eal_cleanup(void);

#endif /* NBFWD_HUGEFILES_H */
