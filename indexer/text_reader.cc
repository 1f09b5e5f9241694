#include "indexer/text_reader.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "indexer/internal/text_cleaning.h"

namespace newsdex::indexer {

bool SplitTitleAndBody(absl::string_view text, core::Article* article) {
  article->title.clear();
  article->body.clear();
  bool have_title = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == absl::string_view::npos) nl = text.size();
    absl::string_view line = absl::StripAsciiWhitespace(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty()) continue;
    if (!have_title) {
      article->title = internal::CollapseWhitespace(line);
      have_title = true;
      continue;
    }
    if (!article->body.empty()) article->body.push_back('\n');
    article->body.append(line.data(), line.size());
  }
  return have_title;
}

absl::Status ReadTextArticle(InputSource& source, const internal::FileContext& ctx) {
  const size_t max_bytes = ctx.options.max_article_bytes;
  // A vector grown by exact reserve() calls (a string's reserve doubles):
  // never more than max_bytes + 1 bytes, so an oversized file costs one
  // article of memory.
  std::vector<char> raw;
  size_t chunk = 16 * 1024;  // doubles up to 1 MiB: small files stay cheap
  while (true) {
    size_t old = raw.size();
    chunk = std::min(chunk, max_bytes + 1 - old);
    if (old + chunk > raw.capacity()) {
      raw.reserve(std::min(std::max(old + chunk, raw.capacity() * 2), max_bytes + 1));
    }
    raw.resize(old + chunk);
    absl::StatusOr<size_t> got = source.Read(raw.data() + old, chunk);
    chunk = std::min<size_t>(chunk * 2, 1 << 20);
    if (!got.ok()) {
      // A partial article is not an article: report and skip it.
      ctx.Report(absl::DataLossError(
          absl::StrCat(got.status().message(), "; article skipped")));
      return absl::OkStatus();
    }
    raw.resize(old + *got);
    if (*got == 0) break;
    if (raw.size() > max_bytes) {
      ctx.Report(absl::ResourceExhaustedError(absl::StrCat(
          ctx.path, ": article larger than ", max_bytes,
          " bytes (max_article_bytes); skipped")));
      return absl::OkStatus();
    }
  }
  core::Article article;
  if (!SplitTitleAndBody(internal::CleanText(absl::string_view(raw.data(), raw.size())),
                         &article)) {
    ctx.Report(absl::InvalidArgumentError(absl::StrCat(ctx.path, ": empty file")));
    return absl::OkStatus();
  }
  article.id = ctx.file_id;
  article.origin = ctx.path;
  return (*ctx.on_article)(std::move(article));
}

}  // namespace newsdex::indexer
