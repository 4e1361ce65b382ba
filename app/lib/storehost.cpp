// SPDX-License-Identifier: Apache-2.0
#include "storehost.h"

#include <QFile>

namespace sb::app {

StoreHost::StoreHost(const Config &config, QObject *parent)
    : QObject(parent)
    , m_vaultPath(config.vaultPath)
    , m_secrets(*config.secrets)
    , m_clock(*config.clock)
    , m_state(std::make_unique<WorkerState>(WorkerState{
          KeyVault(config.vaultPath, *config.secrets, *config.clock, config.vaultOptions),
          config.storePath, *config.clock, config.prepareNewStore, nullptr, Actor{}, std::nullopt,
          std::nullopt, nullptr, nullptr, nullptr}))
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
