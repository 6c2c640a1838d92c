// SPDX-License-Identifier: MIT
/*
 * Power-off after every VM has stopped, so that a run ends. UEFI runtime
 * services stay callable after ExitBootServices in physical mode because
 * corral identity-maps all memory and never calls SetVirtualAddressMap
 * (UEFI 2.10, 8.5.1 ResetSystem).
 */
#include <host/boot.h>
#include <host/log.h>
#include <host/power.h>
#include <arch/x86.h>

#define EFI_RESET_SHUTDOWN 2
#define EFI_SYSTEM_TABLE_RUNTIME_OFFSET \
	88 /* EFI_SYSTEM_TABLE.RuntimeServices */
#define EFI_RUNTIME_RESET_SYSTEM_OFFSET \
	104 /* EFI_RUNTIME_SERVICES.ResetSystem */
#define BOCHS_SHUTDOWN_PORT 0x8900

typedef void __attribute__((ms_abi)) (*efi_reset_system_fn)(int type,
							    uint64_t status,
							    uint64_t size,
							    void *data);

static void efi_reset_shutdown(void)
{
	uint64_t st = boot_info->efi_system_table_phys, rt;
	efi_reset_system_fn reset;

	if (!st)
		return;
	rt = *(uint64_t *)(st + EFI_SYSTEM_TABLE_RUNTIME_OFFSET);
	if (!rt)
		return;
	reset = *(efi_reset_system_fn *)(rt + EFI_RUNTIME_RESET_SYSTEM_OFFSET);
	if (reset)
		reset(EFI_RESET_SHUTDOWN, 0, 0, 0);
}

static void bochs_shutdown(void)
{
	for (const char *s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
}

void machine_power_off(void)
{
	efi_reset_shutdown();
	bochs_shutdown();
	pr_err("power-off failed: halting");
	halt_forever();
}
