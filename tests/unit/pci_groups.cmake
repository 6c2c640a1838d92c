# Isolation groups over synthetic PCI topologies (hypervisor/host/pci_groups.c).
corral_unit_test(pci_groups ${CMAKE_CURRENT_LIST_DIR}/test_pci_groups.c
	${PROJECT_SOURCE_DIR}/hypervisor/host/pci_groups.c
	${PROJECT_SOURCE_DIR}/lib/format.c)
