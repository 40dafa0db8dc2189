def n: walk(if type == "object" then with_entries(select(.value != [] and .value != null)) else . end);
del(.collected_at, .errors) | n
| .recipients |= sort_by(.address) | .forwards |= sort_by(.from, .via, .name)
| .auto_replies |= sort_by(.address) | .policy.outbound_forwarding |= sort_by(.name)
| .policy.remote_domains |= sort_by(.domain)
