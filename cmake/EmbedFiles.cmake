# embed_files(<output.cpp> <function-name> <base-dir> <files...>)
# Generates a C++ source that defines
#   std::span<const gatehouse::EmbeddedFile> <function-name>();
# holding each file's bytes under its path relative to <base-dir>. The output is
# regenerated when any listed file changes, so templates, static assets and SQL
# migrations ship inside the binary.
set(_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_script.cmake)
function(embed_files output function_name base_dir)
  set(files ${ARGN})
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DFUNCTION=${function_name}
            -DBASE_DIR=${base_dir} "-DFILES=${files}" -P ${_EMBED_SCRIPT}
    DEPENDS ${files} ${_EMBED_SCRIPT}
    COMMENT "Embedding ${function_name}"
    VERBATIM)
endfunction()
