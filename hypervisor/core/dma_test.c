// SPDX-License-Identifier: MIT
/*
 * The DMA-isolation test hook (test-dma-targets, docs/device-assignment.md):
 * a driver VM's test module is told two host-physical addresses it must not
 * reach, the hypervisor image and another VM's RAM, and aims DMA at them;
 * corral checksums both before and after the run.
 */
#include <core/dma_test.h>
#include <core/vm.h>
#include <format.h>
#include <host/boot.h>
#include <host/log.h>
#include <string.h>

/* test-dma-targets (docs/device-assignment.md): the hypervisor image and
 * another VM's RAM, whose host-physical addresses the guest is told so that
 * its test module can aim DMA at them; corral checksums both. */
static uint64_t dma_test_target[2];
static uint32_t dma_test_sum[2];
static uint32_t checksum_page(uint64_t hpa)
{
	const uint32_t *p = (const uint32_t *)hpa;
	uint32_t s = 0x12345678;

	for (int i = 0; i < 1024; i++)
		s = (s ^ p[i]) * 16777619u;
	return s;
}

void dma_test_bootargs(struct vm *vm, char *bootargs, size_t n)
{
	size_t len = strlen(bootargs);

	dma_test_target[0] = boot_info->hv_phys_base;
	dma_test_target[1] =
		vm_first_created && vm_first_created != vm ?
			(uint64_t)vm_first_created->ram + 0x100000 :
			0;
	/* Inside the attacker's own guest-physical RAM range the address is a
	 * legal DMA target for it: no test of the fence then. */
	for (int i = 0; i < 2; i++) {
		if (dma_test_target[i] && dma_test_target[i] < vm->ram_size) {
			pr_warn("dma-test: target 0x%llx lies inside vm %s's own RAM range; left out",
				(unsigned long long)dma_test_target[i],
				vm->name);
			dma_test_target[i] = 0;
		}
	}
	snprintf(bootargs + len, n - len, " corral.dma_attack=0x%llx,0x%llx",
		 (unsigned long long)dma_test_target[0],
		 (unsigned long long)dma_test_target[1]);
}

void dma_test_report(struct vm *vm, bool at_start)
{
	static const char *const what[2] = { "hypervisor image",
					     "another VM's RAM" };

	if (!vm->cfg->test_dma_targets)
		return;
	for (int i = 0; i < 2; i++) {
		uint32_t sum;

		if (!dma_test_target[i])
			continue;
		sum = checksum_page(dma_test_target[i]);
		if (at_start) {
			dma_test_sum[i] = sum;
			pr_info("dma-test: target %s at 0x%llx: checksum 0x%08x",
				what[i], (unsigned long long)dma_test_target[i],
				sum);
		} else {
			pr_info("dma-test: target %s at 0x%llx: checksum 0x%08x, %s",
				what[i], (unsigned long long)dma_test_target[i],
				sum,
				sum == dma_test_sum[i] ? "unchanged" :
							 "CHANGED");
		}
	}
}
