// fts5-peer: SQLite FTS5 as a benchmark peer of newsdex.
//
//   fts5-peer index DB JSONL
//   fts5-peer query DB QUERIES [--no-total] [--facets] [--warmup]
//
// index: builds a contentless FTS5 table t(title, body) with the porter
// (English) stemmer over unicode61 tokens, a docs table (rowid, ext_id, year)
// and a facet table (doc_id, field, value) filled from the JSONL's optional
// countries/actors arrays; then runs FTS5 'optimize'. Prints one JSON summary
// line: docs, wall time, docs/s, MB/s, index size, peak RSS.
// query: runs a query file (docs/benchmarks.md, "Query files") single-threaded:
// top 10 by bm25(t, 3.0, 1.0) (title weighs 3, body 1), the exact total with a
// COUNT query unless --no-total, and with --facets the top-10 country and actor
// counts over all matches by GROUP BY. Prints "Q<TAB>qid<TAB>latency_us<TAB>
// total<TAB>ids" per query ("F<TAB>qid<TAB>field<TAB>value:count,..." for
// facets), then one JSON summary line.
// Exit status 0, 1 on error, 2 on usage.
#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "tools/peers/peer_common.h"

namespace newsdex::tools {
namespace {

constexpr char kUsage[] =
    "fts5-peer index DB JSONL | fts5-peer query DB QUERIES [--no-total] [--facets] [--warmup]";

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

absl::Status SqlError(sqlite3* db, absl::string_view what) {
  return absl::InternalError(absl::StrCat("sqlite: ", what, ": ", sqlite3_errmsg(db)));
}

absl::Status Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    return absl::InternalError(absl::StrCat("sqlite: ", sql, ": ", message));
  }
  return absl::OkStatus();
}

absl::StatusOr<Stmt> Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return SqlError(db, sql);
  }
  return Stmt(stmt);
}

absl::StatusOr<Db> Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return absl::UnavailableError(absl::StrCat(path, ": cannot open: ", sqlite3_errstr(rc)));
  return db;
}

