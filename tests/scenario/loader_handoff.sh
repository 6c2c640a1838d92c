#!/usr/bin/env bash
# tests/scenario/loader_handoff.sh: corral.efi really hands off.
#
#   loader_handoff.sh ESP_DIR [TIMEOUT]
#
# Builds a stand-in hypervisor (a static PIE, source below), puts it on an
# ESP as \corral\corral.elf next to ESP_DIR's BOOTX64.EFI and the config
# tests/scenario/configs/loader-handoff.dts, and boots it under OVMF in QEMU
# TCG. The stand-in runs after ExitBootServices(); it checks boot_info and
# the machine state (relocations applied, bss zeroed, interrupts off, every
# named range EfiLoaderData in the final memory map...), prints one line
# per check and its modules, and leaves through isa-debug-exit. This tests
# the loader without depending on how far the real hypervisor gets.
# The serial log is logs/qemu.loader.handoff.serial.log.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
. "$HERE/../../scripts/lib/common.sh"

NAME=qemu.loader.handoff
CONFIG=$HERE/configs/loader-handoff.dts
DEBUG_EXIT_PORT=0xf4
# isa-debug-exit makes QEMU exit with (value << 1) | 1.
EXIT_PASS=$(((0x10 << 1) | 1))
KERNEL_BYTES=200000

ESP_SRC=${1:?usage: $0 ESP_DIR [TIMEOUT]}
TIMEOUT=${2:-120}
LOG=$PWD/logs/$NAME.serial.log
WORK=
FAILED=0

say() { printf 'scenario %s: %s\n' "$NAME" "$*"; }
fail() { say "FAIL: $*"; FAILED=$((FAILED + 1)); }
check()
{
	if grep -E -- "$1" "$WORK/clean.log" >/dev/null; then
		say "ok: found /$1/"
	else
		fail "no line matches /$1/"
	fi
}

cleanup() { [[ -n $WORK ]] && rm -rf "$WORK"; return 0; }

# The stand-in hypervisor. Entered as void hv_entry(struct boot_info *)
# with the SysV ABI, on the firmware's stack and page tables.
write_stand_in()
{
	cat >"$WORK/stand_in.c" <<'EOF'
#include <stdint.h>
#include <corral/boot_info.h>

#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THRE 0x20
#define DEBUG_EXIT 0xf4
#define EXIT_PASS 0x10
#define EXIT_FAIL 0x11
#define EFI_LOADER_DATA 2
#define EFI_PAGE 4096ull
#define HV_ALIGN (2ull << 20)
#define TRAMPOLINE_LIMIT 0x9f000ull
#define RFLAGS_IF (1ull << 9)
#define FDT_MAGIC_LE 0xedfe0dd0u
#define EFI_SYSTEM_TABLE_SIGNATURE 0x5453595320494249ull
#define BSS_WORDS 8192

struct efi_md {
	uint32_t type, pad;
	uint64_t phys, virt, pages, attr;
};

/* Pointers in data need R_X86_64_RELATIVE; the array must stay in bss. */
const char *reloc_probe[] = { "reloc-a", "reloc-b" };
uint64_t bss_probe[BSS_WORDS];
static unsigned int nr_ok, nr_fail;

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc_(char c)
{
	while (!(inb(COM1_LSR) & LSR_THRE))
		;
	outb(COM1, c);
}

static void puts_(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_('\r');
		putc_(*s);
	}
}

static void puthex(uint64_t v)
{
	puts_("0x");
	for (int i = 60; i >= 0; i -= 4)
		putc_("0123456789abcdef"[(v >> i) & 15]);
}

static void check(const char *what, int ok, uint64_t v)
{
	puts_(ok ? "hv-check: ok " : "hv-check: FAIL ");
	puts_(what);
	puts_(" ");
	puthex(v);
	puts_("\n");
	if (ok)
		nr_ok++;
	else
		nr_fail++;
}

static int streq_n(const char *a, const char *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (a[i] != b[i])
			return 0;
	}
	return 1;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The memory type of the descriptor holding addr, or -1. */
