// SPDX-License-Identifier: MIT
/* SDM Vol. 3A table 6-5, row by row (hypervisor/guest/exception_merge.c). */
#include <guest/exception_merge.h>
#include "test.h"

#define DE 0
#define DB 1
#define NMI 2
#define BP 3
#define UD 6
#define DF 8
#define TS 10
#define NP 11
#define SS 12
#define GP 13
#define PF 14
#define MC 18
#define VE 20

static void test_benign_first(void)
{
	CHECK_EQ(x86_exception_merge(DB, GP), X86_EXC_SERIAL);
	CHECK_EQ(x86_exception_merge(NMI, PF), X86_EXC_SERIAL);
	CHECK_EQ(x86_exception_merge(UD, DE), X86_EXC_SERIAL);
	CHECK_EQ(x86_exception_merge(MC, GP), X86_EXC_SERIAL);
}

static void test_contributory_first(void)
{
	CHECK_EQ(x86_exception_merge(GP, GP), X86_EXC_DOUBLE_FAULT);
	CHECK_EQ(x86_exception_merge(DE, NP), X86_EXC_DOUBLE_FAULT);
	CHECK_EQ(x86_exception_merge(TS, SS), X86_EXC_DOUBLE_FAULT);
	CHECK_EQ(x86_exception_merge(GP, PF), X86_EXC_SERIAL);
	CHECK_EQ(x86_exception_merge(GP, UD), X86_EXC_SERIAL);
}

static void test_page_fault_first(void)
{
	CHECK_EQ(x86_exception_merge(PF, PF), X86_EXC_DOUBLE_FAULT);
	CHECK_EQ(x86_exception_merge(PF, GP), X86_EXC_DOUBLE_FAULT);
	CHECK_EQ(x86_exception_merge(VE, PF), X86_EXC_DOUBLE_FAULT);
	CHECK_EQ(x86_exception_merge(PF, BP), X86_EXC_SERIAL);
}

static void test_double_fault_first(void)
{
	CHECK_EQ(x86_exception_merge(DF, GP), X86_EXC_TRIPLE_FAULT);
	CHECK_EQ(x86_exception_merge(DF, PF), X86_EXC_TRIPLE_FAULT);
	CHECK_EQ(x86_exception_merge(DF, DB), X86_EXC_SERIAL);
}

static void test_on_pending(void)
{
	uint8_t vec = GP;
	bool has_error = false;
	uint32_t error = 0x1234;

	CHECK_EQ(x86_exception_on_pending(PF, &vec, &has_error, &error),
		 X86_EXC_DOUBLE_FAULT);
	CHECK(vec == DF && has_error && error == 0);
	vec = UD;
	has_error = false;
	CHECK_EQ(x86_exception_on_pending(PF, &vec, &has_error, &error),
		 X86_EXC_SERIAL);
	CHECK(vec == UD && !has_error);
}

int main(void)
{
	test_on_pending();
	test_benign_first();
	test_contributory_first();
	test_page_fault_first();
	test_double_fault_first();
	return test_summary();
}
