#pragma once

#include <QString>

#include <expected>

namespace oauthdesk {

// A failure that a caller can show to a person: one line, already translated where it reaches the UI.
struct Error
{
    enum class Kind {
        Invalid, // the input is wrong (exit code 2 on the command line)
        NotFound, // the named thing does not exist (exit code 2)
        Conflict, // it exists already (exit code 2)
        Storage, // the database refused (exit code 1)
    };
    Kind kind = Kind::Invalid;
    QString message;

    static Error invalid(const QString &m) { return {Kind::Invalid, m}; }
    static Error notFound(const QString &m) { return {Kind::NotFound, m}; }
    static Error conflict(const QString &m) { return {Kind::Conflict, m}; }
    static Error storage(const QString &m) { return {Kind::Storage, m}; }
};

template <typename T> using Result = std::expected<T, Error>;

using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Error e)
{
    return std::unexpected<Error>(std::move(e));
}

} // namespace oauthdesk
