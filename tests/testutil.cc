#include "tests/testutil.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

namespace newsdex::testing {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& name) {
  path_ = (fs::path(::testing::TempDir()) / ("newsdex_" + name + "_" + std::to_string(getpid())))
              .string();
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string SharedDir() {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(NEWSDEX_SHARED_DIR, ec);
  if (ec || !fs::exists(p / "corpora")) return "";
  return p.string();
}

std::vector<std::string> ReutersFiles() {
  std::vector<std::string> files;
  const std::string shared = SharedDir();
  if (shared.empty()) return files;
  for (const char* part : {"dev", "holdout"}) {
    fs::path dir = fs::path(shared) / "corpora" / "reuters21578" / part;
    std::vector<std::string> in_part;
    for (const auto& e : fs::directory_iterator(dir)) in_part.push_back(e.path().string());
    std::sort(in_part.begin(), in_part.end());
    files.insert(files.end(), in_part.begin(), in_part.end());
  }
  return files;
}

bool UnpackBbc(const std::string& dir) {
  const std::string shared = SharedDir();
  if (shared.empty()) return false;
  if (fs::exists(fs::path(dir) / "business")) return true;
  fs::create_directories(dir);
  RunResult r = Run({"tar", "xzf", shared + "/corpora/bbc/bbc.tar.gz", "-C", dir});
  // The dataset's own README.TXT is not an article.
  fs::remove(fs::path(dir) / "README.TXT");
  return r.exit_code == 0;
}

namespace {
std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}
}  // namespace

RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_data) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      close(fd);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  std::thread writer([&] {
    size_t off = 0;
    while (off < stdin_data.size()) {
      ssize_t n = write(in_pipe[1], stdin_data.data() + off, stdin_data.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(in_pipe[1]);
  });
  RunResult result;
  std::thread err_reader([&] { result.err = ReadAll(err_pipe[0]); });
  result.out = ReadAll(out_pipe[0]);
  err_reader.join();
  writer.join();
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace newsdex::testing
