/*
 * The text sections inside kmsconf's JUnit elements (docs/reports.md), shared
 * by the two halves of kc_junit so that what junit_write.c writes is what
 * junit_read.c looks for. Private to reports/.
 *
 *   <system-out> (default flavour) and the end of a strict <failure>:
 *     @@ level: <the case's conformance level>
 *     @@ action: <the probe's API action>
 *     @@ request-id: <RequestId>
 *     @@ message-template: <where the matched wording is documented>
 *     @@ transcript
 *     <the transcript, to the end of the text>
 *   a strict <failure>, before those:
 *     failed checks: <check>, <check>
 *     @@ check <check>: <message>
 *     <its detail lines>
 */
#ifndef KC_JUNIT_SECTIONS_H
#define KC_JUNIT_SECTIONS_H

/* Every section line starts with this. */
#define KC_JUNIT_SECTION_MARK "@@ "
/* Followed by the case's level ("core", "extension"...), to the end of the
 * line. */
#define KC_JUNIT_SECTION_LEVEL "@@ level: "
/* Followed by the probe's API action, to the end of the line. */
#define KC_JUNIT_SECTION_ACTION "@@ action: "
/* Followed by the RequestId, to the end of the line. */
#define KC_JUNIT_SECTION_REQUEST_ID "@@ request-id: "
/* Followed by the matched template's source, to the end of the line. */
#define KC_JUNIT_SECTION_TEMPLATE "@@ message-template: "
/* A line of its own; the transcript is the rest of the text. */
#define KC_JUNIT_SECTION_TRANSCRIPT "@@ transcript"
/* Followed by "<check>: <message>"; the detail lines follow. */
#define KC_JUNIT_SECTION_CHECK "@@ check "
/* First line of a strict failure's text, then the failed checks. */
#define KC_JUNIT_STRICT_HEAD "failed checks: "

/* A known failure (--expect) is a <skipped> whose type is the skip type
 * and whose message and text start with the prefix: consumers show it, and
 * the reader turns either back into that skip type. */
#define KC_JUNIT_EXPECTED_TYPE   "expected-failure"
#define KC_JUNIT_EXPECTED_PREFIX "known failure: "

/* Length of a string literal, such as the markers above. */
#define KC_JUNIT_LIT_LEN(lit) (sizeof(lit) - 1)

#endif
