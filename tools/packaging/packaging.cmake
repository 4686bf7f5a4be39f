# cmake --install and CPack: two Debian packages.
#  - fbexport: the programs (fbexportd, fbshot, vgpu-guest), the GStreamer
#    plugin, the systemd units, the udev rule for /dev/vgpu, man pages made
#    from --help (help2man), the example configuration file; its Depends come
#    from dpkg-shlibdeps (SHLIBDEPS below), libtomlplusplus3 (toml++, a
#    shared library) among them;
#  - vgpu-mediator-dkms: the kernel module's sources in /usr/src, built by
#    DKMS for every installed kernel.
#   cpack --config <build>/CPackConfig.cmake   (in the build folder)
include(GNUInstallDirs)
set(packaging ${PROJECT_SOURCE_DIR}/tools/packaging)

install(TARGETS fbexportd fbshot vgpu-guest RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT fbexport)
install(FILES ${packaging}/fbexportd@.service ${packaging}/fbexportd.service
        DESTINATION lib/systemd/system COMPONENT fbexport)
# The annotated configuration file; fbexportd.service reads a copy in
# /etc/fbexport (the administrator's, so the package does not own it).
install(FILES ${packaging}/fbexportd.toml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        COMPONENT fbexport)
install(FILES ${PROJECT_SOURCE_DIR}/kernel/udev/60-vgpu-mediator.rules DESTINATION lib/udev/rules.d
        COMPONENT fbexport)

# Man pages from each program's --help, so they cannot drift from it.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  foreach(tool fbexportd fbshot vgpu-guest)
    set(page ${CMAKE_BINARY_DIR}/man/${tool}.1)
    add_custom_command(OUTPUT ${page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${HELP2MAN} --no-info --no-discard-stderr --output=${page}
              --name=${tool} $<TARGET_FILE:${tool}>
      DEPENDS ${tool} VERBATIM)
    list(APPEND man_pages ${page})
  endforeach()
  add_custom_target(man_pages ALL DEPENDS ${man_pages})
  install(FILES ${man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT fbexport)
endif()

# The module's sources as DKMS wants them: /usr/src/<name>-<version>.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/kernel/
        DESTINATION src/vgpu-mediator-${PROJECT_VERSION} COMPONENT dkms
        FILES_MATCHING PATTERN "*.c" PATTERN "*.h" PATTERN "Kbuild" PATTERN "Makefile"
                       PATTERN "dkms.conf"
        PATTERN "udev" EXCLUDE
        # the guest driver is built in the guest, not by the host's DKMS
        PATTERN "guest" EXCLUDE)

foreach(script postinst-dkms prerm-dkms)
  configure_file(${packaging}/${script} ${CMAKE_BINARY_DIR}/debian-dkms/${script} @ONLY)
endforeach()
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/debian-dkms/control ${CMAKE_BINARY_DIR}/debian-fbexport)
configure_file(${CMAKE_BINARY_DIR}/debian-dkms/postinst-dkms ${CMAKE_BINARY_DIR}/debian-dkms/control/postinst COPYONLY)
configure_file(${CMAKE_BINARY_DIR}/debian-dkms/prerm-dkms ${CMAKE_BINARY_DIR}/debian-dkms/control/prerm COPYONLY)
configure_file(${packaging}/postinst-fbexport ${CMAKE_BINARY_DIR}/debian-fbexport/postinst COPYONLY)
configure_file(${packaging}/postrm-fbexport ${CMAKE_BINARY_DIR}/debian-fbexport/postrm COPYONLY)

set(CPACK_PACKAGE_NAME fbexport)
set(CPACK_PACKAGE_VENDOR "fbexport")
set(CPACK_PACKAGE_CONTACT "fbexport developers <fbexport@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "framebuffer export and remote display for virtual GPUs")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL fbexport dkms)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION video)

set(CPACK_DEBIAN_FBEXPORT_PACKAGE_NAME fbexport)
set(CPACK_DEBIAN_FBEXPORT_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FBEXPORT_PACKAGE_RECOMMENDS "vgpu-mediator-dkms, novnc, gstreamer1.0-plugins-ugly")
set(CPACK_DEBIAN_FBEXPORT_PACKAGE_CONTROL_EXTRA
    "${CMAKE_BINARY_DIR}/debian-fbexport/postinst;${CMAKE_BINARY_DIR}/debian-fbexport/postrm")
set(CPACK_COMPONENT_FBEXPORT_DESCRIPTION
    "fbexportd serves vGPU displays over VNC, the browser and GStreamer streams; fbshot takes screenshots")

set(CPACK_DEBIAN_DKMS_PACKAGE_NAME vgpu-mediator-dkms)
set(CPACK_DEBIAN_DKMS_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_DKMS_PACKAGE_DEPENDS "dkms")
set(CPACK_DEBIAN_DKMS_PACKAGE_CONTROL_EXTRA
    "${CMAKE_BINARY_DIR}/debian-dkms/control/postinst;${CMAKE_BINARY_DIR}/debian-dkms/control/prerm")
set(CPACK_COMPONENT_DKMS_DESCRIPTION
    "vgpu_mediator, a VFIO mdev virtual display GPU with dma-buf export and damage events (DKMS sources)")
include(CPack)
