/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * net_nbshm devargs: socket=PATH name=CONSUMER [queue=N] [role=consumer]
 * [copy=0|1] [producer_uid=UID]. Strict: unknown or repeated keys, bad numbers and missing
 * required keys are refused with a sentence naming the key.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_kvargs.h>

#include "nbshm_pmd.h"

#define ARG_SOCKET "socket"
#define ARG_NAME "name"
#define ARG_QUEUE "queue"
#define ARG_ROLE "role"
#define ARG_COPY "copy"
#define ARG_PRODUCER_UID "producer_uid"

static const char *const nbshm_pmd_keys[] = {
	ARG_SOCKET, ARG_NAME, ARG_QUEUE, ARG_ROLE, ARG_COPY, ARG_PRODUCER_UID,
};

/* Decimal in [0, max], nothing else. */
static int
nbshm_pmd_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
nbshm_pmd_known_key(const char *key)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(nbshm_pmd_keys); i++)
		if (strcmp(key, nbshm_pmd_keys[i]) == 0)
			return 1;
	return 0;
}

/* One key=value; @return 0 or -EINVAL (logged). */
static int
nbshm_pmd_arg(const char *dev, const char *key, const char *val, struct nbshm_pmd_args *a)
{
	unsigned long v;

	if (val == NULL)
		val = "";
	if (strcmp(key, ARG_SOCKET) == 0) {
		if (val[0] == '\0' || strlen(val) >= sizeof(a->socket)) {
			NBSHM_PMD_LOG(ERR, "%s: socket= must be a path of 1..%zu bytes", dev,
					sizeof(a->socket) - 1);
			return -EINVAL;
		}
		strcpy(a->socket, val);
	} else if (strcmp(key, ARG_NAME) == 0) {
		if (nbshm_proto_name_check(val) != 0) {
			NBSHM_PMD_LOG(ERR, "%s: name=%s is not a consumer name (1..%u characters of A-Z a-z 0-9 _ . -)",
					dev, val, NBSHM_PROTO_NAME_MAX - 1);
			return -EINVAL;
		}
		strcpy(a->name, val);
	} else if (strcmp(key, ARG_QUEUE) == 0) {
		if (nbshm_pmd_parse_uint(val, UINT16_MAX, &v) < 0) {
			NBSHM_PMD_LOG(ERR, "%s: queue=%s is not a number in 0..%u", dev, val,
					UINT16_MAX);
			return -EINVAL;
		}
		a->queue = (uint16_t)v;
	} else if (strcmp(key, ARG_ROLE) == 0) {
		if (strcmp(val, "consumer") != 0) {
			NBSHM_PMD_LOG(ERR, "%s: role=%s is not supported: net_nbshm attaches as a consumer of nbfwd only (role=consumer)",
					dev, val);
			return -EINVAL;
		}
	} else if (strcmp(key, ARG_COPY) == 0) {
		if (nbshm_pmd_parse_uint(val, 1, &v) < 0) {
			NBSHM_PMD_LOG(ERR, "%s: copy=%s must be 0 (zero copy) or 1", dev, val);
			return -EINVAL;
		}
		a->copy = (int)v;
	} else if (strcmp(key, ARG_PRODUCER_UID) == 0) {
		if (nbshm_pmd_parse_uint(val, UINT32_MAX - 1, &v) < 0) {
			NBSHM_PMD_LOG(ERR, "%s: producer_uid=%s is not a uid (0..%u)", dev, val,
					UINT32_MAX - 1);
			return -EINVAL;
		}
		a->check_uid = 1;
		a->producer_uid = (uint32_t)v;
	}
	return 0;
}

int
nbshm_pmd_args_parse(const char *dev, const char *params, struct nbshm_pmd_args *a)
{
	struct rte_kvargs *kv;
	unsigned int i, j;
	int ret = 0;

	memset(a, 0, sizeof(*a));
	if (params == NULL || params[0] == '\0') {
		NBSHM_PMD_LOG(ERR, "%s: socket= and name= are required (%s)", dev,
				NBSHM_PMD_PARAMS);
		return -EINVAL;
	}
	kv = rte_kvargs_parse(params, NULL);
	if (kv == NULL) {
		NBSHM_PMD_LOG(ERR, "%s: cannot parse devargs \"%s\" (expected %s)", dev, params,
				NBSHM_PMD_PARAMS);
		return -EINVAL;
	}
	for (i = 0; i < kv->count && ret == 0; i++) {
		const char *key = kv->pairs[i].key;

		if (!nbshm_pmd_known_key(key)) {
			NBSHM_PMD_LOG(ERR, "%s: unknown devarg \"%s\" (expected %s)", dev, key,
					NBSHM_PMD_PARAMS);
			ret = -EINVAL;
			break;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(kv->pairs[j].key, key) == 0) {
				NBSHM_PMD_LOG(ERR, "%s: devarg %s= given twice", dev, key);
				ret = -EINVAL;
				break;
			}
		}
		if (ret == 0)
			ret = nbshm_pmd_arg(dev, key, kv->pairs[i].value, a);
	}
	rte_kvargs_free(kv);
	if (ret != 0)
		return ret;
	if (a->socket[0] == '\0' || a->name[0] == '\0') {
		NBSHM_PMD_LOG(ERR, "%s: %s= is required (%s)", dev,
				a->socket[0] == '\0' ? ARG_SOCKET : ARG_NAME, NBSHM_PMD_PARAMS);
		return -EINVAL;
	}
	return 0;
}
