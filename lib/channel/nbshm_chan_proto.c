/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The attach handshake: message builders, strict checks of what arrives, and
 * SEQPACKET send/receive with file descriptors (SCM_RIGHTS). Plain C.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nbshm_chan_proto.h"

static void
nbshm_proto_hdr_init(struct nbshm_msg_hdr *h, uint16_t type, uint32_t length)
{
	h->magic = NBSHM_PROTO_MAGIC;
	h->version = NBSHM_PROTO_VERSION;
	h->type = type;
	h->length = length;
	h->reserved = 0;
}

/* 1..cap-1 characters of [A-Za-z0-9_.-] (consumer and region names). */
static int
nbshm_proto_chars_ok(const char *name, size_t cap)
{
	size_t i;

	if (name == NULL || name[0] == '\0')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		char ch = name[i];

		if (i >= cap - 1)
			return 0;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				(ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
			return 0;
	}
	return 1;
}

int
nbshm_proto_name_check(const char *name)
{
	return nbshm_proto_chars_ok(name, NBSHM_PROTO_NAME_MAX) ? 0 : -1;
}

int
nbshm_proto_attach_init(struct nbshm_msg_attach *m, const char *name, uint16_t queue)
{
	memset(m, 0, sizeof(*m));
	if (nbshm_proto_name_check(name) != 0)
		return -1;
	nbshm_proto_hdr_init(&m->hdr, NBSHM_MSG_ATTACH, sizeof(*m));
	memcpy(m->name, name, strlen(name) + 1);
	m->queue = queue;
	return 0;
}

void
nbshm_proto_attach_ok_init(struct nbshm_msg_attach_ok *m, const struct nbshm_chan_layout *l,
		uint64_t page_size, const char *region_name, const uint8_t mac[6], uint16_t vlan)
{
	memset(m, 0, sizeof(*m));
	nbshm_proto_hdr_init(&m->hdr, NBSHM_MSG_ATTACH_OK, sizeof(*m));
	m->layout = *l;
	m->page_size = page_size;
	snprintf(m->region_name, sizeof(m->region_name), "%s", region_name);
	memcpy(m->mac, mac, sizeof(m->mac));
	m->vlan = vlan;
}

void
nbshm_proto_error_init(struct nbshm_msg_error *m, int code, const char *fmt, ...)
{
	va_list ap;

	memset(m, 0, sizeof(*m));
	nbshm_proto_hdr_init(&m->hdr, NBSHM_MSG_ERROR, sizeof(*m));
	m->code = code > 0 ? code : EPROTO;
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
}

int
nbshm_proto_msg_type(const void *buf, size_t len, const char **why)
{
	struct nbshm_msg_hdr h;

	if (buf == NULL || len < sizeof(h)) {
		*why = "message shorter than its header";
		return -1;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.magic != NBSHM_PROTO_MAGIC) {
		*why = "bad magic";
		return -1;
	}
	if (h.version != NBSHM_PROTO_VERSION) {
		*why = "unsupported protocol version";
		return -1;
	}
	if (h.length != len) {
		*why = "length field does not match the bytes received";
		return -1;
	}
	if (h.reserved != 0) {
		*why = "reserved header field not 0";
		return -1;
	}
	return h.type;
}

/* Common checks: header, exact size, type, fd count. */
static const char *
nbshm_proto_check_common(const void *buf, size_t len, size_t want_len, int want_type,
		unsigned int n_fds, unsigned int want_fds)
{
	const char *why = NULL;
	int type = nbshm_proto_msg_type(buf, len, &why);

	if (type < 0)
		return why;
	if (type != want_type)
		return "unexpected message type";
	if (len != want_len)
		return "message size is wrong for its type";
	if (n_fds != want_fds)
		return want_fds == 0 ? "file descriptors attached to a message that takes none" :
			"wrong number of file descriptors";
	return NULL;
}

/* NUL within the array, and nothing but NULs after it. */
static int
nbshm_proto_str_ok(const char *s, size_t cap)
{
	const char *nul = memchr(s, '\0', cap);
	size_t i;

	if (nul == NULL)
		return 0;
	for (i = (size_t)(nul - s); i < cap; i++)
		if (s[i] != '\0')
			return 0;
	return 1;
}

