#include "ingest/hj212/archive.h"

#include "core/error.h"
#include "ingest/hj212/frame.h"

#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <vector>

namespace skyriver::hj212 {

namespace fs = std::filesystem;

Archive::Archive(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw core::Error(dir, "cannot create the raw-archive folder: " + ec.message());
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  name_ = "hj212-" + std::string(stamp) + "-" + std::to_string(::getpid()) + ".raw.gz";
  path_ = (fs::path(dir) / name_).string();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw core::Error(path_, std::string("cannot open the raw archive for appending: ") + std::strerror(errno));
  gz_ = gzdopen(fd_, "ab1");  // level 1: the archive is on the ingest path (CPU), frames compress well anyway
  if (!gz_) {
    ::close(fd_);
    throw core::Error(path_, "cannot open the raw archive for appending (zlib)");
  }
  // The new file's name must survive a power cut too: sync the folder once.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool synced = dfd >= 0 && ::fsync(dfd) == 0;
  if (dfd >= 0) ::close(dfd);
  if (!synced) throw core::Error(dir, std::string("cannot sync the raw-archive folder: ") + std::strerror(errno));
}

Archive::~Archive() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));  // closes fd_
}

std::string Archive::append(core::Instant received_at, std::string_view peer, std::string_view verdict,
                            std::string_view frame) {
  if (frame.size() >= 2 && frame.substr(frame.size() - 2) == "\r\n") frame.remove_suffix(2);
  std::string rec = std::to_string(received_at);
  rec += '\t';
  rec += peer;
  rec += '\t';
  rec += verdict;
  rec += '\t';
  for (char c : frame) rec += (c == '\n' || c == '\r') ? ' ' : c;  // one record per line
  rec += '\n';
  if (gzwrite(static_cast<gzFile>(gz_), rec.data(), static_cast<unsigned>(rec.size())) != static_cast<int>(rec.size()))
    throw core::Error(path_, "write to the raw archive failed");
  return name_ + ":" + std::to_string(++line_);
}

void Archive::sync() {
  if (gzflush(static_cast<gzFile>(gz_), Z_SYNC_FLUSH) != Z_OK) throw core::Error(path_, "flush of the raw archive failed");
  if (::fdatasync(fd_) != 0) throw core::Error(path_, std::string("fdatasync of the raw archive failed: ") + std::strerror(errno));
}

void replay(const std::string& dir, const std::function<void(const ArchivedFrame&)>& each) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().ends_with(".raw.gz")) files.push_back(e.path());
  if (ec) throw core::Error(dir, "cannot list the raw archive: " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<char> buf(1 << 16);
  for (const auto& f : files) {
    gzFile gz = gzopen(f.c_str(), "rb");
    if (!gz) throw core::Error(f.string(), "cannot open");
    ArchivedFrame a;
    a.file = f.filename().string();
    std::string line;
    for (;;) {
      // gzgets stops at a torn tail (after kill -9) with an error: what came before is kept.
      if (!gzgets(gz, buf.data(), static_cast<int>(buf.size()))) break;
      line += buf.data();
      if (line.empty() || line.back() != '\n') continue;  // longer than the buffer
      line.pop_back();
      ++a.line;
      const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1), t3 = line.find('\t', t2 + 1);
      if (t1 != std::string::npos && t2 != std::string::npos && t3 != std::string::npos) {
        a.received_at = std::stoll(line.substr(0, t1));
        a.peer = line.substr(t1 + 1, t2 - t1 - 1);
        a.verdict = line.substr(t2 + 1, t3 - t2 - 1);
        a.frame = line.substr(t3 + 1);
        each(a);
      }
      line.clear();
    }
    gzclose(gz);
  }
}

std::string redact_frame(std::string_view frame) {
  if (frame.size() >= 2 && frame.substr(frame.size() - 2) == "\r\n") frame.remove_suffix(2);
  const auto cp = frame.find("CP=&&");
  if (frame.size() < 10 || cp == std::string_view::npos) return "<redacted>";
  const std::string seg = std::string(frame.substr(6, cp - 6)) + "CP=&&<redacted>&&";
  return encode_frame(seg).substr(0, seg.size() + 10);  // without CR LF
}

std::string redact_password(std::string_view frame) {
  if (frame.size() >= 2 && frame.substr(frame.size() - 2) == "\r\n") frame.remove_suffix(2);
  if (frame.size() < 10) return std::string(frame);
  std::string seg(frame.substr(6, frame.size() - 10));
  const auto cp = seg.find("CP=&&");
  std::size_t at = seg.rfind(";PW=", cp);
  at = at == std::string::npos ? (seg.rfind("PW=", 0) == 0 ? 0 : std::string::npos) : at + 1;
  if (at == std::string::npos || (cp != std::string::npos && at > cp)) return std::string(frame);
  const auto end = seg.find(';', at);
  seg.replace(at + 3, (end == std::string::npos ? seg.size() : end) - at - 3, "******");
  std::string out = encode_frame(seg);
  out.resize(out.size() - 2);  // without CR LF, like the frames the archive keeps
  return out;
}

}  // namespace skyriver::hj212
