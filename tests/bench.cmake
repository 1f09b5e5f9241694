# End-to-end test of the benchmark tools (tools/bench.cmake): generator,
# query drawing, the peers and their filters/facets on a tiny corpus.
# Skipped (exit 77) when the shared corpora are absent.
if(TARGET gen_corpus)
  add_test(NAME bench_e2e
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bench_e2e.sh $<TARGET_FILE_DIR:gen_corpus>
            ${NEWSDEX_SHARED_DIR} ${PROJECT_SOURCE_DIR})
  set_tests_properties(bench_e2e PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()

# The one-command harness itself on a tiny generated corpus, so it cannot rot.
if(TARGET gen_corpus AND TARGET newsdex-index AND TARGET newsdex_query_bench)
  add_test(NAME bench_harness_tiny
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bench_harness_tiny.sh ${PROJECT_SOURCE_DIR}
            ${PROJECT_BINARY_DIR} ${NEWSDEX_SHARED_DIR})
  set_tests_properties(bench_harness_tiny PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
