#pragma once

#include <QWidget>

class QAbstractItemModel;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QTimer;
class QToolBar;

namespace oauthdesk::ui {

class MessageBar;

// Shared frame of the list pages: a message bar, a toolbar with a filter field, and a sortable table
// that gives way to a hint when there are no rows yet.
class TablePage : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TablePage)

public:
    MessageBar *messageBar() const { return m_messageBar; }
    QTableView *view() const { return m_view; }
    QToolBar *toolBar() const { return m_toolBar; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }

    // Reads the rows again; pages call it after their own writes and when the server reports changes.
    virtual void reload() = 0;
    // Coalesces bursts of change notifications into one reload.
    void scheduleReload();

protected:
    TablePage(QAbstractItemModel *model, int sortRole, const QString &emptyHint, QWidget *parent);
    void showEvent(QShowEvent *event) override;
    // The source row of the current selection, or -1.
    int currentSourceRow() const;
    void selectSourceRow(int row);
    void updateEmptyState();

private:
    MessageBar *m_messageBar;
    QToolBar *m_toolBar;
    QLineEdit *m_filterEdit;
    QStackedWidget *m_stack;
    QTableView *m_view;
    QLabel *m_emptyLabel;
    QSortFilterProxyModel *m_proxy;
    QTimer *m_reloadTimer;
};

} // namespace oauthdesk::ui
