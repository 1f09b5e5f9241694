#include "server/html.h"

#include <gtest/gtest.h>

#include <string>

namespace newsdex::server::html {
namespace {

TEST(HtmlEscapeTest, EscapesEveryCharacterThatEndsTextOrAQuotedAttribute) {
  struct Row {
    const char* in;
    const char* out;
  };
  static const Row kRows[] = {
      {"plain text", "plain text"},
      {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
      {"it's & that", "it&#39;s &amp; that"},
      {"&amp; stays visible", "&amp;amp; stays visible"},
      {"Khāmeneī \xE2\x80\xAE rtl", "Khāmeneī \xE2\x80\xAE rtl"},  // UTF-8 untouched
  };
  for (const Row& row : kRows) EXPECT_EQ(Escape(row.in), row.out) << row.in;
}

TEST(UrlEncodeTest, KeepsOnlyUnreservedBytes) {
  struct Row {
    const char* in;
    const char* out;
  };
  static const Row kRows[] = {
      {"abc-XYZ_0.9~", "abc-XYZ_0.9~"},
      {"a b&c=d#e?f/g", "a%20b%26c%3Dd%23e%3Ff%2Fg"},
      {"\"'<>", "%22%27%3C%3E"},
      {"javascript:alert(1)", "javascript%3Aalert%281%29"},
      {"é", "%C3%A9"},
      {"", ""},
  };
  for (const Row& row : kRows) EXPECT_EQ(UrlEncode(row.in), row.out) << row.in;
}

TEST(SafeExternalUrlTest, LinksOnlyHttpAndHttpsWithAHost) {
  struct Row {
    const char* in;
    bool linked;
  };
  static const Row kRows[] = {
      {"https://example.com/n1", true},
      {"http://example.com/a?b=c&d=e#f", true},
      {"HTTPS://EXAMPLE.COM/", true},
      {"hTtP://example.com/", true},
      {"javascript:alert(1)", false},
      {"JavaScript:alert(1)", false},
      {" javascript:alert(1)", false},
      {"data:text/html,<script>alert(1)</script>", false},
      {"vbscript:msgbox", false},
      {"//evil.example/x", false},
      {"/relative/path", false},
      {"http:///no-host", false},
      {"https://", false},
      {"https://exa mple.com", false},
      {"https://example.com/\tx", false},
      {"https:\\\\evil.example", false},
      {"https://example.com\\@evil", false},
      {"", false},
  };
  for (const Row& row : kRows) {
    EXPECT_EQ(SafeExternalUrl(row.in), row.linked ? row.in : "") << row.in;
  }
}

TEST(WantsHtmlTest, FollowsTheAcceptHeader) {
  struct Row {
    const char* accept;
    bool html;
  };
  static const Row kRows[] = {
      // Chromium and Firefox navigating.
      {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
       true},
      {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
      {"TEXT/HTML", true},
      // curl, fetch(), httplib, nothing at all.
      {"*/*", false},
      {"", false},
      {"application/json", false},
      {"application/json, text/html", false},       // equal quality: JSON, the API's default
      {"application/json;q=0.5, text/html", true},  // HTML preferred
      {"text/html;q=0", false},
      {"text/html;q=0.4, application/json;q=0.9", false},
      {"text/html;q=oops", false},
  };
  for (const Row& row : kRows) EXPECT_EQ(WantsHtml(row.accept), row.html) << row.accept;
}

}  // namespace
}  // namespace newsdex::server::html
