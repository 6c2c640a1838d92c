// SPDX-License-Identifier: MIT
/* The hypercall ABI (include/corral/hypercall.h, docs/hypercalls.md). */
#include <corral/hypercall.h>
#include <core/backend.h>
#include <core/hypercall.h>
#include <host/log.h>
#include <string.h>
#include <core/vm.h>
#include <core/vm_channel.h>

#define VMCALL_LEN 3 /* 0f 01 c1 (VMCALL) and 0f 01 d9 (VMMCALL) */

static int64_t console_write(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	const char *buf;

	if (len > HC_CONSOLE_WRITE_MAX)
		return -CORRAL_EINVAL;
	buf = vm_gpa_to_host(v->vm, gpa, len);
	if (!buf)
		return -CORRAL_EFAULT;
	/* Shares the VM's console line buffer with its UART output. */
	vuart_feed(&v->vm->uart, buf, len);
	return (int64_t)len;
}

static int64_t hc_vm_info(struct vcpu *v, uint64_t gpa)
{
	struct corral_vm_info *info = vm_gpa_to_host(v->vm, gpa, sizeof(*info));

	if (!info)
		return -CORRAL_EFAULT;
	memset(info, 0, sizeof(*info));
	info->abi_version = CORRAL_HYPERCALL_ABI_VERSION;
	info->vm_id = v->vm->id;
	info->nr_vcpus = v->vm->nr_vcpus;
	info->memory_mib = v->vm->cfg->memory_mib;
	memcpy(info->name, v->vm->name,
	       strnlen(v->vm->name, sizeof(info->name) - 1));
	return 0;
}

static int64_t dispatch(struct vcpu *v)
{
	uint64_t nr = v->gpr[GPR_RAX];

	switch (nr) {
	case HC_ABI_VERSION:
		return CORRAL_HYPERCALL_ABI_VERSION;
	case HC_CONSOLE_WRITE:
		return console_write(v, v->gpr[GPR_RDI], v->gpr[GPR_RSI]);
	case HC_VM_INFO:
		return hc_vm_info(v, v->gpr[GPR_RDI]);
	case HC_CHANNEL_INTERRUPT:
		return vm_channel_interrupt(v->vm, v->gpr[GPR_RDI],
					    v->gpr[GPR_RSI], v->gpr[GPR_RDX]);
	case HC_CHANNEL_ACK:
		return vm_channel_ack(v->vm, v->gpr[GPR_RDI], v->gpr[GPR_RSI]);
	case HC_CHANNEL_BROKEN:
		return vm_channel_broken(v->vm, v->gpr[GPR_RDI],
					 v->gpr[GPR_RSI], v->gpr[GPR_RDX]);
	case HC_CHANNEL_BLK_CAPACITY:
		return vm_channel_set_blk_capacity(v->vm, v->gpr[GPR_RDI],
						   v->gpr[GPR_RSI]);
	}
	return -CORRAL_ENOSYS;
}

void handle_hypercall(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vcpu_mode m;

	backend()->get_mode(v, &m);
	/* Only the guest kernel may call: user space gets -EPERM. */
	if (m.cpl != 0)
		v->gpr[GPR_RAX] = (uint64_t)-CORRAL_EPERM;
	else
		v->gpr[GPR_RAX] = (uint64_t)dispatch(v);
	backend()->skip_insn(v, e->insn_len ? e->insn_len : VMCALL_LEN);
}
