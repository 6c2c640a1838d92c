// SPDX-License-Identifier: MIT
/* Machine-check architecture, the hardware side (host/mce.h). */
#include <arch/msr.h>
#include <arch/x86.h>
#include <host/log.h>
#include <host/mce.h>
#include <host/percpu.h>

#define CPUID1_EDX_MCE (1u << 7)
#define CPUID1_EDX_MCA (1u << 14)
#define X86_CR4_MCE (1ull << 6)

#define MCI_CTL(b) (MSR_IA32_MC0_CTL + 4 * (b))
#define MCI_STATUS(b) (MSR_IA32_MC0_CTL + 4 * (b) + 1)
#define MCI_ADDR(b) (MSR_IA32_MC0_CTL + 4 * (b) + 2)
#define MCI_MISC(b) (MSR_IA32_MC0_CTL + 4 * (b) + 3)

/* The same on every CPU (read on the boot CPU). */
static struct {
	bool enabled;
	uint64_t cap;
	uint32_t banks;
} mca;

/* P6-family Intel CPUs before Nehalem (model 0x1a) leave bank 0's
 * control to the firmware: writing it is undefined (SDM Vol. 3B 16.4). */
static bool bank0_is_firmwares(void)
{
	uint32_t sig = cpuid(1).eax;
	uint32_t family = (sig >> 8) & 0xf;
	uint32_t model = ((sig >> 4) & 0xf) | (((sig >> 16) & 0xf) << 4);

	return cpu_is_intel() && family == 6 && model < 0x1a;
}

void mce_cpu_init(void)
{
	struct cpuid_regs r = cpuid(1);
	struct mce_record left;
	bool boot_cpu = this_cpu()->cpu_id == 0;

	if (!(r.edx & CPUID1_EDX_MCE))
		return; /* no #MC at all: nothing to turn on */
	if (boot_cpu && (r.edx & CPUID1_EDX_MCA)) {
		mca.cap = rdmsr(MSR_IA32_MCG_CAP);
		mca.banks = mca.cap & MCG_CAP_COUNT_MASK;
		if (mca.banks > MCE_MAX_BANKS)
			mca.banks = MCE_MAX_BANKS;
		mca.enabled = true;
		pr_info("machine checks: %u banks%s; corral handles #MC%s",
			mca.banks,
			(mca.cap & MCG_CAP_SER_P) ? ", software-recoverable" :
						    "",
			mca.banks ? " and polls the banks every second" : "");
	}
	if (mca.enabled) {
		/* Errors from before corral (firmware, the last boot). */
		mce_collect(&left, false, false);
		if (left.nr)
			mce_log_record(&left, "before corral started");
		if (mca.cap & MCG_CAP_CTL_P)
			wrmsr(MSR_IA32_MCG_CTL, ~0ull);
		for (uint32_t b = bank0_is_firmwares() ? 1 : 0; b < mca.banks;
		     b++)
			wrmsr(MCI_CTL(b), ~0ull);
	}
	/* With CR4.MCE clear a machine check shuts the CPU down. */
	write_cr4(read_cr4() | X86_CR4_MCE);
}

void mce_collect(struct mce_record *r, bool from_exception, bool in_guest)
{
	r->cpu = this_cpu()->cpu_id;
	r->from_exception = from_exception;
	r->in_guest = in_guest;
	r->mcg_cap = mca.cap;
	r->mcg_status = 0;
	r->nr = 0;
	if (!mca.enabled)
		return;
	if (from_exception)
		r->mcg_status = rdmsr(MSR_IA32_MCG_STATUS);
	for (uint32_t b = 0; b < mca.banks; b++) {
		uint64_t status = rdmsr(MCI_STATUS(b));
		struct mce_bank_log *l = &r->log[r->nr];

		if (!(status & MCI_STATUS_VAL))
			continue;
		*l = (struct mce_bank_log){ .bank = (uint8_t)b,
					    .status = status };
		if (status & MCI_STATUS_ADDRV)
			l->addr = rdmsr(MCI_ADDR(b));
		if (status & MCI_STATUS_MISCV)
			l->misc = rdmsr(MCI_MISC(b));
		wrmsr(MCI_STATUS(b), 0);
		r->nr++;
	}
	if (from_exception)
		wrmsr(MSR_IA32_MCG_STATUS, 0);
}

void mce_log_record(const struct mce_record *r, const char *where)
{
	if (!r->nr && r->from_exception)
		pr_err("machine check on cpu %u %s: MCG_STATUS 0x%llx, no bank logged an error",
		       r->cpu, where, (unsigned long long)r->mcg_status);
	for (uint32_t i = 0; i < r->nr; i++) {
		const struct mce_bank_log *b = &r->log[i];
		enum mce_severity s = mce_bank_severity(r->mcg_cap, b->status,
							r->from_exception);

		log_msg(s == MCE_CORRECTED ? LOG_WARN : LOG_ERROR,
			"machine check on cpu %u %s: bank %u status 0x%016llx addr 0x%llx misc 0x%llx mcg_status 0x%llx (%s%s)",
			r->cpu, where, b->bank, (unsigned long long)b->status,
			(unsigned long long)b->addr,
			(unsigned long long)b->misc,
			(unsigned long long)r->mcg_status, mce_severity_name(s),
			(b->status & MCI_STATUS_OVER) ?
				", earlier errors were lost" :
				"");
	}
}

/* iret_frame: RIP, CS, RFLAGS, RSP, SS as the CPU pushed them. */
void host_mce_received(const uint64_t *iret_frame)
{
	struct percpu *pc = this_cpu();
	struct mce_record r;
	struct mce_verdict v;

	mce_collect(&r, true, false);
	mce_judge(&r, &v);
	if (v.fatal) {
		/* This CPU may hold the console lock: take it anyway. */
		log_bust_console_lock();
		mce_log_record(&r, "in corral");
		panic("machine check in corral on cpu %u at rip 0x%llx: %s",
		      pc->cpu_id, (unsigned long long)iret_frame[0], v.why);
	}
	if (__atomic_load_n(&pc->mce_pending, __ATOMIC_ACQUIRE)) {
		pc->mce_lost++; /* the last one was not looked at yet */
		return;
	}
	pc->mce = r;
	__atomic_store_n(&pc->mce_pending, true, __ATOMIC_RELEASE);
}

bool mce_take_pending(struct mce_record *r)
{
	struct percpu *pc = this_cpu();

	if (!__atomic_load_n(&pc->mce_pending, __ATOMIC_ACQUIRE))
		return false;
	*r = pc->mce;
	__atomic_store_n(&pc->mce_pending, false, __ATOMIC_RELEASE);
	if (pc->mce_lost) {
		pr_err("machine check: %u more on cpu %u came before this one was logged; their banks are lost",
		       pc->mce_lost, pc->cpu_id);
		pc->mce_lost = 0;
	}
	return true;
}
