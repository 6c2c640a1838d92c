# shellcheck shell=dash
# guests/bench_blk.sh: the guest's half of scripts/bench-blk, sourced by
# both /init scripts when corral.bench_blk= is on the command line.
# scripts/bench-blk adds it, fio and postmark with their libraries, and (for
# the native row) the nvme modules to copies of the images; the images the
# tests boot do not have it.
#
#   corral.bench_blk=DEV:SECONDS:MIB
#
# Waits until /dev/DEV has a size (a client's disk has one once its driver
# VM found the export), then runs on its first MIB MiB, each for SECONDS
# with direct I/O (fio's libaio engine), and prints
#   BENCH <name> <test> <MiB/s> <IOPS> <MiB moved>
# (fio's own clock is the kernel's: an emulated TSC is not to be trusted)
# for seq-read and seq-write (1 MiB blocks, 4 in flight), rand-read-1,
# rand-write-1 (4 KiB, 1 in flight), rand-read-32 and rand-write-32 (4 KiB,
# 32 in flight). Then postmark on an ext2 file system made on those MiB
# (500 files of 512 B to 16 KiB, 4000 transactions), and a sync:
#   BENCH <name> postmark <transactions/s> 0 0
# SECONDS 0 skips the runs (scripts/bench-blk's boot-only baseline). Then
# BENCH-DONE <name>. A failure prints BENCH-FAIL <name> <what>.

# $name: the VM's name, from the /init that sources this.
# shellcheck disable=SC2154

# bench_blk_modules: the disk driver of a guest that has none (native).
bench_blk_modules()
{
	local m

	[ -f /lib/corral/bench/order ] || return 0
	while read -r m; do
		insmod "/lib/corral/bench/$m.ko" 2>/dev/null
	done </lib/corral/bench/order
}

# bench_blk_size DEV: its size in sectors, 0 if none yet.
bench_blk_size()
{
	cat "/sys/block/$1/size" 2>/dev/null || echo 0
}

# bench_blk_fio TEST RW BS DEPTH: one fio job, and its BENCH line.
bench_blk_fio()
{
	local t=$1 out=/tmp/fio.$1

	if ! timeout $((secs + 120)) fio --name="$t" --filename="/dev/$dev" \
		--rw="$2" --bs="$3" --iodepth="$4" --ioengine=libaio \
		--direct=1 --time_based --runtime="$secs" --size="${mib}M" \
		--clocksource=clock_gettime --minimal >"$out" 2>&1; then
		echo "BENCH-FAIL $name $t $(tail -n 1 "$out")"
		return
	fi
	# Terse v3: read KiB 6, KiB/s 7, IOPS 8; write KiB 47, KiB/s 48,
	# IOPS 49.
	grep "^3;" "$out" | tail -n 1 | awk -F';' -v n="$name" -v t="$t" '{
		printf "BENCH %s %s %.1f %.0f %.1f\n", n, t,
			($7 + $48) / 1024, $8 + $49, ($6 + $47) / 1024 }'
}

# bench_blk_centis: the time since boot, in hundredths of a second.
bench_blk_centis()
{
	tr -d . </proc/uptime | cut -d' ' -f1
}

# bench_blk_postmark: small files on a fresh file system, the workload of
# the papers that measured driver reuse, then a sync that puts it on the
# disk; transactions per second over both (postmark's own figures are
# whole seconds).
bench_blk_postmark()
{
	local out=/tmp/postmark.out n=4000 t0 t1

	mkdir -p /mnt/bench
	if ! mke2fs -q "/dev/$dev" $((mib * 1024)) >/dev/null 2>&1 ||
	   ! mount -t ext4 "/dev/$dev" /mnt/bench; then
		echo "BENCH-FAIL $name postmark file system"
		return
	fi
	t0=$(bench_blk_centis)
	printf '%s\n' "set location /mnt/bench" "set number 500" \
		"set transactions $n" "set size 512 16384" "run" "quit" |
		timeout 900 postmark >"$out" 2>&1
	sync
	t1=$(bench_blk_centis)
	umount /mnt/bench
	if grep -q "transactions" "$out" && [ "$t1" -gt "$t0" ]; then
		echo "BENCH $name postmark $((n * 100 / (t1 - t0))) 0 0"
	else
		echo "BENCH-FAIL $name postmark $(tail -n 1 "$out")"
	fi
}

bench_blk_run()
{
	local dev secs mib i=0

	IFS=: read -r dev secs mib <<EOF
$1
EOF
	bench_blk_modules
	while [ "$(bench_blk_size "$dev")" -eq 0 ] && [ "$i" -lt 300 ]; do
		sleep 1
		i=$((i + 1))
	done
	if [ "$(bench_blk_size "$dev")" -eq 0 ]; then
		echo "BENCH-FAIL $name no-disk $dev"
		return
	fi
	if [ "$secs" -gt 0 ]; then
		bench_blk_fio seq-read read 1M 4
		bench_blk_fio seq-write write 1M 4
		bench_blk_fio rand-read-1 randread 4k 1
		bench_blk_fio rand-write-1 randwrite 4k 1
		bench_blk_fio rand-read-32 randread 4k 32
		bench_blk_fio rand-write-32 randwrite 4k 32
		bench_blk_postmark
	fi
	echo "BENCH-DONE $name"
}