static int64_t mem_type(const struct boot_info *bi, uint64_t addr)
{
	for (uint64_t off = 0; off + bi->mmap_desc_size <= bi->mmap_size;
	     off += bi->mmap_desc_size) {
		const struct efi_md *d = (const void *)(bi->mmap_phys + off);

		if (addr >= d->phys && addr < d->phys + d->pages * EFI_PAGE)
			return d->type;
	}
	return -1;
}

static void check_loader_data(const struct boot_info *bi, const char *what,
			      uint64_t start, uint64_t size)
{
	int ok = mem_type(bi, start) == EFI_LOADER_DATA &&
		 mem_type(bi, start + (size ? size - 1 : 0)) == EFI_LOADER_DATA;

	check(what, ok, start);
}

static void check_image(const struct boot_info *bi, uint64_t here)
{
	uint64_t any = 0, r0 = (uint64_t)(uintptr_t)reloc_probe[0];

	check("hv-base-2mib-aligned", bi->hv_phys_base % HV_ALIGN == 0,
	      bi->hv_phys_base);
	check("hv-base-below-4gib",
	      bi->hv_phys_base + bi->hv_phys_size <= (1ull << 32),
	      bi->hv_phys_base);
	check("entry-inside-image",
	      here >= bi->hv_phys_base &&
		      here < bi->hv_phys_base + bi->hv_phys_size, here);
	check("relocated-pointer",
	      r0 >= bi->hv_phys_base &&
		      r0 < bi->hv_phys_base + bi->hv_phys_size &&
		      streq(reloc_probe[0], "reloc-a"), r0);
	for (int i = 0; i < BSS_WORDS; i++)
		any |= ((volatile uint64_t *)bss_probe)[i];
	check("bss-zeroed", any == 0, any);
}

static void check_header(const struct boot_info *bi)
{
	uint64_t rflags;

	__asm__ volatile("pushfq; popq %0" : "=r"(rflags));
	check("interrupts-off", !(rflags & RFLAGS_IF), rflags);
	check("magic", bi->magic == BOOT_INFO_MAGIC, bi->magic);
	check("version-major", bi->version_major == BOOT_INFO_VERSION_MAJOR,
	      bi->version_major);
	check("size", bi->size == sizeof(*bi), bi->size);
	check("efi-system-table",
	      *(const uint64_t *)bi->efi_system_table_phys ==
		      EFI_SYSTEM_TABLE_SIGNATURE, bi->efi_system_table_phys);
	check("acpi-rsdp", bi->acpi_rsdp_phys &&
		      streq_n((const char *)bi->acpi_rsdp_phys, "RSD PTR ", 8),
	      bi->acpi_rsdp_phys);
}
EOF
	cat >>"$WORK/stand_in.c" <<'EOF'

static void check_memory(const struct boot_info *bi)
{
	check("mmap-shape", bi->mmap_desc_size >= sizeof(struct efi_md) &&
		      bi->mmap_size % bi->mmap_desc_size == 0, bi->mmap_size);
	check_loader_data(bi, "loaderdata-boot-info", (uint64_t)(uintptr_t)bi,
			  sizeof(*bi));
	check_loader_data(bi, "loaderdata-hv", bi->hv_phys_base,
			  bi->hv_phys_size);
	check_loader_data(bi, "loaderdata-mmap", bi->mmap_phys, bi->mmap_size);
	check_loader_data(bi, "loaderdata-config", bi->config_dtb_phys,
			  bi->config_dtb_size);
	check_loader_data(bi, "loaderdata-trampoline", bi->trampoline_phys,
			  EFI_PAGE);
	check("trampoline-below-0x9f000",
	      bi->trampoline_phys && bi->trampoline_phys % EFI_PAGE == 0 &&
		      bi->trampoline_phys + EFI_PAGE <= TRAMPOLINE_LIMIT,
	      bi->trampoline_phys);
}

static void check_files(const struct boot_info *bi)
{
	check("config-fdt-magic",
	      *(const uint32_t *)bi->config_dtb_phys == FDT_MAGIC_LE,
	      bi->config_dtb_size);
	puts_("hv-config: ");
	puts_(bi->config_path);
	puts_("\n");
	for (uint32_t i = 0; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];
		const char *head = (const char *)m->phys;

		check_loader_data(bi, "loaderdata-module", m->phys, m->size);
		check("module-page-aligned", m->phys % EFI_PAGE == 0, m->phys);
		puts_("hv-module: ");
		puts_(m->path);
		puts_(" size ");
		puthex(m->size);
		puts_(" head ");
		for (int j = 0; j < 8 && j < (int)m->size; j++)
			putc_(head[j]);
		puts_("\n");
	}
}

