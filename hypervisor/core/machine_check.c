// SPDX-License-Identifier: MIT
/* Machine checks and VMs (core/machine_check.h). */
#include <core/machine_check.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <host/log.h>
#include <host/mce.h>
#include <host/percpu.h>
#include <host/timekeeping.h>
#include <arch/x86.h>
#include <format.h>
#include <ratelimit.h>

#define MCE_POLL_SECONDS 1
/* Corrected errors: at most this many lines per CPU a minute (a failing
 * DIMM can report thousands); the rest are counted. */
#define CORRECTED_LOG_BURST 10
#define CORRECTED_LOG_WINDOW_S 60

static struct vm **vms;
static uint32_t nr_vms;
static struct ratelimit corrected_rl[MAX_CPUS];

void machine_check_set_vms(struct vm **list, uint32_t nr)
{
	vms = list;
	nr_vms = nr;
}

static struct vm *ram_owner(uint64_t pa)
{
	for (uint32_t i = 0; i < nr_vms; i++) {
		struct vm *vm = vms[i];
		uint64_t base = (uint64_t)vm->ram;

		if (!__atomic_load_n(&vm->finished, __ATOMIC_ACQUIRE) &&
		    pa >= base && pa - base < vm->ram_size)
			return vm;
	}
	return NULL;
}

static bool quiet_corrected(const struct mce_record *r,
			    const struct mce_verdict *v)
{
	uint64_t suppressed = 0;
	bool allow;

	if (v->worst != MCE_CORRECTED)
		return false;
	allow = ratelimit_allow(&corrected_rl[r->cpu], rdtsc(),
				tsc_hz * CORRECTED_LOG_WINDOW_S,
				CORRECTED_LOG_BURST, &suppressed);
	if (allow && suppressed)
		pr_warn("machine check: %llu corrected errors on cpu %u were not logged",
			(unsigned long long)suppressed, r->cpu);
	return !allow;
}

static void stop_owner(uint64_t pa, uint32_t cpu)
{
	struct vm *owner = ram_owner(pa);

	if (!owner) {
		pr_err("machine check: the poisoned memory at 0x%llx is no VM's; corral carries on",
		       (unsigned long long)pa);
		return;
	}
	vm_poison(owner, pa);
	vm_stop(owner, VM_STOP_MACHINE_CHECK,
		"machine check on cpu %u: uncorrected error in its memory at host address 0x%llx",
		cpu, (unsigned long long)pa);
}

/* ran: the VM whose guest code the #MC interrupted, or NULL. */
static void act(const struct mce_record *r, struct vm *ran, const char *where)
{
	struct mce_verdict v;

	mce_judge(r, &v);
	if (quiet_corrected(r, &v))
		return;
	mce_log_record(r, where);
	if (v.fatal)
		panic("machine check on cpu %u %s: %s", r->cpu, where, v.why);
	for (uint32_t i = 0; i < v.nr_poisoned; i++)
		stop_owner(v.poisoned[i], r->cpu);
	if (v.stop_context && ran)
		vm_stop(ran, VM_STOP_MACHINE_CHECK,
			"machine check on cpu %u while it ran: %s", r->cpu,
			v.why);
}

void machine_check_in_guest(struct vcpu *v)
{
	struct mce_record r;
	char where[64];

	mce_collect(&r, true, true);
	snprintf(where, sizeof(where), "in vm %s", v->vm->name);
	act(&r, v->vm, where);
}

uint64_t machine_check_service(void)
{
	struct percpu *pc = this_cpu();
	struct mce_record r;
	uint64_t now = rdtsc();

	if (mce_take_pending(&r))
		act(&r, NULL, "in corral");
	if (now >= pc->mce_next_poll) {
		mce_collect(&r, false, false);
		if (r.nr)
			act(&r, NULL, "(found by the poll)");
		pc->mce_next_poll = now + tsc_hz * MCE_POLL_SECONDS;
	}
	return pc->mce_next_poll;
}
