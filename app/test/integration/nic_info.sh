#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/nic-info.sh on a fake sysfs (NIC_INFO_SYSFS): what it reports for a
# device on vfio-pci with an IOMMU (IOVA VA, usable), without one (PA), on a
# kernel driver with an interface that is up (never "usable"), on a kernel
# driver with its interface down (not usable: not bound), and that it changes
# nothing (the fake tree is the same after every run).
set -euo pipefail
NBT_NAME=nic-info
. "$(dirname "$0")/lib.sh"

script=$NBT_SRC/scripts/nic-info.sh
root=$NBT_TMP/sys
pci=0000:3b:00.0
devdir=$root/devices/pci0000:3a/$pci

# fake DRIVER IOMMU(group|none) NOIOMMU(Y|N) IFACE_FLAGS(""=no iface)
fake() {
	rm -rf "$root"
	mkdir -p "$devdir" "$root/bus/pci/devices" "$root/bus/pci/drivers/$1" \
		"$root/kernel/iommu_groups" "$root/module/vfio/parameters" "$root/class/net" \
		"$root/devices/system/node/node1/hugepages/hugepages-2048kB"
	ln -s "$devdir" "$root/bus/pci/devices/$pci"
	echo 0x8086 >"$devdir/vendor"
	echo 0x1572 >"$devdir/device"
	echo 0x020000 >"$devdir/class"
	echo 1 >"$devdir/numa_node"
	echo 8-15 >"$root/devices/system/node/node1/cpulist"
	echo 512 >"$root/devices/system/node/node1/hugepages/hugepages-2048kB/free_hugepages"
	ln -s "$root/bus/pci/drivers/$1" "$devdir/driver"
	if [ "$2" != none ]; then
		mkdir -p "$root/kernel/iommu_groups/$2"
		ln -s "$root/kernel/iommu_groups/$2" "$devdir/iommu_group"
	fi
	echo "$3" >"$root/module/vfio/parameters/enable_unsafe_noiommu_mode"
	if [ -n "$4" ]; then
		mkdir -p "$root/class/net/ens1f0"
		ln -s "$devdir" "$root/class/net/ens1f0/device"
		echo "$4" >"$root/class/net/ens1f0/flags"
		echo up >"$root/class/net/ens1f0/operstate"
	fi
}

# run EXPECTED_RC PATTERN...: the output matches every pattern
run() {
	local want=$1 rc=0 before after p
	shift
	before=$(find "$root" -printf '%p %l %s\n' | sort | sha256sum)
	out=$(NIC_INFO_SYSFS=$root "$script" "$pci" 2>&1) || rc=$?
	after=$(find "$root" -printf '%p %l %s\n' | sort | sha256sum)
	[ "$before" = "$after" ] || fail "nic-info.sh changed the tree"
	[ "$rc" = "$want" ] || fail "exit $rc, expected $want:"$'\n'"$out"
	for p in "$@"; do
		grep -qE -- "$p" <<<"$out" || fail "no line matching /$p/ in:"$'\n'"$out"
	done
}

fake vfio-pci 42 N ""
run 0 "^driver +vfio-pci$" "^numa node +1 +\\(cpus 8-15" "^iommu group +42 " \
	"^iova mode +VA " "^kernel iface +none$" "^nbfwd +usable: .*-a $pci"
fake vfio-pci none Y ""
run 0 "^iova mode +PA " "^iommu group +none "
fake i40e 7 N 0x1003
run 1 "^kernel iface +ens1f0: administratively up" \
	"^nbfwd +NOT usable as it is: it carries kernel interface ens1f0, which is up"
fake i40e 7 N 0x1002
run 1 "^kernel iface +ens1f0: administratively down" \
	"^nbfwd +NOT usable as it is: it is driven by i40e, not by vfio-pci"
# an interface that is up is never called usable, whatever the driver
fake vfio-pci 42 N 0x1
run 1 "NOT usable as it is: it carries kernel interface ens1f0, which is up"
NIC_INFO_SYSFS=$root "$script" 0000:99:00.0 >/dev/null 2>&1 && fail "a missing device exited 0"
say "ok nic-info"
