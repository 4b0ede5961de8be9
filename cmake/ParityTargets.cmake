# Helpers that give every pipeline stage the same shape:
#   src/<stage>/*.cc (+ subfolders)  -> static library parity_<stage>
#   src/<stage>/test/*_test.cc         -> one GoogleTest binary parity_<stage>_test

set(PARITY_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough)

function(parity_compile_options target)
  target_compile_options(${target} PRIVATE ${PARITY_WARNINGS})
  if(PARITY_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if((PARITY_UNITY_LIBS OR PARITY_UNITY_TESTS) AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # In a unity batch every file but the first is an included file, so GCC takes a class that
    # holds a type from the file's anonymous namespace for a header's class; it is not.
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
  endif()
  if(PARITY_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false -Wmaybe-uninitialized inside libstdc++ (std::regex, std::function)
    # when ASan instrumentation meets -O2; the warning stays on in every other build.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

# Precompiled headers: the heavy third-party headers every file of a target includes. They
# cut a clean build roughly in half on 2 cores. Off with -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON
# (the lint build does that: clang-tidy parses sources as they are).
set(PARITY_PCH_COMMON <string> <vector> <map> <memory> <functional> <optional> <span>
    <string_view> <fmt/format.h>)
set(PARITY_PCH_JSON <nlohmann/json.hpp>)

if(PARITY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(PARITY_FUZZ)
  # Coverage feedback for libFuzzer from the libraries the fuzz targets call, not only from the
  # targets themselves.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# With GCC every stage library reuses one precompiled header (the common and JSON headers) and
# every test binary another (the same plus GoogleTest), built once instead of once per target:
# about 3 minutes of compiler time less on a clean build. Other compilers (clang for the fuzz
# build, whose PCH checks reject per-target -D differences) keep one PCH per target.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(PARITY_SHARED_PCH ON)
  add_library(parity_pch_lib OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cc)
  target_link_libraries(parity_pch_lib PRIVATE fmt::fmt nlohmann_json::nlohmann_json)
  parity_compile_options(parity_pch_lib)
  target_precompile_headers(parity_pch_lib PRIVATE ${PARITY_PCH_COMMON} ${PARITY_PCH_JSON})
  if(PARITY_TESTS)
    add_library(parity_pch_test OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cc)
    target_link_libraries(parity_pch_test PRIVATE fmt::fmt nlohmann_json::nlohmann_json
                          GTest::gtest)
    parity_compile_options(parity_pch_test)
    target_precompile_headers(parity_pch_test PRIVATE ${PARITY_PCH_COMMON} ${PARITY_PCH_JSON}
                              <gtest/gtest.h>)
  endif()
endif()

# parity_add_stage(NAME <stage> DIRS <dirs relative to src/> DEPS <targets> [PCH <headers>])
function(parity_add_stage)
  cmake_parse_arguments(ARG "" "NAME" "DIRS;DEPS;PCH" ${ARGN})
  set(sources "")
  foreach(dir IN LISTS ARG_DIRS)
    file(GLOB dir_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${dir}/*.cc)
    list(APPEND sources ${dir_sources})
  endforeach()
  if(NOT sources)
    # A stage whose sources are still to be written: an interface target keeps dependents
    # linking.
    add_library(parity_${ARG_NAME} INTERFACE)
    target_include_directories(parity_${ARG_NAME} INTERFACE ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(parity_${ARG_NAME} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(parity_${ARG_NAME} STATIC ${sources})
  if(PARITY_UNITY_LIBS)
    set_target_properties(parity_${ARG_NAME} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 6)
  endif()
  target_include_directories(parity_${ARG_NAME}
    PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(parity_${ARG_NAME} PUBLIC ${ARG_DEPS})
  parity_compile_options(parity_${ARG_NAME})
  if(PARITY_SHARED_PCH)
    target_precompile_headers(parity_${ARG_NAME} REUSE_FROM parity_pch_lib)
  else()
    target_precompile_headers(parity_${ARG_NAME} PRIVATE ${PARITY_PCH_COMMON} ${ARG_PCH})
  endif()

  if(PARITY_TESTS)
    set(tests "")
    foreach(dir IN LISTS ARG_DIRS)
      file(GLOB dir_tests CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${dir}/test/*.cc)
      list(APPEND tests ${dir_tests})
    endforeach()
    if(tests)
      add_executable(parity_${ARG_NAME}_test ${tests})
      if(PARITY_UNITY_TESTS)
        set_target_properties(parity_${ARG_NAME}_test PROPERTIES UNITY_BUILD ON
                              UNITY_BUILD_BATCH_SIZE 6)
      endif()
      target_include_directories(parity_${ARG_NAME}_test PRIVATE ${PROJECT_SOURCE_DIR}/src)
      target_link_libraries(parity_${ARG_NAME}_test PRIVATE parity_${ARG_NAME} parity_testing
                            GTest::gtest GTest::gtest_main GTest::gmock)
      parity_compile_options(parity_${ARG_NAME}_test)
      if(PARITY_SHARED_PCH)
        target_precompile_headers(parity_${ARG_NAME}_test REUSE_FROM parity_pch_test)
      else()
        target_precompile_headers(parity_${ARG_NAME}_test PRIVATE ${PARITY_PCH_COMMON} ${ARG_PCH}
                                  <gtest/gtest.h>)
      endif()
      gtest_discover_tests(parity_${ARG_NAME}_test
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
        PROPERTIES ENVIRONMENT "PARITY_SHARED_DIR=${PROJECT_SOURCE_DIR}/../shared"
        DISCOVERY_TIMEOUT 60)
    endif()
  endif()
endfunction()
