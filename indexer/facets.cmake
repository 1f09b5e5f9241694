# Country and date facets, the facet-extraction composer and its JSON output
# (helper B). Tests: newsdex_indexer_facets_test.
list(APPEND NEWSDEX_INDEXER_SOURCES
  country_extractor.cc
  date_extractor.cc
  extract_json.cc
  facet_extractor.cc)
set(NEWSDEX_INDEXER_FACETS_TESTS
  country_extractor_test.cc
  date_extractor_test.cc
  facet_extractor_test.cc)
# The composer calls the actor extractor when it exists (facet_extractor.cc
# checks with __has_include), so the facets test compiles it too.
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/actor_extractor.cc)
  set(NEWSDEX_INDEXER_FACETS_EXTRA actor_extractor.cc)
endif()
