#!/usr/bin/env bash
# tests/scenario/virtio_blk_eight.sh: eight clients write and verify at
# once on one disk that a driver VM serves, and no export ends up with
# bytes of another's (qemu.blk.eight).
#
#   virtio_blk_eight.sh [--esp DIR] NAME CONFIG TIMEOUT
#
# Boots CONFIG once on a zeroed NVMe image (blk_lib.sh). Its clients b1 ...
# b8 (corral.vblk=write) each make a file system on their export, write
# /pattern (the line "corral-vblk bN" over and over) with fsync and read it
# back: the sha256 they read must be the one they wrote. Then the host cuts
# each export out of the image (the config's nvme0n1@START+COUNT): its
# /pattern has that sha256 again, no other client's line is in it, and the
# image is zero between and around the exports.
# Exits 77 (skipped) when the build has no SVM backend.
set -euo pipefail

# shellcheck source=tests/scenario/blk_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/blk_lib.sh"

CLIENTS=8
EXPORT_SECTORS=8192

# export_of N: client bN's export, START+COUNT in sectors of the image.
export_of() { echo "$((2048 + ($1 - 1) * 12288))+$EXPORT_SECTORS"; }

# check_alone N: bN's export holds no other client's line.
check_alone()
{
	local n=$1 m part=$WORK/b$1.export

	for ((m = 1; m <= CLIENTS; m++)); do
		((m == n)) && continue
		if grep -aq "corral-vblk b$m\$" "$part"; then
			fail "b$n's export holds b$m's bytes"
			return
		fi
	done
	say "ok: b$n's export holds nothing of another client's"
}

main()
{
	local n range sum read expect=() ranges=()

	blk_setup "$@"
	for ((n = 1; n <= CLIENTS; n++)); do
		range=$(export_of "$n")
		ranges+=("$range")
		expect+=("\[disk\] BLKD slot $((n - 1)): export nvme0n1@${range%+*}[+]$EXPORT_SECTORS is /dev/nvme0n1"
			"\[b$n\] VBLK-WRITE-OK b$n 2097152 [0-9a-f]{64}"
			"\[b$n\] VBLK-READ b$n 2097152 [0-9a-f]{64}")
	done
	boot run "$CONFIG" "$TIMEOUT" "${expect[@]}" \
		"\[disk\] BLKD done after 8 session[(]s[)]" \
		"corral: all VMs stopped" \
		"!VBLK-[A-Z]*-FAIL" "!BLKD-ERROR" "!corral: PANIC"

	echo
	for ((n = 1; n <= CLIENTS; n++)); do
		sum=$(sum_of "$WORK/run.log" VBLK-WRITE-OK "b$n")
		read=$(sum_of "$WORK/run.log" VBLK-READ "b$n")
		if [[ -z $sum || $read != "$sum" ]]; then
			fail "b$n wrote sha256 '${sum:-none}' and read '${read:-none}'"
			continue
		fi
		range=$(export_of "$n")
		check_pattern "$WORK/nvme.img" "${range%+*}" "${range#*+}" "b$n" "$sum"
		check_alone "$n"
	done
	zero_outside "$WORK/nvme.img" "the eight exports" "${ranges[@]}"
	if ((FAILED > 0)); then
		say "$FAILED check(s) failed"
		exit 1
	fi
	say "eight clients wrote at once on one disk, each only its own export"
}

main "$@"
