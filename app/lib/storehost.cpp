// SPDX-License-Identifier: Apache-2.0
#include "storehost.h"

#include <QFile>

Q_LOGGING_CATEGORY(lcStoreHost, "sessionbook.app.storehost")

namespace sb::app {

void StoreHost::reportJobFailure(const QString &what)
{
    qCCritical(lcStoreHost) << "a store job failed with" << what << "- its result is dropped";
    // Emitted from the store thread; receivers on the GUI thread get it queued.
    Q_EMIT jobFailed(what);
}

namespace {

std::shared_ptr<const claims::ClaimScrubber> payerChecksFor(const StoreHost::Config &config)
{
    // The built-in rules are compiled in and tested: failing to load them is a build defect.
    auto settings =
        config.scrubSettings ? config.scrubSettings : claims::ScrubSettings::builtin().value();
    // The payer checks never look up a diagnosis.
    return std::make_shared<const claims::ClaimScrubber>(std::move(settings),
                                                         claims::DiagnosisLookup{});
}

} // namespace

StoreHost::StoreHost(const Config &config, QObject *parent)
    : QObject(parent)
    , m_vaultPath(config.vaultPath)
    , m_secrets(*config.secrets)
    , m_clock(*config.clock)
    , m_state(std::make_unique<WorkerState>(WorkerState{
          KeyVault(config.vaultPath, *config.secrets, *config.clock, config.vaultOptions),
          config.storePath, *config.clock, config.prepareNewStore, nullptr, Actor{}, std::nullopt,
          std::nullopt, payerChecksFor(config), nullptr, nullptr, nullptr}))
{
    m_thread.setObjectName(QStringLiteral("sessionbook-store"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

StoreHost::~StoreHost()
{
    // Close the store on its own thread (wiping key material with it), then stop.
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            m_state->sync.reset();
            m_state->store.reset();
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

bool StoreHost::vaultExists() const
{
    return QFile::exists(m_vaultPath);
}

} // namespace sb::app
