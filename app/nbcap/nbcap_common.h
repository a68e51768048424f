/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBCAP_COMMON_H
#define NBCAP_COMMON_H

/*
 * What nbcap and nbecho share: the attach options, SIGINT/SIGTERM, attaching
 * with a retry window, the poll loop, giving packets back, the JSON counters
 * file.
 */

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "nbshm_client.h"

/** Packets taken per rx burst. */
#define NBCAP_BURST 32u

/** Exit status: runtime error, usage error. */
#define NBCAP_EXIT_ERROR 1
#define NBCAP_EXIT_USAGE 2

/** Long options without a short letter. */
enum {
	NBCAP_OPT_POLL = 256,
	NBCAP_OPT_WAIT_SOCKET,
	NBCAP_OPT_STATS_JSON,
	NBCAP_OPT_ECHO,
	NBCAP_OPT_SNAPLEN,
	NBCAP_OPT_PCAPNG,
	NBCAP_OPT_STATS,
	NBCAP_OPT_VERSION,
};

/** Options both programs take. */
struct nbcap_opts {
	const char *socket;	/**< -s: nbfwd's socket */
	const char *name;	/**< -n: consumer name */
	uint16_t queue;		/**< -q: its queue */
	uint64_t count;		/**< -c: stop after this many packets, 0 = no limit */
	double seconds;		/**< -t: stop after this long, 0 = no limit */
	int poll;		/**< --poll: busy-poll instead of sleeping on the eventfd */
	double wait_socket;	/**< --wait-socket: retry attaching this long */
	const char *stats_json;	/**< --stats-json: write counters here at exit */
	int check_uid;		/**< -u given */
	uint32_t producer_uid;	/**< -u: the uid nbfwd must run as */
};

/** Set by SIGINT/SIGTERM. */
extern volatile sig_atomic_t nbcap_stop;

/** Set by SIGUSR1 once nbcap_signals_report() installed it: print live counts now. */
extern volatile sig_atomic_t nbcap_report_now;

/** Install the SIGINT/SIGTERM handlers (no SA_RESTART: sleeps end early). */
void nbcap_signals(void);

/** Install the SIGUSR1 handler (sets nbcap_report_now). */
void nbcap_signals_report(void);

/** getopt_long() entries of the options nbcap_opt() handles, and --help. */
#define NBCAP_COMMON_LONG_OPTIONS \
	{ "socket", required_argument, NULL, 's' }, \
	{ "name", required_argument, NULL, 'n' }, \
	{ "queue", required_argument, NULL, 'q' }, \
	{ "count", required_argument, NULL, 'c' }, \
	{ "time", required_argument, NULL, 't' }, \
	{ "poll", no_argument, NULL, NBCAP_OPT_POLL }, \
	{ "wait-socket", required_argument, NULL, NBCAP_OPT_WAIT_SOCKET }, \
	{ "stats-json", required_argument, NULL, NBCAP_OPT_STATS_JSON }, \
	{ "producer-uid", required_argument, NULL, 'u' }, \
	{ "help", no_argument, NULL, 'h' }

/**
 * Handle one common option. @return 1 handled, 0 not a common option,
 * -1 bad value (message printed).
 */
int nbcap_opt(const char *prog, int opt, const char *arg, struct nbcap_opts *o);

/** After parsing: -s and -n present. @return 0, or -1 (message printed). */
int nbcap_opts_check(const char *prog, const struct nbcap_opts *o);

/** Parse an unsigned integer in [min, max]. @return 0 or -1. */
int nbcap_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/** Parse seconds: a finite decimal in [0, 1e9]. @return 0 or -1. */
int nbcap_parse_seconds(const char *s, double *out);

/**
 * Attach, retrying while the socket is absent or refuses for up to
 * o->wait_socket seconds. @return 0, or -1 with the reason printed.
 */
int nbcap_connect(const char *prog, const struct nbcap_opts *o, unsigned int flags,
		struct nbshm_client **c);

/**
 * Give back all @p n packets, waiting while a ret ring is full (at most
 * about two seconds). @return 0, -ENOTCONN, or -EAGAIN when it gave up.
 */
int nbcap_return_all(struct nbshm_client *c, const struct nbshm_pkt *pkts, unsigned int n);

struct nbcap_run;

/** Print live counts (called by the loop; @p arg is nbcap_loop()'s). */
typedef void (*nbcap_report_fn)(const struct nbcap_run *r, void *arg);

/** A run of the poll loop: options, counts, how it ended. */
struct nbcap_run {
	struct nbcap_opts o;
	uint64_t packets;	/**< packets handled (the loop stops at o.count) */
	uint64_t bytes;		/**< their original lengths */
	int gone;		/**< nbfwd went away */
	int failed;		/**< runtime error (message printed) */
	int done;		/**< the program has finished (not an error) */
	nbcap_report_fn report;	/**< live counts: on SIGUSR1 and every report_every s */
	double report_every;	/**< 0 = on SIGUSR1 only */
};

/**
 * What a program does with a burst of @p n packets before the loop gives them
 * back: handle up to r->o.count in all, counted in r->packets and r->bytes;
 * may set r->failed (message printed). @p arg is nbcap_loop()'s.
 * @return 0: the loop gives the whole burst back; or a negative errno of a
 * client call, handled as the loop handles its own (the burst is not given
 * back).
 */
typedef int (*nbcap_burst_fn)(struct nbshm_client *c, struct nbcap_run *r,
		const struct nbshm_pkt *pkts, unsigned int n, void *arg);

/**
 * Poll @p c until SIGINT/SIGTERM, r->o.count packets, r->o.seconds, nbfwd
 * gone (r->gone), a runtime error (r->failed, message printed) or r->done:
 * sleep on the eventfd (or busy-poll with r->o.poll), take bursts of
 * NBCAP_BURST, hand each to @p fn, give it back. With r->report, call it
 * when nbcap_report_now is set and every r->report_every seconds.
 */
void nbcap_loop(const char *prog, struct nbshm_client *c, struct nbcap_run *r,
		nbcap_burst_fn fn, void *arg);

/** Seconds on the monotonic clock. */
double nbcap_now(void);

/** Bad descriptors seen (rx and txdone, index jumps not included). */
uint64_t nbcap_rejected(const struct nbshm_client_stats *st);

/** "PROG: rejected: bad_handle=1 ..." when anything was rejected or jumped. */
void nbcap_print_rejects(FILE *f, const char *prog, const struct nbshm_client_stats *st);

/** One counter of the JSON file. */
struct nbcap_kv {
	const char *key;
	uint64_t value;
};

/**
 * Write the JSON counters: the program's own @p kv, then the client's.
 * @return 0, or -1 (message printed).
 */
int nbcap_write_json(const char *prog, const char *path, double duration_s,
		const struct nbcap_kv *kv, unsigned int n_kv, const struct nbshm_client_stats *st);

/**
 * The exit status of a run (NBCAP_EXIT_ERROR when nbfwd went away or it
 * failed), after writing the JSON counters if r->o.stats_json asks (the
 * duration: since @p t0, on nbcap_now()'s clock).
 */
int nbcap_exit_status(const char *prog, const struct nbcap_run *r, double t0,
		const struct nbcap_kv *kv, unsigned int n_kv, const struct nbshm_client_stats *st);

#endif /* NBCAP_COMMON_H */
