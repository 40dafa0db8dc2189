# explain.sh - 'aliasaudit explain': every input form, whole NDR lines, JSON,
# --list, --help, and one-line errors with exit 2 for unknown input.
. "$ROOT/tests/e2e/lib/lib.sh"

# explains INPUT CODE: exit 0 and the entry's code on the first line
explains() {
	run "$AA" explain "$1"
	expect_rc 0
	[ "$(head -n 1 "$T/out" | cut -d' ' -f1-2)" = "$2" ] || { head -n 3 "$T/out"; fail "'$1': first line is not '$2 ...'"; }
	[ ! -s "$T/err" ] || { cat "$T/err"; fail "'$1': stderr not empty"; }
}
explains "550 5.7.520" "550 5.7.520"
explains "5.7.520" "550 5.7.520"
explains "550-5.7.520" "550 5.7.520"
explains "554 5.4.14" "554 5.4.14"
explains "5.4.14" "554 5.4.14"
explains "5.4.6" "554 5.4.6"
explains "550 5.1.1" "550 5.1.1"
explains "5.1.10" "550 5.1.10"
explains "550 5.4.1" "550 5.4.1"
explains "550 5.7.1" "550 5.7.1"
explains "5.7.60" "550 5.7.60"
explains "250" "250 2.0.0"

# a whole NDR line
run "$AA" explain "550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555)"
expect_rc 0
out_has "Bounce text:"
out_has "AS(7555)"
out_has "Found in configuration by: forward.blocked"
out_has "aliasaudit audit --check forward.blocked"
out_has "Anti-spam outbound policy"
out_has "Set-RemoteDomain"

# several arguments are one line; the cause the text names is marked
run "$AA" explain 550 5.4.1 Relay Access Denied
expect_rc 0
out_has "Cause 2 (matches your text): Relay Access Denied"
out_has "Directory-Based Edge Blocking"

# loops: the check and the audit hint; vanished mail points to 'headers'
run "$AA" explain "554 5.4.14"
out_has "route.loop"
run "$AA" explain 250
out_has "aliasaudit headers message.eml"
out_has "forward.external-auth"
run "$AA" explain 5.7.60
out_has "unverified"
out_has "sendas.missing"
run "$AA" explain "550 5.1.1"
out_has "route.ghost"
out_has "addr.plus-disabled"

# JSON
run "$AA" explain -f json "554 5.4.14"
expect_rc 0
jq_eq '.code' '554 5.4.14'
jq_eq '.enhanced' '5.4.14'
jq_eq '.verified' 'true'
jq_eq '.causes[0].checks[0]' 'route.loop'
jq_eq '.audit' 'aliasaudit audit --check route.loop'
jq_eq '.input' '554 5.4.14'
run "$AA" explain "550 5.4.1 Relay Access Denied" --format=json
expect_rc 0
jq_eq '.causes[1].matches_input' 'true'
jq_eq '.causes[0].matches_input' 'false'
run "$AA" explain 5.7.60 -f json
jq_eq '.verified' 'false'

# --list (text and JSON), --help
run "$AA" explain --list
expect_rc 0
for c in "550 5.7.520" "554 5.4.14" "554 5.4.6" "550 5.1.1" "550 5.1.10" "550 5.4.1" "550 5.7.1" "550 5.7.60"; do
	out_has "^$c "
done
run "$AA" explain --list -f json
expect_rc 0
jq_eq 'length >= 8' 'true'
jq_eq '[.[] | .code] | index("550 5.7.520") != null' 'true'
run "$AA" explain --help
expect_rc 0
out_has "usage: aliasaudit explain"

# unknown, ambiguous, no code, nothing: exit 2, one line, known codes listed
run "$AA" explain 5.9.9
expect_rc 2; err_lines 1
err_has "unknown code '5.9.9'"
err_has "550 5.7.520, 554 5.4.14"
run "$AA" explain 550
expect_rc 2; err_lines 1
err_has "'550' alone is ambiguous"
run "$AA" explain "$(printf 'no code\033[31m here')"
expect_rc 2; err_lines 1
err_has "no status code in 'no code?\[31m here'"
run "$AA" explain
expect_rc 2
run "$AA" explain -f yaml 5.1.1
expect_rc 2
err_has "unknown format 'yaml'"
pass
