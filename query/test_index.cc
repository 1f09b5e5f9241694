#include "query/test_index.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "core/analyzer.h"
#include "core/schema.h"
#include "indexer/document_builder.h"
#include "indexer/index_writer.h"

namespace newsdex::query::testing {

core::Article MakeArticle(absl::string_view id, absl::string_view title, absl::string_view body,
                          absl::string_view date, std::vector<std::string> countries,
                          std::vector<std::string> actors, absl::string_view lang,
                          absl::string_view source) {
  core::Article a;
  a.id = std::string(id);
  a.title = std::string(title);
  a.body = std::string(body);
  a.url = "https://example.com/" + a.id;
  a.language = std::string(lang);
  a.source = std::string(source);
  if (!date.empty()) a.date = core::ParseIsoDate(date);
  for (std::string& c : countries) {
    core::CountryFacet f;
    if (!c.empty() && c.back() == '*') {
      c.pop_back();
      f.focus = true;
    }
    f.code = c;
    f.name = "Country " + c;
    f.mentions = 1;
    a.countries.push_back(std::move(f));
  }
  for (std::string& p : actors) {
    core::ActorFacet f;
    f.name = p;
    f.mentions = 1;
    a.actors.push_back(std::move(f));
  }
  return a;
}

void WriteWithIndexer(const std::string& path, const std::vector<core::Article>& articles) {
  auto fail = [](const absl::Status& status) {
    std::cerr << status << "\n";
    std::abort();
  };
  auto analyzer = core::Analyzer::Create();
  if (!analyzer.ok()) fail(analyzer.status());
  auto writer = indexer::IndexWriter::Open(path, indexer::WriterOptions());
  if (!writer.ok()) fail(writer.status());
  for (const core::Article& a : articles) {
    auto built = indexer::BuildDocument(a, **analyzer, /*want_spelling=*/false);
    if (!built.ok()) fail(built.status());
    if (absl::Status s = (*writer)->Write(*built); !s.ok()) fail(s);
  }
  if (absl::Status s = (*writer)->Commit(); !s.ok()) fail(s);
}

void AddArticles(Xapian::WritableDatabase& db, const std::vector<core::Article>& articles,
                 bool spelling) {
  auto analyzer = core::Analyzer::Create();
  if (!analyzer.ok()) {
    std::cerr << analyzer.status() << "\n";
    std::abort();
  }
  if (!core::StampSchemaVersion(db).ok()) std::abort();
  for (const core::Article& a : articles) {
    auto built = indexer::BuildDocument(a, **analyzer, /*want_spelling=*/true);
    if (!built.ok()) {
      std::cerr << built.status() << "\n";
      std::abort();
    }
    db.replace_document(built->id_term, built->doc);
    if (spelling) {
      for (const std::string& w : built->spelling_words) db.add_spelling(w);
    }
  }
  db.commit();
}

Xapian::WritableDatabase BuildIndex(const std::vector<core::Article>& articles) {
  Xapian::WritableDatabase db("", Xapian::DB_BACKEND_INMEMORY);
  AddArticles(db, articles);
  return db;
}

TempGlassIndex::TempGlassIndex(const std::vector<core::Article>& articles) {
  static std::atomic<int> counter{0};
  path_ = (std::filesystem::temp_directory_path() /
           ("newsdex_query_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++)))
              .string();
  std::filesystem::remove_all(path_);
  Xapian::WritableDatabase db(path_, Xapian::DB_CREATE);
  AddArticles(db, articles, /*spelling=*/true);
  db.close();
}

TempGlassIndex::~TempGlassIndex() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace newsdex::query::testing
