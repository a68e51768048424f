-- SPDX-License-Identifier: BSD-3-Clause
--
-- bench/pktgen/nbbench.lua: shared code of the Pktgen-DPDK profiles in this
-- directory (size-sweep.lua, flows-sweep.lua, latency.lua). Written for
-- Pktgen-DPDK pktgen-23.06.1 (the newest that builds against DPDK 22.11).
--
-- Topology: two pktgen ports cabled to two DUT ports; the DUT (nbfwd, or
-- dpdk-testpmd for the side-by-side) forwards port 0 <-> port 1, so what
-- pktgen port 0 sends comes back on pktgen port 1 and the other way round.
--
-- Settings come from the environment (pktgen passes it to Lua):
--   NBB_DUT        label written into every result line: nbfwd, testpmd, ...
--   NBB_PORTS      pktgen ports that send and receive (default "0,1"; one
--                  port, e.g. "0", for a DUT that sends back out of the port
--                  it received on, as over net_memif)
--   NBB_SECONDS    measured seconds per step (default 10)
--   NBB_WARMUP     seconds sent before measuring each step (default 3)
--   NBB_RATE       pktgen tx rate, percent of line rate (default 100)
--   NBB_OUT        CSV file the result lines are appended to (default
--                  nbbench-<profile>.csv in the current directory)
--   NBB_DST_MAC0, NBB_DST_MAC1  destination MAC per port (the DUT's port
--                  MACs); unset: pktgen's default (nbfwd and testpmd put their
--                  ports in promiscuous mode, so any MAC reaches them)
--   NBB_WAIT_LINK  seconds to wait for the links to come up (default 30)
--   NBB_QUIT       1 (default): quit pktgen when the profile is done
--
--   NBB_RUN        run id, the last column of every line (default: the time)
--
-- Result lines (CSV, also printed): dut,profile,frame_bytes,flows,rate_pct,
-- port,rx_mpps,tx_mpps,rx_gbps_wire,run (latency.lua: its own columns, see
-- there); frame_bytes include the 4-byte FCS and Gbit/s count 20 B of
-- preamble, SFD and inter-frame gap per packet. bench/pktgen/ratio.py
-- compares the DUTs.

local M = {}

function M.env(name, default)
	local v = os.getenv(name)
	if v == nil or v == "" then
		return default
	end
	return v
end

function M.num(name, default)
	return tonumber(M.env(name, tostring(default)))
end

-- "0,1" -> { 0, 1 }
function M.ports()
	local t = {}
	for p in string.gmatch(M.env("NBB_PORTS", "0,1"), "%d+") do
		t[#t + 1] = tonumber(p)
	end
	return t
end

function M.portlist(ports)
	local s = {}
	for _, p in ipairs(ports) do
		s[#s + 1] = tostring(p)
	end
	return table.concat(s, ",")
end

function M.log(fmt, ...)
	local s = string.format(fmt, ...)
	print(s)
	io.stdout:flush()
end

local out_file = nil
local THROUGHPUT_HEADER = "dut,profile,frame_bytes,flows,rate_pct,port,rx_mpps,tx_mpps,rx_gbps_wire,run"

-- one id per pktgen run, the last column of every result line
M.run_id = os.getenv("NBB_RUN")
if M.run_id == nil or M.run_id == "" then
	M.run_id = os.date("%Y%m%dT%H%M%S")
end

-- open_out(profile[, header]): the CSV file results are appended to
function M.open_out(profile, header)
	local path = M.env("NBB_OUT", "nbbench-" .. profile .. ".csv")
	local exists = io.open(path, "r")
	if exists then
		exists:close()
	end
	out_file = assert(io.open(path, "a"))
	if not exists then
		out_file:write((header or THROUGHPUT_HEADER) .. "\n")
	end
	M.log("nbbench: results appended to %s", path)
end

-- emit(line): one result line, printed and appended to the CSV file
function M.emit(line)
	line = line .. "," .. M.run_id
	M.log("RESULT %s", line)
	if out_file then
		out_file:write(line .. "\n")
		out_file:flush()
	end
end

function M.result(profile, size, flows, rate, port, rx_pps, tx_pps)
	M.emit(string.format("%s,%s,%d,%d,%s,%d,%.4f,%.4f,%.3f",
		M.env("NBB_DUT", "dut"), profile, size, flows, tostring(rate), port,
		rx_pps / 1e6, tx_pps / 1e6, rx_pps * (size + 20) * 8 / 1e9))
end

-- Wait up to NBB_WAIT_LINK s (default 30) for the ports' links to be up (a
-- net_memif peer connects after pktgen started).
function M.wait_link(ports)
	local pl = M.portlist(ports)
	local limit = M.num("NBB_WAIT_LINK", 30) * 4
	for _ = 1, limit do
		local st = pktgen.linkState(pl)
		local up = true
		for _, p in ipairs(ports) do
			if not string.find(tostring(st[p]), "^<UP") then
				up = false
			end
		end
		if up then
			M.log("nbbench: links up on ports %s", pl)
			return true
		end
		pktgen.delay(250)
	end
	M.log("nbbench: links of ports %s still down after %d s", pl, limit / 4)
	return false
end

-- Common port setup: links up, rate, destination MACs, no packet count limit.
function M.setup(ports)
	local pl = M.portlist(ports)
	M.wait_link(ports)
	pktgen.stop(pl)
	pktgen.set(pl, "count", 0)
	pktgen.set(pl, "rate", M.num("NBB_RATE", 100))
	for _, p in ipairs(ports) do
		local mac = os.getenv("NBB_DST_MAC" .. p)
		if mac and mac ~= "" then
			pktgen.set_mac(tostring(p), "dst", mac)
			pktgen.range.dst_mac(tostring(p), "start", mac)
		end
	end
	pktgen.delay(500)
end

-- Start the ports, let them run NBB_WARMUP s, then average pktgen's per-second
-- rate counters over NBB_SECONDS s; stop. Returns { [port] = {rx=pps, tx=pps} }.
function M.measure(ports)
	local pl = M.portlist(ports)
	local secs = M.num("NBB_SECONDS", 10)
	local acc = {}
	for _, p in ipairs(ports) do
		acc[p] = { rx = 0, tx = 0 }
	end
	pktgen.clr()
	pktgen.start(pl)
	pktgen.sleep(M.num("NBB_WARMUP", 3))
	for _ = 1, secs do
		pktgen.sleep(1)
		local st = pktgen.portStats(pl, "rate")
		for _, p in ipairs(ports) do
			acc[p].rx = acc[p].rx + st[p].pkts_rx
			acc[p].tx = acc[p].tx + st[p].pkts_tx
		end
	end
	pktgen.stop(pl)
	pktgen.delay(1000)	-- let the DUT's queues drain between steps
	for _, p in ipairs(ports) do
		acc[p].rx = acc[p].rx / secs
		acc[p].tx = acc[p].tx / secs
	end
	return acc
end

-- p-th percentile (0..100) of a sorted array, nearest rank
function M.percentile(sorted, p)
	if #sorted == 0 then
		return 0
	end
	local k = math.ceil(p / 100 * #sorted)
	if k < 1 then
		k = 1
	end
	return sorted[k]
end

function M.finish()
	if out_file then
		out_file:close()
	end
	if M.env("NBB_QUIT", "1") == "1" then
		pktgen.quit()
	end
end

return M
