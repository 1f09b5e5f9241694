# export-jsonl: any input newsdex-index reads -> JSON Lines (for the peers).
if(TRUE)
  add_executable(export-jsonl export_jsonl.cc)
  target_link_libraries(export-jsonl PRIVATE newsdex_indexer)
endif()
