// SPDX-License-Identifier: MIT
/*
 * guests/hostile/hostile.c: a hostile guest, run as root in the busybox test
 * guest (guests/initramfs/init runs it for corral.hostile=1). It attacks the
 * hypervisor from inside its VM, in stages chosen by how often corral has
 * restarted the VM (corral.restart=N on the kernel command line), so that a
 * run with restart = "on-crash" goes through every stage, always in the
 * same order:
 *
 *   stage 0 (first boot)
 *     HOSTILE-STAGE 0
 *     HOSTILE-MSR writes=<n> failed=<m>       random WRMSRs via /dev/cpu/0/msr
 *     HOSTILE-PORTS writes=<n>                random OUTBs after iopl(3)
 *     HOSTILE-HYPERCALLS n=<n> eperm=<m> ud=<u> other=<o> insn=<i>
 *                                             VMCALL/VMMCALL from CPL 3
 *     HOSTILE-DEVMEM writing 0x<addr>         a store outside the VM's RAM
 *                                             through /dev/mem: corral stops
 *                                             the VM (a crash)
 *   stage 1 (corral.restart=1)
 *     HOSTILE-STAGE 1
 *     HOSTILE-TRIPLE loading <path>           triple.ko: a zero-limit IDT
 *                                             and int3, a triple fault
 *   stage 2 and later
 *     HOSTILE-STAGE <n>
 *     HOSTILE-DONE restarts=<n>               then exit 0: init powers off
 *
 * A stage that should have ended the VM but came back prints
 * HOSTILE-FAIL <what> ... and exits 1; so does any setup error.
 *
 * Everything random comes from one fixed-seed generator per storm, so every
 * run makes the same accesses. What the storms leave alone, and why, is in
 * the comments at msr_guest_owned() and port_excluded().
 *
 *   hostile [STAGE]     STAGE defaults to corral.restart= from /proc/cmdline
 *                       (0 without it)
 *
 * Built static (glibc) by guests/CMakeLists.txt; docs/lifecycle.md.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>

#define MSR_KO "/lib/corral/msr.ko"
#define TRIPLE_KO "/lib/corral/triple.ko"
#define MSR_DEV "/dev/cpu/0/msr"

#define MSR_WRITES 300
#define PORT_WRITES 3000
#define HYPERCALLS 100000
/* HC_ABI_VERSION (include/corral/hypercall.h): harmless at CPL 0, -EPERM
 * at CPL 3. */
#define HC_ABI_VERSION 0x43520000ul
#define CORRAL_EPERM 1
/* Not RAM in any corral VM: the MMIO hole [3 GiB, 4 GiB) holds only the
 * IOAPIC page (0xfec00000) and, for driver VMs, ECAM and BARs below it. */
#define DEVMEM_ADDR 0xf0000000ul
/* What the SIGILL handler leaves in RAX: no hypercall returns it. */
#define UD_MARK 0x5544554455445544ul
#define HC_INSN_LEN 3

static bool on_corral;

/* --- output ----------------------------------------------------------- */

/* Flush stdio and wait until the UART has sent it: before a step that ends
 * the VM, so that its line is not lost in the tty's buffer. */
