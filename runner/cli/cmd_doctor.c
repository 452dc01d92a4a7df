/*
 * kmsconf doctor: the preflight of a target alone, and what it learnt:
 * which credentials work, the declared capabilities, round-trip time, the
 * clock offset, the error envelope the target answers with (JSON members,
 * XML root and children) and the transport. Sends one ListKeys per
 * credential and one DescribeKey of a key that does not exist per format;
 * creates nothing.
 *
 * Exit codes: 0 the target can be run against, 2 a credential or the
 * endpoint is wrong (the line says which), 3 target unreachable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <libxml/parser.h>

#include "cmd.h"
#include "kc/client.h"
#include "kc/codec.h"
#include "kc/preflight.h"
#include "kc/target.h"
#include "opts.h"

#define SHAPE_MAX 256 /* "JSON {HttpStatus, Code, ...}" */

enum { OPT_TARGET, OPT_ENDPOINT, OPT_INSECURE, OPT_CACERT, OPT_TIMEOUT };

static const struct kc_opt doctor_opts[] = {
    {"--target", "FILE", "target profile", OPT_TARGET},
    {"--endpoint", "URL",
     "endpoint (overrides the profile's; alone: KMSCONF_ACCESS_KEY_ID/SECRET)",
     OPT_ENDPOINT},
    {"--insecure", NULL, "do not verify TLS certificates", OPT_INSECURE},
    {"--cacert", "FILE", "CA bundle to verify TLS certificates with",
     OPT_CACERT},
    {"--timeout", "SECONDS", "timeout of one exchange (default 10)",
     OPT_TIMEOUT},
};
#define NOPTS (sizeof(doctor_opts) / sizeof(doctor_opts[0]))

struct doctor_cfg {
    const char *target, *endpoint, *cacert;
    bool insecure;
    long timeout_s;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct doctor_cfg *c = ctx;
    char *end;
    switch (id) {
    case OPT_TARGET:
        c->target = value;
        break;
    case OPT_ENDPOINT:
        c->endpoint = value;
        break;
    case OPT_INSECURE:
        c->insecure = true;
        break;
    case OPT_CACERT:
        c->cacert = value;
        break;
    default:
        c->timeout_s = strtol(value, &end, 10);
        if (*end || c->timeout_s < 1 || c->timeout_s > 600) {
            fprintf(stderr, "kmsconf doctor: --timeout: expected 1..600 "
                            "seconds\n");
            return -1;
        }
    }
    return 0;
}

/* A name from the answer as the console may show it (see
 * kc_preflight_name_shaped), else "?". */
static const char *shown(const char *name)
{
    return name && kc_preflight_name_shaped(name) ? name : "?";
}

/* The answer's media type when it is one of the usual ones, else a word:
 * the header is the server's text and could echo the request. */
static const char *media_type(const char *ct)
{
    static const char *const known[] = {"application/json", "text/xml",
                                        "application/xml", "text/html",
                                        "text/plain"};
    size_t n = ct ? strcspn(ct, "; ") : 0;
    for (size_t i = 0; ct && i < sizeof(known) / sizeof(known[0]); i++) {
        if (strlen(known[i]) == n && !strncasecmp(ct, known[i], n))
            return known[i];
    }
    return ct ? "(another type)" : "(none)";
}

/* The members of a JSON error body, or the root and children of an XML
 * one, as one line into out. */
static void envelope_shape(const struct kc_http_resp *resp, bool xml, char *out,
                           size_t outlen)
{
    struct kc_buf b;
    kc_buf_init(&b, outlen ? outlen - 1 : 0);
    if (!xml) {
        cJSON *j =
            cJSON_ParseWithLength(kc_buf_str(&resp->body), resp->body.len);
        kc_buf_puts(&b, cJSON_IsObject(j) ? "JSON {" : "not a JSON object");
        for (const cJSON *m = cJSON_IsObject(j) ? j->child : NULL; m;
             m = m->next)
            kc_buf_printf(&b, "%s%s", m == j->child ? "" : ", ",
                          shown(m->string));
        if (cJSON_IsObject(j))
            kc_buf_putc(&b, '}');
        cJSON_Delete(j);
    } else {
        xmlDocPtr d = xmlReadMemory(
            kc_buf_str(&resp->body), (int)resp->body.len, "answer.xml", NULL,
            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        xmlNodePtr root = d ? xmlDocGetRootElement(d) : NULL;
        kc_buf_printf(&b, root ? "XML <%s> {" : "not XML",
                      root ? shown((const char *)root->name) : "");
        const char *sep = "";
        for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
            if (n->type != XML_ELEMENT_NODE)
                continue;
            kc_buf_printf(&b, "%s%s", sep, shown((const char *)n->name));
            sep = ", ";
        }
        if (root)
            kc_buf_putc(&b, '}');
        xmlFreeDoc(d);
    }
    snprintf(out, outlen, "%s%s", kc_buf_str(&b), b.failed ? "..." : "");
    kc_buf_dispose(&b);
}

/* One DescribeKey of a key that cannot exist, in JSON or XML. */
static void show_envelope(struct kc_http *http, const struct kc_target *t,
                          const struct kc_credential *cred, bool xml)
{
    char id[37], err[KC_ERR_MAX], shape[SHAPE_MAX];
    struct kc_param p = {"KeyId", id};
    struct kc_client_step step = {.action = "DescribeKey",
                                  .xml = xml,
                                  .params = &p,
                                  .nparams = 1,
                                  .signature = KC_SIG_VALID};
    struct kc_client_exchange x;
    kc_uuid4(id);
    if (kc_client_call(http, t, cred, &step, &x, err, sizeof(err)) ==
        KC_CLIENT_ANSWERED) {
        envelope_shape(&x.resp, xml, shape, sizeof(shape));
        printf("error envelope (%s): %s %ld, %s, Content-Type %s\n",
               xml ? "XML" : "JSON",
               x.resp.protocol[0] ? x.resp.protocol : "HTTP", x.resp.status,
               shape, media_type(x.resp.content_type));
    }
    kc_client_exchange_dispose(&x);
}

