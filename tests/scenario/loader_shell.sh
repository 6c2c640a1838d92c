#!/usr/bin/env bash
# tests/scenario/loader_shell.sh: corral.efi started from the UEFI shell.
#
#   loader_shell.sh ESP_DIR [TIMEOUT]
#
# Boots OVMF under QEMU TCG with an ESP that has no \EFI\BOOT\BOOTX64.EFI, so
# the firmware falls through to its shell, which runs startup.nsh:
#   memmap; \corral.efi \corral\alt.dtb; memmap; reset -s
# alt.dtb (tests/scenario/configs/loader-shell.dts) names one file that is
# there and one that is not. The checks:
#   - the config path is taken from the command line (LoadOptions);
#   - the missing file is named with its node and property;
#   - the loader returns to the firmware, and the firmware's memory map
#     holds no more EfiLoaderData pages afterwards than before: the loader
#     gave back everything it had allocated.
# The serial log is logs/qemu.loader.shell.serial.log.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
. "$HERE/../../scripts/lib/common.sh"

NAME=qemu.loader.shell
CONFIG=$HERE/configs/loader-shell.dts
PRESENT_BYTES=300000 # big enough that a leak shows up as many pages

ESP_SRC=${1:?usage: $0 ESP_DIR [TIMEOUT]}
TIMEOUT=${2:-180}
LOG=$PWD/logs/$NAME.serial.log
WORK=
FAILED=0

say() { printf 'scenario %s: %s\n' "$NAME" "$*"; }
check()
{
	if grep -E -- "$1" "$WORK/clean.log" >/dev/null; then
		say "ok: found /$1/"
	else
		say "FAIL: no line matches /$1/"
		FAILED=$((FAILED + 1))
	fi
}

cleanup() { [[ -n $WORK ]] && rm -rf "$WORK"; return 0; }

make_esp()
{
	local esp=$WORK/esp

	[[ -f $ESP_SRC/EFI/BOOT/BOOTX64.EFI ]] ||
		die "no $ESP_SRC/EFI/BOOT/BOOTX64.EFI: build the corral_efi target"
	mkdir -p "$esp/corral"
	cp "$ESP_SRC/EFI/BOOT/BOOTX64.EFI" "$esp/corral.efi"
	dtc "${CORRAL_DTC_FLAGS[@]}" -I dts -O dtb -o "$esp/corral/alt.dtb" "$CONFIG"
	head -c "$PRESENT_BYTES" /dev/zero >"$esp/corral/loader-present.bin"
	# The shell wants CR LF; "fs0:" is the only disk.
	printf '%s\r\n' 'fs0:' 'memmap -sfo' '\corral.efi \corral\alt.dtb' \
		'memmap -sfo' 'reset -s' >"$esp/startup.nsh"
}

run_qemu()
{
	local rc=0

	mkdir -p "$(dirname "$LOG")"
	: >"$LOG"
	say "booting OVMF (timeout ${TIMEOUT}s), serial log $LOG"
	timeout "$TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu max \
		-m 512 -bios "$OVMF_FD" -drive "file=fat:rw:$WORK/esp,format=raw" \
		-nodefaults -nic none -display none -serial "file:$LOG" \
		-no-reboot </dev/null >"$WORK/qemu.out" 2>&1 || rc=$?
	if ((rc == 124)); then
		say "FAIL: timeout: the shell never reached 'reset -s'"
		FAILED=$((FAILED + 1))
	fi
}

# loader_data_pages N: EfiLoaderData pages in the N-th "memmap -sfo" output.
# (mawk has no strtonum, so awk picks the hex counts and bash adds them.)
loader_data_pages()
{
	local hex pages=0

	while read -r hex; do
		pages=$((pages + 16#$hex))
	done < <(awk -F, -v want="$1" '
		/^ShellCommand,"memmap"/ { n++ }
		n == want && $1 == "MemoryMap" && $2 == "\"LoaderData\"" {
			gsub(/"/, "", $5); print $5
		}' "$WORK/clean.log")
	echo "$pages"
}

check_no_leak()
{
	local before after

	before=$(loader_data_pages 1)
	after=$(loader_data_pages 2)
	if ! grep -q '^ShellCommand,"memmap"' "$WORK/clean.log"; then
		say "FAIL: the shell printed no memory map"
		FAILED=$((FAILED + 1))
	elif ((after > before)); then
		say "FAIL: EfiLoaderData grew from $before to $after pages: the loader leaked"
		FAILED=$((FAILED + 1))
	else
		say "ok: EfiLoaderData pages before $before, after $after"
	fi
}

main()
{
	trap cleanup EXIT
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/corral-loader-shell.XXXXXX")
	make_esp
	run_qemu
	clean_serial "$LOG" >"$WORK/clean.log"
	check 'corral-efi: config .corral.alt[.]dtb [(]from the command line[)]'
	check 'corral-efi: loaded .corral.loader-present[.]bin'
	check 'corral-efi: error: cannot open .corral.loader-absent[.]bin [(]named by /vms/vm@1 property "initrd"[)]: EFI_NOT_FOUND'
	check 'corral-efi: returning to firmware'
	check_no_leak
	if ((FAILED > 0)); then
		say "$FAILED check(s) failed; last 40 serial lines:"
		tail -n 40 "$WORK/clean.log"
		exit 1
	fi
	say "all checks passed"
}

main "$@"
