// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: arbitrary bytes as a POST /v1/push body. Runs the server's request
// decoder (parse, header, schema window, batch bound) and then the record codec on every
// change, which is everything the server does with the bytes before it looks anything up.
#include "recordcodec.h"
#include "server/requestdecoder.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const sb::sync::RequestLimits limits;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    auto request = sb::sync::decodePushRequest(bytes, limits);
    if (!request) {
        return 0;
    }
    for (const auto &change : request->changes()) {
        if (change.has_session()) {
            (void)sb::sync::decodeSession(change.session());
        } else if (change.has_addendum()) {
            (void)sb::sync::decodeAddendum(change.addendum());
        }
    }
    (void)sb::sync::decodePullRequest(bytes, limits);
    (void)sb::sync::decodeEnrollRequest(bytes, limits);
    return 0;
}