static void drain(void)
{
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* --- a small deterministic generator (splitmix64) ---------------------- */

struct prng {
	uint64_t s;
};

static uint64_t prng_next(struct prng *p)
{
	uint64_t z = (p->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* --- the environment ---------------------------------------------------- */

static void cpu_vendor(char vendor[13])
{
	unsigned int eax, ebx, ecx, edx;

	__cpuid(0, eax, ebx, ecx, edx);
	memcpy(vendor + 0, &ebx, 4);
	memcpy(vendor + 4, &edx, 4);
	memcpy(vendor + 8, &ecx, 4);
	vendor[12] = '\0';
}

/* corral's signature at CPUID 0x40000000 (docs/hypercalls.md). */
static bool detect_corral(void)
{
	unsigned int eax, ebx, ecx, edx;
	char sig[13];

	__cpuid(1, eax, ebx, ecx, edx);
	if (!(ecx & (1u << 31)))
		return false;
	__cpuid(0x40000000, eax, ebx, ecx, edx);
	memcpy(sig + 0, &ebx, 4);
	memcpy(sig + 4, &ecx, 4);
	memcpy(sig + 8, &edx, 4);
	sig[12] = '\0';
	return strcmp(sig, "CorralHV") == 0;
}

/* corral.restart=N from the kernel command line; 0 without it. */
static long restart_count(void)
{
	char line[4096], *p;
	FILE *f = fopen("/proc/cmdline", "r");
	long n = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f)) {
		for (p = strtok(line, " \n"); p; p = strtok(NULL, " \n"))
			if (!strncmp(p, "corral.restart=", 15))
				n = strtol(p + 15, NULL, 10);
	}
	fclose(f);
	return n;
}

static int load_module(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = (int)syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret == -EEXIST ? 0 : ret;
}

/* --- stage 0: MSRs ------------------------------------------------------ */

/*
 * The guest's own CPU state, which the storm never writes: these MSRs are
 * either passed through to the guest (corral's guest_msr_passthrough[], guest/msr_policy.h) or
 * emulated for it (EFER, APIC base, TSC deadline, the x2APIC, kvmclock), so a
 * random value would kill or hang the guest's kernel, not test corral, and
 * the run would stop being deterministic. The TSC and TSC_ADJUST are here
 * for runs outside corral, where a write would move the guest's clock.
 */
static bool msr_guest_owned(uint32_t msr)
{
	return msr == 0x10 ||				   /* TSC */
	       msr == 0x1b ||				   /* APIC_BASE */
	       msr == 0x3b ||				   /* TSC_ADJUST */
	       (msr >= 0x174 && msr <= 0x176) ||	   /* SYSENTER_* */
	       msr == 0x277 ||				   /* PAT */
	       msr == 0x6e0 ||				   /* TSC_DEADLINE */
	       (msr >= 0x800 && msr <= 0x8ff) ||	   /* x2APIC */
	       (msr >= 0xc0000080 && msr <= 0xc0000084) || /* EFER, STAR.. */
	       (msr >= 0xc0000100 && msr <= 0xc0000103) || /* FS/GS, TSC_AUX */
	       (msr >= 0x4b564d00 && msr <= 0x4b564dff);   /* kvmclock */
}

/* An MSR index: mostly where real MSRs live, sometimes anywhere. Indices
 * in msr_guest_owned() are drawn again, so every draw is written. */
static uint32_t msr_pick(struct prng *p)
{
	static const struct {
		uint32_t base, span;
	} ranges[] = {
		{ 0x00000000, 0x2000 }, /* architectural */
		{ 0x00000000, 0x2000 }, { 0x00000000, 0x2000 },
		{ 0xc0000000, 0x200 }, /* AMD64 / extended */
		{ 0xc0010000, 0x400 }, /* AMD family */
		{ 0xc0011000, 0x100 }, /* AMD family */
		{ 0x40000000, 0x200 }, /* hypervisor range (Hyper-V, ...) */
		{ 0x00000000, 0 },     /* any 32-bit index */
	};
	uint32_t msr;

	do {
		uint64_t r = prng_next(p);
		unsigned int i = r % (sizeof(ranges) / sizeof(ranges[0]));

		r >>= 8;
		msr = ranges[i].span ?
			      ranges[i].base + (uint32_t)(r % ranges[i].span) :
			      (uint32_t)r;
	} while (msr_guest_owned(msr));
	return msr;
}

static uint64_t msr_value(struct prng *p)
{
	uint64_t r = prng_next(p);

	switch (r & 7) {
	case 0:
		return 0;
	case 1:
		return ~0ull;
	case 2:
		return 1ull << ((r >> 8) & 63);
	default:
		return prng_next(p);
	}
}

static int msr_storm(void)
{
	struct prng p = { 0x4d53522d53544f52ull }; /* "MSR-STOR" */
	unsigned int n, failed = 0;
	int fd, err;

	/* allow_writes=on: no "unrecognized MSR" warnings in the log. */
	err = load_module(MSR_KO, "allow_writes=on");
	if (err) {
		say("HOSTILE-FAIL msr: cannot load %s: %s", MSR_KO,
		    strerror(-err));
		return -1;
	}
	fd = open(MSR_DEV, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		say("HOSTILE-FAIL msr: %s: %s", MSR_DEV, strerror(errno));
		return -1;
	}
	for (n = 0; n < MSR_WRITES; n++) {
		uint32_t msr = msr_pick(&p);
		uint64_t val = msr_value(&p);

		/* The msr driver: an 8-byte write at offset <index> is a WRMSR
		 * on CPU 0; a #GP comes back as EIO. */
		if (pwrite(fd, &val, sizeof(val), msr) != sizeof(val))
			failed++;
	}
	close(fd);
	say("HOSTILE-MSR writes=%u failed=%u", n, failed);
	return 0;
}

/* --- stage 0: ports ----------------------------------------------------- */

/*
 * Ports the storm leaves alone so that the run stays deterministic: the
 * VM's own console (COM1), the reset register 0xcf9, the ACPI PM block
 * (power-off) and PCI configuration mechanism #1 (whose address latch other
 * code in this guest uses).
 */
static bool port_excluded(uint16_t port)
{
	return (port >= 0x3f8 && port <= 0x3ff) || port == 0xcf9 ||
	       (port >= 0x600 && port <= 0x60f) ||
	       (port >= 0xcf8 && port <= 0xcff);
}

static int port_storm(void)
{
	struct prng p = { 0x504f5254532d4f55ull }; /* "PORTS-OU" */
	unsigned int n = 0;

	if (iopl(3)) {
		say("HOSTILE-FAIL ports: iopl(3): %s", strerror(errno));
		return -1;
	}
	/*
	 * Outside corral the ports are a real (emulated) PC's: the keyboard
	 * controller and port 0x92 reset it, the PIC and PIT stop its clock,
	 * and a NIC's I/O BAR starts DMA. There the same sequence is drawn
	 * but every byte goes to port 0x80 (POST codes, harmless everywhere).
	 */
	if (!on_corral)
		say("HOSTILE-NOTE not on corral: the port writes all go to port 0x80");
	while (n < PORT_WRITES) {
		uint64_t r = prng_next(&p);
		uint16_t port = (uint16_t)r;

		if (port_excluded(port))
			continue;
		outb((uint8_t)(r >> 16), on_corral ? port : 0x80);
		n++;
	}
	iopl(0);
	say("HOSTILE-PORTS writes=%u", n);
	return 0;
}

/* --- stage 0: hypercalls from user space -------------------------------- */

/* Without a hypervisor (or with the other vendor's instruction) VMCALL and
 * VMMCALL raise #UD: step over the 3-byte instruction and mark RAX. */
static void on_sigill(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] += HC_INSN_LEN;
	uc->uc_mcontext.gregs[REG_RAX] = (greg_t)UD_MARK;
}

