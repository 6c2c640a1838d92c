# Flags for code that runs without an OS: the hypervisor (and, with GNU-EFI
# additions, the loader). No libc: headers come from the compiler
# (stddef.h, stdint.h, ...), from lib/libc (string.h, stdlib.h, errno.h) and
# from lib/include (corral's own library: format.h, bitmap.h, ...).
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
	OUTPUT_VARIABLE CORRAL_CC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)

set(CORRAL_FREESTANDING_FLAGS
	-ffreestanding -mno-red-zone -mgeneral-regs-only -fno-stack-protector
	-fno-stack-check -fno-builtin -nostdinc -isystem ${CORRAL_CC_INCLUDE}
	-fno-common -fno-asynchronous-unwind-tables -fno-omit-frame-pointer
	-Wall -Wextra -Wno-unused-parameter -Werror
	-O2 -g -fno-tree-loop-distribute-patterns)

# corral_freestanding(<target> [PIE]): make <target> build for bare metal.
function(corral_freestanding target)
	target_compile_options(${target} PRIVATE ${CORRAL_FREESTANDING_FLAGS}
		$<$<COMPILE_LANGUAGE:C>:-fpie>)
	target_include_directories(${target} BEFORE PRIVATE
		${PROJECT_SOURCE_DIR}/lib/libc ${PROJECT_SOURCE_DIR}/lib/include
		${PROJECT_SOURCE_DIR}/include)
endfunction()
