# install.sh - `make install` honours PREFIX and DESTDIR and installs the
# binary and the man page; the installed binary runs.
. "$ROOT/tests/e2e/lib/lib.sh"
run make -s -C "$ROOT" install BUILD="$BUILD" DESTDIR="$T/root" PREFIX=/opt/aa
expect_rc 0
[ -x "$T/root/opt/aa/bin/aliasaudit" ] || fail "binary not installed under DESTDIR/PREFIX/bin"
[ -f "$T/root/opt/aa/share/man/man1/aliasaudit.1" ] || fail "man page not installed"
run "$T/root/opt/aa/bin/aliasaudit" --version
expect_rc 0; out_has 'aliasaudit'
if command -v man >/dev/null 2>&1; then
	run man -l "$T/root/opt/aa/share/man/man1/aliasaudit.1"
	expect_rc 0; out_has 'EXIT STATUS'
fi
run make -s -C "$ROOT" uninstall BUILD="$BUILD" DESTDIR="$T/root" PREFIX=/opt/aa
[ ! -e "$T/root/opt/aa/bin/aliasaudit" ] || fail "uninstall left the binary"
pass
