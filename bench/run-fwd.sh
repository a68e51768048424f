#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/run-fwd.sh: the earlier entry point, kept for its command lines. It is
# bench/run with this script's old defaults: setups null and ring, 64 B, 3
# runs, peers testpmd, nbfwd, testpmd-xbuf, nbfwd-extbuf. Options given here
# come after those defaults and override them; see bench/run --help.
exec "$(dirname "${BASH_SOURCE[0]}")/run" --setups null,ring --sizes 64 --runs 3 \
	--peers testpmd,nbfwd,testpmd-xbuf,nbfwd-extbuf "$@"
