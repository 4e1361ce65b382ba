// SPDX-License-Identifier: Apache-2.0
#include "tempdir.h"

#include <QDir>

namespace sb::test {

TempDir::TempDir()
    : m_dir(QDir::tempPath() + QStringLiteral("/sessionbook-test-XXXXXX"))
{
}

} // namespace sb::test
