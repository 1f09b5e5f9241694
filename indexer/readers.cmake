# The article readers (text, JSON Lines, Reuters SGML; gzip, directories, stdin).
list(APPEND NEWSDEX_INDEXER_SOURCES
  input_source.cc
  internal/read_context.cc
  internal/text_cleaning.cc
  jsonl_reader.cc
  reader.cc
  reuters_reader.cc
  text_reader.cc
)
set(NEWSDEX_INDEXER_READERS_TESTS
  jsonl_reader_test.cc
  reader_test.cc
  reuters_reader_test.cc
  text_reader_test.cc
)
