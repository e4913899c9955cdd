# gatehouse_extension(<name> SOURCES <files...> [ITESTS <files...>])
#
# An extension built on Gatehouse (docs/extending.md), from the calling folder:
#   - its SOURCES and its migrations (migrations/sqlite/*.sql, migrations/postgres/*.sql,
#     embedded as gatehouse::embedded_<name>_sqlite_migrations() / ..._postgres_...()) become
#     the OBJECT library gatehouse_ext_<name> (objects, so its GATEHOUSE_EXTENSION
#     registration is always linked);
#   - gatehouse-<name> is the gatehouse server with the extension in it; the default gatehouse
#     binary gets it only when <name> is listed in GATEHOUSE_LINK_EXTENSIONS;
#   - each ITESTS file is an integration test run against gatehouse-<name>, on SQLite and (with
#     GATEHOUSE_TEST_POSTGRES) PostgreSQL, like tests/integration.
function(gatehouse_extension name)
  cmake_parse_arguments(EXT "" "" "SOURCES;ITESTS" ${ARGN})
  set(_dir ${CMAKE_CURRENT_SOURCE_DIR})
  set(_gen ${CMAKE_CURRENT_BINARY_DIR}/generated)
  foreach(_backend sqlite postgres)
    file(GLOB _sql CONFIGURE_DEPENDS ${_dir}/migrations/${_backend}/*.sql)
    embed_files(${_gen}/${name}_${_backend}_migrations.cpp embedded_${name}_${_backend}_migrations
                ${_dir}/migrations/${_backend} ${_sql})
    list(APPEND _embedded ${_gen}/${name}_${_backend}_migrations.cpp)
  endforeach()
  add_library(gatehouse_ext_${name} OBJECT ${EXT_SOURCES} ${_embedded})
  target_link_libraries(gatehouse_ext_${name} PUBLIC gatehouse_app)
  target_include_directories(gatehouse_ext_${name} PUBLIC ${_dir})

  add_executable(gatehouse-${name} ${CMAKE_SOURCE_DIR}/src/main.cpp)
  target_link_libraries(gatehouse-${name} PRIVATE gatehouse_ext_${name} gatehouse_app)
  if(name IN_LIST GATEHOUSE_LINK_EXTENSIONS)
    target_link_libraries(gatehouse PRIVATE gatehouse_ext_${name})
  endif()

  if(BUILD_TESTING AND TARGET gatehouse_it_harness)
    foreach(_src IN LISTS EXT_ITESTS)
      get_filename_component(_test ${_src} NAME_WE)
      add_executable(${_test} ${_src})
      target_link_libraries(${_test} PRIVATE gatehouse_it_harness GTest::gtest_main)
      add_dependencies(${_test} gatehouse-${name})
      set(_env "GATEHOUSE_TEST_SERVER_BINARY=$<TARGET_FILE:gatehouse-${name}>")
      add_test(NAME extension.sqlite.${_test} COMMAND ${_test})
      set_tests_properties(extension.sqlite.${_test} PROPERTIES
        ENVIRONMENT "GATEHOUSE_TEST_BACKEND=sqlite;${_env}" TIMEOUT 600)
      if(GATEHOUSE_TEST_POSTGRES)
        add_test(NAME extension.postgres.${_test} COMMAND ${_test})
        set_tests_properties(extension.postgres.${_test} PROPERTIES
          ENVIRONMENT "GATEHOUSE_TEST_BACKEND=postgres;${_env}" TIMEOUT 600 RESOURCE_LOCK pg_server)
      endif()
    endforeach()
  endif()
endfunction()
