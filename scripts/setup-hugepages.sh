#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Reserve 2 MB hugepages and mount hugetlbfs for nbshm regions and DPDK.
#
#   scripts/setup-hugepages.sh [N]      (as root; N defaults to $NBSHM_HUGEPAGES or 1024)
#
# Idempotent. It only ever raises nr_hugepages (what is reserved already stays,
# even when it is more than N), mounts hugetlbfs (pagesize=2M) at /dev/hugepages
# unless a 2 MB hugetlbfs mount exists, and mounts 1 GB hugetlbfs at
# /dev/hugepages-1G only when 1 GB pages are already reserved (it never reserves
# 1 GB pages: that is a boot-time decision). Prints one line with what there is;
# exits non-zero with one line saying why when it cannot have N pages.
# Without root it succeeds only if everything is in place already.

set -euo pipefail

readonly prog=${0##*/}
readonly sysfs=/sys/kernel/mm/hugepages
readonly kb_2m=2048
readonly kb_1g=1048576
readonly dir_2m=/dev/hugepages
readonly dir_1g=/dev/hugepages-1G

die() {
	echo "$prog: $*" >&2
	exit 1
}

# Default hugepage size in kB (applies to hugetlbfs mounts without pagesize=).
default_kb() {
	awk '/^Hugepagesize:/ { print $2; exit }' /proc/meminfo
}

# Page size of a pagesize= value in kB ("2M" -> 2048, "1G" -> 1048576).
size_kb() {
	local v=$1 n unit

	n=${v%%[!0-9]*}
	unit=${v#"$n"}
	[[ -n $n ]] || { echo 0; return; }
	case $unit in
	k|K|kB|KB) echo "$n" ;;
	m|M|MB) echo $((n * 1024)) ;;
	g|G|GB) echo $((n * 1024 * 1024)) ;;
	'') echo $((n / 1024)) ;;
	*) echo 0 ;;
	esac
}

# First hugetlbfs mount point for a page size in kB, empty when none.
mount_for() {
	local want=$1 mnt fstype opts kb o opt

	while read -r _ mnt fstype opts _; do
		[[ $fstype == hugetlbfs ]] || continue
		kb=$(default_kb)
		IFS=, read -ra opt <<<"$opts"
		for o in "${opt[@]}"; do
			if [[ $o == pagesize=* ]]; then
				kb=$(size_kb "${o#pagesize=}")
			fi
		done
		if [[ $kb == "$want" ]]; then
			printf '%b\n' "$mnt"	# /proc/mounts escapes spaces as \040
			return
		fi
	done </proc/mounts
}

count() {
	cat "$sysfs/hugepages-$1kB/$2"
}

want=${1:-${NBSHM_HUGEPAGES:-1024}}
[[ $want =~ ^[0-9]{1,9}$ ]] || die "bad page count '$want': give a whole number (default 1024)"
want=$((10#$want))
[[ -d $sysfs/hugepages-${kb_2m}kB ]] ||
	die "this kernel has no 2048 kB hugepages ($sysfs/hugepages-${kb_2m}kB missing)"

# Reserve: only ever raise the count.
have=$(count $kb_2m nr_hugepages)
if ((have < want)); then
	((EUID == 0)) ||
		die "need root to reserve $want x $kb_2m kB hugepages ($have reserved): run as root (sudo $0 $want)"
	# The kernel takes what it can get: never let it eat the memory others need.
	avail_kb=$(awk '/^MemAvailable:/ { print $2; exit }' /proc/meminfo)
	if (((want - have) * kb_2m > avail_kb)); then
		die "$want x $kb_2m kB hugepages need $(((want - have) * kb_2m / 1024)) MB more, only $((avail_kb / 1024)) MB available: ask for fewer ($0 N)"
	fi
	before=$have
	if ! echo "$want" >"$sysfs/hugepages-${kb_2m}kB/nr_hugepages" 2>/dev/null; then
		die "cannot write $sysfs/hugepages-${kb_2m}kB/nr_hugepages (read-only /sys in a container?): reserve the pages on the host"
	fi
	have=$(count $kb_2m nr_hugepages)
	if ((have < want)); then
		# Memory is fragmented: compact it and try once more.
		echo 1 >/proc/sys/vm/compact_memory 2>/dev/null || true
		echo "$want" >"$sysfs/hugepages-${kb_2m}kB/nr_hugepages" 2>/dev/null || true
		have=$(count $kb_2m nr_hugepages)
	fi
	if ((have < want)); then
		# Give back what this run took: leave the count as it was.
		echo "$before" >"$sysfs/hugepages-${kb_2m}kB/nr_hugepages" 2>/dev/null || true
		die "could reserve only $have of $want x $kb_2m kB hugepages: not enough free contiguous memory (free some, or ask for fewer: $0 N)"
	fi
fi

# mount_hugetlbfs DIR PAGESIZE LABEL: mount hugetlbfs of PAGESIZE (2M, 1G) at DIR
mount_hugetlbfs() {
	local dir=$1 size=$2 label=$3
	((EUID == 0)) || die "need root to mount $label hugetlbfs at $dir: run as root (sudo $0 $want)"
	mkdir -p "$dir"
	if mountpoint -q "$dir"; then
		die "$dir is already a mount point, but not of $label hugetlbfs: unmount it or mount $label hugetlbfs elsewhere"
	fi
	mount -t hugetlbfs -o pagesize="$size" nodev "$dir" ||
		die "mount -t hugetlbfs -o pagesize=$size nodev $dir failed"
}

# Mount 2 MB hugetlbfs unless one exists.
mnt_2m=$(mount_for $kb_2m)
if [[ -z $mnt_2m ]]; then
	mount_hugetlbfs "$dir_2m" 2M "2 MB"
	mnt_2m=$dir_2m
fi

line="hugepages: $(count $kb_2m nr_hugepages) x $kb_2m kB reserved, $(count $kb_2m free_hugepages) free, mounted at $mnt_2m"

# 1 GB pages: mount only what the system already reserved.
if [[ -d $sysfs/hugepages-${kb_1g}kB ]] && (($(count $kb_1g nr_hugepages) > 0)); then
	mnt_1g=$(mount_for $kb_1g)
	if [[ -z $mnt_1g ]]; then
		mount_hugetlbfs "$dir_1g" 1G "1 GB"
		mnt_1g=$dir_1g
	fi
	line+="; $(count $kb_1g nr_hugepages) x $kb_1g kB reserved, $(count $kb_1g free_hugepages) free, mounted at $mnt_1g"
fi

echo "$line"