/* The plain encodings, no prefixes (docs/hypercalls.md). */
static long vmcall(unsigned long nr)
{
	unsigned long ret;

	asm volatile(".byte 0x0f, 0x01, 0xc1" /* vmcall */
		     : "=a"(ret)
		     : "a"(nr), "D"(0ul), "S"(0ul), "d"(0ul)
		     : "memory");
	return (long)ret;
}

static long vmmcall(unsigned long nr)
{
	unsigned long ret;

	asm volatile(".byte 0x0f, 0x01, 0xd9" /* vmmcall */
		     : "=a"(ret)
		     : "a"(nr), "D"(0ul), "S"(0ul), "d"(0ul)
		     : "memory");
	return (long)ret;
}

static int hypercall_storm(void)
{
	struct sigaction sa = { 0 }, old;
	unsigned long eperm = 0, ud = 0, other = 0, n;
	long (*call)(unsigned long);
	char vendor[13];
	long first_other = 0;

	cpu_vendor(vendor);
	call = strcmp(vendor, "GenuineIntel") ? vmmcall : vmcall;
	sa.sa_sigaction = on_sigill;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGILL, &sa, &old)) {
		say("HOSTILE-FAIL hypercalls: sigaction: %s", strerror(errno));
		return -1;
	}
	for (n = 0; n < HYPERCALLS; n++) {
		long ret = call(HC_ABI_VERSION);

		if (ret == -CORRAL_EPERM) {
			eperm++;
		} else if ((unsigned long)ret == UD_MARK) {
			ud++;
		} else {
			if (!other)
				first_other = ret;
			other++;
		}
	}
	sigaction(SIGILL, &old, NULL);
	say("HOSTILE-HYPERCALLS n=%lu eperm=%lu ud=%lu other=%lu insn=%s", n,
	    eperm, ud, other, call == vmcall ? "vmcall" : "vmmcall");
	if (other)
		say("HOSTILE-NOTE a hypercall from CPL 3 returned %ld",
		    first_other);
	return 0;
}

