#include "indexer/reuters_reader.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "core/utf8.h"
#include "indexer/internal/read_context.h"
#include "indexer/internal/text_cleaning.h"

namespace newsdex::indexer {
namespace {

// An element's attribute text (between the name and '>') and its content.
// `closed` is false when the end tag was missing and the content was cut at
// the next element that cannot be inside it.
struct Element {
  absl::string_view attrs;
  absl::string_view content;
  bool closed = true;
};

// Position of the start tag "<name" (followed by '>' or a space) in `sgml`.
size_t FindStartTag(absl::string_view sgml, absl::string_view name) {
  const std::string open = absl::StrCat("<", name);
  for (size_t pos = sgml.find(open); pos != absl::string_view::npos;
       pos = sgml.find(open, pos + open.size())) {
    const size_t after = pos + open.size();
    if (after < sgml.size() &&
        (sgml[after] == '>' || absl::ascii_isspace(static_cast<unsigned char>(sgml[after])))) {
      return pos;
    }
  }
  return absl::string_view::npos;
}

// Finds the element `name` in `sgml`. Elements do not nest in this corpus, so
// the first end tag is the match. Without an end tag there is no element,
// unless `recover`: then the content runs to the first of `stops` (tags that
// cannot occur inside the element; the corpus writes company names as
// "<Name Inc>" in running text, so not any '<') or to the end of `sgml`.
std::optional<Element> FindElement(absl::string_view sgml, absl::string_view name,
                                   bool recover = false,
                                   std::initializer_list<absl::string_view> stops = {}) {
  const size_t pos = FindStartTag(sgml, name);
  if (pos == absl::string_view::npos) return std::nullopt;
  const size_t tag_end = sgml.find('>', pos);
  if (tag_end == absl::string_view::npos) return std::nullopt;
  Element e;
  e.attrs = sgml.substr(pos + 1 + name.size(), tag_end - pos - 1 - name.size());
  const absl::string_view rest = sgml.substr(tag_end + 1);
  const size_t end = rest.find(absl::StrCat("</", name, ">"));
  if (end != absl::string_view::npos) {
    e.content = rest.substr(0, end);
    return e;
  }
  if (!recover) return std::nullopt;
  size_t cut = rest.size();
  for (absl::string_view stop : stops) cut = std::min(cut, rest.find(stop));
  e.content = rest.substr(0, cut);
  e.closed = false;
  return e;
}

// The value of attribute `name` ("NAME=\"value\"") in a tag's attribute text.
absl::string_view AttributeValue(absl::string_view attrs, absl::string_view name) {
  std::string key = absl::StrCat(name, "=\"");
  size_t pos = 0;
  while ((pos = attrs.find(key, pos)) != absl::string_view::npos) {
    if (pos == 0 || absl::ascii_isspace(static_cast<unsigned char>(attrs[pos - 1]))) {
      size_t start = pos + key.size();
      size_t end = attrs.find('"', start);
      if (end == absl::string_view::npos) return {};
      return attrs.substr(start, end - start);
    }
    pos += key.size();
  }
  return {};
}

std::vector<std::string> Labels(absl::string_view sgml, absl::string_view element) {
  std::vector<std::string> labels;
  std::optional<Element> found = FindElement(sgml, element);
  if (!found) return labels;
  const absl::string_view content = found->content;
  size_t pos = 0;
  while ((pos = content.find("<D>", pos)) != absl::string_view::npos) {
    size_t start = pos + 3;
    size_t end = content.find("</D>", start);
    if (end == absl::string_view::npos) break;
    std::string label = internal::CollapseWhitespace(
        DecodeSgmlText(content.substr(start, end - start)));
    if (!label.empty()) labels.push_back(std::move(label));
    pos = end + 4;
  }
  return labels;
}

bool IsSignOff(absl::string_view word) {
  while (!word.empty() && word.back() == '.') word.remove_suffix(1);
  return absl::EqualsIgnoreCase(word, "reuter") || absl::EqualsIgnoreCase(word, "reuters");
}

void TrimRight(std::string* s) {
  size_t n = s->size();
  while (n > 0 && absl::ascii_isspace(static_cast<unsigned char>((*s)[n - 1]))) --n;
  s->resize(n);
}

// Drops the wire sign-off: a last line " Reuter" / "REUTER..." (any case), or a
// last word "REUTER"/"Reuter" glued to the final sentence. Returns whether it
// dropped one.
bool StripOneSignOff(std::string* body) {
  TrimRight(body);
  size_t line_start = body->rfind('\n');
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  absl::string_view last = absl::StripAsciiWhitespace(
      absl::string_view(*body).substr(line_start));
  if (IsSignOff(last)) {
    body->resize(line_start);
    TrimRight(body);
    return true;
  }
  size_t space = last.rfind(' ');
  if (space == absl::string_view::npos) return false;
  absl::string_view word = last.substr(space + 1);
  while (!word.empty() && word.back() == '.') word.remove_suffix(1);
  if (word == "REUTER" || word == "Reuter") {
    body->resize(body->size() - (last.size() - space));
    TrimRight(body);
    return true;
  }
  return false;
}

// A few stories are signed twice ("... 28. REUTER" then " Reuter").
void StripSignOff(std::string* body) {
  if (StripOneSignOff(body)) StripOneSignOff(body);
}

std::string FirstLine(absl::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == absl::string_view::npos) nl = text.size();
    std::string line = internal::CollapseWhitespace(text.substr(pos, nl - pos));
    if (!line.empty()) return line;
    pos = nl + 1;
  }
  return {};
}

}  // namespace

