// SPDX-License-Identifier: MIT
/*
 * Guest-physical accesses outside the VM's map. The virtual IOAPIC page is
 * emulated: the faulting instruction is fetched through the guest's page
 * tables and decoded (x86_decode.c), since neither EPT violations nor SVM
 * nested page faults without decode assists say what the access was. Any
 * other address stops the VM, naming the address: a guest can only crash
 * itself.
 */
#include <core/backend.h>
#include <core/emulate_mmio.h>
#include <core/guest_mem.h>
#include <core/stage2_sync.h>
#include <host/log.h>
#include <core/vm.h>
#include <guest/x86_decode.h>

static enum x86_mode decode_mode(const struct vcpu_mode *m)
{
	if (m->long_mode)
		return X86_MODE_64;
	return m->default_32 ? X86_MODE_32 : X86_MODE_16;
}

static int fetch_and_decode(struct vcpu *v, struct vcpu_mode *m,
			    struct x86_mmio_insn *insn, uint64_t gpa)
{
	uint8_t code[X86_MAX_INSN_LEN];
	size_t got;
	int rc;

	backend()->get_mode(v, m);
	got = guest_read_virt(v->vm, m, vcpu_mode_pc(m), code, sizeof(code));
	rc = x86_decode_mmio(code, got, decode_mode(m), insn);
	if (rc == X86_DECODE_OK)
		return 0;
	vm_stop(v->vm, VM_STOP_CRASH,
		"cannot emulate the MMIO access to 0x%llx at rip 0x%llx: instruction %s (bytes %02x %02x %02x %02x)",
		(unsigned long long)gpa, (unsigned long long)m->rip,
		rc == X86_DECODE_TRUNCATED ? "not readable" : "not supported",
		code[0], code[1], code[2], code[3]);
	return -EINVAL;
}

static uint64_t width_mask(uint8_t w)
{
	return w >= 8 ? ~0ull : (1ull << (8 * w)) - 1;
}

static void region_access(struct vcpu *v, const struct mmio_region *r,
			  uint64_t gpa)
{
	struct vcpu_mode m;
	struct x86_mmio_insn insn;
	uint64_t off = gpa - r->base;

	if (fetch_and_decode(v, &m, &insn, gpa))
		return;
	/* A device model sees only accesses wholly inside its region: one
	 * that runs past the end would reach the next physical page. */
	if (insn.width > r->size - off) {
		vm_stop(v->vm, VM_STOP_CRASH,
			"%u-byte MMIO access at 0x%llx runs past the end of an emulated region (0x%llx-0x%llx)",
			insn.width, (unsigned long long)gpa,
			(unsigned long long)r->base,
			(unsigned long long)(r->base + r->size - 1));
		return;
	}
	if (insn.op == X86_MMIO_STORE) {
		r->write(r->ctx, off, insn.width,
			 x86_mmio_store_value(&insn, v->gpr) &
				 width_mask(insn.width));
	} else {
		uint64_t *reg = &v->gpr[insn.reg];

		*reg = x86_mmio_load_result(&insn, *reg,
					    r->read(r->ctx, off, insn.width) &
						    width_mask(insn.width));
	}
	backend()->skip_insn(v, insn.len);
}

/* Only an instruction's own access can be emulated: the decoder knows
 * nothing of the CPU's page walks or of how it delivers an event, and
 * emulating the instruction at RIP instead would run it wrongly. */
static bool not_emulable(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vcpu_mode m;

	if (!e->npf.page_walk && !e->npf.event_delivery)
		return false;
	backend()->get_mode(v, &m);
	vm_stop(v->vm, VM_STOP_CRASH,
		"%s reached guest-physical address 0x%llx outside its RAM at rip 0x%llx",
		e->npf.event_delivery ? "event delivery (IDT, stack or TSS)" :
					"a walk of its page tables",
		(unsigned long long)e->npf.gpa, (unsigned long long)m.rip);
	return true;
}

void handle_npf(struct vcpu *v, const struct vcpu_exit *e)
{
	uint64_t gpa = e->npf.gpa;
	struct vcpu_mode m;
	const struct mmio_region *r;

	if (stage2_npf_settled(v->vm, gpa, e->npf.write, e->npf.fetch))
		return;
	if (not_emulable(v, e))
		return;
	r = e->npf.fetch ? NULL : vm_find_mmio(v->vm, gpa);
	if (r) {
		region_access(v, r, gpa);
		return;
	}
	backend()->get_mode(v, &m);
	vm_stop(v->vm, VM_STOP_CRASH,
		"%s of guest-physical address 0x%llx outside its memory at rip 0x%llx",
		e->npf.fetch ? "instruction fetch" :
		e->npf.write ? "write" :
			       "read",
		(unsigned long long)gpa, (unsigned long long)m.rip);
}
