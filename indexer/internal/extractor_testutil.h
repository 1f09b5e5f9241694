// Test helpers for the facet extraction tests: one FacetExtractor loaded from
// the source tree's data/ and one Analyzer, shared by the tests of a binary.
// Test-only; not part of newsdex_indexer.
#ifndef NEWSDEX_INDEXER_INTERNAL_EXTRACTOR_TESTUTIL_H_
#define NEWSDEX_INDEXER_INTERNAL_EXTRACTOR_TESTUTIL_H_

#include <string>

#include "core/analyzer.h"
#include "gtest/gtest.h"
#include "indexer/facet_extractor.h"
#include "indexer/pipeline.h"
#include "indexer/reader.h"

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

// The article of `path` as newsdex-index sees it: read, language detected,
// facets extracted.
inline core::Article ReadAndExtract(const std::string& path) {
  core::Article article;
  absl::Status s = ReadInputs(
      {path}, ReadOptions(),
      [&](core::Article a) {
        article = std::move(a);
        return absl::OkStatus();
      },
      [&](const absl::Status& e) { ADD_FAILURE() << e; });
  EXPECT_TRUE(s.ok()) << s;
  PrepareArticle(&article, &Extractor(), TestAnalyzer(), nullptr);
  return article;
}

}  // namespace newsdex::indexer::testing

#endif  // NEWSDEX_INDEXER_INTERNAL_EXTRACTOR_TESTUTIL_H_
