#!/usr/bin/env bash
# The style test (ctest unit.style): fails on any difference from the tree's
# .clang-format, on any shellcheck finding in the scripts, and on an include
# that crosses hypervisor/'s layers the wrong way (scripts/include-graph).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

# Every C file of corral's own (libfdt is not in the tree).
c_files()
{
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -- '*.c' '*.h'
	else
		find . -path ./build -prune -o -name '*.[ch]' -print | sed 's|^\./||'
	fi
}

# Bash scripts: scripts/ (extension-less), tests/, guests/.
shell_files()
{
	local f

	for f in scripts/* scripts/lib/*.sh tests/scenario/*.sh tests/style/*.sh \
		guests/mkinitramfs .ci/run; do
		[[ -f $f ]] && head -c 64 "$f" | grep -q 'bash' && echo "$f"
	done
}

check_format()
{
	local bad=0 f

	command -v clang-format >/dev/null || { echo "style: clang-format is not installed (scripts/setup installs it)"; return 1; }
	while read -r f; do
		if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
			echo "style: $f differs from .clang-format (clang-format -i $f)"
			bad=1
		fi
	done < <(c_files)
	return "$bad"
}

check_shell()
{
	command -v shellcheck >/dev/null || { echo "style: shellcheck is not installed (scripts/setup installs it)"; return 1; }
	# -x follows the `. common.sh` lines the scripts declare with source=.
	mapfile -t files < <(shell_files)
	shellcheck -x "${files[@]}"
}

main()
{
	local rc=0

	check_format || rc=1
	check_shell || rc=1
	scripts/include-graph --check || rc=1
	if [[ $rc -eq 0 ]]; then
		echo "style: $(c_files | wc -l) C files formatted, $(shell_files | wc -l) scripts clean, layers respected"
	fi
	return "$rc"
}

main "$@"
