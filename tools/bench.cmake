# Benchmark tools (newsdex issue 6): the synthetic corpus generator, the corpus
# converter, the query-file generator and the peer engines newsdex is measured
# against. None of them links the newsdex libraries, so they build even while
# those are being changed; they share only core/log.cc.
add_library(newsdex_bench_common STATIC
  ${CMAKE_CURRENT_LIST_DIR}/bench/corpus_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/peers/peer_common.cc
  ${PROJECT_SOURCE_DIR}/core/log.cc)
target_include_directories(newsdex_bench_common PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(newsdex_bench_common PUBLIC newsdex::absl newsdex::zlib newsdex::json)
target_compile_definitions(newsdex_bench_common PUBLIC
  NEWSDEX_SHARED_DIR="${NEWSDEX_SHARED_DIR}")

add_executable(gen_corpus ${CMAKE_CURRENT_LIST_DIR}/gen_corpus.cc)
set_target_properties(gen_corpus PROPERTIES OUTPUT_NAME gen-corpus)
target_link_libraries(gen_corpus PRIVATE newsdex_bench_common)

add_executable(corpus_to_jsonl ${CMAKE_CURRENT_LIST_DIR}/bench/corpus_to_jsonl.cc)
set_target_properties(corpus_to_jsonl PROPERTIES OUTPUT_NAME corpus-to-jsonl)
target_link_libraries(corpus_to_jsonl PRIVATE newsdex_bench_common)

add_executable(make_queries ${CMAKE_CURRENT_LIST_DIR}/bench/make_queries.cc)
set_target_properties(make_queries PROPERTIES OUTPUT_NAME make-queries)
target_link_libraries(make_queries PRIVATE newsdex_bench_common)

# Peers.
add_executable(jsonl_to_scriptindex ${CMAKE_CURRENT_LIST_DIR}/peers/jsonl_to_scriptindex.cc)
set_target_properties(jsonl_to_scriptindex PROPERTIES OUTPUT_NAME jsonl-to-scriptindex)
target_link_libraries(jsonl_to_scriptindex PRIVATE newsdex_bench_common)

add_executable(xapian_query ${CMAKE_CURRENT_LIST_DIR}/peers/xapian_query.cc
  ${PROJECT_SOURCE_DIR}/core/xapian_status.cc)
set_target_properties(xapian_query PROPERTIES OUTPUT_NAME xapian-query)
target_link_libraries(xapian_query PRIVATE newsdex_bench_common newsdex::xapian)

find_package(SQLite3 QUIET)
if(SQLite3_FOUND)
  add_executable(fts5_peer ${CMAKE_CURRENT_LIST_DIR}/peers/fts5_peer.cc)
  set_target_properties(fts5_peer PROPERTIES OUTPUT_NAME fts5-peer)
  target_link_libraries(fts5_peer PRIVATE newsdex_bench_common SQLite::SQLite3)
else()
  message(STATUS "newsdex bench: SQLite3 not found; fts5-peer not built (scripts/install-deps.sh --bench)")
endif()

find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(LUCENEPP QUIET IMPORTED_TARGET liblucene++ liblucene++-contrib)
endif()
find_package(Boost QUIET COMPONENTS filesystem thread date_time iostreams)
if(LUCENEPP_FOUND AND Boost_FOUND)
  add_executable(lucene_peer ${CMAKE_CURRENT_LIST_DIR}/peers/lucene_peer.cc)
  set_target_properties(lucene_peer PROPERTIES OUTPUT_NAME lucene-peer)
  target_link_libraries(lucene_peer PRIVATE newsdex_bench_common PkgConfig::LUCENEPP
    Boost::filesystem Boost::thread Boost::date_time Boost::iostreams)
else()
  message(STATUS "newsdex bench: Lucene++ or Boost not found; lucene-peer not built (scripts/install-deps.sh --bench)")
endif()

add_custom_target(newsdex_bench_tools DEPENDS gen_corpus corpus_to_jsonl make_queries
  jsonl_to_scriptindex xapian_query)
if(TARGET fts5_peer)
  add_dependencies(newsdex_bench_tools fts5_peer)
endif()
if(TARGET lucene_peer)
  add_dependencies(newsdex_bench_tools lucene_peer)
endif()
