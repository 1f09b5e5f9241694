#include "query/snippet.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace newsdex::query {

std::string HtmlEscape(absl::string_view text) {
  return internal::EscapeSnippetText(text, /*collapse_space=*/false);
}

namespace internal {

// HTML-escapes `text`; with collapse_space, each run of white space (line
// breaks of the stored body included) becomes one space.
std::string EscapeSnippetText(absl::string_view text, bool collapse_space) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case ' ': case '\n': case '\r': case '\t': case '\f': case '\v':
        if (!collapse_space) {
          out.push_back(c);
        } else if (out.empty() || out.back() != ' ') {
          out.push_back(' ');
        }
        break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace internal

namespace {

// Analysing a very long body for one snippet is wasted work past this many
// bytes; matches further in are rare and the window must be somewhere.
constexpr size_t kMaxAnalysedBytes = 64 * 1024;

struct Span {
  size_t first, last;  // token indexes, inclusive
  int key;             // which phrase/prefix matched (for "distinct")
};

// The stem of each token that could match `spec`, "" for the others.
// Stemming every word of the body dominated query time (perf: ~40% of a
// top-10 query). Snowball stemmers rewrite suffixes only, so a word can stem
// to a query stem only if both start with the same two bytes: stem just those
// words and leave the rest unmatched.
std::vector<std::string> CandidateStems(core::Analyzer& analyzer,
                                        const std::vector<core::Token>& tokens,
                                        const HighlightSpec& spec) {
  absl::flat_hash_set<std::string> heads;
  auto head = [](absl::string_view w) { return std::string(w.substr(0, 2)); };
  for (const auto& phrase : spec.phrases) {
    for (const std::string& stem : phrase) heads.insert(head(stem));
  }
  for (const std::string& prefix : spec.prefixes) heads.insert(head(prefix));
  std::vector<std::string> stems;
  stems.reserve(tokens.size());
  for (const core::Token& t : tokens) {
    stems.push_back(heads.contains(head(t.term)) ? analyzer.Stem(t.term, spec.language)
                                                 : std::string());
  }
  return stems;
}

// The longest phrase of `spec` that starts at token `i`, or else the first
// prefix token `i` starts with; key -1 if none.
Span MatchAt(size_t i, const std::vector<core::Token>& tokens,
             const std::vector<std::string>& stems, const HighlightSpec& spec,
             const absl::flat_hash_map<std::string, std::vector<int>>& by_first_stem) {
  Span best{i, 0, -1};
  if (auto it = by_first_stem.find(stems[i]); it != by_first_stem.end()) {
    for (int p : it->second) {
      const std::vector<std::string>& phrase = spec.phrases[static_cast<size_t>(p)];
      if (i + phrase.size() > tokens.size()) continue;
      bool match = true;
      for (size_t k = 1; k < phrase.size() && match; ++k) match = stems[i + k] == phrase[k];
      if (match && (best.key < 0 || i + phrase.size() - 1 > best.last)) {
        best.last = i + phrase.size() - 1;
        best.key = p;
      }
    }
  }
  if (best.key >= 0) return best;
  for (size_t p = 0; p < spec.prefixes.size(); ++p) {
    if (absl::StartsWith(tokens[i].term, spec.prefixes[p]) ||
        absl::StartsWith(stems[i], spec.prefixes[p])) {
      return Span{i, i, static_cast<int>(spec.phrases.size() + p)};
    }
  }
  return best;
}

// The matches of `spec` in `tokens`, in order, none overlapping.
std::vector<Span> FindMatches(core::Analyzer& analyzer, const std::vector<core::Token>& tokens,
                              const HighlightSpec& spec) {
  absl::flat_hash_map<std::string, std::vector<int>> by_first_stem;  // stem -> phrase indexes
  for (size_t p = 0; p < spec.phrases.size(); ++p) {
    if (!spec.phrases[p].empty()) by_first_stem[spec.phrases[p][0]].push_back(static_cast<int>(p));
  }
  std::vector<Span> spans;
  if (by_first_stem.empty() && spec.prefixes.empty()) return spans;
  const std::vector<std::string> stems = CandidateStems(analyzer, tokens, spec);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Span span = MatchAt(i, tokens, stems, spec, by_first_stem);
    if (span.key >= 0) {
      spans.push_back(span);
      i = span.last;  // phrases do not overlap each other in the output
    }
  }
  return spans;
}

// The first token of the window of `max_words` tokens with the most distinct
// keys, then the most matches, then the earliest.
size_t ChooseWindow(const std::vector<Span>& spans, size_t max_words) {
  size_t start = 0, best_distinct = 0, best_count = 0;
  for (size_t s = 0; s < spans.size(); ++s) {
    // Start a few words before the match so it has some context.
    const size_t lead = std::min<size_t>(spans[s].first, max_words / 4);
    const size_t w_start = spans[s].first - lead;
    const size_t w_end = w_start + max_words;  // exclusive
    absl::flat_hash_set<int> keys;
    size_t count = 0;
    for (size_t k = s; k < spans.size() && spans[k].last < w_end; ++k) {
      keys.insert(spans[k].key);
      ++count;
    }
    if (keys.size() > best_distinct || (keys.size() == best_distinct && count > best_count)) {
      best_distinct = keys.size();
      best_count = count;
      start = w_start;
    }
  }
  return start;
}

// The escaped text of tokens [start, end) of `body` (`analysed` is the part
// that was tokenized), the matches among them in <b> when `highlight`.
std::string RenderWindow(absl::string_view body, absl::string_view analysed,
                         const std::vector<core::Token>& tokens, const std::vector<Span>& spans,
                         size_t start, size_t end, bool highlight) {
  std::string out;
  // A window at either end of the body keeps the text before the first or
  // after the last word (quotes, closing punctuation).
  size_t text_pos = start == 0 ? 0 : tokens[start].begin;
  auto span_it = std::lower_bound(spans.begin(), spans.end(), start,
                                  [](const Span& sp, size_t v) { return sp.first < v; });
  for (; highlight && span_it != spans.end() && span_it->last < end; ++span_it) {
    const size_t b = tokens[span_it->first].begin, e = tokens[span_it->last].end;
    out += internal::EscapeSnippetText(body.substr(text_pos, b - text_pos), true);
    out += "<b>";
    out += internal::EscapeSnippetText(body.substr(b, e - b), true);
    out += "</b>";
    text_pos = e;
  }
  const size_t text_end = end == tokens.size() ? analysed.size() : tokens[end - 1].end;
  out += internal::EscapeSnippetText(body.substr(text_pos, text_end - text_pos), true);
  return out;
}

}  // namespace

std::string MakeSnippet(core::Analyzer& analyzer, absl::string_view body,
                        const HighlightSpec& spec, bool highlight, size_t max_words) {
  if (max_words == 0) return std::string();
  absl::string_view analysed = body.substr(0, std::min(body.size(), kMaxAnalysedBytes));
  std::vector<core::Token> tokens;
  analyzer.Tokenize(analysed, &tokens);
  if (tokens.empty()) return std::string();
  const std::vector<Span> spans = FindMatches(analyzer, tokens, spec);
  const size_t start = ChooseWindow(spans, max_words);
  const size_t end = std::min(tokens.size(), start + max_words);  // exclusive
  const std::string out = RenderWindow(body, analysed, tokens, spans, start, end, highlight);
  // The escaped text has single spaces only; trim them at the ends.
  absl::string_view trimmed = absl::StripAsciiWhitespace(out);
  std::string result;
  if (start > 0) result += "\xE2\x80\xA6 ";  // "… "
  result.append(trimmed.data(), trimmed.size());
  if (end < tokens.size() || analysed.size() < body.size()) result += " \xE2\x80\xA6";  // " …"
  return result;
}

}  // namespace newsdex::query
