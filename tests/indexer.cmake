# End-to-end tests of the indexer over the real corpora and the real binary.
if(TRUE)
  add_executable(indexer_e2e_test indexer_e2e_test.cc testutil.cc)
  target_compile_definitions(indexer_e2e_test PRIVATE
    NEWSDEX_SOURCE_DIR="${PROJECT_SOURCE_DIR}" NEWSDEX_SHARED_DIR="${NEWSDEX_SHARED_DIR}"
    NEWSDEX_INDEX_BIN="$<TARGET_FILE:newsdex-index>")
  target_link_libraries(indexer_e2e_test PRIVATE newsdex_indexer GTest::gtest_main)
  add_dependencies(indexer_e2e_test newsdex-index)
  gtest_discover_tests(indexer_e2e_test DISCOVERY_TIMEOUT 60 PROPERTIES LABELS e2e TIMEOUT 600)
endif()
