#include "store/changes.h"

#include "store/backend.h"

namespace skyriver::store {

std::unique_ptr<ChangeListener> listen(const std::string& url, bool own_process) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return listen_postgres(url, own_process);
  return nullptr;
}

}  // namespace skyriver::store
