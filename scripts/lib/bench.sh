# shellcheck shell=bash
# scripts/lib/bench.sh: what scripts/bench-net and scripts/bench-blk share:
# the overlay that adds a benchmark's programs to copies of the images, the
# CPU time of the QEMU that runs a row, medians, ratios, and the section of
# docs/benchmarks.md that a benchmark rewrites. Sourced after common.sh; the
# benchmark sets DIR (its work directory) and ESP, and sources the kernel's
# current.env (MODULES_DIR).

# module_order KO: KO's dependencies, then KO, one name a line.
module_order()
{
	local dep path

	for dep in $(modinfo -F depends "$1" | tr ',' ' '); do
		path=$(find "$MODULES_DIR/kernel" -name "$dep.ko" | head -n 1)
		[[ -n $path ]] && module_order "$path"
	done
	basename "$1" .ko
}

# bench_overlay OUT SCRIPT KO PROGRAM...: the programs with their
# libraries, SCRIPT in /etc/corral, and the modules KO needs (for the
# native row, in /lib/corral/bench with their order) as one more archive
# on top of an image.
bench_overlay()
{
	local out=$1 script=$2 ko=$3 root=$DIR/overlay prog f

	shift 3
	rm -rf "$root"
	mkdir -p "$root/etc/corral" "$root/lib/corral/bench"
	for prog in "$@"; do
		prog=$(command -v "$prog")
		for f in "$prog" $(ldd "$prog" | grep -o '/[^ ]*'); do
			mkdir -p "$root$(dirname "$f")"
			cp -L "$f" "$root$f"
		done
	done
	cp "$script" "$root/etc/corral/"
	for f in $(module_order "$ko" | awk '!seen[$0]++'); do
		cp "$(find "$MODULES_DIR/kernel" -name "$f.ko" | head -n 1)" \
			"$root/lib/corral/bench/"
		echo "$f" >>"$root/lib/corral/bench/order"
	done
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) | gzip -n >"$out"
}

# bench_esp OVERLAY: a copy of the ESP in $DIR/esp whose images carry the
# overlay (the kernel unpacks concatenated archives).
bench_esp()
{
	local img

	cp -r "$ESP" "$DIR/esp"
	for img in guest driver; do
		cat "$ESP/corral/$img.cpio.gz" "$1" >"$DIR/esp/corral/$img.cpio.gz"
	done
}

# qemu_pid LOG: the QEMU that writes its serial output to LOG (not the
# timeout(1) that started it, whose command line is the same).
qemu_pid()
{
	local p

	for p in $(pgrep -f -- "-serial file:$1"); do
		[[ $(cat "/proc/$p/comm" 2>/dev/null) == qemu-system-* ]] &&
			echo "$p" && return
	done
	return 0
}

# qemu_cpu LOG RUNNER: while RUNNER (pid) runs, follow the CPU time of the
# QEMU whose serial log is LOG; prints its last reading, in seconds.
qemu_cpu()
{
	local pid='' last=0 t tck

	tck=$(getconf CLK_TCK)
	while kill -0 "$2" 2>/dev/null; do
		[[ -n $pid ]] || pid=$(qemu_pid "$1")
		if [[ -n $pid ]]; then
			t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) &&
				[[ -n $t ]] && last=$t
		fi
		sleep 1
	done
	calc "$last / $tck"
}

# corral_counts LOG: "exits irqexits injected" of a clean corral log, all
# VMs: its exits, its interrupt exits and the interrupts it injected.
corral_counts()
{
	printf '%s %s %s\n' \
		"$(log_sum 's/.*powered off .* after \([0-9]*\) exits.*/\1/p' "$1")" \
		"$(log_sum 's/.*exits by reason: interrupt \([0-9]*\).*/\1/p' "$1")" \
		"$(log_sum 's/.*injected interrupts: \([0-9]*\).*/\1/p' "$1")"
}

# log_sum SED LOG: the sum of the numbers that SED picks from LOG's lines.
log_sum() { sed -n "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }

# calc EXPR: floating-point arithmetic.
calc() { awk "BEGIN { print ($1) }"; }

median()
{
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# col ROW C: the median of column C of the row's runs ($DIR/ROW.runs); "-"
# for a row not run.
col()
{
	[[ -f $DIR/$1.runs ]] || { echo -; return; }
	awk -v c="$2" '$c != "-" { print $c }' "$DIR/$1.runs" | median
}

fmt() { [[ $1 == - ]] && echo - || printf "%.${2}f" "$1"; }

ratio() { [[ $1 == - || $2 == - || $2 == 0 ]] && echo - || printf '%.2f' "$(calc "$1 / $2")"; }

# bench_write_section DOC NAME TABLE: replaces what lies between DOC's
# "<!-- NAME results: begin -->" and "... end -->" lines with TABLE (a
# file that has both lines).
bench_write_section()
{
	local doc=$1 begin="<!-- $2 results: begin -->" end="<!-- $2 results: end -->"

	grep -qF "$begin" "$doc" || die "$doc has no '$begin' marker"
	awk -v b="$begin" -v e="$end" -v f="$3" '
		$0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
		$0 == e { skip = 0; next }
		!skip' "$doc" >"$doc.new"
	mv "$doc.new" "$doc"
}
