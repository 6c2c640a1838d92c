#!/usr/bin/env bash
# tests/scenario/assign_disks.sh: disks assigned to a driver VM really get
# written by the stock nvme and ahci drivers.
#
#   assign_disks.sh [--esp DIR] NAME CONFIG TIMEOUT -- [EXPECTATION...]
#
# Boots CONFIG on a zeroed NVMe and a zeroed SATA image (blk_lib.sh; the
# EXPECTATIONs are checked on logs/NAME.serial.log), and afterwards reads
# the images: each must hold, at sector 2048, the 4 KiB that
# guests/driver/init writes ("CORRAL-DISK-PATTERN <dev> <hex>" repeated),
# and the serial log must carry "DISK-WRITE-OK <dev> <sha256>" with that
# 4 KiB's sha256. Exits 77 (skipped) when the build has no SVM backend.
set -euo pipefail

# shellcheck source=tests/scenario/blk_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/blk_lib.sh"

# Where guests/driver/init writes: sector 2048 (1 MiB), 4 KiB.
SECTOR=2048
BYTES=4096

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
	blk_setup "$@"
	boot "" "$CONFIG" "$TIMEOUT" "${EXPECT[@]}"
	echo
	check_image "$WORK/nvme.img" nvme 'nvme[0-9]+n[0-9]+' "$WORK/run.log"
	check_image "$WORK/sata.img" sata 'sd[a-z]+' "$WORK/run.log"
	if ((FAILED > 0)); then
		say "$FAILED check(s) failed"
		exit 1
	fi
	say "both disk images hold the driver VM's pattern"
}

main "$@"
