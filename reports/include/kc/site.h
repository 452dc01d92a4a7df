/*
 * kc_site: a static results site from many reports (`kmsconf site`,
 * docs/site.md): a front page with every target's score and level verdicts
 * and the matrix of documented codes by level and target, a page per
 * target (its latest run's levels and claims, the score of its runs over
 * time, the history of its runs), a page per run (kc_html_run), a page per
 * documented code (every target's answers side by side, the recorded ones
 * of bundles), a shields-style SVG badge per target and api.json, the same
 * data for programs. Pages are self-contained (kc_html): no external
 * resource. Scores are kc_report_score of the documented codes.
 *
 * Reports are grouped by kmsconf.target (else their label); a target's
 * latest run is the one with the greatest kmsconf.started.
 */
#ifndef KC_SITE_H
#define KC_SITE_H

#include <stddef.h>

#include "kc/report.h"

struct kc_site_input {
    struct kc_report *const *reports;
    const char *const *labels; /* each report's fallback target name */
    size_t nreports;
    const char *const *codes; /* the documented codes, catalog order */
    size_t ncodes;
    /* each report's bundle folder, whose answers/ the code pages show, or
     * NULL (the array may be NULL: no bundle) */
    const char *const *bundles;
};

/* Writes the site into the folder out (made when missing; files of an
 * earlier site are replaced). 0, or -1 with one line in err. */
int kc_site_write(const char *out, const struct kc_site_input *in, char *err,
                  size_t errlen);

#endif
