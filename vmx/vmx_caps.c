// SPDX-License-Identifier: MIT
/*
 * One table of the controls corral requires or would like, one function that
 * turns capability MSRs into control words (SDM Vol. 3C A.3-A.5, 31.5.1):
 * a capability MSR's low half holds the allowed-0 settings (bits that must
 * be 1) and its high half the allowed-1 settings (bits that may be 1). With
 * IA32_VMX_BASIC[55] set, the TRUE_* MSRs say which default-1 bits may be
 * cleared (CR3-load/store exiting must go for EPT).
 */
#include "vmx_caps.h"
#include <errno.h>
#include <string.h>

struct ctl_bit {
	uint32_t bit;
	bool required;
	const char *name;
};

static const struct ctl_bit pin_bits[] = {
	{ PIN_EXTERNAL_INTERRUPT_EXITING, true,
	  "external-interrupt exiting (pin-based bit 0)" },
	{ PIN_NMI_EXITING, true, "NMI exiting (pin-based bit 3)" },
	{ PIN_VIRTUAL_NMIS, false, "virtual NMIs" },
	{ PIN_PREEMPTION_TIMER, false, "VMX preemption timer" },
};

static const struct ctl_bit proc_bits[] = {
	{ PROC_HLT_EXITING, true, "HLT exiting (primary bit 7)" },
	{ PROC_MWAIT_EXITING, true, "MWAIT exiting (primary bit 10)" },
	{ PROC_RDPMC_EXITING, true, "RDPMC exiting (primary bit 11)" },
	{ PROC_CR8_LOAD_EXITING, false, "CR8-load exiting" },
	{ PROC_CR8_STORE_EXITING, false, "CR8-store exiting" },
	{ PROC_USE_IO_BITMAPS, true, "I/O bitmaps (primary bit 25)" },
	{ PROC_USE_MSR_BITMAPS, true, "MSR bitmaps (primary bit 28)" },
	{ PROC_MONITOR_EXITING, true, "MONITOR exiting (primary bit 29)" },
	{ PROC_ACTIVATE_SECONDARY, true,
	  "secondary controls (primary bit 31)" },
};

static const struct ctl_bit proc2_bits[] = {
	{ PROC2_ENABLE_EPT, true, "EPT (secondary bit 1)" },
	{ PROC2_ENABLE_RDTSCP, false, "RDTSCP" },
	{ PROC2_ENABLE_VPID, false, "VPID" },
	{ PROC2_ENABLE_INVPCID, false, "INVPCID" },
	/* Secondary vCPUs start through unpaged 32-bit mode (vmx_vcpu.c). */
	{ PROC2_UNRESTRICTED_GUEST, false, "unrestricted guest" },
};

static const struct ctl_bit exit_bits[] = {
	{ EXIT_SAVE_DEBUG_CONTROLS, false, "save debug controls" },
	{ EXIT_HOST_ADDR_SPACE_SIZE, true, "64-bit host (exit bit 9)" },
	{ EXIT_ACK_INTERRUPT_ON_EXIT, true,
	  "acknowledge interrupt on exit (exit bit 15)" },
	{ EXIT_SAVE_IA32_PAT, true, "save IA32_PAT (exit bit 18)" },
	{ EXIT_LOAD_IA32_PAT, true, "load IA32_PAT (exit bit 19)" },
	{ EXIT_SAVE_IA32_EFER, true, "save IA32_EFER (exit bit 20)" },
	{ EXIT_LOAD_IA32_EFER, true, "load IA32_EFER (exit bit 21)" },
};

static const struct ctl_bit entry_bits[] = {
	{ ENTRY_LOAD_DEBUG_CONTROLS, false, "load debug controls" },
	{ ENTRY_LOAD_IA32_PAT, true, "load IA32_PAT (entry bit 14)" },
	{ ENTRY_LOAD_IA32_EFER, true, "load IA32_EFER (entry bit 15)" },
};

/* Controls corral never wants set, even where they default to 1. */
static const uint32_t proc_unwanted =
	PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING | PROC_INVLPG_EXITING |
	PROC_RDTSC_EXITING | PROC_UNCONDITIONAL_IO_EXITING |
	PROC_MOV_DR_EXITING;

