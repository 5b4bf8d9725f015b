#include "api/upload_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace skyriver::api {

namespace fs = std::filesystem;

UploadFile::UploadFile(const fs::path& parent) {
  std::error_code ec;
  const fs::path base = parent.empty() ? fs::temp_directory_path(ec) : parent;
  std::string tmpl = (base / ".skyriver-upload-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    throw std::runtime_error("cannot make an upload folder in " + base.string() + ": " + std::strerror(errno));
  dir_ = tmpl;
  file_ = dir_ / "body";
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    const int err = errno;
    fs::remove_all(dir_, ec);
    throw std::runtime_error("cannot create " + file_.string() + ": " + std::strerror(err));
  }
}

UploadFile::~UploadFile() {
  if (fd_ >= 0) ::close(fd_);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

int UploadFile::release_fd() { return std::exchange(fd_, -1); }

}  // namespace skyriver::api
