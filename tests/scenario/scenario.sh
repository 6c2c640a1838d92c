#!/usr/bin/env bash
# tests/scenario/scenario.sh: boot one config with scripts/run and check the
# serial log against a list of expectations.
#
#   scenario.sh [--esp DIR] [--needs-backend B] NAME ACCEL CONFIG TIMEOUT \
#               [RUN_ARGS...] -- [EXPECTATION...]
#
#   --esp DIR           ESP tree to boot (passed to scripts/run)
#   --needs-backend B   skip (exit 77) unless DIR/corral/backends lists B
#   NAME                the test's name; the log is logs/NAME.serial.log
#   ACCEL               kvm, tcg, bochs, or auto (scripts/run chooses)
#   TIMEOUT             seconds, for scripts/run --timeout
#
# Expectations, checked on the serial log without ANSI escapes and CRs:
#   REGEX               some line matches (grep -E)
#   !REGEX              no line matches
#   --count NRE LRE     NRE's first match captures a number N (its first
#                       group); exactly N lines match LRE
#   --status S          scripts/run must exit with S (default 0)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
. "$HERE/../../scripts/lib/common.sh"

SKIP=77
ESP=$CORRAL_BUILD/esp
NEEDS=
CLEAN=
FAILED=0
CHECKED=0

say() { printf 'scenario %s: %s\n' "$NAME" "$*"; }
fail() { say "FAIL: $*"; FAILED=$((FAILED + 1)); }
pass() { say "ok: $*"; CHECKED=$((CHECKED + 1)); }

cleanup() { [[ -n $CLEAN ]] && rm -f "$CLEAN"; return 0; }

expect_line()
{
	if grep -E -- "$1" "$CLEAN" >/dev/null; then
		pass "found /$1/"
	else
		fail "no line matches /$1/"
	fi
}

expect_no_line()
{
	if grep -E -- "$1" "$CLEAN" >/dev/null; then
		fail "a line matches /$1/: $(grep -E -m 1 -- "$1" "$CLEAN")"
	else
		pass "no line matches /$1/"
	fi
}

# expect_count NRE LRE: the number NRE announces is the number of LRE lines.
expect_count()
{
	local nre=$1 lre=$2 line n count

	line=$(grep -E -m 1 -- "$nre" "$CLEAN" || true)
	n=
	[[ -n $line && $line =~ $nre ]] && n=${BASH_REMATCH[1]:-}
	if ! [[ $n =~ ^[0-9]+$ ]]; then
		fail "no line gives a count for /$nre/"
		return
	fi
	count=$(grep -c -E -- "$lre" "$CLEAN" || true)
	if ((count == n)); then
		pass "$count lines match /$lre/, as /$nre/ announced"
	else
		fail "$count lines match /$lre/, but /$nre/ announced $n"
	fi
}

check_status()
{
	if [[ $1 == "$2" ]]; then
		pass "scripts/run exited with $1"
	else
		fail "scripts/run exited with $1, expected $2"
	fi
}

# check_all STATUS EXPECTATION...: run every check, counting failures.
check_all()
{
	local status=$1 want=0
	shift

	while [[ $# -gt 0 ]]; do
		case $1 in
		--status) want=$2; shift ;;
		--count) expect_count "$2" "$3"; shift 2 ;;
		!*) expect_no_line "${1#!}" ;;
		*) expect_line "$1" ;;
		esac
		shift
	done
	check_status "$status" "$want"
}

main()
{
	local accel config timeout log status=0 run_args=()

	while [[ $# -gt 0 ]]; do
		case $1 in
		--esp) ESP=$2; shift 2 ;;
		--needs-backend) NEEDS=$2; shift 2 ;;
		*) break ;;
		esac
	done
	[[ $# -ge 4 ]] || die "usage: see the head of $0"
	NAME=$1 accel=$2 config=$3 timeout=$4
	shift 4
	while [[ $# -gt 0 && $1 != -- ]]; do
		run_args+=("$1")
		shift
	done
	[[ $# -gt 0 ]] && shift

	if [[ -n $NEEDS ]] &&
	   ! grep -qx "$NEEDS" "$ESP/corral/backends" 2>/dev/null; then
		say "skipped: $ESP/corral/backends does not list $NEEDS"
		exit "$SKIP"
	fi
	[[ $accel == auto ]] || run_args+=("--$accel")
	log=$PWD/logs/$NAME.serial.log
	mkdir -p "$(dirname "$log")"

	say "scripts/run ${run_args[*]} --timeout $timeout $config"
	"$CORRAL_ROOT/scripts/run" "${run_args[@]}" --esp "$ESP" \
		--timeout "$timeout" --log "$log" "$config" || status=$?

	trap cleanup EXIT
	CLEAN=$(mktemp)
	clean_serial "$log" >"$CLEAN" 2>/dev/null || true
	echo
	check_all "$status" "$@"
	if ((FAILED > 0)); then
		say "$FAILED expectation(s) not met; last 60 serial lines ($log):"
		tail -n 60 "$CLEAN" | awk 1
		exit 1
	fi
	say "all $CHECKED expectations met"
}

main "$@"
