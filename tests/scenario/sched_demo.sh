#!/usr/bin/env bash
# tests/scenario/sched_demo.sh: boot guests/demo.dts with the devices that
# scripts/demo gives it, and check the serial log.
#
#   sched_demo.sh [--esp DIR] NAME CONFIG TIMEOUT -- [EXPECTATION...]
#
# Makes the two scratch disk images in a temporary directory, with
# scripts/demo's own demo_qemu_args (e1000e at 00:02.0, nvme at 00:03.0,
# ich9-ahci at 00:04.0), and runs scenario.sh under QEMU TCG with them; the
# EXPECTATIONs are scenario.sh's. Exits 77 (skipped) when the build has no
# SVM backend.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/demo
. "$HERE/../../scripts/demo"

main()
{
	local esp=$CORRAL_BUILD/esp name config timeout

	while [[ $# -gt 0 ]]; do
		case $1 in
		--esp) esp=$2; shift 2 ;;
		*) break ;;
		esac
	done
	[[ $# -ge 4 && $4 == -- ]] || die "usage: see the head of $0"
	name=$1 config=$2 timeout=$3
	shift 4

	trap cleanup EXIT
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/corral-sched-demo.XXXXXX")
	"$HERE/scenario.sh" --esp "$esp" --needs-backend svm "$name" tcg \
		"$config" "$timeout" --qemu-args "$(demo_qemu_args "$WORK")" \
		-- "$@"
}

main "$@"
