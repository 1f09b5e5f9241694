#include "indexer/reader.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "indexer/input_source.h"
#include "indexer/internal/read_context.h"
#include "indexer/internal/text_cleaning.h"
#include "indexer/jsonl_reader.h"
#include "indexer/reuters_reader.h"
#include "indexer/text_reader.h"

namespace newsdex::indexer {
namespace {

namespace fs = std::filesystem;

// How much of a file format and binary detection look at.
constexpr size_t kSniffBytes = 8192;

absl::string_view StripGz(absl::string_view name) {
  if (name.size() > 3 && absl::EndsWithIgnoreCase(name, ".gz")) {
    name.remove_suffix(3);
  }
  return name;
}

InputFormat FormatFromName(absl::string_view path) {
  std::string name = absl::AsciiStrToLower(StripGz(path));
  for (const char* ext : {".jsonl", ".ndjson", ".json"}) {
    if (absl::EndsWith(name, ext)) return InputFormat::kJsonl;
  }
  for (const char* ext : {".sgm", ".sgml"}) {
    if (absl::EndsWith(name, ext)) return InputFormat::kReuters;
  }
  if (absl::EndsWith(name, ".txt")) return InputFormat::kText;
  return InputFormat::kAuto;
}

InputFormat FormatFromContent(absl::string_view prefix) {
  size_t first = 0;
  while (first < prefix.size() &&
         absl::ascii_isspace(static_cast<unsigned char>(prefix[first]))) {
    ++first;
  }
  if (first < prefix.size() && prefix[first] == '{') return InputFormat::kJsonl;
  if (absl::StrContains(prefix, "<REUTERS")) return InputFormat::kReuters;
  return InputFormat::kText;
}

// A file found under a directory argument (or the argument itself).
struct InputFile {
  std::string path;
  std::string file_id;
};

// Regular files under `root`, hidden entries (".name") skipped, sorted by
// relative path. Walk errors are reported.
std::vector<InputFile> ListDirectory(const std::string& root,
                                     const ErrorCallback* on_error) {
  std::vector<InputFile> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(
      root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    internal::ReportError(on_error, absl::UnavailableError(
        absl::StrCat(root, ": cannot list directory: ", ec.message())));
    return files;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      internal::ReportError(on_error, absl::UnavailableError(
          absl::StrCat(root, ": cannot list directory: ", ec.message())));
      break;
    }
    const fs::directory_entry& entry = *it;
    std::string name = entry.path().filename().string();
    std::error_code type_ec;
    if (absl::StartsWith(name, ".")) {
      if (entry.is_directory(type_ec)) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(type_ec)) continue;
    std::string relative = entry.path().lexically_relative(root).generic_string();
    files.push_back({entry.path().string(), std::string(StripGz(relative))});
  }
  std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) {
    return a.file_id < b.file_id;
  });
  return files;
}

