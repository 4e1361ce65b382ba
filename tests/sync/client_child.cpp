// SPDX-License-Identifier: Apache-2.0
// A device app reduced to its sync: opens the device store, reads the token from a file
// (FileTokenStore, test only), trusts the proxy's certificate, runs one sync and exits 0.
// client_faults_test kills it with SIGKILL at a random moment, mid-flight.
// Usage: sync_client_child DEVICE_DB TOKEN_FILE CA_PEM
#include "client/deviceschema.h"
#include "client/syncclient.h"
#include "client/tokenstore.h"
#include "fixtures.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCoreApplication>
#include <QSslCertificate>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 4) {
        std::fputs("usage: sync_client_child DEVICE_DB TOKEN_FILE CA_PEM\n", stderr);
        return 2;
    }
    sb::SystemClock clock;
    auto store = sb::test::tryOpenStore(args[1], clock, sb::sync::deviceSchema());
    if (!store) {
        std::fputs("cannot open the device store\n", stderr);
        return 1;
    }
    sb::sync::FileTokenStore tokens(args[2]);
    sb::sync::SystemRandom random;
    sb::sync::SyncClient::Options options;
    options.retryBaseMs = 2;
    options.retryCapMs = 40;
    options.periodicIntervalMs = 0;
    options.maxBatchChanges = 1;
    options.trustedCertificates = QSslCertificate::fromPath(args[3]);
    sb::sync::SyncClient client(**store, tokens, clock, random, options);
    QObject::connect(&client, &sb::sync::SyncClient::syncFinished, &app, [&](bool ok) {
        if (ok && client.pendingCount() == 0) {
            QCoreApplication::exit(0);
        }
    });
    client.syncNow();
    std::puts("syncing"); // the parent kills it from here on
    std::fflush(stdout);
    return QCoreApplication::exec();
}
