# SPDX-License-Identifier: BSD-3-Clause
# bench/lib/vmq.sh: nbfwd's configuration in the consumer benches (sourced by
# bench/run-consumer and bench/pktgen/consumer.sh).

# vmq_ini SOCKET [LINE...]: vmq mode, burst 32, the attach socket SOCKET, one
# consumer c1 on net_pcap0 (MAC 02:00:00:00:00:c1) and every other frame
# dropped; each LINE goes into c1's section
vmq_ini() {
	local sock=$1
	shift
	cat <<INI
[nbfwd]
mode = vmq
burst = 32
socket = $sock
[vmq]
unmatched = drop
broadcast = drop
multicast = drop
[consumer c1]
port = net_pcap0
mac = 02:00:00:00:00:c1
INI
	(($# == 0)) || printf '%s\n' "$@"
}
