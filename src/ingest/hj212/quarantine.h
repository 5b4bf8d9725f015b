// How the ingest server records a value it refused at the door (a DataTime too far ahead of
// the clock): one entry of the store's records journal (store.h), so the refusal and its reason
// are kept with the data, never silently dropped.
//
//   kind "quarantine", key "<site>/<parameter>/<ISO time>", who "hj212", at = received_at,
//   body {"site","parameter","time" (ISO, Beijing),"interval","value","unit","flag",
//         "source_kind","source" (archive file:line),"received_at" (ISO),"reason"}
#pragma once

#include "ingest/hj212/dispatch.h"
#include "store/store.h"

namespace skyriver::hj212 {

store::Record quarantine_record(const Quarantined& q);

}  // namespace skyriver::hj212
