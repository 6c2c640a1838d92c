/* SPDX-License-Identifier: MIT */
/* The DMA-isolation test hook of test-dma-targets (core/dma_test.c). */
#ifndef CORRAL_CORE_DMA_TEST_H
#define CORRAL_CORE_DMA_TEST_H
#include <stdbool.h>
#include <stddef.h>

struct vm;

/* Appends " corral.dma_attack=<hv>,<other VM>" to the VM's boot arguments. */
void dma_test_bootargs(struct vm *vm, char *bootargs, size_t n);
/* Checksums both targets: records them at a run's start, compares at its
 * end and logs "unchanged" or "CHANGED". Does nothing without the property. */
void dma_test_report(struct vm *vm, bool at_start);

#endif