/* --- stage 0: memory outside the VM ------------------------------------- */

static int devmem_write(void)
{
	volatile uint32_t *p;
	int fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);

	if (fd < 0) {
		say("HOSTILE-FAIL devmem: /dev/mem: %s", strerror(errno));
		return -1;
	}
	/* CONFIG_STRICT_DEVMEM lets root map what is neither RAM nor a
	 * driver's busy region. */
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)DEVMEM_ADDR);
	if (p == MAP_FAILED) {
		say("HOSTILE-FAIL devmem: mmap of 0x%lx: %s", DEVMEM_ADDR,
		    strerror(errno));
		close(fd);
		return -1;
	}
	say("HOSTILE-DEVMEM writing 0x%lx", DEVMEM_ADDR);
	drain();
	*p = 0xdeadbeef;
	/* Outside corral the write reaches nothing and the program goes on. */
	say("HOSTILE-DEVMEM survived, read back 0x%08" PRIx32, *p);
	munmap((void *)p, 4096);
	close(fd);
	return 0;
}

/* --- the stages --------------------------------------------------------- */

static int stage0(void)
{
	if (msr_storm() || port_storm() || hypercall_storm() || devmem_write())
		return 1;
	/* On corral the store above stops the VM: reaching here is a failure. */
	say("HOSTILE-FAIL devmem: the VM was not stopped");
	return 1;
}

static int stage1(void)
{
	int err;

	say("HOSTILE-TRIPLE loading %s", TRIPLE_KO);
	drain();
	err = load_module(TRIPLE_KO, "");
	say("HOSTILE-FAIL triple: the VM survived (%s)",
	    err ? strerror(-err) : "the module loaded and returned");
	return 1;
}

int main(int argc, char **argv)
{
	long stage;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 || (argc == 2 && !strcmp(argv[1], "--help"))) {
		fprintf(stderr, "usage: hostile [STAGE]\n");
		return 2;
	}
	stage = argc == 2 ? strtol(argv[1], NULL, 10) : restart_count();
	on_corral = detect_corral();
	say("HOSTILE-STAGE %ld", stage);
	if (!on_corral)
		say("HOSTILE-NOTE CPUID 0x40000000 is not CorralHV");
	switch (stage) {
	case 0:
		return stage0();
	case 1:
		return stage1();
	default:
		say("HOSTILE-DONE restarts=%ld", stage);
		return 0;
	}
}
