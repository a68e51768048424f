/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbshm_attach: attach with lib/client the way a test needs, and say what
 * happened. For the tests only.
 *
 *   nbshm_attach probe SOCKET NAME
 *       attach once: prints "attached", or "refused ERRNO: SENTENCE" (the
 *       client's error); exit 0 attached, 1 refused.
 *   nbshm_attach fork SOCKET NAME SECONDS
 *       attach, then fork: the child keeps everything (socket, mapping) and
 *       sleeps SECONDS; the parent prints "child PID" and exits 0 at once,
 *       so the process that attached is gone while its socket lives on.
 * Exit 2 on usage errors.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nbshm_client.h"

static int
attach_usage(void)
{
	fprintf(stderr, "usage: nbshm_attach probe SOCKET NAME\n"
		"       nbshm_attach fork SOCKET NAME SECONDS\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct nbshm_client *c;
	unsigned int secs;
	pid_t pid;
	int rc;

	if (argc < 4)
		return attach_usage();
	rc = nbshm_client_connect(argv[2], argv[3], 0, 0, &c);
	if (strcmp(argv[1], "probe") == 0 && argc == 4) {
		if (rc < 0) {
			printf("refused %d: %s\n", -rc, nbshm_client_error());
			return 1;
		}
		printf("attached\n");
		nbshm_client_close(c);
		return 0;
	}
	if (strcmp(argv[1], "fork") != 0 || argc != 5)
		return attach_usage();
	if (rc < 0) {
		fprintf(stderr, "nbshm_attach: %s\n", nbshm_client_error());
		return 1;
	}
	secs = (unsigned int)strtoul(argv[4], NULL, 10);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		/* the inherited socket and mapping stay open while we sleep; our
		 * output does not (whoever reads it waits for the parent only)
		 */
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			close(null);
		}
		sleep(secs);
		_exit(0);
	}
	printf("child %d\n", (int)pid);
	/* our copies only: the child's socket keeps the attachment open */
	nbshm_client_close(c);
	return 0;
}
