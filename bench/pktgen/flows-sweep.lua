-- SPDX-License-Identifier: BSD-3-Clause
--
-- bench/pktgen/flows-sweep.lua: throughput of the DUT against the number of
-- flows (distinct IPv4/UDP 5-tuples), to exercise RSS on a DUT with several
-- rx queues and worker lcores. pktgen's range mode steps the source UDP port
-- through N values, one per packet (all other fields fixed: one field makes
-- exactly N flows; several fields would step together, not as a product).
--   pktgen ... -- -P -m "[2:3].0,[4:5].1" -f bench/pktgen/flows-sweep.lua
-- Settings: NBB_FLOWS (default "1,16,256,4096,65536"), NBB_SIZE (frame
-- bytes, default 64), and those of nbbench.lua.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = package.path .. ";" .. dir .. "?.lua"
local nb = require("nbbench")

local ports = nb.ports()
local pl = nb.portlist(ports)
local size = nb.num("NBB_SIZE", 64)
nb.open_out("flows-sweep")
nb.setup(ports)

-- fixed parts of every flow
pktgen.range.pkt_size(pl, "start", size)
pktgen.range.pkt_size(pl, "min", size)
pktgen.range.pkt_size(pl, "max", size)
pktgen.range.pkt_size(pl, "inc", 0)
pktgen.range.ip_proto(pl, "udp")
pktgen.range.dst_port(pl, "start", 5001)
pktgen.range.dst_port(pl, "min", 5001)
pktgen.range.dst_port(pl, "max", 5001)
pktgen.range.dst_port(pl, "inc", 0)
pktgen.range.ttl(pl, "start", 64)
pktgen.range.ttl(pl, "inc", 0)
for _, p in ipairs(ports) do
	-- port p sends from 10.p.0.1 to 10.(p+100).0.1
	local src = string.format("10.%d.0.1", p)
	local dst = string.format("10.%d.0.1", p + 100)
	for _, f in ipairs({ "start", "min", "max" }) do
		pktgen.range.src_ip(tostring(p), f, src)
		pktgen.range.dst_ip(tostring(p), f, dst)
	end
	pktgen.range.src_ip(tostring(p), "inc", "0.0.0.0")
	pktgen.range.dst_ip(tostring(p), "inc", "0.0.0.0")
end

for f in string.gmatch(nb.env("NBB_FLOWS", "1,16,256,4096,65536"), "%d+") do
	local flows = tonumber(f)
	assert(flows >= 1 and flows <= 65536, "NBB_FLOWS: 1..65536")
	local base = flows > 64512 and 0 or 1024
	pktgen.range.src_port(pl, "start", base)
	pktgen.range.src_port(pl, "min", base)
	pktgen.range.src_port(pl, "max", base + flows - 1)
	pktgen.range.src_port(pl, "inc", flows > 1 and 1 or 0)
	pktgen.set_range(pl, "on")
	pktgen.delay(500)
	nb.log("flows-sweep: %d flows (source UDP ports %d..%d), %d B frames, DUT %s",
		flows, base, base + flows - 1, size, nb.env("NBB_DUT", "dut"))
	local r = nb.measure(ports)
	for _, p in ipairs(ports) do
		nb.result("flows-sweep", size, flows, nb.env("NBB_RATE", "100"), p, r[p].rx, r[p].tx)
	end
end
pktgen.set_range(pl, "off")
nb.finish()
