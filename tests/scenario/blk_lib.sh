# shellcheck shell=bash disable=SC2034 # globals for the scripts that source it
# tests/scenario/blk_lib.sh: what the disk scenarios share (assign_disks.sh,
# virtio_blk.sh, virtio_blk_eight.sh): the arguments, the zeroed NVMe and
# SATA images, one boot of the system on them through scenario.sh, and the
# host's own reading of the images.
#
# Sourced; the script calls blk_setup "$@" first, with
#   [--esp DIR] NAME CONFIG TIMEOUT [-- EXPECTATION...]
# It sets NAME, CONFIG, TIMEOUT, EXPECT (the expectations) and WORK (a
# temporary directory with nvme.img and sata.img). Exits 77 (skipped) when
# the build has no SVM backend.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
. "$HERE/../../scripts/lib/common.sh"

SKIP=77
IMG_MIB=64
ESP=$CORRAL_BUILD/esp
NAME=
CONFIG=
TIMEOUT=
EXPECT=()
WORK=
FAILED=0

say() { printf 'scenario %s: %s\n' "$NAME" "$*"; }
fail() { say "FAIL: $*"; FAILED=$((FAILED + 1)); }

cleanup() { [[ -n $WORK ]] && rm -rf "$WORK"; return 0; }

# blk_setup [--esp DIR] NAME CONFIG TIMEOUT [-- EXPECTATION...]
blk_setup()
{
	while [[ $# -gt 0 ]]; do
		case $1 in
		--esp) ESP=$2; shift 2 ;;
		*) break ;;
		esac
	done
	[[ $# -eq 3 || ($# -ge 4 && $4 == --) ]] || die "usage: see the head of $0"
	NAME=$1 CONFIG=$2 TIMEOUT=$3
	EXPECT=("${@:5}")
	if ! grep -qx svm "$ESP/corral/backends" 2>/dev/null; then
		say "skipped: $ESP/corral/backends does not list svm"
		exit "$SKIP"
	fi
	command -v debugfs >/dev/null || die "debugfs is missing: run scripts/setup"
	trap cleanup EXIT
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/corral-blk.XXXXXX")
	truncate -s "${IMG_MIB}M" "$WORK/nvme.img" "$WORK/sata.img"
}

# boot TAG CONFIG TIMEOUT EXPECTATION...: one run of the system, with an
# NVMe controller at host 0000:00:03.0 and an AHCI controller at
# 0000:00:04.0 on the two images; its log is logs/NAME.TAG.serial.log
# (logs/NAME.serial.log for an empty TAG), its clean copy $WORK/TAG.log
# ($WORK/run.log).
boot()
{
	local tag=$1 config=$2 timeout=$3 status=0 qemu_args run=$NAME${1:+.$1}

	shift 3
	qemu_args="-drive file=$WORK/nvme.img,if=none,format=raw,id=nv0"
	qemu_args+=" -device nvme,drive=nv0,serial=corral0001,addr=03.0"
	qemu_args+=" -device ich9-ahci,id=ahci0,addr=04.0"
	qemu_args+=" -drive file=$WORK/sata.img,if=none,format=raw,id=sata0"
	qemu_args+=" -device ide-hd,drive=sata0,bus=ahci0.0"
	"$HERE/scenario.sh" --esp "$ESP" --needs-backend svm "$run" tcg \
		"$config" "$timeout" --qemu-args "$qemu_args" -- "$@" ||
		status=$?
	[[ $status -eq $SKIP ]] && exit "$SKIP"
	((status == 0)) || fail "boot ${tag:-run}: see logs/$run.serial.log"
	clean_serial "logs/$run.serial.log" >"$WORK/${tag:-run}.log" 2>/dev/null ||
		: >"$WORK/${tag:-run}.log"
}

# sum_of LOG WHAT VM: the sha256 of the VM's WHAT line (VBLK-WRITE-OK or
# VBLK-READ).
sum_of()
{
	sed -n "s/.*\[$3\] $2 $3 [0-9]* \([0-9a-f]\{64\}\).*/\1/p" "$1" | head -n 1
}

# check_pattern IMG START COUNT VM SUM: sectors START+COUNT of IMG (VM's
# export) hold a file system whose /pattern has sha256 SUM.
check_pattern()
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
}

# is_zero IMG START COUNT: sectors START+COUNT of IMG are all zero.
is_zero()
{
	cmp -s <(dd if="$1" bs=512 skip="$2" count="$3" status=none) \
		<(head -c $(($3 * 512)) /dev/zero)
}

# zero_outside IMG WHAT START+COUNT...: IMG is zero outside the ranges
# (sorted, apart) of sectors; WHAT names them in the messages.
zero_outside()
{
	local img=$1 what=$2 at=0 range start count bad=0

	shift 2
	for range in "$@" "$((IMG_MIB * 2048))+0"; do
		start=${range%+*} count=${range#*+}
		is_zero "$img" "$at" $((start - at)) || bad=1
		at=$((start + count))
	done
	if ((bad)); then
		fail "$(basename "$img") has bytes outside $what"
	else
		say "ok: $(basename "$img") is zero outside $what"
	fi
}
