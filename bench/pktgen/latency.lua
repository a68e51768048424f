-- SPDX-License-Identifier: BSD-3-Clause
--
-- bench/pktgen/latency.lua: per-packet latency through the DUT at several
-- offered loads. pktgen stamps latency packets (TSC) among the traffic of
-- every port; its latency sampler records, on the receiving port, one in
-- every 1/NBB_SAMPLE_RATE s of them (nanoseconds), and writes them to a file
-- when stopped. This profile reads those files back and reports p50, p99,
-- p99.9 and max, with pktgen's own min/avg/max.
--   pktgen ... -- -P -m "[2:3].0,[4:5].1" -f bench/pktgen/latency.lua
-- Settings: NBB_RATES (percent of line rate, default "10,50,90,100"),
-- NBB_SIZE (frame bytes, default 64), NBB_LAT_US (microseconds between
-- latency packets, default 10), NBB_SAMPLES (per port, <= 50000, default
-- 20000), NBB_SAMPLE_RATE (samples per second, default 2000), NBB_SAMPLE_DIR
-- (default /tmp), and those of nbbench.lua (NBB_SECONDS must be long enough
-- for NBB_SAMPLES / NBB_SAMPLE_RATE).

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = package.path .. ";" .. dir .. "?.lua"
local nb = require("nbbench")

local ports = nb.ports()
local pl = nb.portlist(ports)
local size = nb.num("NBB_SIZE", 64)
local samples = nb.num("NBB_SAMPLES", 20000)
local srate = nb.num("NBB_SAMPLE_RATE", 2000)
local sdir = nb.env("NBB_SAMPLE_DIR", "/tmp")

nb.open_out("latency",
	"dut,profile,frame_bytes,rate_pct,port,samples,p50_us,p99_us,p999_us,max_us,pktgen_min_us,pktgen_avg_us,pktgen_max_us,rx_mpps,run")
nb.setup(ports)
pktgen.set_range(pl, "off")
pktgen.set(pl, "size", size)
pktgen.latency(pl, "rate", nb.num("NBB_LAT_US", 10))
pktgen.latency(pl, "entropy", 16)

local function read_samples(path)
	local v = {}
	local f = io.open(path, "r")
	if not f then
		return v
	end
	for line in f:lines() do
		local x = tonumber(line)	-- the first line is the header "Latency"
		if x then
			v[#v + 1] = x
		end
	end
	f:close()
	table.sort(v)
	return v
end

for r in string.gmatch(nb.env("NBB_RATES", "10,50,90,100"), "[%d.]+") do
	pktgen.set(pl, "rate", tonumber(r))
	pktgen.latency(pl, "enable")
	local files = {}
	for _, p in ipairs(ports) do
		files[p] = string.format("%s/nbbench-lat-%s-%d-%s-p%d.txt", sdir,
			nb.env("NBB_DUT", "dut"), size, r, p)
		pktgen.latsampler_params(tostring(p), "simple", samples, srate, files[p])
		pktgen.latsampler(tostring(p), "on")
	end
	pktgen.delay(200)
	nb.log("latency: %d B frames at %s%% of line rate, DUT %s", size, r, nb.env("NBB_DUT", "dut"))
	local tput = nb.measure(ports)
	local st = pktgen.pktStats(pl)
	for _, p in ipairs(ports) do
		pktgen.latsampler(tostring(p), "off")	-- writes files[p]
	end
	pktgen.latency(pl, "disable")
	pktgen.delay(500)
	for _, p in ipairs(ports) do
		local v = read_samples(files[p])
		local lat = st[p].latency
		nb.emit(string.format("%s,latency,%d,%s,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f",
			nb.env("NBB_DUT", "dut"), size, r, p, #v,
			nb.percentile(v, 50) / 1e3, nb.percentile(v, 99) / 1e3,
			nb.percentile(v, 99.9) / 1e3, (v[#v] or 0) / 1e3,
			lat.min_us, lat.avg_us, lat.max_us, tput[p].rx / 1e6))
	end
end
nb.finish()