std::optional<absl::CivilDay> ParseReutersDate(absl::string_view text) {
  static constexpr const char* kMonths[12] = {"JAN", "FEB", "MAR", "APR",
                                              "MAY", "JUN", "JUL", "AUG",
                                              "SEP", "OCT", "NOV", "DEC"};
  size_t i = 0;
  auto digit = [&](size_t k) {
    return k < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[k]));
  };
  while (i < text.size() && absl::ascii_isspace(static_cast<unsigned char>(text[i]))) ++i;
  int day = 0;
  int ndigits = 0;
  while (digit(i) && ndigits < 2) {
    day = day * 10 + (text[i++] - '0');
    ++ndigits;
  }
  if (ndigits == 0 || digit(i) || i + 9 > text.size() || text[i] != '-' ||
      text[i + 4] != '-') {
    return std::nullopt;
  }
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (absl::EqualsIgnoreCase(text.substr(i + 1, 3), kMonths[m])) month = m + 1;
  }
  i += 5;
  int year = 0;
  for (int k = 0; k < 4; ++k) {
    if (!digit(i)) return std::nullopt;
    year = year * 10 + (text[i++] - '0');
  }
  if (month == 0 || digit(i) || day < 1 || day > 31) return std::nullopt;
  absl::CivilDay result(year, month, day);
  if (result.day() != day || result.month() != month) return std::nullopt;
  return result;
}

std::string DecodeSgmlText(absl::string_view raw) {
  if (raw.find('&') == absl::string_view::npos) return internal::CleanText(raw);
  std::string decoded;
  decoded.reserve(raw.size());
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t amp = raw.find('&', pos);
    if (amp == absl::string_view::npos) {
      decoded.append(raw.data() + pos, raw.size() - pos);
      break;
    }
    decoded.append(raw.data() + pos, amp - pos);
    pos = amp + 1;
    size_t semi = raw.find(';', pos);
    if (semi == absl::string_view::npos || semi - pos > 10 || semi == pos) {
      decoded.push_back('&');
      continue;
    }
    absl::string_view ref = raw.substr(pos, semi - pos);
    if (ref[0] == '#') {
      bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
      absl::string_view digits = ref.substr(hex ? 2 : 1);
      uint32_t code = 0;
      bool ok = !digits.empty();
      for (char c : digits) {
        int v = absl::ascii_isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : hex && absl::ascii_isxdigit(static_cast<unsigned char>(c))
                    ? absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10
                    : -1;
        if (v < 0 || code > 0x10FFFF) {
          ok = false;
          break;
        }
        code = code * (hex ? 16 : 10) + v;
      }
      if (!ok) {
        decoded.push_back('&');
        continue;
      }
      // Wire control codes (&#2; &#3; &#5; &#22; &#31; &#127; ...): dropped.
      bool control = (code < 0x20 && code != '\t' && code != '\n') ||
                     (code >= 0x7F && code < 0xA0);
      if (!control) core::utf8::Append(code, &decoded);
    } else if (ref == "lt") {
      decoded.push_back('<');
    } else if (ref == "gt") {
      decoded.push_back('>');
    } else if (ref == "amp") {
      decoded.push_back('&');
    } else if (ref == "quot") {
      decoded.push_back('"');
    } else if (ref == "apos") {
      decoded.push_back('\'');
    } else {
      decoded.push_back('&');
      continue;
    }
    pos = semi + 1;
  }
  return internal::CleanText(decoded);
}

