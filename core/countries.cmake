# Country names (facet extraction helper B): resolution of typed names to keys.
list(APPEND NEWSDEX_CORE_SOURCES country_names.cc)
list(APPEND NEWSDEX_CORE_TESTS country_names_test.cc)
