#include "tools/bench/corpus_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/utf8.h"

namespace newsdex::tools {
namespace {

namespace fs = std::filesystem;

// Text between <tag ...> and </tag> inside `doc`, or empty.
absl::string_view Element(absl::string_view doc, absl::string_view tag) {
  const std::string open = absl::StrCat("<", tag);
  const std::string close = absl::StrCat("</", tag, ">");
  size_t start = doc.find(open);
  while (start != absl::string_view::npos) {
    const char next = start + open.size() < doc.size() ? doc[start + open.size()] : '\0';
    if (next == '>' || next == ' ') break;
    start = doc.find(open, start + 1);
  }
  if (start == absl::string_view::npos) return {};
  const size_t gt = doc.find('>', start);
  if (gt == absl::string_view::npos) return {};
  const size_t end = doc.find(close, gt + 1);
  if (end == absl::string_view::npos) return {};
  return doc.substr(gt + 1, end - gt - 1);
}

// Decodes the SGML entities Reuters uses; drops character references (all are
// wire control codes) and raw control bytes other than newline.
std::string DecodeSgml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '&') {
      const size_t semi = text.find(';', i);
      if (semi != absl::string_view::npos && semi - i <= 8) {
        const absl::string_view entity = text.substr(i + 1, semi - i - 1);
        if (entity == "lt") {
          out += '<';
        } else if (entity == "gt") {
          out += '>';
        } else if (entity == "amp") {
          out += '&';
        } else if (entity == "quot") {
          out += '"';
        } else if (!entity.empty() && entity[0] == '#') {
          // Control-character reference: dropped.
        } else {
          out.append(text.data() + i, semi - i + 1);
        }
        i = semi;
        continue;
      }
    }
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') {
      if (c == '\t') out += ' ';
      continue;
    }
    out += c;
  }
  return ToValidUtf8(out);
}

// Reuters body lines: a line indented by spaces opens a new paragraph. Joins
// the lines of a paragraph with spaces and drops the "Reuter" sign-off.
std::string ReflowReutersBody(absl::string_view body) {
  std::vector<std::string> paragraphs;
  std::string current;
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    const absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (stripped.empty() || indented) {
      if (!current.empty()) paragraphs.push_back(std::move(current));
      current.clear();
    }
    if (stripped.empty()) continue;
    if (!current.empty()) current += ' ';
    absl::StrAppend(&current, stripped);
  }
  if (!current.empty()) paragraphs.push_back(std::move(current));
  if (!paragraphs.empty()) {
    const std::string last = absl::AsciiStrToLower(paragraphs.back());
    if (last == "reuter" || last == "reuters") paragraphs.pop_back();
  }
  return absl::StrJoin(paragraphs, "\n\n");
}

// "26-FEB-1987 15:01:01.79" (with stray spaces) -> "1987-02-26", else "".
std::string ParseReutersDate(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  if (parts.size() < 3) return "";
  int day = 0;
  int year = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(parts[0]), &day)) return "";
  if (!absl::SimpleAtoi(parts[2].substr(0, 4), &year)) return "";
  static constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (absl::EqualsIgnoreCase(parts[1], kMonths[m])) month = m + 1;
  }
  if (month == 0 || day < 1 || day > 31) return "";
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

// Attribute value NAME="..." inside an opening tag.
absl::string_view Attribute(absl::string_view tag, absl::string_view name) {
  const std::string key = absl::StrCat(name, "=\"");
  const size_t start = tag.find(key);
  if (start == absl::string_view::npos) return {};
  const size_t begin = start + key.size();
  const size_t end = tag.find('"', begin);
  if (end == absl::string_view::npos) return {};
  return tag.substr(begin, end - begin);
}

// Parses an octal tar header number field.
uint64_t ParseOctal(absl::string_view field) {
  uint64_t value = 0;
  for (char c : field) {
    if (c >= '0' && c <= '7') {
      value = value * 8 + static_cast<uint64_t>(c - '0');
    } else if (c == '\0' || c == ' ') {
      if (value != 0) break;
    }
  }
  return value;
}

std::string CString(absl::string_view field) {
  const size_t nul = field.find('\0');
  return std::string(field.substr(0, nul));
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xF]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

absl::StatusOr<std::string> ReadGzipFile(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  gzbuffer(file, 1 << 17);
  std::string out;
  std::vector<char> buffer(1 << 17);
  while (true) {
    const int n = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) {
      int errnum = 0;
      const std::string message = gzerror(file, &errnum);
      gzclose(file);
      return absl::DataLossError(absl::StrCat(path, ": ", message));
    }
    if (n == 0) break;
    out.append(buffer.data(), static_cast<size_t>(n));
  }
  const int rc = gzclose(file);
  if (rc != Z_OK && rc != Z_BUF_ERROR) {
    return absl::DataLossError(absl::StrCat(path, ": corrupt or truncated gzip"));
  }
  return out;
}

std::string ToValidUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t n = core::utf8::SequenceLength(text, i);
    if (n > 0) {
      out.append(text.data() + i, n);
      i += n;
    } else {
      core::utf8::Append(static_cast<unsigned char>(text[i]), &out);
      ++i;
    }
  }
  return out;
}

