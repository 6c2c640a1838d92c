#!/usr/bin/env bash
# tests/scenario/virtio_blk.sh: a client's fsync'd file survives a restart
# of the whole system, on disks that a driver VM serves (qemu.blk.integrity).
#
#   virtio_blk.sh [--esp DIR] NAME CONFIG TIMEOUT
#
# Makes a zeroed NVMe image and a zeroed SATA image in a temporary
# directory and boots CONFIG twice under QEMU TCG through scenario.sh, with
# an NVMe controller at host 0000:00:03.0 and an AHCI controller at
# 0000:00:04.0 as the config's pci-devices name them:
#   1. the clients (corral.vblk=write) make a file system on their export,
#      write /pattern with fsync, read it back, and power off; a third
#      client, on a read-only export, must fail to write, and then the
#      device must refuse the writes (and other wrong requests) that
#      tests/vring-attack/ sends it past the client's kernel;
#      a fourth, hostile client sends 102400 wrong and malformed requests,
#      each refused, its device broken 100 times, and the driver VM goes on;
#   2. the same config with corral.vblk=verify (and evil idle): each client
#      reads /pattern again, and its sha256 must be the one it wrote;
# then the host cuts each export out of its image (the config's
# DISK@START+COUNT, in sectors) and reads /pattern with debugfs: the same
# sha256 again, and the bytes around the export (the read-only one
# included) are still zero.
# Exits 77 (skipped) when the build has no SVM backend.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
. "$HERE/../../scripts/lib/common.sh"

SKIP=77
IMG_MIB=64
ESP=$CORRAL_BUILD/esp
NAME=
WORK=
FAILED=0

say() { printf 'scenario %s: %s\n' "$NAME" "$*"; }
fail() { say "FAIL: $*"; FAILED=$((FAILED + 1)); }

cleanup() { [[ -n $WORK ]] && rm -rf "$WORK"; return 0; }

# boot TAG CONFIG TIMEOUT EXPECTATION...: one run of the system.
boot()
{
	local tag=$1 config=$2 timeout=$3 status=0 qemu_args

	shift 3
	qemu_args="-drive file=$WORK/nvme.img,if=none,format=raw,id=nv0"
	qemu_args+=" -device nvme,drive=nv0,serial=corral0001,addr=03.0"
	qemu_args+=" -device ich9-ahci,id=ahci0,addr=04.0"
	qemu_args+=" -drive file=$WORK/sata.img,if=none,format=raw,id=sata0"
	qemu_args+=" -device ide-hd,drive=sata0,bus=ahci0.0"
	"$HERE/scenario.sh" --esp "$ESP" --needs-backend svm "$NAME.$tag" tcg \
		"$config" "$timeout" --qemu-args "$qemu_args" -- "$@" ||
		status=$?
	[[ $status -eq $SKIP ]] && exit "$SKIP"
	((status == 0)) || fail "boot $tag: see logs/$NAME.$tag.serial.log"
	clean_serial "logs/$NAME.$tag.serial.log" >"$WORK/$tag.log" 2>/dev/null ||
		: >"$WORK/$tag.log"
}

# sum_of LOG WHAT VM: the sha256 of the VM's WHAT line (VBLK-WRITE-OK or
# VBLK-READ).
sum_of()
{
	sed -n "s/.*\[$3\] $2 $3 [0-9]* \([0-9a-f]\{64\}\).*/\1/p" "$1" | head -n 1
}

# check_export IMG START COUNT VM SUM: the export holds a file system whose
# /pattern has sha256 SUM; what lies before and after it is zero.
check_export()
{
	local img=$1 start=$2 count=$3 vm=$4 want=$5 part got

	part=$WORK/$vm.export
	dd if="$img" of="$part" bs=512 skip="$start" count="$count" status=none
	got=$(debugfs -R "cat /pattern" "$part" 2>/dev/null | sha256sum)
	got=${got%% *}
	if [[ $got == "$want" ]]; then
		say "ok: $vm's export in $(basename "$img") holds /pattern, sha256 $got"
	else
		fail "$vm's export (sectors $start+$count of $(basename "$img")): /pattern has sha256 $got, the client wrote $want"
	fi
	if cmp -s <(head -c $((start * 512)) "$img") <(head -c $((start * 512)) /dev/zero) &&
		cmp -s <(tail -c +$(((start + count) * 512 + 1)) "$img") \
			<(head -c $(((IMG_MIB * 2048 - start - count) * 512)) /dev/zero); then
		say "ok: nothing of $vm's outside its export"
	else
		fail "$(basename "$img") has bytes outside $vm's export"
	fi
}

