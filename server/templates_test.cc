#include "server/templates.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "server/web_assets.h"

namespace newsdex::server {
namespace {

// The values every rendering row below sees.
View TestView() {
  View view;
  view.Set("text", "<b>\"Tom\" & 'Jerry'</b>");
  view.Set("empty", "");
  view.SetBool("yes", true);
  view.SetBool("no", false);
  view.Set("name", "root");
  for (const char* n : {"1", "2"}) view.AddItem("items").Set("n", n);
  view.ReserveItems("none", 0);  // an empty list
  View object = view.Object("object");
  object.Set("inner", "in");
  object.AddItem("deep").Set("n", "d");
  return view;
}

TEST(CompiledTemplateTest, RendersTheMustacheSubset) {
  struct Row {
    const char* tmpl;
    const char* out;
  };
  static const Row kRows[] = {
      {"plain", "plain"},
      {"{{text}}", "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"},
      {"{{{text}}}", "<b>\"Tom\" & 'Jerry'</b>"},
      {"{{ text }}", "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"},
      {"[{{missing}}]", "[]"},
      {"[{{yes}}{{items}}{{object}}]", "[]"},  // only strings print
      {"{{#yes}}y{{/yes}}{{#no}}n{{/no}}", "y"},
      {"{{^yes}}y{{/yes}}{{^no}}n{{/no}}", "n"},
      {"{{#empty}}e{{/empty}}{{^empty}}not{{/empty}}", "not"},
      {"{{#name}}{{name}}{{/name}}", "root"},
      {"{{#missing}}m{{/missing}}{{^missing}}none{{/missing}}", "none"},
      {"{{#items}}<{{n}}>{{/items}}", "<1><2>"},
      {"{{#none}}x{{/none}}{{^none}}empty list{{/none}}", "empty list"},
      {"{{#items}}{{n}}:{{name}} {{/items}}", "1:root 2:root "},  // lookup climbs
      {"{{#object}}{{inner}}{{#deep}}{{n}}{{inner}}{{/deep}}{{/object}}", "indin"},
      {"{{! a comment }}x", "x"},
      // A section or comment tag alone on its line takes the line with it.
      {"a\n{{#yes}}\nb\n{{/yes}}\nc\n", "a\nb\nc\n"},
      {"a\n  {{! note }}  \nb", "a\nb"},
      {"{{#items}}\n{{n}}\n{{/items}}\n", "1\n2\n"},
      {"a {{#yes}}b{{/yes}}\n", "a b\n"},  // not alone: kept
      {"{{#yes}}a{{/yes}} {{#no}}b{{/no}}\nc", "a \nc"},
  };
  const View view = TestView();
  for (const Row& row : kRows) {
    absl::StatusOr<CompiledTemplate> compiled = CompiledTemplate::Compile(row.tmpl);
    ASSERT_TRUE(compiled.ok()) << row.tmpl << ": " << compiled.status();
    std::string out;
    compiled->Render(view, &out);
    EXPECT_EQ(out, row.out) << row.tmpl;
  }
}

TEST(CompiledTemplateTest, RefusesWhatItDoesNotHave) {
  struct Row {
    const char* tmpl;
    const char* says;
  };
  static const Row kRows[] = {
      {"a {{name", "offset 2: tag not closed"},
      {"{{{name}}", "tag not closed"},
      {"{{#items}}x", "offset 0: section \"items\" not closed"},
      {"{{#a}}{{/b}}", "offset 6: {{/b}} closes no open section"},
      {"{{/a}}", "closes no open section"},
      {"{{> partial}}", "unsupported tag"},
      {"{{=<% %>=}}", "unsupported tag"},
      {"{{&name}}", "unsupported tag"},
      {"{{object.inner}}", "unsupported tag"},
      {"{{}}", "unsupported tag"},
      {"{{two words}}", "unsupported tag"},
  };
  for (const Row& row : kRows) {
    absl::StatusOr<CompiledTemplate> compiled = CompiledTemplate::Compile(row.tmpl);
    ASSERT_FALSE(compiled.ok()) << row.tmpl;
    EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument) << row.tmpl;
    EXPECT_TRUE(absl::StrContains(compiled.status().message(), row.says))
        << row.tmpl << ": " << compiled.status();
  }
}

TEST(ViewTest, SetReplacesAndListsKeepTheirItems) {
  View view;
  view.Set("v", "first");
  view.SetBool("v", true);
  view.Set("v", "last");
  // Items added one after the other (the list grows under earlier Views)
  // each keep their own value.
  for (int i = 0; i < 50; ++i) view.AddItem("items").SetInt("n", i);
  absl::StatusOr<CompiledTemplate> compiled =
      CompiledTemplate::Compile("{{v}}{{#items}},{{n}}{{/items}}");
  ASSERT_TRUE(compiled.ok());
  std::string out;
  compiled->Render(view, &out);
  EXPECT_TRUE(absl::StartsWith(out, "last,0,1,2,")) << out;
  EXPECT_TRUE(absl::EndsWith(out, ",48,49")) << out;
}

TEST(TemplatesTest, EveryTemplateIsEmbeddedAndCompiles) {
  absl::Status status = CheckTemplates();
  EXPECT_TRUE(status.ok()) << status;
}

TEST(TemplatesTest, TheLayoutEscapesTheTitleAndNotTheContent) {
  View view;
  view.Set("page_title", "<script>alert(1)</script>\"'&");
  view.Set("content", "<p class=\"from-a-template\">ok</p>");
  std::string out;
  ASSERT_TRUE(Render(Template::kLayout, view, &out).ok());
  EXPECT_TRUE(absl::StartsWith(out, "<!DOCTYPE html>\n")) << out.substr(0, 40);
  EXPECT_TRUE(absl::StrContains(
      out, "<title>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</title>"))
      << out;
  EXPECT_FALSE(absl::StrContains(out, "<script>alert(1)"));
  EXPECT_TRUE(absl::StrContains(out, "<p class=\"from-a-template\">ok</p>"));
}

TEST(WebAssetsTest, StaticFilesCarryAVersionAndAType) {
  for (const char* name : {"static/app.css", "static/app.js", "static/favicon.svg"}) {
    const WebAsset* asset = FindWebAsset(name);
    ASSERT_NE(asset, nullptr) << name;
    EXPECT_FALSE(asset->content.empty()) << name;
    EXPECT_EQ(asset->version.size(), 12u) << name;
  }
  EXPECT_EQ(FindWebAsset("static/missing.css"), nullptr);
  EXPECT_EQ(ContentTypeFor("static/app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("static/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("static/favicon.svg"), "image/svg+xml");
}

}  // namespace
}  // namespace newsdex::server
