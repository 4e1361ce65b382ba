// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: arbitrary bytes as a POST /v1/push body. Runs the server's request
// decoder (parse, header, schema window, batch bound) and the record codec on every change,
// then applies the push to a scratch office store through SyncService::push (pushapply.h),
// so validation, the ledger and the store see the same bytes. One store serves every input.
#include "pushapply.h"
#include "recordcodec.h"
#include "server/requestdecoder.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const std::unique_ptr<sb::fuzz::PushApplyHarness> harness =
        sb::fuzz::PushApplyHarness::create();
    if (!harness) {
        std::abort(); // no scratch store: the run would test nothing
    }
    const sb::sync::RequestLimits limits;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    auto request = sb::sync::decodePushRequest(bytes, limits);
    if (request) {
        for (const auto &change : request->changes()) {
            if (change.has_session()) {
                (void)sb::sync::decodeSession(change.session());
            } else if (change.has_addendum()) {
                (void)sb::sync::decodeAddendum(change.addendum());
            }
        }
        (void)harness->push(bytes);
    }
    (void)sb::sync::decodePullRequest(bytes, limits);
    (void)sb::sync::decodeEnrollRequest(bytes, limits);
    return 0;
}
