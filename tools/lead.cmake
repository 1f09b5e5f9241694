# export-jsonl: any input newsdex-index reads -> JSON Lines (for the peers).
if(TRUE)
  add_executable(export-jsonl export_jsonl.cc)
  target_link_libraries(export-jsonl PRIVATE newsdex_indexer)
endif()

# newsdex-query-bench: newsdex's side of the query benchmark (tools/bench/).
if(TARGET newsdex_query)
  add_executable(newsdex_query_bench bench/newsdex_query_bench.cc peers/peer_common.cc)
  set_target_properties(newsdex_query_bench PROPERTIES OUTPUT_NAME newsdex-query-bench)
  target_link_libraries(newsdex_query_bench PRIVATE newsdex_query)
endif()
