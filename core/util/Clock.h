#pragma once

#include <QDateTime>

#include <atomic>

namespace oauthdesk {

// Milliseconds since the epoch. Tests move time forward instead of sleeping.
class Clock final
{
public:
    static qint64 nowMs()
    {
        const qint64 offset = s_offset.load(std::memory_order_relaxed);
        return QDateTime::currentMSecsSinceEpoch() + offset;
    }
    static qint64 nowSecs() { return nowMs() / 1000; }
    static void advance(qint64 ms) { s_offset.fetch_add(ms, std::memory_order_relaxed); }
    static void reset() { s_offset.store(0, std::memory_order_relaxed); }

private:
    static inline std::atomic<qint64> s_offset{0};
};

} // namespace oauthdesk
