#pragma once

// Finding a dialog's widgets by object name in the UI tests; a missing widget stops the test at once.

#include <QDialogButtonBox>
#include <QPushButton>
#include <QWidget>

namespace oauthdesk::test {

template <typename T> T *child(QWidget &parent, const char *name)
{
    T *widget = parent.findChild<T *>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no widget %s", name);
    return widget;
}

inline QPushButton *okButton(QWidget &dialog)
{
    return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

} // namespace oauthdesk::test
