-- SPDX-License-Identifier: BSD-3-Clause
--
-- bench/pktgen/size-sweep.lua: throughput of the DUT against frame size, one
-- flow, both ports sending at NBB_RATE percent of line rate.
--   pktgen ... -- -P -m "[2:3].0,[4:5].1" -f bench/pktgen/size-sweep.lua
-- Sizes: NBB_SIZES (default "64,128,256,512,1024,1518"; frame bytes with the
-- FCS, as pktgen counts them). Other settings: see nbbench.lua.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = package.path .. ";" .. dir .. "?.lua"
local nb = require("nbbench")

local ports = nb.ports()
local pl = nb.portlist(ports)
nb.open_out("size-sweep")
nb.setup(ports)
pktgen.set_range(pl, "off")

for s in string.gmatch(nb.env("NBB_SIZES", "64,128,256,512,1024,1518"), "%d+") do
	local size = tonumber(s)
	pktgen.set(pl, "size", size)
	pktgen.delay(500)
	nb.log("size-sweep: %d B frames, %s%% rate, DUT %s", size, nb.env("NBB_RATE", "100"),
		nb.env("NBB_DUT", "dut"))
	local r = nb.measure(ports)
	for _, p in ipairs(ports) do
		nb.result("size-sweep", size, 1, nb.env("NBB_RATE", "100"), p, r[p].rx, r[p].tx)
	end
end
nb.finish()