absl::Status ReadFile(const std::string& path, const std::string& file_id,
                      const ReadOptions& options, const ArticleCallback& on_article,
                      const ErrorCallback& on_error, std::atomic<uint64_t>* bytes_read) {
  internal::FileContext ctx;
  ctx.path = path == "-" ? "stdin" : path;
  ctx.file_id = file_id;
  ctx.options = options;
  ctx.on_article = &on_article;
  ctx.on_error = &on_error;

  absl::StatusOr<std::unique_ptr<InputSource>> opened = InputSource::Open(path, bytes_read);
  if (!opened.ok()) {
    ctx.Report(opened.status());
    return absl::OkStatus();
  }
  InputSource& source = **opened;
  absl::StatusOr<absl::string_view> prefix = source.Peek(kSniffBytes);
  if (!prefix.ok()) {
    ctx.Report(absl::Status(prefix.status().code(),
                            absl::StrCat(prefix.status().message(), "; file skipped")));
    return absl::OkStatus();
  }
  if (prefix->empty()) {
    ctx.Report(absl::InvalidArgumentError(absl::StrCat(ctx.path, ": empty file")));
    return absl::OkStatus();
  }
  if (internal::LooksBinary(*prefix)) {
    ctx.Report(absl::InvalidArgumentError(absl::StrCat(
        ctx.path, ": looks binary (NUL or many control bytes in the first ",
        kSniffBytes, " bytes); skipped")));
    return absl::OkStatus();
  }
  InputFormat format = options.format;
  if (format == InputFormat::kAuto) format = FormatFromName(path == "-" ? "" : path);
  if (format == InputFormat::kAuto) format = FormatFromContent(*prefix);
  if (absl::StartsWith(*prefix, "\xEF\xBB\xBF")) {  // UTF-8 byte order mark
    char bom[3];
    (void)source.Read(bom, 3);
  }
  switch (format) {
    case InputFormat::kJsonl:
      return ReadJsonlArticles(source, ctx);
    case InputFormat::kReuters:
      return ReadReutersDocuments(
          source, ctx.path, options.max_article_bytes,
          [&on_article](ReutersDocument doc) { return on_article(std::move(doc.article)); },
          &on_error);
    case InputFormat::kText:
    case InputFormat::kAuto:
      break;
  }
  return ReadTextArticle(source, ctx);
}

}  // namespace

absl::StatusOr<InputFormat> ParseInputFormat(absl::string_view name) {
  for (InputFormat f : {InputFormat::kAuto, InputFormat::kText, InputFormat::kJsonl,
                        InputFormat::kReuters}) {
    if (name == InputFormatName(f)) return f;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown input format \"", name, "\" (expected auto, text, jsonl or reuters)"));
}

absl::string_view InputFormatName(InputFormat format) {
  switch (format) {
    case InputFormat::kAuto:
      return "auto";
    case InputFormat::kText:
      return "text";
    case InputFormat::kJsonl:
      return "jsonl";
    case InputFormat::kReuters:
      return "reuters";
  }
  return "auto";
}

absl::Status ReadInputs(const std::vector<std::string>& paths, const ReadOptions& options,
                        const ArticleCallback& on_article, const ErrorCallback& on_error,
                        std::atomic<uint64_t>* bytes_read) {
  for (const std::string& path : paths) {
    if (path == "-") {
      NEWSDEX_RETURN_IF_ERROR(
          ReadFile(path, "stdin", options, on_article, on_error, bytes_read));
      continue;
    }
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      internal::ReportError(&on_error, absl::NotFoundError(absl::StrCat(
          path, ": ", ec ? ec.message() : "No such file or directory")));
      continue;
    }
    if (fs::is_directory(status)) {
      for (const InputFile& file : ListDirectory(path, &on_error)) {
        NEWSDEX_RETURN_IF_ERROR(
            ReadFile(file.path, file.file_id, options, on_article, on_error, bytes_read));
      }
      continue;
    }
    std::string id(StripGz(fs::path(path).filename().string()));
    NEWSDEX_RETURN_IF_ERROR(ReadFile(path, id, options, on_article, on_error, bytes_read));
  }
  return absl::OkStatus();
}

uint64_t TotalInputBytes(const std::vector<std::string>& paths) {
  uint64_t total = 0;
  ErrorCallback ignore = [](const absl::Status&) {};
  for (const std::string& path : paths) {
    if (path == "-") continue;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (const InputFile& file : ListDirectory(path, &ignore)) {
        uint64_t size = fs::file_size(file.path, ec);
        if (!ec) total += size;
      }
    } else {
      uint64_t size = fs::file_size(path, ec);
      if (!ec) total += size;
    }
  }
  return total;
}

absl::Status ReadReutersFile(
    const std::string& path,
    const std::function<absl::Status(ReutersDocument)>& on_document,
    const ErrorCallback& on_error) {
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<InputSource> source,
                           InputSource::Open(path, nullptr));
  return ReadReutersDocuments(*source, path, ReadOptions().max_article_bytes,
                              on_document, &on_error);
}

}  // namespace newsdex::indexer
