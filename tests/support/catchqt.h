// SPDX-License-Identifier: Apache-2.0
#pragma once

// Catch2 printers for the Qt and store types tests compare, so a failed CHECK shows values
// instead of "{?}". Header-only: include it from test sources, never from the support library.

#include "store/storeerror.h"

#include <QByteArray>
#include <QString>

#include <catch2/catch_tostring.hpp>

namespace Catch {

template<> struct StringMaker<QString> {
    static std::string convert(const QString &value)
    {
        return '"' + value.toStdString() + "\" (" + std::to_string(value.size()) + " UTF-16 units)";
    }
};

template<> struct StringMaker<QByteArray> {
    static std::string convert(const QByteArray &value)
    {
        return "0x" + value.toHex().toStdString();
    }
};

template<> struct StringMaker<sb::StoreError::Kind> {
    static std::string convert(sb::StoreError::Kind kind)
    {
        return sb::StoreError{kind, {}, 0}.kindName().toStdString();
    }
};

} // namespace Catch
