#!/usr/bin/env bash
# Builds the Debian package from an existing build tree and checks its control fields and contents,
# then validates the desktop entry and the AppStream metainfo in the source tree.
# Usage: check-deb.sh <build-dir>
# Needs: dpkg-deb (dpkg), desktop-file-validate (desktop-file-utils), appstreamcli (appstream).
set -euo pipefail

fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }
ok() { echo "check-deb: ok: $*"; }

[[ $# -eq 1 ]] || fail "usage: $0 <build-dir>"
build_dir=$(cd "$1" && pwd) || fail "build directory '$1' does not exist"
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
app_id=io.github.oauthdesk.OAuthDesk

for tool in cmake dpkg-deb desktop-file-validate appstreamcli; do
    command -v "$tool" > /dev/null || fail "'$tool' is not installed (apt packages: dpkg, desktop-file-utils, appstream)"
done

# The source files are checked first: they need no build, and their failures are the cheapest to read.
desktop_file=$source_dir/packaging/$app_id.desktop
metainfo_file=$source_dir/packaging/$app_id.metainfo.xml
desktop-file-validate "$desktop_file" || fail "desktop-file-validate rejected $desktop_file"
ok "desktop-file-validate $app_id.desktop"
appstreamcli validate --no-net "$metainfo_file" || fail "appstreamcli validate --no-net rejected $metainfo_file"
ok "appstreamcli validate $app_id.metainfo.xml"

# Stale packages from an earlier run would hide a failed build, so start without any.
rm -f "$build_dir"/oauthdesk_*.deb
cmake --build "$build_dir" --target package || fail "'cmake --build $build_dir --target package' failed"

shopt -s nullglob
debs=("$build_dir"/oauthdesk_*.deb)
shopt -u nullglob
[[ ${#debs[@]} -eq 1 ]] || fail "expected exactly one oauthdesk_*.deb in $build_dir, found ${#debs[@]}"
deb=${debs[0]}
ok "built $(basename "$deb")"

field() { dpkg-deb --field "$deb" "$1"; }

package=$(field Package)
[[ $package == oauthdesk ]] || fail "Package is '$package', expected 'oauthdesk'"
ok "Package: $package"

architecture=$(field Architecture)
expected_architecture=$(dpkg --print-architecture)
[[ $architecture == "$expected_architecture" ]] \
    || fail "Architecture is '$architecture', expected '$expected_architecture'"
ok "Architecture: $architecture"

version=$(field Version)
[[ -n $version ]] || fail "Version field is empty"
ok "Version: $version"

depends=$(field Depends)
# Split "a (>= 1), b | c" into one package name per line, so a name only matches whole.
depends_names=$(tr ',|' '\n\n' <<< "$depends" | sed -E 's/\(.*\)//; s/^[[:space:]]+//; s/[[:space:]]+$//')
for needed in libqt6sql6-sqlite qt6-qpa-plugins libqt6svg6; do
    grep -qxF "$needed" <<< "$depends_names" || fail "Depends lacks '$needed'; Depends is: $depends"
done
# shlibdeps must have contributed the Qt libraries the binary links, or it did not run.
grep -qx 'libqt6core6.*' <<< "$depends_names" \
    || fail "Depends lacks libqt6core6, so dpkg-shlibdeps did not run; Depends is: $depends"
ok "Depends: $depends"

dpkg-deb --info "$deb" > /dev/null || fail "dpkg-deb --info cannot read $deb"
contents=$(dpkg-deb --contents "$deb" | awk '{ print $NF }')
for path in \
    ./usr/bin/oauthdesk \
    ./usr/share/applications/$app_id.desktop \
    ./usr/share/metainfo/$app_id.metainfo.xml \
    ./usr/share/icons/hicolor/scalable/apps/$app_id.svg
do
    grep -qxF "$path" <<< "$contents" || fail "the package does not contain $path; it contains:
$contents"
    ok "contains $path"
done

echo "check-deb: all checks passed for $(basename "$deb")"
