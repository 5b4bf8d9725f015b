// UploadFile: where the body of one upload waits while it is imported. A private folder made
// with mkdtemp (a fresh unguessable name, mode 0700) under `parent` holds one file created with
// O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600: no other user can read it, two uploads never share a
// name, and nothing planted beforehand (a symlink, an existing file) can be written through.
// The folder and all in it are removed when the UploadFile goes.
#pragma once

#include <filesystem>

namespace skyriver::api {

class UploadFile {
 public:
  // parent "" = the system's temporary folder. Throws std::runtime_error naming the folder.
  explicit UploadFile(const std::filesystem::path& parent);
  ~UploadFile();
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;

  int release_fd();  // the open file, now the caller's to close
  const std::filesystem::path& path() const { return file_; }
  const std::filesystem::path& folder() const { return dir_; }

 private:
  std::filesystem::path dir_, file_;
  int fd_ = -1;
};

}  // namespace skyriver::api
