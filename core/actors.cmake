# Actor dictionary and query-time actor resolution (data/actors.tsv).
list(APPEND NEWSDEX_CORE_SOURCES actor_names.cc)
list(APPEND NEWSDEX_CORE_TESTS actor_names_test.cc)
