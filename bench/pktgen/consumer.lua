-- SPDX-License-Identifier: BSD-3-Clause
--
-- bench/pktgen/consumer.lua: Pktgen-DPDK as an nbfwd consumer through the
-- net_nbshm PMD (bench/pktgen/consumer.sh starts it). Port 0 is the PMD's
-- port: pktgen counts what nbfwd lends it, and sends NBB_COUNT frames of
-- NBB_SIZE bytes at NBB_RATE percent, which nbfwd takes from the consumer's
-- tx ring and sends out of the consumer's port. After NBB_SECONDS it writes
-- "ipackets=N opackets=N ierrors=N" to NBB_OUT and quits.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = package.path .. ";" .. dir .. "?.lua"
local env = require("nbbench").env

local count = tonumber(env("NBB_COUNT", "5000"))
local seconds = tonumber(env("NBB_SECONDS", "4"))
local out = env("NBB_OUT", "pktgen-consumer.txt")

pktgen.delay(1000)
pktgen.set("0", "count", count)
pktgen.set("0", "rate", tonumber(env("NBB_RATE", "1")))
pktgen.set("0", "size", tonumber(env("NBB_SIZE", "64")))
pktgen.set_mac("0", "dst", env("NBB_DST_MAC", "02:00:00:00:00:99"))
pktgen.start("0")
pktgen.delay(seconds * 1000)
local s = pktgen.portStats("0", "port")[0]
local f = io.open(out, "w")
f:write(string.format("ipackets=%d opackets=%d ierrors=%d\n", s.ipackets, s.opackets,
	s.ierrors))
f:close()
pktgen.quit()
