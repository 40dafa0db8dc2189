/*
 * finding_json.h - the one serialiser of findings to JSON: the finding object
 * of the findings document (docs/reports.md, schema aliasaudit.findings/1),
 * shared by the JSON report and the history store, and a snapshot's
 * collection errors as the document's "errors" array.
 */
#ifndef ALIASAUDIT_FINDING_JSON_H
#define ALIASAUDIT_FINDING_JSON_H

#include "core/finding.h"
#include "core/snapshot.h"

#include <cjson/cJSON.h>

/* finding_refs - f's control references, else its check's (NULL-terminated; may be NULL) */
const char *const *finding_refs(const struct finding *f);
/* finding_json - f as a findings-document object: "symptom" is always there
 * ("code" null when nothing bounces), "fix" carries the steps and the note */
cJSON *finding_json(const struct finding *f);
/* snapshot_error_json - one collection error as a JSON object */
cJSON *snapshot_error_json(const struct snapshot_error *e);
/* snapshot_errors_json - a snapshot's collection errors as a JSON array */
cJSON *snapshot_errors_json(const struct snapshot *s);

#endif
