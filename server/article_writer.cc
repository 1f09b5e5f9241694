#include "server/article_writer.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "indexer/document_builder.h"
#include "indexer/cluster_writer.h"
#include "indexer/index_writer.h"
#include "indexer/pipeline.h"
#include "indexer/reader.h"

namespace newsdex::server {
namespace {

// A temporary file holding the request body, removed on destruction. The
// readers work on paths, so the body goes through the file to take exactly
// newsdex-index's JSON Lines path.
class TempBodyFile {
 public:
  static absl::StatusOr<TempBodyFile> Create(absl::string_view body) {
    const char* tmpdir = getenv("TMPDIR");
    std::string path = absl::StrCat(tmpdir != nullptr && *tmpdir ? tmpdir : "/tmp",
                                    "/newsdexd-post-XXXXXX.jsonl");
    int fd = mkstemps(path.data(), 6);
    if (fd < 0) return absl::UnavailableError("cannot create a temporary file for the body");
    TempBodyFile file(path);
    size_t done = 0;
    while (done < body.size()) {
      ssize_t n = ::write(fd, body.data() + done, body.size() - done);
      if (n <= 0) {
        ::close(fd);
        return absl::UnavailableError("cannot write the body to a temporary file");
      }
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    return file;
  }
  TempBodyFile(TempBodyFile&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ~TempBodyFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempBodyFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Error messages from the reader start with the temporary file's path; the
// client knows its body as "body".
std::string RenameOrigin(absl::string_view message, const std::string& path) {
  std::string out(message);
  size_t pos = out.find(path);
  if (pos != std::string::npos) out.replace(pos, path.size(), "body");
  return out;
}

}  // namespace

ArticleWriter::ArticleWriter(std::string db_path, const indexer::FacetExtractor* extractor)
    : db_path_(std::move(db_path)), extractor_(extractor) {}

ArticleWriter::ArticleWriter(core::Cluster cluster, const indexer::FacetExtractor* extractor)
    : cluster_(std::move(cluster)), extractor_(extractor) {}

absl::StatusOr<indexer::WriteCounts> ArticleWriter::WriteAndCommit(
    const std::vector<std::string>& ids, const std::vector<indexer::BuiltDocument>& docs) {
  indexer::WriterOptions options;
  options.batch_size = static_cast<int>(docs.size()) + 1;  // one commit
  if (cluster_) {
    NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<indexer::ClusterWriter> writer,
                             indexer::ClusterWriter::Open(*cluster_, options));
    for (size_t i = 0; i < docs.size(); ++i) {
      NEWSDEX_RETURN_IF_ERROR(writer->Write(ids[i], docs[i]));
    }
    NEWSDEX_RETURN_IF_ERROR(writer->Commit());
    return writer->counts();
  }
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<indexer::IndexWriter> writer,
                           indexer::IndexWriter::Open(db_path_, options));
  for (const indexer::BuiltDocument& doc : docs) NEWSDEX_RETURN_IF_ERROR(writer->Write(doc));
  NEWSDEX_RETURN_IF_ERROR(writer->Commit());
  return writer->counts();  // the writer closes here, releasing the Xapian write lock
}

absl::StatusOr<indexer::WriteCounts> ArticleWriter::DeleteAndCommit(absl::string_view id) {
  auto delete_one = [id](auto& writer) -> absl::StatusOr<indexer::WriteCounts> {
    NEWSDEX_RETURN_IF_ERROR(writer.Delete(id));
    if (writer.counts().missing > 0) {
      return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
    }
    NEWSDEX_RETURN_IF_ERROR(writer.Commit());
    return writer.counts();
  };
  if (cluster_) {
    NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<indexer::ClusterWriter> writer,
                             indexer::ClusterWriter::Open(*cluster_, indexer::WriterOptions()));
    return delete_one(*writer);
  }
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<indexer::IndexWriter> writer,
                           indexer::IndexWriter::Open(db_path_, indexer::WriterOptions()));
  return delete_one(*writer);
}

absl::StatusOr<WriteResult> ArticleWriter::AddJsonLines(absl::string_view body,
                                                        size_t max_article_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (analyzer_ == nullptr) {
    NEWSDEX_ASSIGN_OR_RETURN(analyzer_, core::Analyzer::Create());
  }
  NEWSDEX_ASSIGN_OR_RETURN(TempBodyFile file, TempBodyFile::Create(body));

  indexer::ReadOptions read_options;
  read_options.format = indexer::InputFormat::kJsonl;
  read_options.max_article_bytes = max_article_bytes;
  std::vector<indexer::BuiltDocument> docs;
  WriteResult result;
  absl::Status first_error;
  absl::Status read = indexer::ReadInputs(
      {file.path()}, read_options,
      [&](core::Article article) -> absl::Status {
        indexer::PrepareArticle(&article, extractor_, *analyzer_);
        absl::StatusOr<indexer::BuiltDocument> built =
            indexer::BuildDocument(article, *analyzer_, /*want_spelling=*/true);
        if (!built.ok()) {
          return absl::Status(built.status().code(),
                              RenameOrigin(built.status().message(), file.path()));
        }
        result.ids.push_back(article.id);
        docs.push_back(*std::move(built));
        return absl::OkStatus();
      },
      [&](const absl::Status& error) {
        if (first_error.ok()) {
          first_error = absl::Status(error.code(), RenameOrigin(error.message(), file.path()));
        }
      });
  if (!read.ok()) return read;
  if (!first_error.ok()) {
    // Whatever the reader's code, a bad record is the client's input.
    if (first_error.code() == absl::StatusCode::kResourceExhausted) return first_error;
    return absl::InvalidArgumentError(first_error.message());
  }
  if (docs.empty()) return absl::InvalidArgumentError("body holds no article");

  NEWSDEX_ASSIGN_OR_RETURN(const indexer::WriteCounts counts, WriteAndCommit(result.ids, docs));
  result.added = counts.added;
  result.replaced = counts.replaced;
  result.unchanged = counts.unchanged;
  return result;
}

absl::StatusOr<WriteResult> ArticleWriter::Delete(absl::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  NEWSDEX_ASSIGN_OR_RETURN(const indexer::WriteCounts counts, DeleteAndCommit(id));
  WriteResult result;
  result.deleted = counts.deleted;
  result.ids.emplace_back(id);
  return result;
}

}  // namespace newsdex::server
