#include "server/routing.h"

#include <gtest/gtest.h>

#include <vector>

namespace newsdex::server {
namespace {

TEST(RoutingTest, PathPatternsMatchAndCapture) {
  struct Case {
    PathPattern pattern;
    const char* path;
    bool matches;
    const char* captured;
  };
  const Case cases[] = {
      {Exactly("/search"), "/search", true, ""},
      {Exactly("/search"), "/search/", false, ""},
      {Exactly("/search"), "/searc", false, ""},
      {Exactly("/articles"), "/articles/a1", false, ""},
      {Capturing("/articles/"), "/articles/a1", true, "a1"},
      {Capturing("/articles/"), "/articles/a/b", true, "a/b"},
      {Capturing("/articles/"), "/articles/", false, ""},
      {Capturing("/articles/"), "/articles", false, ""},
      {Capturing("/articles/", "/related"), "/articles/a1/related", true, "a1"},
      {Capturing("/articles/", "/related"), "/articles/x/related", true, "x"},
      // Prefix and suffix may not share the slash: no empty id.
      {Capturing("/articles/", "/related"), "/articles//related", false, ""},
      {Capturing("/articles/", "/related"), "/articles/related", false, ""},
      {Capturing("/articles/", "/related"), "/articles/a1/related/", false, ""},
      {Capturing("/facets/"), "/facets/actor", true, "actor"},
      {Capturing("/facets/"), "/facets/", false, ""},
  };
  for (const Case& c : cases) {
    absl::string_view captured = "unset";
    EXPECT_EQ(c.pattern.Match(c.path, &captured), c.matches)
        << c.pattern.prefix << "..." << c.pattern.suffix << " on " << c.path;
    EXPECT_EQ(captured, c.captured) << c.path;
  }
}

TEST(RoutingTest, MethodsAndAllowHeader) {
  EXPECT_TRUE(Answers(Method::kGet, "GET"));
  EXPECT_TRUE(Answers(Method::kGet, "HEAD"));
  EXPECT_FALSE(Answers(Method::kGet, "get"));
  EXPECT_FALSE(Answers(Method::kGet, "POST"));
  EXPECT_TRUE(Answers(Method::kPost, "POST"));
  EXPECT_TRUE(Answers(Method::kDelete, "DELETE"));
  EXPECT_FALSE(Answers(Method::kDelete, "OPTIONS"));

  EXPECT_EQ(AllowHeader({Method::kGet}), "GET, HEAD, OPTIONS");
  EXPECT_EQ(AllowHeader({Method::kPost}), "POST, OPTIONS");
  EXPECT_EQ(AllowHeader({Method::kDelete, Method::kGet}), "GET, HEAD, DELETE, OPTIONS");
  EXPECT_EQ(AllowHeader({}), "OPTIONS");
}

}  // namespace
}  // namespace newsdex::server