void BindText(sqlite3_stmt* s, int index, absl::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

absl::Status StepDone(sqlite3* db, sqlite3_stmt* s, absl::string_view what) {
  if (sqlite3_step(s) != SQLITE_DONE) return SqlError(db, what);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return absl::OkStatus();
}

absl::Status Index(const std::string& db_path, const std::string& jsonl) {
  const uint64_t start = NowMicros();
  std::error_code ec;
  std::filesystem::remove(db_path, ec);
  NEWSDEX_ASSIGN_OR_RETURN(Db db, Open(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  NEWSDEX_RETURN_IF_ERROR(Exec(db.get(),
                               "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
                               "CREATE VIRTUAL TABLE t USING fts5(title, body, content='', "
                               "tokenize='porter unicode61');"
                               "CREATE TABLE docs(rowid INTEGER PRIMARY KEY, ext_id TEXT NOT NULL, year INTEGER);"
                               "CREATE TABLE facet(doc_id INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL);"
                               "BEGIN;"));
  NEWSDEX_ASSIGN_OR_RETURN(Stmt insert_text, Prepare(db.get(), "INSERT INTO t(rowid, title, body) VALUES(?, ?, ?)"));
  NEWSDEX_ASSIGN_OR_RETURN(Stmt insert_doc, Prepare(db.get(), "INSERT INTO docs(rowid, ext_id, year) VALUES(?, ?, ?)"));
  NEWSDEX_ASSIGN_OR_RETURN(Stmt insert_facet, Prepare(db.get(), "INSERT INTO facet VALUES(?, ?, ?)"));
  int64_t rowid = 0;
  uint64_t bytes = 0, bad = 0;
  NEWSDEX_RETURN_IF_ERROR(ReadPeerJsonl(
      jsonl,
      [&](PeerDoc doc) -> absl::Status {
        ++rowid;
        sqlite3_bind_int64(insert_text.get(), 1, rowid);
        BindText(insert_text.get(), 2, doc.title);
        BindText(insert_text.get(), 3, doc.body);
        NEWSDEX_RETURN_IF_ERROR(StepDone(db.get(), insert_text.get(), "insert text"));
        sqlite3_bind_int64(insert_doc.get(), 1, rowid);
        BindText(insert_doc.get(), 2, doc.id);
        if (doc.date.size() == 8) {
          sqlite3_bind_int(insert_doc.get(), 3, std::stoi(doc.date.substr(0, 4)));
        }
        NEWSDEX_RETURN_IF_ERROR(StepDone(db.get(), insert_doc.get(), "insert doc"));
        for (int field = 0; field < 2; ++field) {
          for (const std::string& value : field == 0 ? doc.countries : doc.actors) {
            sqlite3_bind_int64(insert_facet.get(), 1, rowid);
            BindText(insert_facet.get(), 2, field == 0 ? "country" : "actor");
            BindText(insert_facet.get(), 3, value);
            NEWSDEX_RETURN_IF_ERROR(StepDone(db.get(), insert_facet.get(), "insert facet"));
          }
        }
        return absl::OkStatus();
      },
      &bytes, &bad));
  NEWSDEX_RETURN_IF_ERROR(Exec(db.get(),
                               "CREATE INDEX docs_year ON docs(year);"
                               "CREATE INDEX facet_value ON facet(field, value, doc_id);"
                               "CREATE INDEX facet_doc ON facet(doc_id, field, value);"
                               "INSERT INTO t(t) VALUES('optimize');"
                               "COMMIT;"));
  db.reset();
  PrintIndexSummary("fts5", static_cast<uint64_t>(rowid), bad, bytes, start, DiskUsageBytes(db_path));
  return absl::OkStatus();
}

// FTS5 MATCH expression: every word and phrase quoted (so no word is read as
// an operator), juxtaposed = AND.
std::string MatchExpression(const BenchQuery& q) {
  std::vector<std::string> parts;
  for (const auto& w : q.words) parts.push_back(absl::StrCat("\"", absl::StrReplaceAll(w, {{"\"", "\"\""}}), "\""));
  for (const auto& p : q.phrases) {
    parts.push_back(absl::StrCat("\"", absl::StrReplaceAll(absl::StrJoin(p, " "), {{"\"", "\"\""}}), "\""));
  }
  return absl::StrJoin(parts, " ");
}

// The WHERE clause shared by the top-10, count and facet statements. Filters
// are correlated lookups per full-text match; the unary "+" keeps them away
// from FTS5's xBestIndex. Measured on Reuters: with "t.rowid IN (SELECT ...)"
// SQLite ran the full-text query once per candidate rowid (minutes for 1,000
// queries), and a "+t.rowid IN (...)" set still cost ~30 ms per year query.
std::string WhereClause(const BenchQuery& q) {
  std::string where = "t MATCH ?1";
  for (size_t i = 0; i < q.countries.size(); ++i) {
    absl::StrAppend(&where,
                    " AND EXISTS (SELECT 1 FROM facet WHERE doc_id=+t.rowid AND field='country' AND value=?",
                    i + 2, ")");
  }
  if (q.year) {
    absl::StrAppend(&where, " AND (SELECT year FROM docs WHERE rowid=+t.rowid)=?", q.countries.size() + 2);
  }
  return where;
}

class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  absl::StatusOr<sqlite3_stmt*> Get(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      NEWSDEX_ASSIGN_OR_RETURN(Stmt stmt, Prepare(db_, sql));
      it = cache_.emplace(sql, std::move(stmt)).first;
    }
    sqlite3_reset(it->second.get());
    sqlite3_clear_bindings(it->second.get());
    return it->second.get();
  }

 private:
  sqlite3* db_;
  std::map<std::string, Stmt> cache_;
};

void BindQuery(sqlite3_stmt* s, const BenchQuery& q, const std::string& match) {
  BindText(s, 1, match);
  for (size_t i = 0; i < q.countries.size(); ++i) BindText(s, static_cast<int>(i + 2), q.countries[i]);
  if (q.year) sqlite3_bind_int(s, static_cast<int>(q.countries.size() + 2), *q.year);
}

// The top-10 ids of `q`, its total unless --no-total, and with --facets the
// top-10 country and actor counts as "F" lines.
absl::StatusOr<PeerAnswer> Answer(sqlite3* db, StatementCache& cache, size_t qid, const BenchQuery& q,
                                  const PeerQueryOptions& options) {
  PeerAnswer answer;
  const std::string match = MatchExpression(q);
  const std::string where = WhereClause(q);
  NEWSDEX_ASSIGN_OR_RETURN(
      sqlite3_stmt * top,
      cache.Get(absl::StrCat("SELECT t.rowid FROM t WHERE ", where, " ORDER BY bm25(t, 3.0, 1.0) LIMIT 10")));
  BindQuery(top, q, match);
  std::vector<int64_t> rowids;
  int rc;
  while ((rc = sqlite3_step(top)) == SQLITE_ROW) rowids.push_back(sqlite3_column_int64(top, 0));
  if (rc != SQLITE_DONE) return SqlError(db, absl::StrCat("query ", qid + 1, " \"", q.text, "\""));
  NEWSDEX_ASSIGN_OR_RETURN(sqlite3_stmt * lookup, cache.Get("SELECT ext_id FROM docs WHERE rowid=?"));
  for (int64_t r : rowids) {
    sqlite3_reset(lookup);
    sqlite3_bind_int64(lookup, 1, r);
    if (sqlite3_step(lookup) == SQLITE_ROW) {
      answer.ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(lookup, 0)));
    }
  }
  if (options.exact_total) {
    NEWSDEX_ASSIGN_OR_RETURN(sqlite3_stmt * count, cache.Get(absl::StrCat("SELECT count(*) FROM t WHERE ", where)));
    BindQuery(count, q, match);
    if (sqlite3_step(count) != SQLITE_ROW) return SqlError(db, "count");
    answer.total = sqlite3_column_int64(count, 0);
  }
  if (!options.facets) return answer;
  for (const char* field : {"country", "actor"}) {
    NEWSDEX_ASSIGN_OR_RETURN(
        sqlite3_stmt * group,
        cache.Get(absl::StrCat("SELECT value, count(*) AS n FROM facet WHERE field='", field,
                               "' AND doc_id IN (SELECT t.rowid FROM t WHERE ", where,
                               ") GROUP BY value ORDER BY n DESC, value LIMIT 10")));
    BindQuery(group, q, match);
    std::vector<std::string> counts;
    while (sqlite3_step(group) == SQLITE_ROW) {
      counts.push_back(absl::StrCat(reinterpret_cast<const char*>(sqlite3_column_text(group, 0)), ":",
                                    sqlite3_column_int64(group, 1)));
    }
    absl::StrAppend(&answer.after, "F\t", qid + 1, "\t", field, "\t", absl::StrJoin(counts, ","), "\n");
  }
  return answer;
}