static void show_target(const struct kc_target *t, const struct kc_http_opts *o)
{
    bool tls = !strncmp(t->endpoint, "https://", 8);
    printf("target: %s (%s)\n", t->name ? t->name : "-", t->source);
    printf("endpoint: %s (%s)\n", t->endpoint,
           !tls ? "plain HTTP, no TLS"
                : (o->insecure ? "TLS, certificates NOT verified"
                               : "TLS, certificates verified"));
    printf("region: %s, signature: %s, envelope rules: %s\n", t->region,
           t->signature == KC_SIGVER_V3 ? "v3" : "v1", t->envelope);
    printf("capabilities:");
    for (size_t i = 0; i < t->ncaps; i++)
        printf(" %s=%s", t->caps[i].name, t->caps[i].value);
    printf("%s\n", t->ncaps ? "" : " (none declared)");
}

/* Preflights every credential; returns the exit code. */
static enum kc_exit check_credentials(struct kc_http *http,
                                      const struct kc_target *t)
{
    enum kc_exit rc = KC_EXIT_OK;
    bool have_offset = false;
    long offset = 0;
    struct kc_pf_result r;

    /* as a run would: a throttled answer is retried (docs/running.md) */
    const struct kc_retry_policy rp = {.retries = KC_RETRY_DEFAULT};

    printf("credentials:\n");
    for (size_t i = 0; i < t->ncreds; i++) {
        const struct kc_credential *c = &t->creds[i];
        kc_preflight_credential(http, t, c, &rp, &r);
        printf("  %-22s %-11s %4.0f ms  %s\n", c->name,
               kc_preflight_verdict_name(r.verdict), r.rtt_ms, r.line);
        if (r.have_offset && !have_offset) {
            have_offset = true;
            offset = r.clock_offset_s;
        }
        if (kc_preflight_fatal(c->name, r.verdict) &&
            (rc == KC_EXIT_OK || r.verdict == KC_PF_UNREACHABLE))
            rc = kc_preflight_exit(r.verdict);
    }
    if (have_offset)
        printf("clock: the target's Date is %+ld s from this machine's\n",
               offset);
    else
        printf("clock: the target sent no Date header\n");
    return rc;
}

static void usage(void)
{
    kc_opts_usage(stdout, "doctor (--target FILE | --endpoint URL)",
                  "Runs the preflight of a target alone and prints what it "
                  "learnt: which\ncredentials work, capabilities, round-trip "
                  "time, clock offset, the error\nenvelope seen and the "
                  "transport. Creates nothing.\nExit 0 usable, 2 a "
                  "credential or the endpoint is wrong, 3 unreachable.",
                  doctor_opts, NOPTS);
}

enum kc_exit kc_cmd_doctor(int argc, char **argv)
{
    struct doctor_cfg cfg = {.timeout_s = 10};
    struct kc_target *t = NULL;
    struct kc_http *http = NULL;
    char err[KC_CMD_ERR_MAX];
    enum kc_exit rc = KC_EXIT_USAGE;
    const char **pos = NULL;
    size_t npos = 0;
    int prc = kc_opts_parse("doctor", doctor_opts, NOPTS, argc, argv, on_opt,
                            &cfg, &pos, &npos);

    free(pos);
    if (prc == 1)
        usage();
    if (prc)
        return kc_opts_parse_exit(prc);
    if (npos) {
        fprintf(stderr, "kmsconf doctor: takes no arguments, only options\n");
        return KC_EXIT_USAGE;
    }
    if (!cfg.target && !cfg.endpoint) {
        fprintf(stderr, "kmsconf doctor: --target FILE or --endpoint URL "
                        "is required\n");
        return KC_EXIT_USAGE;
    }
    if ((cfg.target
             ? kc_target_load(&t, cfg.target, cfg.endpoint, err, sizeof(err))
             : kc_target_from_env(&t, cfg.endpoint, err, sizeof(err)))) {
        fprintf(stderr, "kmsconf doctor: %s\n", err);
        return KC_EXIT_USAGE;
    }
    struct kc_http_opts o = {.connect_timeout_ms = cfg.timeout_s * 1000,
                             .timeout_ms = cfg.timeout_s * 1000,
                             .insecure = cfg.insecure || !t->tls_verify,
                             .cacert = cfg.cacert ? cfg.cacert : t->tls_cacert};
    if (kc_http_global_init() || !(http = kc_http_new(&o))) {
        fprintf(stderr, "kmsconf doctor: cannot start libcurl\n");
        goto out;
    }
    show_target(t, &o);
    rc = check_credentials(http, t);
    if (rc == KC_EXIT_OK && kc_target_credential(t, "default")) {
        show_envelope(http, t, kc_target_credential(t, "default"), false);
        show_envelope(http, t, kc_target_credential(t, "default"), true);
    }
    printf("%s\n", rc == KC_EXIT_OK ? "doctor: the target can be run against"
                                    : "doctor: fix the line marked above "
                                      "before a run");
out:
    kc_http_free(http);
    kc_http_global_cleanup();
    kc_target_free(t);
    return rc;
}
