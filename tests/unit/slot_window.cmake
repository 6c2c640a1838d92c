# What a channel slot's window holds (hypervisor/vdev/slot_window.c).
corral_unit_test(slot_window ${CMAKE_CURRENT_LIST_DIR}/test_slot_window.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/slot_window.c)
