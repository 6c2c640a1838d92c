// SPDX-License-Identifier: MIT
/*
 * The one vCPU backend this machine uses: VT-x (vmx/) where the CPU has it,
 * else AMD-V (svm/). Chosen once on the boot CPU, before any AP starts, and
 * never changed, so backend() needs no lock.
 */
#include <core/backend.h>
#include <host/host_lapic.h>
#include <host/log.h>
#include <host/percpu.h>

static const struct vcpu_backend *active_backend;

const struct vcpu_backend *backend(void)
{
	return active_backend;
}

static const struct vcpu_backend *const backends[] = { &vmx_backend,
						       &svm_backend };
#define NR_BACKENDS (sizeof(backends) / sizeof(backends[0]))

void backend_probe_and_select(void)
{
	char why[NR_BACKENDS][160];

	for (unsigned i = 0; i < NR_BACKENDS; i++) {
		if (!backends[i]->probe(why[i], sizeof(why[i]))) {
			active_backend = backends[i];
			pr_info("backend: %s", backends[i]->name);
			return;
		}
		pr_info("backend %s not usable here: %s", backends[i]->name,
			why[i]);
	}
	panic("no usable virtualization backend on this CPU");
}

void backend_enable_cpu(struct percpu *pc)
{
	char why[160];
	const char *upper = backend()->name[0] == 'v' ? "VMX" : "SVM";

	if (backend()->cpu_enable(pc, why, sizeof(why)))
		panic("cpu %u: cannot enable %s: %s", pc->cpu_id, upper, why);
	host_lapic_init(); /* slices, idle wake-ups and IPIs between pCPUs */
	pr_info("cpu %u: %s on", pc->cpu_id, upper);
}
