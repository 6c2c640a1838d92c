# shellcheck shell=dash
# guests/bench.sh: the guest's half of scripts/bench-net, sourced by both
# /init scripts when corral.bench= is on the command line. scripts/bench-net
# adds it, iperf3 with its libraries, and (for the native row) the e1000e
# modules to copies of the images; the images the tests boot do not have it.
#
#   corral.bench=SERVER:PORT:SECONDS:IP[:PEERS]
#
# Puts IP/24 on eth0, waits for its carrier and for SERVER, and, if PEERS
# (a '+'-separated list of addresses) is given, until every peer answers a
# ping, so that clients that run at once start together. Then three iperf3
# runs of SECONDS against SERVER:PORT, each printed as
#   BENCH <name> <test> <value> <unit> <MBytes moved>
# tcp-tx (guest to peer), tcp-rx (peer to guest): Mbit/s at the receiver;
# udp64-tx: 64-byte UDP datagrams per second that arrived. SECONDS 0 skips
# the runs (scripts/bench-net's boot-only baseline). Then BENCH-DONE <name>.

# $name: the VM's name, from the /init that sources this.
# shellcheck disable=SC2154

# bench_modules: the NIC driver of a guest that has none (the native row).
bench_modules()
{
	local m

	[ -e /sys/class/net/eth0 ] || [ ! -f /lib/corral/bench/order ] && return
	while read -r m; do
		insmod "/lib/corral/bench/$m.ko" 2>/dev/null
	done </lib/corral/bench/order
	sleep 2
}

# bench_wait TRIES CMD...: until CMD succeeds, once a second.
bench_wait()
{
	local i=0 n=$1

	shift
	while [ "$i" -lt "$n" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# bench_field OUT WORD: the number before WORD in iperf3's receiver line.
bench_field()
{
	grep receiver "$1" | tail -n 1 |
		awk -v w="$2" '{ for (i = 2; i <= NF; i++) if ($i == w) print $(i - 1) }'
}

# bench_mbytes OUT: the MBytes in iperf3's receiver line. iperf3 scales
# the amount itself (KBytes, MBytes, GBytes) whatever -f says.
bench_mbytes()
{
	grep receiver "$1" | tail -n 1 | awk '{
		for (i = 2; i <= NF; i++) {
			if ($i == "KBytes") print $(i - 1) / 1024
			if ($i == "MBytes") print $(i - 1)
			if ($i == "GBytes") print $(i - 1) * 1024
		} }'
}

# bench_one TEST ARGS...: one iperf3 run, and its BENCH line.
bench_one()
{
	local t=$1 out=/tmp/bench.$1 mb rate lost

	shift
	if ! timeout $((secs + 60)) iperf3 -c "$server" -p "$port" -t "$secs" \
		-f m "$@" >"$out" 2>&1; then
		echo "BENCH-FAIL $name $t $(tail -n 1 "$out")"
		return
	fi
	mb=$(bench_mbytes "$out")
	case $t in
	udp64-tx)
		# "... lost/total (x%)  receiver": datagrams that arrived.
		lost=$(grep receiver "$out" | tail -n 1 |
			sed -n 's#.* \([0-9]*\)/\([0-9]*\) .*#\1 \2#p')
		# shellcheck disable=SC2086 # two numbers
		set -- $lost
		rate=$((($2 - $1) / secs))
		echo "BENCH $name $t $rate pps $mb"
		;;
	*)
		rate=$(bench_field "$out" Mbits/sec)
		echo "BENCH $name $t $rate Mbit/s $mb"
		;;
	esac
}

bench_run()
{
	local server port secs ip peers p

	IFS=: read -r server port secs ip peers <<EOF
$1
EOF
	bench_modules
	ip addr add "$ip/24" dev eth0
	ip link set eth0 up
	if ! bench_wait 300 grep -q 1 /sys/class/net/eth0/carrier ||
	   ! bench_wait 120 ping -c 1 -W 1 "$server"; then
		echo "BENCH-FAIL $name no-network"
		return
	fi
	# The boot-only run does not wait for peers: a peer that is done
	# powers off, and the slower ones would wait for it in vain.
	[ "$secs" -gt 0 ] || peers=
	for p in $(echo "$peers" | tr '+' ' '); do
		bench_wait 600 ping -c 1 -W 1 "$p" ||
			echo "BENCH-FAIL $name peer $p"
	done
	if [ "$secs" -gt 0 ]; then
		bench_one tcp-tx
		bench_one tcp-rx -R
		bench_one udp64-tx -u -l 64 -b 0
	fi
	echo "BENCH-DONE $name"
}
