// SPDX-License-Identifier: Apache-2.0
// The real server under a connection flood from one address: 1,000 idle TCP connections
// (no TLS handshake, no request) from 127.0.0.2 while a device on 127.0.0.1 syncs. The
// per-address cap and accept rate keep the flood to its own share, so the device syncs.
#include "catchqt.h"
#include "client_harness.h"

#include <QTcpSocket>

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <vector>

using namespace sb;
using namespace sb::synctest;

TEST_CASE("1,000 idle connections from one address while a device syncs: it still syncs",
          "[integration]")
{
    ensureApp();
    OfficeServer server;
    // Deadlines longer than the test, so the flood's connections stay open all along.
    server.setExtraArguments({QStringLiteral("--head-timeout-ms"), QStringLiteral("60000"),
                              QStringLiteral("--request-timeout-ms"), QStringLiteral("60000")});
    Practice practice;
    REQUIRE(server.seed(1, 2, practice));
    REQUIRE(server.start());
    sync::SyncClient::Options options;
    options.retryBaseMs = 5;
    options.retryCapMs = 200;
    options.periodicIntervalMs = 0;
    options.transferTimeoutMs = 5'000;
    Device device(practice, 0, options, 7);
    REQUIRE(device.isValid());
    const auto code = server.enrollCode(practice.clinicians[0].user.login);
    REQUIRE(code);
    REQUIRE_FALSE(device.enroll(server.url(), *code, server.keyPin()));

    // The flood, from another loopback address than the device's.
    std::vector<std::unique_ptr<QTcpSocket>> flood;
    for (int i = 0; i < 1000; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        REQUIRE(socket->bind(QHostAddress(QStringLiteral("127.0.0.2")), 0));
        socket->connectToHost(QHostAddress::LocalHost, server.port());
        flood.push_back(std::move(socket));
    }
    // Until every connection attempt has settled (accepted and held, or reset at once).
    waitUntil(
        [&] {
            return std::all_of(flood.begin(), flood.end(), [](const auto &socket) {
                return socket->state() != QAbstractSocket::ConnectingState
                       && socket->state() != QAbstractSocket::HostLookupState;
            });
        },
        15'000);
    spin(500);
    const auto held = std::count_if(flood.begin(), flood.end(), [](const auto &socket) {
        return socket->state() == QAbstractSocket::ConnectedState;
    });
    INFO(held << " of the flood's connections still open");
    CHECK(held > 0);

    for (int i = 0; i < 3; ++i) {
        REQUIRE_FALSE(device.signNewSession(false).isNull());
    }
    CHECK(device.syncToQuiescence(10'000));
    auto office = server.openStore();
    REQUIRE(office);
    CHECK(checkOnServerExactlyOnce(*office, device.store(), device.signedSessions()).isEmpty());
}
