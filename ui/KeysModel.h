#pragma once

#include "storage/KeyStore.h"

#include <QAbstractTableModel>

namespace oauthdesk::ui {

// The signing keys as a table: algorithm, kid, created, retired-at and status, newest first.
class KeysModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeysModel)

public:
    enum Column { AlgorithmColumn, KidColumn, CreatedColumn, RetiredColumn, StatusColumn, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit KeysModel(QObject *parent = nullptr);

    void setKeys(const QList<KeyRecord> &keys);
    // A retired key younger than this is still in the JWK Set.
    void setRetentionMs(qint64 ms);
    const KeyRecord &keyAt(int row) const { return m_keys.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString statusText(const KeyRecord &key) const;

    QList<KeyRecord> m_keys;
    qint64 m_retentionMs = 0;
};

} // namespace oauthdesk::ui
