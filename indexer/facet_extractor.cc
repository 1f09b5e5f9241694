#include "indexer/facet_extractor.h"

#include <algorithm>
#include <thread>

#include <unicode/uchar.h>

#include "core/status_macros.h"
#include "indexer/actor_extractor.h"
#include "indexer/date_extractor.h"
#include "core/utf8.h"

namespace newsdex::indexer {
namespace {

// A lead longer than this is not searched for the publication date.
constexpr size_t kMaxLeadBytes = 400;
// Datelines are short: "RIO DE JANEIRO, Feb 26 (Reuters) - ".
constexpr size_t kMaxDatelineBytes = 80;

// A dateline's first word: a place in capitals ("PORTLAND", "NEU-DELHI",
// "PARÍS"); with `mixed_case` also one that is only capitalised ("Madrid").
bool IsDatelineWord(absl::string_view word, bool mixed_case) {
  if (word.size() < 2) return false;
  for (size_t i = 0; i < word.size();) {
    char32_t cp = 0;
    const size_t len = core::utf8::Decode(word, i, &cp);
    const bool letter_ok = i == 0 || !mixed_case ? u_isupper(static_cast<UChar32>(cp))
                                                 : u_isalpha(static_cast<UChar32>(cp));
    if (!letter_ok && cp != '.' && cp != '\'' && cp != '-') return false;
    i += len;
  }
  return true;
}

}  // namespace

size_t BodyDatelineLength(absl::string_view body, bool other_language) {
  const size_t limit = std::min(body.size(), kMaxDatelineBytes);
  // Spanish agencies close a dateline with ".-": "MADRID, 5 may (EFE).- ".
  static constexpr absl::string_view kSeparators[] = {
      " -- ", " - ", " \xE2\x80\x94 ", " \xE2\x80\x93 ", "\xE2\x80\x94 ", " \xE2\x80\x94", ".- "};
  const size_t separators = std::size(kSeparators) - (other_language ? 0 : 1);
  for (size_t pos = 2; pos < limit; ++pos) {
    if (body[pos] == '\n') return 0;
    for (size_t k = 0; k < separators; ++k) {
      const absl::string_view sep = kSeparators[k];
      if (body.substr(pos, sep.size()) != sep) continue;
      // The dateline opens with a place in capitals: "PORTLAND, Ore.", "NEW YORK".
      const size_t word_end = body.find_first_of(" ,", 0);
      if (word_end == absl::string_view::npos || word_end > pos) return 0;
      if (!IsDatelineWord(body.substr(0, word_end), other_language)) return 0;
      // A place and a date or an agency: "TEHRAN, Aug 24 -", "PARIS (AP) -";
      // a headline in capitals ("FEDERAL RESERVE REPORT - ...") is not one.
      if (body.substr(0, pos).find_first_of(",(") == absl::string_view::npos) return 0;
      return pos + sep.size();
    }
  }
  return 0;
}

FacetExtractor::~FacetExtractor() = default;

absl::StatusOr<std::unique_ptr<FacetExtractor>> FacetExtractor::Load(
    const std::string& data_dir) {
  std::unique_ptr<FacetExtractor> ex(new FacetExtractor());
  NEWSDEX_ASSIGN_OR_RETURN(std::shared_ptr<const LanguageWordTable> languages,
                           LanguageWordTable::LoadFromDataDir(data_dir));
  ex->languages_ = languages;
  // The two gazetteers take about as long each to load (~60 ms on the 2-core
  // benchmark VM) and share nothing but the language words, so they load in
  // parallel: this is most of newsdex-index's startup, before any article is
  // read.
  absl::StatusOr<std::unique_ptr<ActorExtractor>> actors;
  std::thread actor_loader([&] { actors = ActorExtractor::Load(data_dir, languages); });
  absl::StatusOr<std::unique_ptr<CountryExtractor>> countries =
      CountryExtractor::Load(data_dir, languages);
  actor_loader.join();
  NEWSDEX_ASSIGN_OR_RETURN(ex->countries_, std::move(countries));
  NEWSDEX_ASSIGN_OR_RETURN(ex->actors_, std::move(actors));
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<core::Analyzer> analyzer, core::Analyzer::Create());
  ex->actors_->AddLanguagePlaces(ex->countries_->names(), *analyzer);
  return ex;
}

