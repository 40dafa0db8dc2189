# input_limits.sh - oversized or non-regular input is refused before it is
# read (issue 15, defect 2): /dev/zero, a directory, a FIFO and a sparse file
# over the 1 GiB limit each give exit 2 and one line naming the file, at once
# (the sparse file would take seconds and gigabytes to read whole); standard
# input is read up to the limit and refused past it (unit-tested).
. "$ROOT/tests/e2e/lib/lib.sh"

refused() { # what expected-message...
	what=$1; shift
	run "$@"
	expect_rc 2
	err_lines 1
	err_has "$what"
}

refused '/dev/zero: not a regular file' "$AA" audit --snapshot /dev/zero
mkdir "$T/dir"
refused "$T/dir: not a regular file" "$AA" audit --snapshot "$T/dir"
mkfifo "$T/fifo"
# a FIFO with no writer would block a reader forever: refused without opening for long
refused "$T/fifo: not a regular file" "$AA" audit --snapshot "$T/fifo"
truncate -s 2G "$T/sparse.json"
refused "$T/sparse.json: larger than the limit of 1073741824 bytes" "$AA" audit --snapshot "$T/sparse.json"
# peak memory stays small: the refusal happens before any read
/usr/bin/time -f '%M' -o "$T/rss" "$AA" audit --snapshot "$T/sparse.json" 2>/dev/null
rss=$(tail -n 1 "$T/rss")
[ "$rss" -lt 65536 ] || fail "refusing a 2 GiB file used $rss KB"
# (standard input is capped while reading: tests/unit/test_read_file.c)
# a normal file still reads
run "$AA" audit --snapshot "$ROOT/examples/contoso-m365.json" -f json
[ "$rc" -eq 1 ] || expect_rc 1
pass