main()
{
	local config timeout one two verify

	while [[ $# -gt 0 ]]; do
		case $1 in
		--esp) ESP=$2; shift 2 ;;
		*) break ;;
		esac
	done
	[[ $# -eq 3 ]] || die "usage: see the head of $0"
	NAME=$1 config=$2 timeout=$3
	if ! grep -qx svm "$ESP/corral/backends" 2>/dev/null; then
		say "skipped: $ESP/corral/backends does not list svm"
		exit "$SKIP"
	fi
	command -v debugfs >/dev/null || die "debugfs is missing: run scripts/setup"
	trap cleanup EXIT
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/corral-blk.XXXXXX")
	truncate -s "${IMG_MIB}M" "$WORK/nvme.img" "$WORK/sata.img"

	boot write "$config" "$timeout" \
		"\[disk\] BLKD slot 0: export nvme0n1@2048[+]65536 is /dev/nvme0n1 from sector 2048, 65536 sectors" \
		"\[disk\] BLKD slot 1: export sda@2048[+]65536 is /dev/sda from sector 2048, 65536 sectors" \
		"\[one\] VBLK-READY one vda 65536 ro=0" \
		"\[two\] VBLK-READY two vda 65536 ro=0" \
		"\[one\] VBLK-WRITE-OK one 4194304 [0-9a-f]{64}" \
		"\[two\] VBLK-WRITE-OK two 4194304 [0-9a-f]{64}" \
		"\[disk\] BLKD slot 0 [(]one[)]: released after [0-9]+ requests, [1-9][0-9]* flushes" \
		"\[disk\] BLKD slot 1 [(]two[)]: released after [0-9]+ requests, [1-9][0-9]* flushes" \
		"\[disk\] BLKD slot 2: export nvme0n1@100000[+]8192 is /dev/nvme0n1 from sector 100000, 8192 sectors, read-only" \
		"\[three\] VBLK-READY three vda 8192 ro=1" \
		"\[three\] VBLK-RO-OK three" \
		"\[three\] VRING-ATTACK rounds=0 posted=3072 broken=0 kinds=9 answered=3072 refused=3072" \
		"\[disk\] BLKD slot 2 [(]three[)]: request refused: a write to a read-only export" \
		"\[evil\] VRING-ATTACK rounds=100 posted=102400 broken=100 kinds=9 answered=76800 refused=76800" \
		"\[disk\] BLKD slot 3 [(]evil[)]: request refused: sectors beyond the end of its export" \
		"\[disk\] BLKD slot 3 [(]evil[)]: released after 76800 requests, 0 flushes, 69888 refused" \
		"\[disk\] BLKD slot 3 [(]evil[)]: the client broke its queue: a buffer outside the client's memory" \
		"corral: warning: vm evil: virtio-blk .*: queue 0 broke the virtio ring's rules [(]found by vm disk; 100 time[(]s[)] so far[)]" \
		"\[disk\] BLKD done after 4 session[(]s[)]" \
		"corral: all VMs stopped" \
		"!VBLK-[A-Z]*-FAIL" "!VBLK-RO-[A-Z-]*WROTE" "!BLKD-ERROR" "!corral: PANIC" \
		"!VRING-ATTACK-[A-Z-]*"
	one=$(sum_of "$WORK/write.log" VBLK-WRITE-OK one)
	two=$(sum_of "$WORK/write.log" VBLK-WRITE-OK two)
	[[ -n $one && -n $two ]] || { fail "no VBLK-WRITE-OK sums"; exit 1; }
	[[ $(sum_of "$WORK/write.log" VBLK-READ one) == "$one" ]] ||
		fail "one read back another sha256 than it wrote"
	[[ $(sum_of "$WORK/write.log" VBLK-READ two) == "$two" ]] ||
		fail "two read back another sha256 than it wrote"

	verify=$WORK/verify.dts
	sed -e 's/corral.vblk=write/corral.vblk=verify/' \
		-e 's/corral.vring_attack=[0-9]*//' "$config" >"$verify"
	boot verify "$verify" "$timeout" \
		"\[one\] VBLK-READ one 4194304 $one" \
		"\[two\] VBLK-READ two 4194304 $two" \
		"corral: all VMs stopped" \
		"!VBLK-[A-Z]*-FAIL" "!BLKD-ERROR" "!corral: PANIC"

	echo
	check_export "$WORK/nvme.img" 2048 65536 one "$one"
	check_export "$WORK/sata.img" 2048 65536 two "$two"
	if ((FAILED > 0)); then
		say "$FAILED check(s) failed"
		exit 1
	fi
	say "both clients' files survived a restart, on both disks"
}

main "$@"
