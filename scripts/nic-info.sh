#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# nic-info.sh PCI: what nbfwd would use on one PCI network device, read from
# sysfs and `dpdk-devbind.py --status` only. It never binds, unbinds or
# changes anything, and does not call a device usable while it carries a
# kernel network interface that is up (binding it would cut that interface).
#
#   scripts/nic-info.sh 0000:3b:00.0
#   scripts/nic-info.sh 3b:00.0          (domain 0000 assumed)
#
# Exit status: 0 usable by nbfwd as it is, 1 not usable yet (the reason is
# printed: a kernel interface up, a kernel driver, no hugepages on its node),
# 2 no such device or bad usage.
set -euo pipefail

SYS=${NIC_INFO_SYSFS:-/sys}	# another root for tests

usage() {
	echo "usage: $0 PCI_ADDRESS (e.g. 0000:3b:00.0)" >&2
	exit 2
}
[ $# -eq 1 ] || usage
pci=$1
[[ $pci =~ ^[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$ ]] && pci=0000:$pci
[[ $pci =~ ^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$ ]] || usage
pci=${pci,,}
dev=$SYS/bus/pci/devices/$pci
[ -d "$dev" ] || { echo "$pci: no such PCI device in $SYS/bus/pci/devices" >&2; exit 2; }

rd() { cat "$1" 2>/dev/null || echo "${2:-?}"; }
link_name() { [ -e "$1" ] && basename "$(readlink -f "$1")" || echo "${2:-none}"; }

vendor=$(rd "$dev/vendor")
device=$(rd "$dev/device")
class=$(rd "$dev/class")
driver=$(link_name "$dev/driver")
node=$(rd "$dev/numa_node" -1)
group=$(link_name "$dev/iommu_group")
iommu_groups=$(find "$SYS/kernel/iommu_groups" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
noiommu=$(rd "$SYS/module/vfio/parameters/enable_unsafe_noiommu_mode" N)

echo "device        $pci  vendor $vendor device $device class $class"
if command -v dpdk-devbind.py >/dev/null 2>&1; then
	line=$(dpdk-devbind.py --status 2>/dev/null | grep -F "$pci" | head -1 || true)
	echo "devbind       ${line:-(not listed by dpdk-devbind.py --status)}"
else
	echo "devbind       (dpdk-devbind.py not found)"
fi
echo "driver        $driver"

# NUMA: the node nbfwd creates the port's regions on, and where its lcores belong
if [ "$node" -lt 0 ] 2>/dev/null; then
	echo "numa node     none reported (-1): one-node machine or firmware without SRAT;" \
		"nbfwd uses the main lcore's socket"
	node_for=0
else
	node_for=$node
	cpus=$(rd "$SYS/devices/system/node/node$node/cpulist")
	echo "numa node     $node  (cpus $cpus: pick nbfwd's -l lcores from these)"
fi
free2m=$(rd "$SYS/devices/system/node/node$node_for/hugepages/hugepages-2048kB/free_hugepages" 0)
free1g=$(rd "$SYS/devices/system/node/node$node_for/hugepages/hugepages-1048576kB/free_hugepages" 0)
echo "hugepages     node $node_for: $free2m free of 2 MB, $free1g free of 1 GB"

# IOMMU and the IOVA mode DPDK would pick with this binding
echo "iommu group   $group  ($iommu_groups IOMMU group(s) on this machine;" \
	"vfio no-IOMMU mode: $noiommu)"
case $driver in
vfio-pci)
	if [ "$noiommu" = Y ] || [ "$noiommu" = 1 ] || [ "$iommu_groups" -eq 0 ]; then
		iova="PA (vfio without an IOMMU: physical addresses; needs root)"
	else
		iova="VA (vfio with an IOMMU: DPDK maps virtual addresses, any page layout)"
	fi
	;;
uio_pci_generic|igb_uio)
	iova="PA (uio: physical addresses; needs root)"
	;;
mlx4_core|mlx5_core)
	iova="VA (bifurcated driver: DPDK's mlx PMD works beside the kernel driver)"
	;;
none)
	iova="none yet: no driver bound"
	;;
*)
	iova="none yet: kernel driver $driver; DPDK needs vfio-pci"
	;;
esac
echo "iova mode     $iova"

# kernel interfaces: binding would take them away; up means in use
usable=1
why=
ifaces=()
# an interface's device may be a child of the PCI function (virtio-pci: virtioN)
real=$(readlink -f "$dev")
for n in "$SYS"/class/net/*; do
	d=$(readlink -f "$n/device" 2>/dev/null) || continue
	case $d/ in "$real"/*) ifaces+=("$(basename "$n")") ;; esac
done
for i in "${ifaces[@]}"; do
	flags=$(rd "$SYS/class/net/$i/flags" 0x0)
	state=$(rd "$SYS/class/net/$i/operstate" unknown)
	up=down
	(( flags & 1 )) && up=up
	echo "kernel iface  $i: administratively $up, operstate $state"
	if [ "$up" = up ]; then
		usable=0
		why="it carries kernel interface $i, which is up (in use: binding it would cut that link)"
	fi
done
[ ${#ifaces[@]} -gt 0 ] || echo "kernel iface  none"

if [ $usable = 1 ]; then
	case $driver in
	vfio-pci|uio_pci_generic|igb_uio|mlx4_core|mlx5_core) ;;
	*)
		usable=0
		why="it is driven by ${driver/none/no driver}, not by vfio-pci"
		why+=" (bind it yourself: dpdk-devbind.py --bind=vfio-pci $pci)"
		;;
	esac
fi
if [ $usable = 1 ] && [ "$free2m" = 0 ] && [ "$free1g" = 0 ]; then
	usable=0
	why="no free hugepages on node $node_for (scripts/setup-hugepages.sh)"
fi

if [ $usable = 1 ]; then
	lc=${cpus:-0-1}
	echo "nbfwd         usable: nbfwd -l <2+ cpus of $lc> -a $pci --file-prefix nbfwd -- ..."
	exit 0
fi
echo "nbfwd         NOT usable as it is: $why"
exit 1
