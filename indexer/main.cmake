# The indexer's writer, pipeline and program (lead).
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/reader.h)
  set(NEWSDEX_INDEXER_MAIN_SOURCES index_writer.cc pipeline.cc)
else()
  set(NEWSDEX_INDEXER_MAIN_SOURCES index_writer.cc)
endif()
list(APPEND NEWSDEX_INDEXER_SOURCES ${NEWSDEX_INDEXER_MAIN_SOURCES})
set(NEWSDEX_INDEXER_MAIN_TESTS document_builder_test.cc index_writer_test.cc)
