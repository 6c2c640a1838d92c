#!/usr/bin/env bash
# tests/scenario/virtio_blk.sh: a client's fsync'd file survives a restart
# of the whole system, on disks that a driver VM serves (qemu.blk.integrity).
#
#   virtio_blk.sh [--esp DIR] NAME CONFIG TIMEOUT
#
# Boots CONFIG twice on a zeroed NVMe and a zeroed SATA image (blk_lib.sh):
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

# shellcheck source=tests/scenario/blk_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/blk_lib.sh"

main()
{
	local one two verify

	blk_setup "$@"

	boot write "$CONFIG" "$TIMEOUT" \
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
		-e 's/corral.vring_attack=[0-9]*//' "$CONFIG" >"$verify"
	boot verify "$verify" "$TIMEOUT" \
		"\[one\] VBLK-READ one 4194304 $one" \
		"\[two\] VBLK-READ two 4194304 $two" \
		"corral: all VMs stopped" \
		"!VBLK-[A-Z]*-FAIL" "!BLKD-ERROR" "!corral: PANIC"

	echo
	check_pattern "$WORK/nvme.img" 2048 65536 one "$one"
	check_pattern "$WORK/sata.img" 2048 65536 two "$two"
	zero_outside "$WORK/nvme.img" "one's export" 2048+65536
	zero_outside "$WORK/sata.img" "two's export" 2048+65536
	if ((FAILED > 0)); then
		say "$FAILED check(s) failed"
		exit 1
	fi
	say "both clients' files survived a restart, on both disks"
}

main "$@"
