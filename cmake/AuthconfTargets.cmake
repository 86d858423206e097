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

# The target of the conformance suites, as cache variables; each one that is
# set is passed to the suites' environment (else the environment's own, or
# the embedded reference when AUTH_TARGET_URL is unset everywhere).
set(AUTHCONF_TARGET_VARIABLES AUTH_TARGET_URL AUTH_TARGET_KEY AUTH_TARGET_ORIGIN
    AUTH_TARGET_BASE_PATH AUTH_TARGET_EXPECTATIONS AUTH_TARGET_DATES AUTH_TARGET_CORS
    AUTH_TARGET_CA_FILE)
foreach(_variable IN LISTS AUTHCONF_TARGET_VARIABLES)
  set(${_variable} "" CACHE STRING "Conformance target setting (see suites/README.md)")
endforeach()
set(AUTHCONF_RESULTS_DIR "${CMAKE_BINARY_DIR}/conformance" CACHE PATH
    "Where the suites write their GoogleTest XML")

# authconf_add_suite(AREA <area> SOURCES <files...>)
# One conformance suite: the binary suite_<area>, one ctest entry `<area>`
# with the labels `conformance` and `<area>`, writing
# ${AUTHCONF_RESULTS_DIR}/<area>.xml for the report.
function(authconf_add_suite)
  cmake_parse_arguments(S "" "AREA" "SOURCES" ${ARGN})
  add_executable(suite_${S_AREA} ${S_SOURCES})
  target_link_libraries(suite_${S_AREA} PRIVATE authconf_suite authconf_warnings)
  add_test(NAME ${S_AREA}
           COMMAND suite_${S_AREA} --gtest_output=xml:${AUTHCONF_RESULTS_DIR}/${S_AREA}.xml)
  set(_environment "")
  foreach(_variable IN LISTS AUTHCONF_TARGET_VARIABLES)
    if(NOT "${${_variable}}" STREQUAL "")
      list(APPEND _environment "${_variable}=${${_variable}}")
    endif()
  endforeach()
  # The suites of one run share its target: a fault or clock offset one suite
  # installs must not reach another suite's requests, so they never overlap
  # (with the embedded reference each would have its own, but AUTH_TARGET_URL
  # may be set when ctest runs, after configuration).
  set_tests_properties(${S_AREA} PROPERTIES LABELS "conformance;${S_AREA}" TIMEOUT 600
                                            RESOURCE_LOCK authconf_target)
  if(_environment)
    set_tests_properties(${S_AREA} PROPERTIES ENVIRONMENT "${_environment}")
  endif()
  set_property(GLOBAL APPEND PROPERTY AUTHCONF_SUITE_AREAS ${S_AREA})
endfunction()

# authconf_add_target_run(NAME <run> START <command...> [SUITES <areas...>]
#                         [LABEL <label>] [EXPECTATIONS <file>])
# Runs suites against a target that a script starts (fixtures/targets/):
# the ctest fixture `<run>.start` runs START with the token <STATE> replaced
# by the run's state directory (the script writes <STATE>/target.env), each
# suite runs as `<run>/<area>` through fixtures/targets/with-target, and
# `<run>.stop` ends the target whatever happened. SUITES defaults to every
# suite. Labels: LABEL (default `targets`; the real targets use `real`) and
# <run>. EXPECTATIONS is the target's expected-failures file
# (AUTH_TARGET_EXPECTATIONS). The XML goes to
# ${CMAKE_BINARY_DIR}/targets/<run>/<area>.xml, apart from the default run's.
function(authconf_add_target_run)
  cmake_parse_arguments(R "" "NAME;LABEL;EXPECTATIONS" "START;SUITES" ${ARGN})
  if(NOT R_LABEL)
    set(R_LABEL targets)
  endif()
  if(NOT R_SUITES)
    get_property(R_SUITES GLOBAL PROPERTY AUTHCONF_SUITE_AREAS)
  endif()
  set(_state "${CMAKE_BINARY_DIR}/targets/${R_NAME}")
  set(_targets_dir "${PROJECT_SOURCE_DIR}/fixtures/targets")
  list(TRANSFORM R_START REPLACE "<STATE>" "${_state}")
  add_test(NAME ${R_NAME}.start COMMAND ${R_START})
  add_test(NAME ${R_NAME}.stop COMMAND ${_targets_dir}/stop ${_state})
  set_tests_properties(${R_NAME}.start PROPERTIES FIXTURES_SETUP ${R_NAME} LABELS "${R_LABEL};${R_NAME}"
                                                  TIMEOUT 300)
  set_tests_properties(${R_NAME}.stop PROPERTIES FIXTURES_CLEANUP ${R_NAME} LABELS "${R_LABEL};${R_NAME}"
                                                 TIMEOUT 60)
  foreach(_area IN LISTS R_SUITES)
    add_test(NAME ${R_NAME}/${_area}
             COMMAND ${_targets_dir}/with-target ${_state} $<TARGET_FILE:suite_${_area}>
                     --gtest_output=xml:${_state}/${_area}.xml)
    # One suite at a time per target, as for the default run; different
    # targets run side by side.
    set_tests_properties(${R_NAME}/${_area} PROPERTIES
      FIXTURES_REQUIRED ${R_NAME} LABELS "${R_LABEL};${R_NAME}" TIMEOUT 600
      RESOURCE_LOCK authconf_target_${R_NAME})
    if(R_EXPECTATIONS)
      set_tests_properties(${R_NAME}/${_area} PROPERTIES
        ENVIRONMENT "AUTH_TARGET_EXPECTATIONS=${R_EXPECTATIONS}")
    endif()
  endforeach()
endfunction()
