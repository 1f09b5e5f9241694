// Helpers shared by the libFuzzer harnesses of tests/fuzz/ (docs/reliability.md,
// "Fuzzing"): a check that survives NDEBUG, a memory-backed file for the
// readers (which open paths), and the article comparisons behind the
// round-trip checks.
//
// Thread safety: libFuzzer runs a harness on one thread; so do these helpers.
#ifndef NEWSDEX_TESTS_FUZZ_FUZZ_UTIL_H_
#define NEWSDEX_TESTS_FUZZ_FUZZ_UTIL_H_

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "core/article.h"
#include "core/utf8.h"

// Aborts with a message when `cond` is false. The harnesses are built
// RelWithDebInfo (NDEBUG), where assert() would check nothing; an abort is what
// libFuzzer reports as a crash and saves the input for.
#define NEWSDEX_FUZZ_CHECK(cond, what)                                           \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s: %s\n", __FILE__,      \
                   __LINE__, #cond, std::string(what).c_str());                  \
      std::abort();                                                              \
    }                                                                            \
  } while (0)

namespace newsdex::fuzz {

// A file in memory (memfd) whose contents each iteration replaces. The readers
// take paths (indexer::InputSource::Open); "/proc/self/fd/<n>" opens this one
// afresh, at offset 0, without touching the disk.
class MemoryFile {
 public:
  MemoryFile() : fd_(memfd_create("newsdex-fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() { close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  // Replaces the contents with `bytes`.
  void Set(absl::string_view bytes) {
    if (ftruncate(fd_, 0) != 0) std::abort();
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = pwrite(fd_, bytes.data() + done, bytes.size() - done,
                         static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<size_t>(n);
    }
  }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

inline std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s.substr(0, 200)) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > 200) out += "...";
  return out + "\"";
}

// Every text field an article stores or shows is valid UTF-8 (what the
// readers and the extractors promise; the renderers rely on it).
inline void CheckArticleUtf8(const core::Article& a, absl::string_view who) {
  auto check = [&](absl::string_view field, absl::string_view value) {
    NEWSDEX_FUZZ_CHECK(core::utf8::IsValid(value),
                       std::string(who) + ": field " + std::string(field) +
                           " is not valid UTF-8: " + Quote(value));
  };
  check("id", a.id);
  check("url", a.url);
  check("title", a.title);
  check("body", a.body);
  check("source", a.source);
  check("dateline", a.dateline);
  check("language", a.language);
  for (const core::CountryFacet& c : a.countries) {
    check("countries.code", c.code);
    check("countries.name", c.name);
  }
  for (const core::ActorFacet& p : a.actors) {
    check("actors.name", p.name);
    check("actors.country", p.country);
    check("actors.role", p.role);
  }
  for (const core::MentionedDate& d : a.mentioned_dates) check("mentioned_dates", d);
}

// Whether `a` and `b` agree on every field the stored form keeps (not
// dateline, origin or the *_from_metadata flags). Negative mention counts are
// stored as 0. On a difference, *why names the field.
inline bool SameStoredFields(const core::Article& a, const core::Article& b, std::string* why) {
  auto differ = [&](const char* field) {
    *why = field;
    return false;
  };
  if (a.id != b.id) return differ("id");
  if (a.url != b.url) return differ("url");
  if (a.title != b.title) return differ("title");
  if (a.body != b.body) return differ("body");
  if (a.source != b.source) return differ("source");
  if (a.language != b.language) return differ("language");
  if (a.date != b.date) return differ("date");
  if (a.countries.size() != b.countries.size()) return differ("countries.size");
  for (size_t i = 0; i < a.countries.size(); ++i) {
    const core::CountryFacet &x = a.countries[i], &y = b.countries[i];
    if (x.code != y.code || x.name != y.name || x.focus != y.focus ||
        std::max(x.mentions, 0) != std::max(y.mentions, 0)) {
      return differ("countries");
    }
  }
  if (a.actors.size() != b.actors.size()) return differ("actors.size");
  for (size_t i = 0; i < a.actors.size(); ++i) {
    const core::ActorFacet &x = a.actors[i], &y = b.actors[i];
    if (x.name != y.name || x.country != y.country || x.role != y.role ||
        std::max(x.mentions, 0) != std::max(y.mentions, 0)) {
      return differ("actors");
    }
  }
  if (a.mentioned_dates != b.mentioned_dates) return differ("mentioned_dates");
  return true;
}

// Encodes `a` as the index stores it and decodes it again: the decoder must
// accept what the encoder wrote and give the same stored fields back.
inline void CheckStoredRoundTrip(const core::Article& a, absl::string_view who) {
  const core::StoredArticle stored = core::EncodeStoredArticle(a);
  NEWSDEX_FUZZ_CHECK(!stored.metadata.empty(), std::string(who) + ": empty metadata record");
  absl::StatusOr<core::Article> back = core::DecodeStoredArticle(stored.metadata, stored.data);
  NEWSDEX_FUZZ_CHECK(back.ok(), std::string(who) + ": decoding what was encoded failed: " +
                                    std::string(back.status().message()));
  std::string why;
  NEWSDEX_FUZZ_CHECK(SameStoredFields(a, *back, &why),
                     std::string(who) + ": round trip changed field " + why);
}

}  // namespace newsdex::fuzz

#endif  // NEWSDEX_TESTS_FUZZ_FUZZ_UTIL_H_
