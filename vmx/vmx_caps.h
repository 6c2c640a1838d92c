/* SPDX-License-Identifier: MIT */
/*
 * VMX control computation from the capability MSRs (SDM Vol. 3C appendix A,
 * 31.5.1). Pure logic: the MSR values come in a struct, so host tests can
 * feed it Bochs' Skylake-X values and a real CPU's.
 */
#ifndef CORRAL_VMX_CAPS_H
#define CORRAL_VMX_CAPS_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct vmx_cap_msrs {
	uint64_t basic;
	uint64_t pinbased, procbased, exit, entry; /* legacy */
	uint64_t true_pinbased, true_procbased, true_exit, true_entry;
	uint64_t procbased2;
	uint64_t ept_vpid;
	uint64_t misc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

struct vmx_controls {
	uint32_t pin, proc, proc2, exit, entry;
	bool preemption_timer;
	uint8_t preemption_timer_rate; /* timer ticks = TSC >> rate */
	bool vpid;
	bool invpcid;
	bool rdtscp;
	bool unrestricted; /* CR0.PE/PG may be 0 in the guest (SDM 3C 26.3.1.1) */
	/* Guest NMIs: virtual NMIs with NMI-window exiting (SDM 3C 25.3,
	 * 26.7.6), set at run time like the interrupt window. */
	bool guest_nmis;
	bool ept_wb, ept_2m;
};

/* Pin-based (24.6.1) */
#define PIN_EXTERNAL_INTERRUPT_EXITING (1u << 0)
#define PIN_NMI_EXITING (1u << 3)
#define PIN_VIRTUAL_NMIS (1u << 5)
#define PIN_PREEMPTION_TIMER (1u << 6)
/* Primary processor-based (24.6.2) */
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2)
#define PROC_USE_TSC_OFFSETTING (1u << 3)
#define PROC_HLT_EXITING (1u << 7)
#define PROC_INVLPG_EXITING (1u << 9)
#define PROC_MWAIT_EXITING (1u << 10)
#define PROC_RDPMC_EXITING (1u << 11)
#define PROC_RDTSC_EXITING (1u << 12)
#define PROC_CR3_LOAD_EXITING (1u << 15)
#define PROC_CR3_STORE_EXITING (1u << 16)
#define PROC_CR8_LOAD_EXITING (1u << 19)
#define PROC_CR8_STORE_EXITING (1u << 20)
#define PROC_TPR_SHADOW (1u << 21)
#define PROC_NMI_WINDOW_EXITING (1u << 22)
#define PROC_MOV_DR_EXITING (1u << 23)
#define PROC_UNCONDITIONAL_IO_EXITING (1u << 24)
#define PROC_USE_IO_BITMAPS (1u << 25)
#define PROC_MONITOR_TRAP_FLAG (1u << 27)
#define PROC_USE_MSR_BITMAPS (1u << 28)
#define PROC_MONITOR_EXITING (1u << 29)
#define PROC_PAUSE_EXITING (1u << 30)
#define PROC_ACTIVATE_SECONDARY (1u << 31)
/* Secondary processor-based (24.6.2) */
#define PROC2_VIRTUALIZE_APIC_ACCESSES (1u << 0)
#define PROC2_ENABLE_EPT (1u << 1)
#define PROC2_DESCRIPTOR_TABLE_EXITING (1u << 2)
#define PROC2_ENABLE_RDTSCP (1u << 3)
#define PROC2_VIRTUALIZE_X2APIC (1u << 4)
#define PROC2_ENABLE_VPID (1u << 5)
#define PROC2_WBINVD_EXITING (1u << 6)
#define PROC2_UNRESTRICTED_GUEST (1u << 7)
#define PROC2_ENABLE_INVPCID (1u << 12)
#define PROC2_ENABLE_XSAVES (1u << 20)
/* VM-exit controls (24.7.1) */
#define EXIT_SAVE_DEBUG_CONTROLS (1u << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE (1u << 9)
#define EXIT_ACK_INTERRUPT_ON_EXIT (1u << 15)
#define EXIT_SAVE_IA32_PAT (1u << 18)
#define EXIT_LOAD_IA32_PAT (1u << 19)
#define EXIT_SAVE_IA32_EFER (1u << 20)
#define EXIT_LOAD_IA32_EFER (1u << 21)
/* VM-entry controls (24.8.1) */
#define ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define ENTRY_IA32E_MODE_GUEST (1u << 9)
#define ENTRY_LOAD_IA32_PAT (1u << 14)
#define ENTRY_LOAD_IA32_EFER (1u << 15)

/* IA32_VMX_BASIC (A.1) */
#define VMX_BASIC_TRUE_CTLS (1ull << 55)
#define VMX_BASIC_REVISION_MASK 0x7fffffffull
#define VMX_BASIC_MEMTYPE_SHIFT 50
#define VMX_BASIC_MEMTYPE_WB 6ull
/* IA32_VMX_EPT_VPID_CAP (A.10) */
#define EPT_CAP_WALK_4 (1ull << 6)
#define EPT_CAP_WB (1ull << 14)
#define EPT_CAP_2M (1ull << 16)
#define EPT_CAP_INVEPT (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE (1ull << 25)
#define EPT_CAP_INVEPT_ALL (1ull << 26)
#define VPID_CAP_INVVPID (1ull << 32)
#define VPID_CAP_INVVPID_SINGLE (1ull << 41)

/* Computes every control word. 0 on success; otherwise -1 and `why` names the
 * first required feature the CPU lacks, e.g. "EPT (secondary control bit 1)". */
int vmx_compute_controls(const struct vmx_cap_msrs *caps,
			 struct vmx_controls *out, char *why, size_t n);

/* The value a control register must hold in VMX operation (fixed bits). */
static inline uint64_t vmx_fix_cr(uint64_t val, uint64_t fixed0,
				  uint64_t fixed1)
{
	return (val | fixed0) & fixed1;
}

#endif