namespace {

void AddProblem(std::string* problems, absl::string_view problem) {
  absl::StrAppend(problems, problems->empty() ? "" : "; ", problem);
}

void ReadDate(absl::string_view sgml, core::Article* a, std::string* problems) {
  std::optional<Element> date = FindElement(sgml, "DATE");
  if (!date) return AddProblem(problems, "no DATE (article kept without a date)");
  a->date = ParseReutersDate(date->content);
  if (!a->date) {
    AddProblem(problems, absl::StrCat("cannot parse DATE \"",
                                      internal::CleanText(absl::StripAsciiWhitespace(date->content)),
                                      "\" (article kept without a date)"));
  }
}

// The element `name` of `text`, cut at `stops` when its end tag is missing,
// which is reported: the text is kept, not lost quietly.
std::optional<Element> FindTextPart(absl::string_view text, absl::string_view name,
                                    std::initializer_list<absl::string_view> stops,
                                    std::string* problems) {
  std::optional<Element> e = FindElement(text, name, /*recover=*/true, stops);
  if (e && !e->closed) {
    AddProblem(problems, absl::StrCat("no </", name, "> (", name,
                                      " read up to the next element; article kept)"));
  }
  return e;
}

std::string BodyText(absl::string_view raw) {
  std::string body = DecodeSgmlText(raw);
  StripSignOff(&body);
  return std::string(absl::StripAsciiWhitespace(body));
}

// TITLE, DATELINE and BODY of the <TEXT> element. An unclosed part ends at the
// next part that follows it in the corpus's order.
void ReadText(absl::string_view sgml, core::Article* a, std::string* problems) {
  std::optional<Element> text = FindTextPart(sgml, "TEXT", {"</REUTERS>"}, problems);
  if (!text) return;
  const absl::string_view type = AttributeValue(text->attrs, "TYPE");
  if (auto title = FindTextPart(text->content, "TITLE", {"<DATELINE", "<BODY"}, problems)) {
    a->title = internal::CollapseWhitespace(DecodeSgmlText(title->content));
  }
  if (type == "UNPROC") {
    // No TITLE/BODY split: all of the text is the body.
    a->body = BodyText(text->content);
    if (a->title.empty()) a->title = FirstLine(a->body);
    return;
  }
  if (type == "BRIEF") return;  // title only ("Blah blah blah.")
  if (auto dateline = FindTextPart(text->content, "DATELINE", {"<BODY"}, problems)) {
    a->dateline = internal::CollapseWhitespace(DecodeSgmlText(dateline->content));
  }
  if (auto body = FindTextPart(text->content, "BODY", {}, problems)) {
    a->body = BodyText(body->content);
  }
}

}  // namespace