void ParseReutersSgml(absl::string_view sgml, const SourceArticleCallback& on_article) {
  size_t pos = 0;
  while (true) {
    const size_t start = sgml.find("<REUTERS", pos);
    if (start == absl::string_view::npos) return;
    const size_t end = sgml.find("</REUTERS>", start);
    if (end == absl::string_view::npos) return;
    const absl::string_view doc = sgml.substr(start, end - start);
    pos = end + 10;

    SourceArticle article;
    const absl::string_view open_tag = doc.substr(0, doc.find('>'));
    article.id = absl::StrCat("reuters/", Attribute(open_tag, "NEWID"));
    article.source = "Reuters";
    article.date = ParseReutersDate(DecodeSgml(Element(doc, "DATE")));
    article.title = std::string(absl::StripAsciiWhitespace(DecodeSgml(Element(doc, "TITLE"))));
    std::string dateline = DecodeSgml(Element(doc, "DATELINE"));
    article.dateline = std::string(absl::StripAsciiWhitespace(dateline));
    const absl::string_view body = Element(doc, "BODY");
    if (!body.empty()) {
      article.body = ReflowReutersBody(DecodeSgml(body));
    } else if (absl::StrContains(doc, "TYPE=\"UNPROC\"")) {
      std::string text = DecodeSgml(Element(doc, "TEXT"));
      if (article.title.empty()) {
        const absl::string_view stripped = absl::StripAsciiWhitespace(text);
        article.title = std::string(stripped.substr(0, stripped.find('\n')));
      }
      article.body = ReflowReutersBody(text);
    }
    on_article(std::move(article));
  }
}

absl::Status ParseTar(
    absl::string_view tar,
    const std::function<void(absl::string_view name, absl::string_view content)>& on_file) {
  size_t pos = 0;
  std::string long_name;
  while (pos + 512 <= tar.size()) {
    const absl::string_view header = tar.substr(pos, 512);
    if (header.find_first_not_of('\0') == absl::string_view::npos) return absl::OkStatus();
    // Header checksum: sum of all bytes with the checksum field taken as spaces.
    uint64_t sum = 0;
    for (size_t i = 0; i < 512; ++i) {
      sum += (i >= 148 && i < 156) ? 0x20 : static_cast<unsigned char>(header[i]);
    }
    if (sum != ParseOctal(header.substr(148, 8))) {
      return absl::DataLossError(absl::StrCat("tar: bad header checksum at offset ", pos));
    }
    const uint64_t size = ParseOctal(header.substr(124, 12));
    const char type = header[156];
    std::string name = CString(header.substr(0, 100));
    if (header.substr(257, 5) == "ustar") {
      const std::string prefix = CString(header.substr(345, 155));
      if (!prefix.empty()) name = absl::StrCat(prefix, "/", name);
    }
    const size_t data = pos + 512;
    if (data + size > tar.size()) {
      return absl::DataLossError(absl::StrCat("tar: truncated entry \"", name, "\""));
    }
    const absl::string_view content = tar.substr(data, size);
    if (type == 'L') {  // GNU long name for the next entry
      long_name = CString(content);
    } else {
      if (!long_name.empty()) name = std::move(long_name);
      long_name.clear();
      if (type == '0' || type == '\0') on_file(name, content);
    }
    pos = data + (size + 511) / 512 * 512;
  }
  return absl::OkStatus();
}

absl::Status ReadSharedCorpora(const std::string& shared_dir, bool include_reuters,
                               bool include_bbc, const SourceArticleCallback& on_article) {
  const fs::path corpora = fs::path(shared_dir) / "corpora";
  std::error_code ec;
  if (!fs::is_directory(corpora, ec)) {
    return absl::NotFoundError(absl::StrCat(
        "shared corpora not found: ", corpora.string(),
        " is not a directory (pass --shared DIR pointing at the shared/ checkout)"));
  }
  if (include_reuters) {
    std::vector<fs::path> files;
    for (const char* part : {"dev", "holdout"}) {
      const fs::path dir = corpora / "reuters21578" / part;
      if (!fs::is_directory(dir, ec)) continue;
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (absl::EndsWith(entry.path().filename().string(), ".sgm.gz")) {
          files.push_back(entry.path());
        }
      }
    }
    if (files.empty()) {
      return absl::NotFoundError(absl::StrCat("no Reuters-21578 .sgm.gz files under ",
                                              (corpora / "reuters21578").string()));
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      absl::StatusOr<std::string> content = ReadGzipFile(file.string());
      if (!content.ok()) return content.status();
      ParseReutersSgml(*content, on_article);
    }
  }
  if (include_bbc) {
    const fs::path tarball = corpora / "bbc" / "bbc.tar.gz";
    if (!fs::exists(tarball, ec)) {
      return absl::NotFoundError(absl::StrCat(tarball.string(), ": not found"));
    }
    absl::StatusOr<std::string> tar = ReadGzipFile(tarball.string());
    if (!tar.ok()) return tar.status();
    absl::Status status = ParseTar(*tar, [&](absl::string_view name, absl::string_view content) {
      if (!absl::EndsWith(name, ".txt") || absl::EqualsIgnoreCase(name, "README.TXT")) return;
      const std::string text = ToValidUtf8(content);
      absl::string_view rest = text;
      rest = absl::StripLeadingAsciiWhitespace(rest);
      SourceArticle article;
      article.id = absl::StrCat("bbc/", name);
      article.source = "BBC";
      const size_t newline = rest.find('\n');
      article.title = std::string(absl::StripAsciiWhitespace(rest.substr(0, newline)));
      if (newline != absl::string_view::npos) {
        std::vector<std::string> paragraphs;
        for (absl::string_view para : absl::StrSplit(rest.substr(newline + 1), '\n')) {
          para = absl::StripAsciiWhitespace(para);
          if (!para.empty()) paragraphs.emplace_back(para);
        }
        article.body = absl::StrJoin(paragraphs, "\n\n");
      }
      on_article(std::move(article));
    });
    if (!status.ok()) return absl::DataLossError(absl::StrCat(tarball.string(), ": ", status.message()));
  }
  return absl::OkStatus();
}

}  // namespace newsdex::tools
