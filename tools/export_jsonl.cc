// export-jsonl: reads any input newsdex-index reads (text, JSON Lines, Reuters
// SGML, gzip, directories) through the same readers and writes one JSON line
// per article: {"id","title","body","date","source","language","url"}.
// Benchmarks feed the result to the peers so that every engine indexes the
// same documents. Facets are not exported (peers get newsdex's own with
// --with-facets, which runs extraction).
//
// Usage: export-jsonl [--with-facets] PATH... > out.jsonl
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/article.h"
#include "core/data_path.h"
#include "indexer/pipeline.h"
#include "indexer/reader.h"
#include "indexer/facet_extractor.h"

int main(int argc, char** argv) {
  using namespace newsdex;
  bool with_facets = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--with-facets") {
      with_facets = true;
    } else if (a == "--help") {
      std::cout << "usage: export-jsonl [--with-facets] PATH... > out.jsonl\n";
      return 0;
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty()) {
    std::cerr << "export-jsonl: no input PATH (see --help)\n";
    return 2;
  }
  indexer::PipelineOptions options;
  std::unique_ptr<indexer::FacetExtractor> extractor;
  if (with_facets) {
    auto e = indexer::FacetExtractor::Load(core::DataDir());
    if (!e.ok()) {
      std::cerr << "export-jsonl: " << e.status().message() << "\n";
      return 2;
    }
    extractor = std::move(e).value();
    options.extractor = extractor.get();
  }
  auto counts = indexer::ExtractPaths(
      paths, options,
      [](const absl::Status& s) { std::cerr << "export-jsonl: skipped: " << s.message() << "\n"; },
      [&](const core::Article& a) {
        nlohmann::json j = {{"id", a.id}, {"title", a.title}, {"body", a.body},
                            {"source", a.source}, {"language", a.language}};
        if (!a.url.empty()) j["url"] = a.url;
        if (a.date) j["date"] = core::FormatIsoDate(*a.date);
        if (with_facets) {
          std::vector<std::string> countries, actors;
          for (const auto& c : a.countries) countries.push_back(c.code);
          for (const auto& p : a.actors) actors.push_back(p.name);
          j["countries"] = countries;
          j["actors"] = actors;
        }
        std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        line.push_back('\n');
        fwrite(line.data(), 1, line.size(), stdout);
      });
  if (!counts.ok()) {
    std::cerr << "export-jsonl: " << counts.status().message() << "\n";
    return 2;
  }
  return counts->read == 0 ? 1 : 0;
}
