# SPDX-License-Identifier: BSD-3-Clause
# bench/lib/covered.awk: do an app's periodic stats in a log cover at least S
# seconds? Exit 0 if yes, 1 if not. Cheap enough to poll twice a second while
# the app forwards (report.py computes the same intervals for the figures).
#
#   awk -v s=SECONDS -v from=start|traffic -f covered.awk LOG
#
# from=start counts from the first interval; from=traffic from the end of the
# first interval in which packets arrived (a DUT waiting for a generator).
# testpmd --stats-period blocks: per block the ports' summed RX-packets and
# Rx-pps; interval = delta / Rx-pps. nbfwd: "[  t s] | p0 rx R ..." lines.

function testpmd_block(	d) {
	if (nports == 0)
		nports = nrx
	if (nrx != nports || npps != nports)
		return	# cut short: still being written
	if (have) {
		d = rx - prx
		iv(pps > 0 ? d / pps : 1, d > 0)
	}
	prx = rx
	have = 1
}

# from=traffic: time 0 is the end of the first interval with traffic (the
# generator started somewhere inside it)
function iv(dt, traffic) {
	if (from == "traffic" && !started) {
		started = traffic
		return
	}
	t += dt
}

/Telling cores to stop|Forward statistics for port/ { stop = 1 }
stop { next }
/Port statistics ====/ { if (nb++) testpmd_block(); rx = 0; pps = 0; nrx = 0; npps = 0; next }
/RX-packets:/ { rx += $2; nrx++ }
/Rx-pps:/ { pps += $2; npps++ }
/^\[ *[0-9.]+s\] \|/ {
	line = $0
	sub(/^\[ */, "", line)
	tt = line + 0
	r = 0
	n = split($0, f, "|")
	for (i = 2; i <= n; i++)
		if (match(f[i], /rx [0-9.]+/))
			r += substr(f[i], RSTART + 3, RLENGTH - 3)
	iv(tt - pt, r > 0)
	pt = tt
}
END {
	if (nb) testpmd_block()
	exit !(t >= s - 0.05)
}
