/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_CHAN_PROTO_H
#define NBSHM_CHAN_PROTO_H

/**
 * @file
 * The attach handshake between a consumer and nbfwd, over a unix
 * SOCK_SEQPACKET socket (one message per datagram, little-endian, fixed-size
 * structs):
 *
 *     consumer                         nbfwd
 *     ATTACH {name, queue}      ->
 *                               <-     ATTACH_OK {layout, region}  + fds
 *                                      (or ERROR {code, text}, then close)
 *     ... rings in the region ...
 *     close(socket)                    = detach: lent buffers reclaimed
 *
 * ATTACH_OK carries exactly NBSHM_PROTO_ATTACH_OK_FDS descriptors with
 * SCM_RIGHTS (version 3): [0] the control file, region bytes [0, rx_off):
 * header page, rings, tx buffers (map it MAP_SHARED read-write; sealed
 * F_SEAL_SHRINK | F_SEAL_GROW); [1] the rx file, region bytes
 * [rx_off, region_size) (map it MAP_SHARED read-only at region offset rx_off;
 * sealed F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE); [2] an eventfd
 * nbfwd signals after it publishes rx or txdone entries while a ring's
 * need_wakeup is set. Every attachment gets files of its own. Every message is checked on receipt: exact size, magic, version,
 * type, length field, NUL-terminated names, reserved fields zero, fd count.
 * Plain C, no DPDK dependency.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nbshm_channel.h"
#include "nbshm_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Fill an ATTACH message. @return 0, or -1 when the name is not valid. */
int nbshm_proto_attach_init(struct nbshm_msg_attach *m, const char *name, uint16_t queue);

/** Fill an ATTACH_OK message (name truncated safely; checked by the receiver). */
void nbshm_proto_attach_ok_init(struct nbshm_msg_attach_ok *m,
		const struct nbshm_chan_layout *l, uint64_t page_size, const char *region_name,
		const uint8_t mac[6], uint16_t vlan);

/** Fill an ERROR message with a printf-style text. */
void nbshm_proto_error_init(struct nbshm_msg_error *m, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** 0 when @p name is a valid consumer name (1..31 chars of [A-Za-z0-9_.-]). */
int nbshm_proto_name_check(const char *name);

/**
 * Validate a received message of @p len bytes as an ATTACH (no fds allowed).
 * @return NULL when valid, else a static sentence naming the bad field.
 */
const char *nbshm_proto_check_attach(const void *buf, size_t len, unsigned int n_fds);

/**
 * Validate a received message as ATTACH_OK: header, exactly
 * NBSHM_PROTO_ATTACH_OK_FDS fds, region name, reserved fields, and the layout
 * through nbshm_chan_layout_check().
 * @return NULL when valid, else a static sentence naming the bad field.
 */
const char *nbshm_proto_check_attach_ok(const void *buf, size_t len, unsigned int n_fds);

/** Validate a received message as ERROR (no fds). @return NULL or a sentence. */
const char *nbshm_proto_check_error(const void *buf, size_t len, unsigned int n_fds);

/**
 * Type of a received message after checking only its header (magic, version,
 * length field == @p len). @return the type, or -1 with @p why set.
 */
int nbshm_proto_msg_type(const void *buf, size_t len, const char **why);

/**
 * Send one message with optional fds (SCM_RIGHTS). Retries on EINTR.
 * @return 0, or -1 with errno set.
 */
int nbshm_proto_send(int sock, const void *msg, size_t len, const int *fds,
		unsigned int n_fds);

/**
 * Receive one message (blocking per the socket's mode) with up to @p max_fds
 * fds (received close-on-exec). A truncated message or control part is an
 * error (EMSGSIZE), and every fd received is closed in that case; fds beyond
 * @p max_fds are closed and also make it an error.
 *
 * @return
 *   Bytes received (0 = peer closed), or -1 with errno set.
 */
ssize_t nbshm_proto_recv(int sock, void *buf, size_t cap, int *fds, unsigned int max_fds,
		unsigned int *n_fds);

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_CHAN_PROTO_H */
