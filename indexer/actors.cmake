# Actor (person) extraction. See indexer/actor_extractor.h.
set(NEWSDEX_INDEXER_ACTORS_SOURCES actor_extractor.cc)
list(APPEND NEWSDEX_INDEXER_SOURCES ${NEWSDEX_INDEXER_ACTORS_SOURCES})
set(NEWSDEX_INDEXER_ACTORS_TESTS actor_extractor_test.cc)