static void set_why(char *why, size_t n, const char *a, const char *b)
{
	size_t la = strnlen(a, n), lb;

	if (!n)
		return;
	memcpy(why, a, la < n ? la : n - 1);
	why[la < n ? la : n - 1] = '\0';
	lb = strlen(b);
	la = strlen(why);
	if (la + lb + 1 > n)
		lb = n - la - 1;
	memcpy(why + la, b, lb);
	why[la + lb] = '\0';
}

/* Returns false and names the first required bit that cannot be 1. */
static bool compute(uint64_t cap, const struct ctl_bit *bits, size_t nbits,
		    uint32_t unwanted, uint32_t *out, char *why, size_t n)
{
	uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);
	uint32_t want = 0;

	for (size_t i = 0; i < nbits; i++) {
		if (may & bits[i].bit) {
			want |= bits[i].bit;
		} else if (bits[i].required) {
			set_why(why, n,
				"the CPU lacks the required VMX control: ",
				bits[i].name);
			return false;
		}
	}
	/* A default-1 bit that cannot be cleared stays set; it only costs exits. */
	*out = ((want & ~unwanted) | must) & may;
	return true;
}

#define COMPUTE(cap, tbl, unw, out) \
	compute(cap, tbl, sizeof(tbl) / sizeof(tbl[0]), unw, out, why, n)

int vmx_compute_controls(const struct vmx_cap_msrs *c, struct vmx_controls *o,
			 char *why, size_t n)
{
	bool true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;

	memset(o, 0, sizeof(*o));
	if (((c->basic >> VMX_BASIC_MEMTYPE_SHIFT) & 0xf) !=
	    VMX_BASIC_MEMTYPE_WB) {
		set_why(why, n, "VMCS memory type is not write-back", "");
		return -ENOTSUP;
	}
	if (!COMPUTE(true_ctls ? c->true_pinbased : c->pinbased, pin_bits, 0,
		     &o->pin) ||
	    !COMPUTE(true_ctls ? c->true_procbased : c->procbased, proc_bits,
		     proc_unwanted, &o->proc) ||
	    !COMPUTE(c->procbased2, proc2_bits, 0, &o->proc2) ||
	    !COMPUTE(true_ctls ? c->true_exit : c->exit, exit_bits, 0,
		     &o->exit) ||
	    !COMPUTE(true_ctls ? c->true_entry : c->entry, entry_bits, 0,
		     &o->entry))
		return -ENOTSUP;
	if (!(c->ept_vpid & EPT_CAP_WALK_4) || !(c->ept_vpid & EPT_CAP_WB)) {
		set_why(why, n, "the CPU lacks the required EPT feature: ",
			"4-level walk with write-back tables");
		return -ENOTSUP;
	}
	/* vmx_vcpu.c flushes with the single-context type: an all-context-only
	 * INVEPT would fail there (VMfail) and leave stale translations. */
	if (!(c->ept_vpid & EPT_CAP_INVEPT) ||
	    !(c->ept_vpid & EPT_CAP_INVEPT_SINGLE)) {
		set_why(why, n, "the CPU lacks the required EPT feature: ",
			"INVEPT (single-context)");
		return -ENOTSUP;
	}
	o->ept_wb = true;
	o->ept_2m = c->ept_vpid & EPT_CAP_2M;
	o->preemption_timer = o->pin & PIN_PREEMPTION_TIMER;
	o->preemption_timer_rate = c->misc & 0x1f;
	o->rdtscp = o->proc2 & PROC2_ENABLE_RDTSCP;
	o->invpcid = o->proc2 & PROC2_ENABLE_INVPCID;
	/* vmx_vcpu.c flushes a VPID with the single-context type: without
	 * INVVPID or that type there is no way to flush, so no VPID. */
	if ((o->proc2 & PROC2_ENABLE_VPID) &&
	    (!(c->ept_vpid & VPID_CAP_INVVPID) ||
	     !(c->ept_vpid & VPID_CAP_INVVPID_SINGLE)))
		o->proc2 &= ~PROC2_ENABLE_VPID;
	o->vpid = o->proc2 & PROC2_ENABLE_VPID;
	o->unrestricted = o->proc2 & PROC2_UNRESTRICTED_GUEST;
	o->guest_nmis = (o->pin & PIN_VIRTUAL_NMIS) &&
			((true_ctls ? c->true_procbased : c->procbased) >> 32 &
			 PROC_NMI_WINDOW_EXITING);
	o->entry &= ~ENTRY_IA32E_MODE_GUEST; /* set per guest from EFER.LMA */
	return 0;
}
