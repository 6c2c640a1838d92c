# The virtio 1.x PCI transport a client's stock drivers see (hypervisor/vdev/virtio_pci.c).
corral_unit_test(virtio_pci ${CMAKE_CURRENT_LIST_DIR}/test_virtio_pci.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/virtio_pci.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/msix.c)
