# Facet extraction evaluator (helper B): scores extraction against Reuters labels.
add_executable(eval_extract ${CMAKE_CURRENT_SOURCE_DIR}/eval_extract.cc)
target_compile_definitions(eval_extract PRIVATE NEWSDEX_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(eval_extract PRIVATE newsdex_indexer)
set_target_properties(eval_extract PROPERTIES OUTPUT_NAME eval_extract)
