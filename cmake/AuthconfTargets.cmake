# Shared compile settings and the helpers that add libraries and unit tests.
include(GoogleTest)

add_library(authconf_warnings INTERFACE)
target_compile_options(authconf_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  $<$<BOOL:${AUTHCONF_WERROR}>:-Werror>)

if(AUTHCONF_SANITIZE)
  string(REPLACE "," ";" _sanitizers "${AUTHCONF_SANITIZE}")
  foreach(_s IN LISTS _sanitizers)
    if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "AUTHCONF_SANITIZE: unknown sanitizer '${_s}'")
    endif()
  endforeach()
  add_compile_options(-fsanitize=${AUTHCONF_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${AUTHCONF_SANITIZE})
endif()

set(AUTHCONF_VECTORS_DIR "${PROJECT_SOURCE_DIR}/fixtures/vectors")

# authconf_add_unit_test(NAME <name> SOURCES <files...> LIBS <targets...>)
# Builds one GoogleTest binary and registers each of its cases with ctest under
# the label `unit`. More labels come from the folder's LABELS directory property
# (gtest_discover_tests cannot pass a list-valued property through). Tests find
# data files through AUTHCONF_VECTORS_DIR.
function(authconf_add_unit_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} rapidcheck_gtest rapidcheck GTest::gmock GTest::gtest_main
                                          authconf_warnings)
  target_compile_definitions(${T_NAME} PRIVATE
    AUTHCONF_VECTORS_DIR="${AUTHCONF_VECTORS_DIR}")
  gtest_discover_tests(${T_NAME} PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
endfunction()
