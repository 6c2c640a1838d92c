# The channel function a driver VM sees (hypervisor/vdev/channel.c).
corral_unit_test(channel ${CMAKE_CURRENT_LIST_DIR}/test_channel.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/channel.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/msix.c)
