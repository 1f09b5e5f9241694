// Test helpers for the facet extraction tests: one FacetExtractor loaded from
// the source tree's data/ and one Analyzer, shared by the tests of a binary.
// Test-only; not part of newsdex_indexer.
#ifndef NEWSDEX_INDEXER_INTERNAL_EXTRACTOR_TESTUTIL_H_
#define NEWSDEX_INDEXER_INTERNAL_EXTRACTOR_TESTUTIL_H_

#include <string>

#include "core/analyzer.h"
#include "gtest/gtest.h"
#include "indexer/facet_extractor.h"

namespace newsdex::indexer::testing {

// REQUIRES: NEWSDEX_SOURCE_DIR defined (the test targets of indexer/ do).
inline const FacetExtractor& Extractor() {
  static const FacetExtractor* ex = [] {
    auto loaded = FacetExtractor::Load(std::string(NEWSDEX_SOURCE_DIR) + "/data");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? loaded->release() : nullptr;
  }();
  return *ex;
}

inline core::Analyzer& TestAnalyzer() {
  static core::Analyzer* a = core::Analyzer::Create().value().release();
  return *a;
}

}  // namespace newsdex::indexer::testing

#endif  // NEWSDEX_INDEXER_INTERNAL_EXTRACTOR_TESTUTIL_H_
