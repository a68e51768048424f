#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# DMA maps of extbuf regions, checked without a NIC: nbfwd runs two net_null
# ports on the extbuf layout under an LD_PRELOAD shim (app/test/tools/
# dma_shim.c) that records rte_extmem_register and rte_dev_dma_map/unmap and
# checks, page by page, that every mapped range's IOVA is the page's true one
# (its VA in IOVA-as-VA mode, its physical address from /proc/self/pagemap in
# PA mode) and the one registered for it; each map must have its unmap, and
# teardown must log no EAL error.
# noiova: rte_mem_virt2iova answers RTE_BAD_IOVA for the region's pages (as
# IOVA-as-PA mode does without pagemap access): nbfwd must refuse to start,
# say why, and map nothing.
#   dma_map.sh pa|va|noiova
set -euo pipefail
NBT_NAME=${NBT_NAME:-dma-map-${1:-pa}}
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: dma_map.sh pa|va|noiova}
case "$mode" in
pa|va|noiova) ;;
*) fail "unknown IOVA mode $mode" ;;
esac
need_root		# physical addresses from /proc/self/pagemap
need_hugepages 64
need_nbfwd
shim=$NBT_BUILD/app/test/tools/libnbt_dma_shim.so
[ -f "$shim" ] || fail "the DMA shim is not built: $shim"

# a sanitizer build wants its runtime first in the preload list
san=$(ldd "$NBFWD" | awk '/libasan|libubsan/ { print $3 }' | paste -sd: -)
preload=${san:+$san:}$shim
export NBT_DMA_LOG=$NBT_TMP/shim.log
: >"$NBT_DMA_LOG"

if [ "$mode" = noiova ]; then
	NBT_DMA_NO_IOVA=1 LD_PRELOAD=$preload NBT_APP_DEFAULTS=0 NBT_LIMIT=40 run_nbfwd dma \
		--iova-mode=pa --vdev net_null0 --vdev net_null1 -- --mode io \
		--pool-layout extbuf --time 1 --stats-period 0
	[ "$NBT_RC" = 1 ] || fail "nbfwd without IOVAs: exit status $NBT_RC, expected 1"
	expect_log "a page has no IOVA \\(RTE_BAD_IOVA\\).*run as root" "refusal"
	if grep -E '^(register|map) ' "$NBT_DMA_LOG"; then
		fail "memory without IOVAs was registered or mapped (above)"
	fi
	say "ok: no IOVA, refused before registering: $(grep -o 'region .*no IOVA.*' "$NBT_LOG" | head -1)"
	exit 0
fi
LD_PRELOAD=$preload NBT_APP_DEFAULTS=0 NBT_LIMIT=40 run_nbfwd dma --iova-mode="$mode" \
	--vdev net_null0 --vdev net_null1 -- --mode io --pool-layout extbuf --time 1 \
	--stats-period 0 --stats-json "$NBT_TMP/dma.json"
expect_ok "nbfwd --iova-mode=$mode"
expect_log "Selected IOVA mode '${mode^^}'"
expect_json drops.foreign_buffer == 0 ports.0.foreign_buffer == 0 ports.1.foreign_buffer == 0

n_reg=$(grep -c '^register ' "$NBT_DMA_LOG" || true)
[ "$n_reg" -ge 1 ] || fail "no rte_extmem_register call recorded"
if grep '^register .* BAD' "$NBT_DMA_LOG"; then
	fail "a registered page's IOVA is not its true one (above)"
fi
for dev in net_null0 net_null1; do
	n=$(grep -c "^map $dev " "$NBT_DMA_LOG" || true)
	[ "$n" -ge 1 ] || fail "no rte_dev_dma_map for $dev"
	say "$dev: $n DMA map(s)"
done
if grep '^map .* BAD' "$NBT_DMA_LOG"; then
	fail "a mapped range's IOVA differs from a page's true or registered one (above)"
fi
if grep -E '^(map|unmap) .* rc -' "$NBT_DMA_LOG"; then
	fail "a DMA map or unmap failed (above)"
fi
# every map undone exactly once, with the same address, IOVA and length
maps=$(awk '$1 == "map" { print $2, $3, $4, $5 }' "$NBT_DMA_LOG" | sort)
unmaps=$(awk '$1 == "unmap" { print $2, $3, $4, $5 }' "$NBT_DMA_LOG" | sort)
[ "$maps" = "$unmaps" ] || fail "maps and unmaps differ: maps
$maps
unmaps
$unmaps"
if [ "$(printf '%s\n' "$maps" | uniq -d)" != "" ]; then
	fail "a range mapped twice for one device: $(printf '%s\n' "$maps" | uniq -d)"
fi
if grep -iE '^EAL: .*(error|cannot|couldn|fail)' "$NBT_LOG"; then
	fail "EAL reported an error (above)"
fi
say "ok: $(printf '%s\n' "$maps" | wc -l) maps in IOVA-as-${mode^^} mode, each page's IOVA its true one, each map unmapped once"
