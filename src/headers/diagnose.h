/*
 * diagnose.h - the diagnoses of the headers command, in the seed article's
 * terms. Each has a stable code ('aliasaudit explain CODE' explains it):
 *
 *   headers.srs-missing        SPF failed at a forwarding hop and the envelope
 *                              sender was not rewritten (bad)
 *   headers.spf-fail           SPF failed with no sign of forwarding (bad)
 *   headers.srs-applied        the envelope sender is an SRS address; says
 *                              whether SPF passed for the forwarder (ok/warn/info)
 *   headers.srs-spf-fail       SRS was applied but SPF failed for the forwarder (bad)
 *   headers.srs-hash-bad       --srs-secret given and the SRS hash does not match (warn)
 *   headers.srs-expired        the SRS timestamp is older than the maximum age (warn)
 *   headers.dmarc-fail-reject  DMARC failed under p=reject (bad)
 *   headers.dmarc-fail-quarantine  DMARC failed under p=quarantine (bad)
 *   headers.dmarc-fail         DMARC failed, policy none or unknown (warn)
 *   headers.arc-valid          an ARC chain is present and sound (ok)
 *   headers.arc-invalid        an ARC chain is present and broken or failed (bad)
 *   headers.compauth-fail      Microsoft composite authentication failed (warn)
 *   headers.from-returnpath-misaligned  From and Return-Path are in different
 *                              organizational domains (warn)
 *   headers.no-auth-results    no authentication results at all (info)
 *   headers.auth-pass          nothing above warn and the newest receiver
 *                              recorded results: no authentication problem (ok)
 */
#ifndef ALIASAUDIT_HEADERS_DIAGNOSE_H
#define ALIASAUDIT_HEADERS_DIAGNOSE_H

#include "headers/analyze.h"

/* hdr_diagnose - append the diagnoses of the model to a->diags */
void hdr_diagnose(struct hdr_analysis *a);

#endif
