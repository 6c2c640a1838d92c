# BAR records and the rules an assigned function's BARs must pass
# (hypervisor/host/pci_bars.c).
corral_unit_test(pci_bars ${CMAKE_CURRENT_LIST_DIR}/test_pci_bars.c
	${PROJECT_SOURCE_DIR}/hypervisor/host/pci_bars.c
	${PROJECT_SOURCE_DIR}/lib/format.c)
