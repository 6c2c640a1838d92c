// SPDX-License-Identifier: MIT
#include <core/backend.h>
#include <host/log.h>
#include <core/pcpu_loop.h>
#include <host/percpu.h>
#include <host/timekeeping.h>
#include <core/vcpu.h>
#include <core/vcpu_irq.h>
#include <core/vm.h>
#include <arch/x86.h>

void vcpu_kick(struct vcpu *v)
{
	if (v->pcpu != this_cpu()->cpu_id)
		pcpu_kick(v->pcpu);
}

void vcpu_post_irq(struct vcpu *v, uint8_t vector, bool level)
{
	uint32_t *bm = level ? v->posted_level : v->posted_edge;

	__atomic_or_fetch(&bm[vector / 32], 1u << (vector % 32),
			  __ATOMIC_SEQ_CST);
	/* One kick until the owner looks: a guest that fires IPIs in a loop
	 * sends the other pCPU one host IPI, not one per vector. */
	if (!__atomic_exchange_n(&v->kicked, true, __ATOMIC_SEQ_CST))
		vcpu_kick(v);
}

/* The owner's half: posted bits into IRR (and TMR for level ones). */
static void sync_posted(struct vcpu *v)
{
	/* A poster sets its bit, then `kicked`: with `kicked` clear nothing
	 * is waiting (a bit set just now brings its own kick), and the hot
	 * path costs one load. Cleared before the bits are read: a vector
	 * posted after this point kicks again, one posted before is seen. */
	if (!__atomic_load_n(&v->kicked, __ATOMIC_SEQ_CST))
		return;
	__atomic_store_n(&v->kicked, false, __ATOMIC_SEQ_CST);
	for (unsigned w = 0; w < 8; w++) {
		uint32_t edge = __atomic_exchange_n(&v->posted_edge[w], 0,
						    __ATOMIC_SEQ_CST);
		uint32_t level = __atomic_exchange_n(&v->posted_level[w], 0,
						     __ATOMIC_SEQ_CST);

		for (uint32_t bits = edge | level; bits; bits &= bits - 1) {
			unsigned bit = __builtin_ctz(bits);

			vlapic_set_irq(&v->lapic, (uint8_t)(w * 32 + bit),
				       level & (1u << bit));
		}
	}
}

void vcpu_post_nmi(struct vcpu *v)
{
	if (!backend()->guest_nmis())
		return;
	__atomic_store_n(&v->nmi_pending, true, __ATOMIC_SEQ_CST);
	if (!__atomic_exchange_n(&v->kicked, true, __ATOMIC_SEQ_CST))
		vcpu_kick(v);
}

bool vcpu_nmi_pending(const struct vcpu *v)
{
	return __atomic_load_n(&v->nmi_pending, __ATOMIC_SEQ_CST);
}

bool vcpu_irq_pending(struct vcpu *v)
{
	sync_posted(v);
	vlapic_timer_update(&v->lapic, rdtsc());
	return vlapic_pending(&v->lapic) >= 0;
}

void vcpu_nmi_deliver_msg(struct vm *vm, uint8_t dest, bool logical)
{
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		if (vlapic_match_dest8(&vm->vcpus[i]->lapic, dest, logical))
			vcpu_post_nmi(vm->vcpus[i]);
}

void vcpu_irq_deliver_msg(struct vm *vm, uint8_t dest, bool logical,
			  uint8_t vector, bool level, bool lowest)
{
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		if (!vlapic_match_dest8(&v->lapic, dest, logical))
			continue;
		vcpu_post_irq(v, vector, level);
		/* Lowest priority: any one target will do (10.6.2.4); the
		 * first is as good as any for a guest that cannot tell. */
		if (lowest)
			return;
	}
}

/* MSI format without remapping (SDM 3A 10.11.1, 10.11.2): address
 * 0xFEEx_xxxx with the destination in bits 19:12 and the destination mode
 * in bit 2; data with the vector in bits 7:0 and the delivery mode in
 * bits 10:8. An MSI is edge-triggered. */
#define MSI_ADDR_BASE_MASK 0xfff00000ull
#define MSI_ADDR_BASE 0xfee00000ull
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_LOGICAL (1u << 2)
#define MSI_DATA_DELIVERY_SHIFT 8

bool vcpu_msi_deliver(struct vm *vm, uint64_t addr, uint32_t data)
{
	uint8_t dest = (uint8_t)(addr >> MSI_ADDR_DEST_SHIFT);
	bool logical = addr & MSI_ADDR_LOGICAL;
	uint8_t mode = (data >> MSI_DATA_DELIVERY_SHIFT) & 7;

	if ((addr & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE)
		return false;
	if (mode == LAPIC_DELIVERY_NMI)
		vcpu_nmi_deliver_msg(vm, dest, logical);
	else if (mode == LAPIC_DELIVERY_FIXED || mode == LAPIC_DELIVERY_LOWEST)
		vcpu_irq_deliver_msg(vm, dest, logical, (uint8_t)data, false,
				     mode == LAPIC_DELIVERY_LOWEST);
	else
		return false;
	return true;
}

static void log_ipi_once(struct vcpu *from, const struct lapic_icr *icr)
{
	struct vm *vm = from->vm;

	if (vm->ipi_logged & (1u << icr->delivery))
		return;
	vm->ipi_logged |= 1u << icr->delivery;
	if (vm_log_budget(vm))
		pr_info("vm %s: IPI with delivery mode %u (vector 0x%x) from vCPU %u ignored (logged once)",
			vm->name, icr->delivery, icr->vector, from->id);
}

void vcpu_send_ipi(struct vcpu *from, uint64_t val)
{
	struct lapic_icr icr = lapic_icr_decode(val);
	struct vm *vm = from->vm;

	/* INIT and STARTUP are not needed: secondary vCPUs start through the
	 * MP wakeup mailbox. An NMI IPI ignores the vector (SDM 3A 10.6.1):
	 * Linux sends them for backtraces, kdump and stopping CPUs. */
	if (icr.delivery != LAPIC_DELIVERY_FIXED &&
	    icr.delivery != LAPIC_DELIVERY_LOWEST &&
	    icr.delivery != LAPIC_DELIVERY_NMI) {
		log_ipi_once(from, &icr);
		return;
	}
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		if (!vlapic_icr_targets(&icr, &from->lapic, &v->lapic))
			continue;
		if (icr.delivery == LAPIC_DELIVERY_NMI) {
			vcpu_post_nmi(v);
			continue;
		}
		vcpu_post_irq(v, icr.vector, false);
		if (icr.delivery == LAPIC_DELIVERY_LOWEST)
			return;
	}
}
