// Facet extraction for one article: composes the country, date and actor
// extractors. The indexer calls Extract on every article that lacks facets in
// its metadata; --extract-only prints the result with ExtractionJson.
//
// Order: the text is split into zones (title, dateline: the source's or one
// found at the start of the body, body) and tokenized once; the publication
// date comes first (metadata, else dateline, else the first full date of the
// lead), because countries (Moscow 1987 -> Soviet Union), actors and relative
// dates ("yesterday") depend on it.
//
// Languages: article.language (set before extraction, as stemming uses it)
// picks the words of data/language_words.tsv and the country and person words
// of that language (French, German, Spanish, Italian, Portuguese, Dutch); any
// other language, English included, is read with the English rules only.
//
// Thread safety: a loaded FacetExtractor is immutable; Extract is const and may
// run in many threads at once, each with its own Analyzer.
#ifndef NEWSDEX_INDEXER_FACET_EXTRACTOR_H_
#define NEWSDEX_INDEXER_FACET_EXTRACTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/analyzer.h"
#include "core/article.h"
#include "core/data_path.h"
#include "indexer/country_extractor.h"
#include "indexer/extract_json.h"

namespace newsdex::indexer {

class ActorExtractor;

// An article's title and body as core::Analyzer::Tokenize splits them.
struct ArticleTokens {
  std::vector<core::Token> title;
  std::vector<core::Token> body;
};

class FacetExtractor {
 public:
  // Loads gazetteers from data_dir (core::DataDir() by default). Errors name
  // the file and line (kNotFound for a missing file, kInvalidArgument for a
  // bad row).
  static absl::StatusOr<std::unique_ptr<FacetExtractor>> Load(
      const std::string& data_dir = core::DataDir());
  ~FacetExtractor();

  // Fills article->countries (unless countries_from_metadata), ->actors (unless
  // actors_from_metadata), ->mentioned_dates, and ->date when it is unset.
  // Thread-safe (const); `analyzer` is the caller's per-thread Analyzer.
  // If `tokens` is given, it receives the title and body tokens exactly as
  // analyzer.Tokenize(article->title) and (article->body) give them, for
  // BuildDocument: extraction has tokenized the text already. If
  // `focus_candidates` is given, it receives the countries' focus features
  // (CountryExtractor::Extract; for tools/train_focus).
  void Extract(core::Article* article, core::Analyzer& analyzer,
               ArticleTokens* tokens = nullptr,
               std::vector<FocusCandidate>* focus_candidates = nullptr) const;

  // For debugging: the country matches of `article` as "surface=key" (see
  // CountryExtractor::Explain). Uses article.date as is.
  std::vector<std::string> ExplainCountries(const core::Article& article,
                                            core::Analyzer& analyzer) const;

  const CountryExtractor& countries() const { return *countries_; }

 private:
  FacetExtractor() = default;
  // Title, dateline (the source's, else one found at the start of the body) and
  // body zones of `article`, tokenized; empty zones are left out. Sets
  // *tokens_split when elided articles were split off tokens (see
  // SplitElisions): the zones' tokens are then not the analyzer's.
  std::vector<TextZone> BuildZones(const core::Article& article, core::Analyzer& analyzer,
                                   bool* tokens_split) const;
  std::shared_ptr<const LanguageWordTable> languages_;
  std::unique_ptr<CountryExtractor> countries_;
  std::unique_ptr<ActorExtractor> actors_;
};

// Length of a dateline at the start of `body` ("PORTLAND, Ore. (AP) - ",
// "TEHRAN, Aug 24 (Reuters) - ", "PARÍS, 5 de mayo (EFE) - "), including the
// separator; 0 if none. With `other_language` (an article not in English) the
// place may be written in mixed case ("Berlin (dpa) - ") and ".- " also ends
// a dateline ("MADRID, 5 may (EFE).- ").
size_t BodyDatelineLength(absl::string_view body, bool other_language = false);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_FACET_EXTRACTOR_H_
