corral_unit_test(vioapic ${CMAKE_CURRENT_LIST_DIR}/test_vioapic.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/vioapic.c)
