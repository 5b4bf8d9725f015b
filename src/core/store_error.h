// StoreError: a failure of the store itself (the database driver, the connection, the disk),
// not of what a user sent. Its text may name the database and carry the driver's words: it
// belongs in the log, and the API answers it with a generic 503 (api/router.cpp). A core::Error,
// so every caller that handles store failures as errors goes on doing so.
#pragma once

#include "core/error.h"

namespace skyriver::core {

class StoreError : public Error {
 public:
  using Error::Error;
};

}  // namespace skyriver::core
