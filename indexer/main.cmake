# The indexer's writer, pipeline and program.
list(APPEND NEWSDEX_INDEXER_SOURCES index_writer.cc pipeline.cc bulk_loader.cc)
set(NEWSDEX_INDEXER_MAIN_TESTS document_builder_test.cc index_writer_test.cc
  bulk_loader_test.cc)