absl::StatusOr<ReutersDocument> ParseReutersDocument(absl::string_view sgml,
                                                     absl::string_view origin,
                                                     std::string* problems) {
  problems->clear();
  size_t tag_end = sgml.find('>');
  absl::string_view open_tag = sgml.substr(0, tag_end);
  absl::string_view newid = AttributeValue(open_tag, "NEWID");
  if (newid.empty() || !std::all_of(newid.begin(), newid.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return absl::InvalidArgumentError("<REUTERS> without a numeric NEWID");
  }
  ReutersDocument doc;
  core::Article& a = doc.article;
  a.id = std::string(newid);
  a.source = "Reuters";
  a.language = "en";
  a.origin = std::string(origin);

  ReadDate(sgml, &a, problems);
  doc.places = Labels(sgml, "PLACES");
  doc.people = Labels(sgml, "PEOPLE");
  doc.topics = Labels(sgml, "TOPICS");
  doc.orgs = Labels(sgml, "ORGS");
  ReadText(sgml, &a, problems);
  return doc;
}

absl::Status ReadReutersDocuments(
    InputSource& source, const std::string& path, size_t max_document_bytes,
    const std::function<absl::Status(ReutersDocument)>& on_document,
    const ErrorCallback* on_error) {
  LineReader lines(&source, max_document_bytes);
  LineReader::Line line;
  std::string sgml;           // the current <REUTERS> element so far
  std::string open_line;      // its first line (for NEWID when it is too big)
  bool in_doc = false, too_big = false;
  uint64_t start_line = 0;
  std::string problems;

  auto where = [&](absl::string_view open) {
    absl::string_view newid = AttributeValue(open.substr(0, open.find('>')), "NEWID");
    return newid.empty() ? absl::StrCat(path, ":", start_line)
                         : absl::StrCat(path, ":", start_line, ": NEWID ", newid);
  };

  while (lines.Next(&line)) {
    absl::string_view text = line.text;
    if (!in_doc) {
      if (line.too_long) continue;
      size_t open = text.find("<REUTERS");
      if (open == absl::string_view::npos) continue;
      text.remove_prefix(open);
      in_doc = true;
      too_big = false;
      start_line = line.number;
      sgml.clear();
      open_line = std::string(text.substr(0, 512));
    } else if (!line.too_long && absl::StartsWith(text, "<REUTERS ")) {
      // A new document before the end tag of the last one: report that one
      // and start over here.
      internal::ReportError(on_error, absl::InvalidArgumentError(absl::StrCat(
          where(open_line), ": no </REUTERS> before the next <REUTERS>; skipped")));
      too_big = false;
      start_line = line.number;
      sgml.clear();
      open_line = std::string(text.substr(0, 512));
    }
    if (line.too_long) {
      too_big = true;
    }
    size_t close = text.find("</REUTERS>");
    if (!too_big) {
      if (close != absl::string_view::npos) {
        sgml.append(text.data(), close + 10);
      } else {
        sgml.append(text.data(), text.size());
        sgml.push_back('\n');
      }
      if (sgml.size() > max_document_bytes) {
        too_big = true;
        sgml.clear();
        sgml.shrink_to_fit();
      }
    }
    if (close == absl::string_view::npos) continue;
    in_doc = false;
    if (too_big) {
      internal::ReportError(on_error, absl::ResourceExhaustedError(absl::StrCat(
          where(open_line), ": document larger than max_article_bytes (",
          max_document_bytes, "); skipped")));
      continue;
    }
    absl::StatusOr<ReutersDocument> doc = ParseReutersDocument(
        sgml, absl::StrCat(path, ":", start_line), &problems);
    if (!doc.ok()) {
      internal::ReportError(on_error, absl::InvalidArgumentError(absl::StrCat(
          where(open_line), ": ", doc.status().message(), "; skipped")));
      continue;
    }
    if (!problems.empty()) {
      internal::ReportError(on_error, absl::InvalidArgumentError(absl::StrCat(
          where(open_line), ": ", problems)));
    }
    NEWSDEX_RETURN_IF_ERROR(on_document(*std::move(doc)));
  }
  if (!lines.status().ok()) {
    internal::ReportError(on_error, absl::Status(
        lines.status().code(),
        absl::StrCat(lines.status().message(),
                     in_doc ? absl::StrCat(" in the document at line ", start_line) : "",
                     "; the documents before it were kept")));
  } else if (in_doc) {
    internal::ReportError(on_error, absl::InvalidArgumentError(absl::StrCat(
        where(open_line), ": no </REUTERS> before the end of the file; skipped")));
  }
  return absl::OkStatus();
}

}  // namespace newsdex::indexer
