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

}  // namespace

std::string MakeSnippet(core::Analyzer& analyzer, absl::string_view body,
                        const HighlightSpec& spec, bool highlight, size_t max_words) {
  if (max_words == 0) return std::string();
  absl::string_view analysed = body.substr(0, std::min(body.size(), kMaxAnalysedBytes));
  std::vector<core::Token> tokens;
  analyzer.Tokenize(analysed, &tokens);
  if (tokens.empty()) return std::string();

  // Find the matches.
  absl::flat_hash_map<std::string, std::vector<int>> by_first_stem;  // stem -> phrase indexes
  for (size_t p = 0; p < spec.phrases.size(); ++p) {
    if (!spec.phrases[p].empty()) by_first_stem[spec.phrases[p][0]].push_back(static_cast<int>(p));
  }
  std::vector<std::string> stems;
  stems.reserve(tokens.size());
  const bool any = !by_first_stem.empty() || !spec.prefixes.empty();
  if (any) {
    // Stemming every word of the body dominated query time (perf: ~40% of a
    // top-10 query). Snowball stemmers rewrite suffixes only, so a word can
    // stem to a query stem only if both start with the same two bytes: stem
    // just those words and leave the rest unmatched.
    absl::flat_hash_set<std::string> heads;
    auto head = [](absl::string_view w) { return std::string(w.substr(0, 2)); };
    for (const auto& phrase : spec.phrases) {
      for (const std::string& stem : phrase) heads.insert(head(stem));
    }
    for (const std::string& prefix : spec.prefixes) heads.insert(head(prefix));
    for (const core::Token& t : tokens) {
      stems.push_back(heads.contains(head(t.term)) ? analyzer.Stem(t.term, spec.language)
                                                   : std::string());
    }
  }
  std::vector<Span> spans;
  for (size_t i = 0; any && i < tokens.size(); ++i) {
    size_t best_last = 0;
    int best_key = -1;
    if (auto it = by_first_stem.find(stems[i]); it != by_first_stem.end()) {
      for (int p : it->second) {
        const std::vector<std::string>& phrase = spec.phrases[static_cast<size_t>(p)];
        if (i + phrase.size() > tokens.size()) continue;
        bool match = true;
        for (size_t k = 1; k < phrase.size() && match; ++k) match = stems[i + k] == phrase[k];
        if (match && (best_key < 0 || i + phrase.size() - 1 > best_last)) {
          best_last = i + phrase.size() - 1;
          best_key = p;
        }
      }
    }
    if (best_key < 0) {
      for (size_t p = 0; p < spec.prefixes.size(); ++p) {
        if (absl::StartsWith(tokens[i].term, spec.prefixes[p]) ||
            absl::StartsWith(stems[i], spec.prefixes[p])) {
          best_last = i;
          best_key = static_cast<int>(spec.phrases.size() + p);
          break;
        }
      }
    }
    if (best_key >= 0) {
      spans.push_back(Span{i, best_last, best_key});
      i = best_last;  // phrases do not overlap each other in the output
    }
  }

  // Choose the window: most distinct keys, then most matches, then earliest.
  size_t start = 0;
  if (!spans.empty()) {
    size_t best_distinct = 0, best_count = 0;
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
  }
  const size_t end = std::min(tokens.size(), start + max_words);  // exclusive

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
  // The escaped text has single spaces only; trim them at the ends.
  absl::string_view trimmed = absl::StripAsciiWhitespace(out);
  std::string result;
  if (start > 0) result += "\xE2\x80\xA6 ";  // "… "
  result.append(trimmed.data(), trimmed.size());
  if (end < tokens.size() || analysed.size() < body.size()) result += " \xE2\x80\xA6";  // " …"
  return result;
}

}  // namespace newsdex::query