void hv_entry(struct boot_info *bi)
{
	uint64_t here = (uint64_t)(uintptr_t)&hv_entry;

	puts_("hv-stand-in: entered\n");
	check_header(bi);
	check_image(bi, here);
	check_memory(bi);
	check_files(bi);
	puts_(nr_fail ? "hv-stand-in: FAILED\n" : "hv-stand-in: all checks ok\n");
	outb(DEBUG_EXIT, nr_fail ? EXIT_FAIL : EXIT_PASS);
	for (;;)
		__asm__ volatile("cli; hlt");
}
EOF
}

build_stand_in()
{
	write_stand_in
	gcc -I"$CORRAL_ROOT/include" -std=gnu11 -O2 -Wall -ffreestanding \
		-fpie -static-pie -nostdlib -mno-red-zone -mgeneral-regs-only \
		-fno-stack-protector -Wl,-e,hv_entry \
		-o "$WORK/corral.elf" "$WORK/stand_in.c"
}

make_esp()
{
	local esp=$WORK/esp

	[[ -f $ESP_SRC/EFI/BOOT/BOOTX64.EFI ]] ||
		die "no $ESP_SRC/EFI/BOOT/BOOTX64.EFI: build the corral_efi target"
	mkdir -p "$esp/EFI/BOOT" "$esp/corral"
	cp "$ESP_SRC/EFI/BOOT/BOOTX64.EFI" "$esp/EFI/BOOT/"
	cp "$WORK/corral.elf" "$esp/corral/corral.elf"
	dtc "${CORRAL_DTC_FLAGS[@]}" -I dts -O dtb -o "$esp/corral/system.dtb" \
		"$CONFIG"
	{ printf 'KERNEL--'; head -c "$KERNEL_BYTES" /dev/zero; } \
		>"$esp/corral/loader-kernel"
	printf 'INITRD-A' >"$esp/corral/loader-initrd-a"
	printf 'INITRD-B' >"$esp/corral/loader-initrd-b"
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
		-device "isa-debug-exit,iobase=$DEBUG_EXIT_PORT,iosize=1" \
		-no-reboot </dev/null >"$WORK/qemu.out" 2>&1 || rc=$?
	if ((rc == EXIT_PASS)); then
		say "ok: the stand-in hypervisor passed its checks (QEMU exit $rc)"
	elif ((rc == 124)); then
		fail "timeout: the stand-in hypervisor never exited"
	else
		fail "QEMU exited with $rc, not $EXIT_PASS"
	fi
}

main()
{
	trap cleanup EXIT
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/corral-loader-handoff.XXXXXX")
	build_stand_in
	make_esp
	run_qemu
	clean_serial "$LOG" >"$WORK/clean.log"
	check 'corral-efi: handing off to the hypervisor at 0x[0-9a-f]*[02468ace]00000$'
	check '^hv-stand-in: all checks ok$'
	check '^hv-config: .corral.system[.]dtb$'
	check '^hv-module: .corral.loader-kernel size 0x0*30d48 head KERNEL--$'
	check '^hv-module: .corral.loader-initrd-a size 0x0*8 head INITRD-A$'
	check '^hv-module: /corral/loader-initrd-b size 0x0*8 head INITRD-B$'
	if [[ $(grep -c '^hv-module: ' "$WORK/clean.log") != 3 ]]; then
		fail "expected 3 modules (the shared kernel once)"
	fi
	if grep -q 'hv-check: FAIL' "$WORK/clean.log"; then
		fail "$(grep 'hv-check: FAIL' "$WORK/clean.log" | tr '\n' ' ')"
	fi
	if ((FAILED > 0)); then
		say "$FAILED check(s) failed; last 60 serial lines:"
		tail -n 60 "$WORK/clean.log"
		exit 1
	fi
	say "all checks passed"
}

main "$@"
