# Install layout and the Debian package. Everything kmsconf needs at run
# time sits relative to its executable (runner/cli/locate.h):
#   bin/kmsconf, bin/kms-refserver
#   share/kmsconf/suite, share/kmsconf/cases
#   share/man/man1/kmsconf.1, kms-refserver.1
#   share/bash-completion/completions/kmsconf, zsh and fish completions
# The build tree gets share/kmsconf/{suite,cases} as links to the source
# data, so the freshly built kmsconf finds them the same way.
include(GNUInstallDirs)

set(KC_BUILD_SHARE ${CMAKE_BINARY_DIR}/share/kmsconf)
file(MAKE_DIRECTORY ${KC_BUILD_SHARE})
foreach(data suite cases)
  if(NOT EXISTS ${KC_BUILD_SHARE}/${data})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${data} ${KC_BUILD_SHARE}/${data}
      SYMBOLIC)
  endif()
endforeach()

install(TARGETS kmsconf kms-refserver RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/suite ${PROJECT_SOURCE_DIR}/cases
  DESTINATION ${CMAKE_INSTALL_DATADIR}/kmsconf)
install(FILES ${PROJECT_SOURCE_DIR}/dist/man/kmsconf.1
  ${PROJECT_SOURCE_DIR}/dist/man/kms-refserver.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/dist/completion/kmsconf.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME kmsconf)
install(FILES ${PROJECT_SOURCE_DIR}/dist/completion/_kmsconf
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/dist/completion/kmsconf.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# `cpack -G DEB` in the build folder: kmsconf_<version>_<arch>.deb. The
# library dependencies come from dpkg-shlibdeps (dpkg-dev).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kmsconf)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "kmsconf developers <dev@kmsconf.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "conformance suite for servers of the Alibaba Cloud KMS API 2016-01-20")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
