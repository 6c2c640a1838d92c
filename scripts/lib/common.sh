# scripts/lib/common.sh: helpers shared by the scripts (sourced, not run).
# shellcheck shell=bash

CORRAL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CORRAL_CACHE=${CORRAL_CACHE:-$HOME/.cache/corral}
CORRAL_BUILD=${CORRAL_BUILD:-$CORRAL_ROOT/build}
OVMF_FD=${OVMF_FD:-/usr/share/ovmf/OVMF.fd}

# The config schema has a "name" property per VM, which dtc would otherwise
# reject as a mismatching Open Firmware node name; vm@N nodes have no reg.
# guests/CMakeLists.txt uses the same flags.
# shellcheck disable=SC2034 # used by the scripts that source this
CORRAL_DTC_FLAGS=(-E no-name_properties -W no-unit_address_vs_reg)

# Messages go to stderr so that stdout carries only the serial console.
msg() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# clean_serial: the serial log as plain text lines. OVMF's console sends ANSI
# escapes and CR LF; both get in the way of reading and of anchored regexes.
clean_serial()
{
	sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\r//g' "$@"
}