std::vector<TextZone> FacetExtractor::BuildZones(const core::Article& article,
                                                 core::Analyzer& analyzer,
                                                 bool* tokens_split) const {
  const LanguageWords* language = languages_->Find(article.language);
  *tokens_split = false;
  std::vector<TextZone> zones;
  zones.reserve(3);
  absl::string_view body = article.body;
  absl::string_view dateline = article.dateline;
  if (dateline.empty()) {
    const size_t n = BodyDatelineLength(body, /*other_language=*/language != nullptr);
    dateline = body.substr(0, n);
    body.remove_prefix(n);
  }
  const std::pair<TextZone::Kind, absl::string_view> parts[] = {
      {TextZone::kTitle, article.title}, {TextZone::kDateline, dateline}, {TextZone::kBody, body}};
  for (const auto& [kind, text] : parts) {
    if (text.empty()) continue;
    TextZone zone;
    zone.kind = kind;
    zone.text = text;
    zone.language = language;
    analyzer.Tokenize(text, &zone.tokens);
    if (language != nullptr && SplitElisions(*language, text, analyzer, &zone.tokens)) {
      *tokens_split = true;
    }
    AnalyzeZoneText(&zone);
    zones.push_back(std::move(zone));
  }
  return zones;
}

std::vector<std::string> FacetExtractor::ExplainCountries(const core::Article& article,
                                                          core::Analyzer& analyzer) const {
  bool tokens_split = false;
  return countries_->Explain(BuildZones(article, analyzer, &tokens_split), article.date);
}

namespace {

// Moves the zones' tokens into `out` (see Extract). A body dateline zone and
// the body zone after it give the tokens of the whole body when the text after
// the dateline starts with an ASCII character: the dateline ends in a blank or
// a dash, so a word break falls there whether or not the text is cut (no
// UAX #29 rule joins a blank or dash to an ASCII character after it).
// Otherwise (a combining mark there would attach to the blank) the body is
// tokenized again; so are title and body when elided articles were split off
// the zones' tokens (`tokens_split`), which the index must not see.
void KeepTokens(const core::Article& article, std::vector<TextZone>& zones,
                core::Analyzer& analyzer, bool tokens_split, ArticleTokens* out) {
  out->title.clear();
  out->body.clear();
  if (tokens_split) {
    analyzer.Tokenize(article.title, &out->title);
    analyzer.Tokenize(article.body, &out->body);
    return;
  }
  TextZone* dateline = nullptr;
  TextZone* body = nullptr;
  for (TextZone& z : zones) {
    if (z.kind == TextZone::kTitle) out->title = std::move(z.tokens);
    if (z.kind == TextZone::kDateline) dateline = &z;
    if (z.kind == TextZone::kBody) body = &z;
  }
  const absl::string_view full(article.body);
  const bool dateline_in_body =
      dateline != nullptr && dateline->text.data() == full.data() && !full.empty();
  if (!dateline_in_body) {
    if (body != nullptr) out->body = std::move(body->tokens);
    return;
  }
  const size_t cut = dateline->text.size();
  if (cut < full.size() && static_cast<unsigned char>(full[cut]) >= 0x80) {
    analyzer.Tokenize(full, &out->body);
    return;
  }
  out->body = std::move(dateline->tokens);
  if (body == nullptr) return;
  out->body.reserve(out->body.size() + body->tokens.size());
  for (core::Token& t : body->tokens) {
    t.begin += static_cast<uint32_t>(cut);
    t.end += static_cast<uint32_t>(cut);
    out->body.push_back(std::move(t));
  }
}

}  // namespace

void FacetExtractor::Extract(core::Article* article, core::Analyzer& analyzer,
                             ArticleTokens* tokens,
                             std::vector<FocusCandidate>* focus_candidates) const {
  bool tokens_split = false;
  std::vector<TextZone> zones = BuildZones(*article, analyzer, &tokens_split);
  const TextZone* dateline = nullptr;
  const TextZone* body = nullptr;
  for (const TextZone& z : zones) {
    if (z.kind == TextZone::kDateline) dateline = &z;
    if (z.kind == TextZone::kBody) body = &z;
  }
  if (!article->date.has_value()) {
    if (dateline != nullptr) article->date = DatelineDate(*dateline, std::nullopt);
    if (!article->date.has_value() && body != nullptr) {
      article->date = FirstFullDate(*body, std::min(body->lead_end, kMaxLeadBytes));
    }
  }
  article->mentioned_dates = MentionedDates(zones, article->date);
  if (!article->countries_from_metadata) {
    article->countries = countries_->Extract(zones, article->date, focus_candidates);
  }
  if (!article->actors_from_metadata && actors_ != nullptr) {
    article->actors = actors_->Extract(*article, analyzer);
  }
  if (tokens != nullptr) KeepTokens(*article, zones, analyzer, tokens_split, tokens);
}

}  // namespace newsdex::indexer
