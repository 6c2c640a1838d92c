#!/usr/bin/env bash
# tests/scenario/assign_disks.sh: disks assigned to a driver VM really get
# written by the stock nvme and ahci drivers.
#
#   assign_disks.sh [--esp DIR] NAME CONFIG TIMEOUT -- [EXPECTATION...]
#
# Makes two zeroed raw disk images in a temporary directory, boots CONFIG
# under QEMU TCG through scenario.sh (the EXPECTATIONs are checked there, on
# logs/NAME.serial.log) with an NVMe controller at host 0000:00:03.0 and a
# second ICH9 AHCI controller at 0000:00:04.0 holding the other image, and
# afterwards reads the images: each must hold, at sector 2048, the 4 KiB that
# guests/driver/init writes ("CORRAL-DISK-PATTERN <dev> <hex>" repeated),
# and the serial log must carry "DISK-WRITE-OK <dev> <sha256>" with that
# 4 KiB's sha256. Exits 77 (skipped) when the build has no SVM backend.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
. "$HERE/../../scripts/lib/common.sh"

SKIP=77
# Where guests/driver/init writes: sector 2048 (1 MiB), 4 KiB.
SECTOR=2048
BYTES=4096
IMG_MIB=64
ESP=$CORRAL_BUILD/esp
NAME=
WORK=
FAILED=0

say() { printf 'scenario %s: %s\n' "$NAME" "$*"; }
fail() { say "FAIL: $*"; FAILED=$((FAILED + 1)); }

cleanup() { [[ -n $WORK ]] && rm -rf "$WORK"; return 0; }

# The 64-hex string of the pattern: guests/driver/init's DISK_HEX, so the
# two cannot drift apart.
disk_hex()
{
	local hex

	hex=$(sed -n 's/^DISK_HEX=\([0-9a-f]\{64\}\)$/\1/p' \
		"$CORRAL_ROOT/guests/driver/init")
	[[ -n $hex ]] || die "no DISK_HEX=<64 hex digits> in guests/driver/init"
	echo "$hex"
}

# show_bytes FILE: what a failed check found, readable.
show_bytes()
{
	if cmp -s "$1" <(head -c "$BYTES" /dev/zero); then
		echo "    all $BYTES bytes are zero: nothing was written there"
	else
		echo "    the first 128 bytes:"
		head -c 128 "$1" | od -A d -c | sed 's/^/    /'
	fi
}

# check_image IMG WHAT DEVRE LOG: IMG holds the pattern for a device whose
# name matches DEVRE, and LOG reports its sha256.
check_image()
{
	local img=$1 what=$2 devre=$3 log=$4 hex found first dev sum

	hex=$(disk_hex)
	found=$WORK/$what.found
	dd if="$img" of="$found" bs=512 skip="$SECTOR" count=$((BYTES / 512)) \
		status=none
	first=$(head -c 200 "$found" | tr -d '\0' | head -n 1 || true)
	if ! [[ $first =~ ^CORRAL-DISK-PATTERN\ ($devre)\ $hex$ ]]; then
		fail "$what image: no pattern line for a /dev/$devre device at sector $SECTOR"
		show_bytes "$found"
		return
	fi
	dev=${BASH_REMATCH[1]}
	if ! cmp -s "$found" <(yes "CORRAL-DISK-PATTERN $dev $hex" |
		head -c "$BYTES"); then
		fail "$what image: the 4 KiB at sector $SECTOR differ from $dev's pattern ($(cmp "$found" <(yes "CORRAL-DISK-PATTERN $dev $hex" | head -c "$BYTES") 2>&1 | head -n 1))"
		show_bytes "$found"
		return
	fi
	sum=$(sha256sum <"$found")
	sum=${sum%% *}
	if grep -Eq "DISK-WRITE-OK $dev $sum" "$log"; then
		say "ok: $what image holds $dev's pattern, sha256 $sum as the guest reported"
	else
		fail "$what image holds $dev's pattern (sha256 $sum), but the log has no 'DISK-WRITE-OK $dev $sum'; its disk lines:"
		grep -E 'DISK-' "$log" | sed 's/^/    /' || echo "    (none)"
	fi
}

main()
{
	local config timeout status=0 qemu_args log clean

	while [[ $# -gt 0 ]]; do
		case $1 in
		--esp) ESP=$2; shift 2 ;;
		*) break ;;
		esac
	done
	[[ $# -ge 4 && $4 == -- ]] || die "usage: see the head of $0"
	NAME=$1 config=$2 timeout=$3
	shift 4

	if ! grep -qx svm "$ESP/corral/backends" 2>/dev/null; then
		say "skipped: $ESP/corral/backends does not list svm"
		exit "$SKIP"
	fi
	trap cleanup EXIT
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/corral-assign-disks.XXXXXX")
	truncate -s "${IMG_MIB}M" "$WORK/nvme.img" "$WORK/sata.img"
	# Host BDFs pinned with addr=, as the config's pci-devices names them.
	qemu_args="-drive file=$WORK/nvme.img,if=none,format=raw,id=nv0"
	qemu_args+=" -device nvme,drive=nv0,serial=corral0001,addr=03.0"
	qemu_args+=" -device ich9-ahci,id=ahci0,addr=04.0"
	qemu_args+=" -drive file=$WORK/sata.img,if=none,format=raw,id=sata0"
	qemu_args+=" -device ide-hd,drive=sata0,bus=ahci0.0"

	"$HERE/scenario.sh" --esp "$ESP" --needs-backend svm "$NAME" tcg \
		"$config" "$timeout" --qemu-args "$qemu_args" -- "$@" ||
		status=$?
	[[ $status -eq $SKIP ]] && exit "$SKIP"
	((status == 0)) || FAILED=$((FAILED + 1))

	log=$PWD/logs/$NAME.serial.log
	clean=$WORK/serial.log
	clean_serial "$log" >"$clean" 2>/dev/null || : >"$clean"
	echo
	check_image "$WORK/nvme.img" nvme 'nvme[0-9]+n[0-9]+' "$clean"
	check_image "$WORK/sata.img" sata 'sd[a-z]+' "$clean"
	if ((FAILED > 0)); then
		say "$FAILED check(s) failed"
		exit 1
	fi
	say "both disk images hold the driver VM's pattern"
}

main "$@"