absl::Status Query(const std::string& db_path, const std::string& queries_path, const PeerQueryOptions& options) {
  NEWSDEX_ASSIGN_OR_RETURN(const std::vector<BenchQuery> queries, ReadQueryFile(queries_path));
  if (!std::filesystem::exists(db_path)) return absl::NotFoundError(absl::StrCat(db_path, ": no such database"));
  NEWSDEX_ASSIGN_OR_RETURN(Db db, Open(db_path, SQLITE_OPEN_READONLY));
  NEWSDEX_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA cache_size=-65536;"));
  StatementCache cache(db.get());
  // Prepared before the clock starts, as every query needs it.
  NEWSDEX_RETURN_IF_ERROR(cache.Get("SELECT ext_id FROM docs WHERE rowid=?").status());
  NEWSDEX_ASSIGN_OR_RETURN(
      QueryTimings t, TimeQueries(queries.size(), options.warmup, [&](size_t qid) {
        return Answer(db.get(), cache, qid, queries[qid], options);
      }));
  PrintQuerySummary("fts5", t.latencies, t.wall_start_us,
                    {{"exact_total", options.exact_total},
                     {"facets", options.facets},
                     {"zero_hit_queries", t.zero_hits}});
  return absl::OkStatus();
}

PeerProgram Program() {
  return {"fts5-peer", kUsage, {"--no-total", "--facets", "--warmup"}, Index, Query};
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) {
  return newsdex::tools::PeerMain(argc, argv, newsdex::tools::Program());
}
