#include "indexer/document_builder.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/schema.h"
#include "core/xapian_status.h"

namespace newsdex::indexer {

using core::FieldId;
using core::ValueSlot;

std::string IdTerm(absl::string_view id) { return core::BooleanTerm(FieldId::kId, id); }

std::string CollapseKey(const std::vector<core::Token>& title,
                        const std::vector<core::Token>& body) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](absl::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  };
  for (const core::Token& t : title) mix(t.term);
  mix("\n");
  for (size_t i = 0; i < body.size() && i < 50; ++i) mix(body[i].term);
  return absl::StrFormat("%016x", h);
}

absl::StatusOr<BuiltDocument> BuildDocument(const core::Article& article,
                                            core::Analyzer& analyzer,
                                            bool want_spelling,
                                            const std::vector<core::Token>* given_title,
                                            const std::vector<core::Token>* given_body) {
  if (absl::Status valid = core::ValidateId(article.id); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(article.origin, ": ", valid.message()));
  }
  const std::string& lang = article.language.empty() ? std::string("en") : article.language;
  // A second tokenization of the text was ~4% of the indexing CPU on BBC:
  // reuse the facet extractor's tokens when the caller has them.
  std::vector<core::Token> own_title, own_body;
  if (given_title == nullptr) analyzer.Tokenize(article.title, &own_title);
  if (given_body == nullptr) analyzer.Tokenize(article.body, &own_body);
  const std::vector<core::Token>& title_tokens = given_title ? *given_title : own_title;
  const std::vector<core::Token>& body_tokens = given_body ? *given_body : own_body;

  BuiltDocument out;
  out.id_term = IdTerm(article.id);
  absl::Status status = core::CallXapian(absl::StrCat(article.origin, ": building document"), [&] {
    Xapian::Document& doc = out.doc;
    Xapian::termpos pos = 0;
    for (const core::Token& t : title_tokens) {
      std::string stem = analyzer.Stem(t.term, lang);
      doc.add_posting(core::FreeTextTerm(FieldId::kTitle, stem), ++pos, 1);
      // The default field's copy carries the title's weight without a second
      // position list: positional queries of the default field read the title
      // positions from the ZS terms (query/query_parser.cc).
      doc.add_term(core::FreeTextTerm(FieldId::kText, stem), core::kTitleWdfInText);
    }
    pos += kBodyPositionGap;
    for (const core::Token& t : body_tokens) {
      ++pos;
      doc.add_posting(core::FreeTextTerm(FieldId::kText, analyzer.Stem(t.term, lang)), pos, 1);
    }
    if (want_spelling) {
      absl::flat_hash_set<absl::string_view> seen;
      for (const auto* tokens : {&title_tokens, &body_tokens}) {
        for (const core::Token& t : *tokens) {
          // Numbers and one-letter words make poor suggestions.
          if (t.term.size() < 2 || (t.term[0] >= '0' && t.term[0] <= '9')) continue;
          if (seen.insert(t.term).second) out.spelling_words.push_back(t.term);
        }
      }
    }

    doc.add_boolean_term(out.id_term);
    if (!article.url.empty()) doc.add_boolean_term(core::BooleanTerm(FieldId::kUrl, article.url));
    doc.add_boolean_term(core::BooleanTerm(FieldId::kLanguage, lang));
    doc.add_value(static_cast<Xapian::valueno>(ValueSlot::kLanguage), lang);
    if (!article.source.empty()) {
      std::string key = analyzer.SourceKey(article.source);
      if (!key.empty()) {
        doc.add_boolean_term(core::BooleanTerm(FieldId::kSource, key));
        doc.add_value(static_cast<Xapian::valueno>(ValueSlot::kSource), key);
      }
    }
    if (article.date) {
      const std::string day = core::FormatCompactDate(*article.date);
      doc.add_boolean_term(core::BooleanTerm(FieldId::kDay, day));
      doc.add_boolean_term(core::BooleanTerm(FieldId::kMonth, day.substr(0, 6)));
      doc.add_boolean_term(core::BooleanTerm(FieldId::kYear, day.substr(0, 4)));
      doc.add_value(static_cast<Xapian::valueno>(ValueSlot::kDate), day);
    }

    std::vector<std::string> countries, focus;
    for (const core::CountryFacet& c : article.countries) {
      if (c.code.empty()) continue;
      doc.add_boolean_term(core::BooleanTerm(FieldId::kCountry, c.code));
      countries.push_back(c.code);
      if (c.focus) {
        doc.add_boolean_term(core::BooleanTerm(FieldId::kFocusCountry, c.code));
        focus.push_back(c.code);
      }
    }
    if (!countries.empty())
      doc.add_value(static_cast<Xapian::valueno>(ValueSlot::kCountries),
                    core::PackValues(std::move(countries)));
    if (!focus.empty())
      doc.add_value(static_cast<Xapian::valueno>(ValueSlot::kFocusCountries),
                    core::PackValues(std::move(focus)));

    std::vector<std::string> actors;
    for (const core::ActorFacet& p : article.actors) {
      std::string key = analyzer.FoldKey(p.name);
      if (key.empty()) continue;
      doc.add_boolean_term(core::BooleanTerm(FieldId::kActor, key));
      actors.push_back(std::move(key));
    }
    if (!actors.empty())
      doc.add_value(static_cast<Xapian::valueno>(ValueSlot::kActors),
                    core::PackValues(std::move(actors)));

    for (const std::string& d : article.mentioned_dates) {
      // One term at the mention's own precision ("2025-08-24" -> XM20250824,
      // "2025-06" -> XM202506); a query for a period matches every term under
      // its prefix (query/query_parser.cc), so its coarser terms are not stored.
      std::string compact;
      for (char c : d) {
        if (c != '-') compact.push_back(c);
      }
      const bool digits = std::all_of(compact.begin(), compact.end(),
                                      [](char c) { return c >= '0' && c <= '9'; });
      if (digits && (compact.size() == 4 || compact.size() == 6 || compact.size() == 8)) {
        doc.add_boolean_term(core::BooleanTerm(FieldId::kMentionedDate, compact));
      }
    }

    doc.add_value(static_cast<Xapian::valueno>(ValueSlot::kCollapseKey),
                  CollapseKey(title_tokens, body_tokens));
    core::StoredArticle stored = core::EncodeStoredArticle(article);
    doc.add_value(static_cast<Xapian::valueno>(ValueSlot::kMetadata), std::move(stored.metadata));
    doc.set_data(std::move(stored.data));
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace newsdex::indexer
