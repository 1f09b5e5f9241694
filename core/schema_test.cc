#include "core/schema.h"

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace newsdex::core {
namespace {

TEST(SchemaTest, PrefixesAndSlotsAreUnique) {
  std::set<std::string> prefixes;
  std::set<int> slots;
  for (const Field& f : Fields()) {
    EXPECT_TRUE(prefixes.insert(std::string(f.prefix)).second) << f.prefix;
    if (f.slot && f.kind == FieldKind::kBoolean) {
      EXPECT_TRUE(slots.insert(static_cast<int>(*f.slot)).second) << f.query_name;
    }
    EXPECT_TRUE(f.prefix.empty() || f.prefix.size() == 1 || f.prefix[0] == 'X')
        << "our own prefixes start with X: " << f.prefix;
  }
}

TEST(SchemaTest, DocsMirrorTheTable) {
  std::ifstream in(std::string(NEWSDEX_SOURCE_DIR) + "/docs/schema.md");
  ASSERT_TRUE(in) << "docs/schema.md is missing";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_TRUE(absl::StrContains(ss.str(), SchemaTableMarkdown()))
      << "docs/schema.md must contain this table verbatim:\n"
      << SchemaTableMarkdown();
}

TEST(SchemaTest, HashesLongBooleanTerms) {
  std::string value(300, 'a');
  std::string term = BooleanTerm(FieldId::kActor, value);
  EXPECT_LE(term.size(), kMaxTermBytes);
  EXPECT_NE(term, BooleanTerm(FieldId::kActor, value + "b"));
  EXPECT_EQ(BooleanTerm(FieldId::kCountry, "ir"), "Nir");
}

TEST(SchemaTest, PacksSortedUniqueValues) {
  EXPECT_EQ(PackValues({"us", "ir", "us", "a|b"}), "a b|ir|us");
  EXPECT_EQ(UnpackValues("ir|us"), (std::vector<std::string>{"ir", "us"}));
  EXPECT_TRUE(UnpackValues("").empty());
}

TEST(SchemaTest, ChecksVersionOnOpen) {
  Xapian::WritableDatabase db("", Xapian::DB_BACKEND_INMEMORY);
  EXPECT_TRUE(CheckSchemaVersion(db, "mem").ok());  // empty, unversioned
  Xapian::Document doc;
  db.add_document(doc);
  EXPECT_EQ(CheckSchemaVersion(db, "mem").code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(StampSchemaVersion(db).ok());
  EXPECT_TRUE(CheckSchemaVersion(db, "mem").ok());
  db.set_metadata(kSchemaVersionKey, "0");
  absl::Status s = CheckSchemaVersion(db, "mem");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(s.message(), "schema version 0")) << s;
}

}  // namespace
}  // namespace newsdex::core