const char *
nbshm_proto_check_attach(const void *buf, size_t len, unsigned int n_fds)
{
	struct nbshm_msg_attach m;
	const char *why = nbshm_proto_check_common(buf, len, sizeof(m), NBSHM_MSG_ATTACH,
		n_fds, 0);

	if (why != NULL)
		return why;
	memcpy(&m, buf, sizeof(m));
	if (!nbshm_proto_str_ok(m.name, sizeof(m.name)) || nbshm_proto_name_check(m.name) != 0)
		return "bad consumer name (1..31 characters of A-Z a-z 0-9 _ . -)";
	if (m.reserved0 != 0)
		return "reserved field not 0";
	if (m.flags != 0)
		return "unknown attach flags";
	return NULL;
}

const char *
nbshm_proto_check_attach_ok(const void *buf, size_t len, unsigned int n_fds)
{
	struct nbshm_msg_attach_ok m;
	const char *why = nbshm_proto_check_common(buf, len, sizeof(m), NBSHM_MSG_ATTACH_OK,
		n_fds, NBSHM_PROTO_ATTACH_OK_FDS);

	if (why != NULL)
		return why;
	memcpy(&m, buf, sizeof(m));
	if (!nbshm_proto_str_ok(m.region_name, sizeof(m.region_name)) ||
			!nbshm_proto_chars_ok(m.region_name, sizeof(m.region_name)))
		return "bad region name (1..63 characters of A-Z a-z 0-9 _ . -)";
	if (m.reserved != 0)
		return "reserved field not 0";
	if (m.page_size < 4096 || (m.page_size & (m.page_size - 1)) != 0)
		return "page_size is not a power of two of at least 4096";
	if (m.vlan != NBSHM_PROTO_VLAN_NONE && m.vlan > 4095)
		return "vlan is not 0..4095 or 0xffff";
	/* both files are whole pages: the rx file is mapped at region offset rx_off */
	if (m.layout.rx_off % m.page_size != 0 || m.layout.region_size % m.page_size != 0)
		return "rx_off or region_size is not a multiple of page_size";
	return nbshm_chan_layout_check(&m.layout);
}

const char *
nbshm_proto_check_error(const void *buf, size_t len, unsigned int n_fds)
{
	struct nbshm_msg_error m;
	const char *why = nbshm_proto_check_common(buf, len, sizeof(m), NBSHM_MSG_ERROR,
		n_fds, 0);

	if (why != NULL)
		return why;
	memcpy(&m, buf, sizeof(m));
	if (m.code <= 0)
		return "error code is not a positive errno value";
	if (m.reserved != 0)
		return "reserved field not 0";
	if (memchr(m.text, '\0', sizeof(m.text)) == NULL)
		return "error text not NUL-terminated";
	return NULL;
}

int
nbshm_proto_send(int sock, const void *msg, size_t len, const int *fds, unsigned int n_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * NBSHM_PROTO_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (n_fds > NBSHM_PROTO_MAX_FDS || len > NBSHM_PROTO_MSG_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (n_fds > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

ssize_t
nbshm_proto_recv(int sock, void *buf, size_t cap, int *fds, unsigned int max_fds,
		unsigned int *n_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * NBSHM_PROTO_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	unsigned int got = 0, i;
	int bad = 0;
	ssize_t n;

	*n_fds = 0;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		int tmp[NBSHM_PROTO_MAX_FDS];
		unsigned int k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
				c->cmsg_len < CMSG_LEN(0))
			continue;
		k = (unsigned int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		if (k > NBSHM_PROTO_MAX_FDS)
			k = NBSHM_PROTO_MAX_FDS;
		memcpy(tmp, CMSG_DATA(c), sizeof(int) * k);
		for (i = 0; i < k; i++) {
			if (got < max_fds && fds != NULL)
				fds[got++] = tmp[i];
			else {
				close(tmp[i]);
				bad = 1;
			}
		}
	}
	if (bad || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
		for (i = 0; i < got; i++)
			close(fds[i]);
		errno = EMSGSIZE;
		return -1;
	}
	*n_fds = got;
	return n;
}
