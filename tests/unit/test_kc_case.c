/* Unit tests of kc_case: the model, every lint message, folder loading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kc/case.h"
#include "kc/case_load.h"
#include "kc/case_parse.h"
#include "kc/catalog.h"
#include "kc/codec.h"

static struct kc_catalog *cat;

static int setup_cat(void **state)
{
    char err[256];

    (void)state;
    return kc_catalog_load(&cat, KC_SOURCE_DIR "/suite/catalog.json", err,
                           sizeof(err));
}

static int teardown_cat(void **state)
{
    (void)state;
    kc_catalog_free(cat);
    return 0;
}

/* JSON written with ' for " (readable tables). */
static char *q(const char *s)
{
    char *r = strdup(s);
    for (char *p = r; p && *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    return r;
}

/* Parses s (with ' quotes) as file "c.json". */
static int parse(struct kc_caseset *set, struct kc_issues *is, const char *s)
{
    char *json = q(s);
    int rc;

    assert_non_null(json);
    rc = kc_case_parse(set, json, strlen(json), "c.json", cat, is);
    free(json);
    return rc;
}

#define HEAD                                                                   \
    "'id':'t/"                                                                 \
    "x','error':'Forbidden.KeyNotFound','summary':'s','level':'extension','"   \
    "extension':'fixture',"

static void test_valid_model(void **state)
{
    struct kc_caseset set;
    struct kc_issues is;
    const struct kc_case *c;
    const char *creds[8];

    (void)state;
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_int_equal(
        parse(&set, &is,
              "{'id':'keys/a-1.b_c','error':'InvalidParameter','summary':"
              "'s','level':'key-lifecycle','sources':[{'ref':'docs-head',"
              "'at':'Responses.md'},{'ref':'api-metadata','at':'apis.X'}],"
              "'tags':['read-only','x'],"
              "'requires':{'credentials':['in-debt'],'capabilities':['cap-"
              "a']},"
              "'setup':[{'action':'CreateKey','params':{'Description':'${run."
              "label}'},'save':{'key':'KeyMetadata.KeyId'}},{'wait_ms':5}],"
              "'probe':{'action':'Encrypt','credential':'no-permission',"
              "'method':'GET','params':{'KeyId':'${key}','X':'${cap.cap-a}'},"
              "'omit':['Timestamp','Format'],'override':{'Version':'1'},"
              "'signature':'corrupt','access_key_id':'unknown-${uuid}',"
              "'expect':{'error':'InvalidParameter','args':{'parameter "
              "name':'KeyId'}}},"
              "'teardown':[{'action':'ScheduleKeyDeletion','params':{'KeyId':"
              "'${key}'}}]}"),
        0);
    assert_int_equal(is.n, 0);
    assert_int_equal(set.n, 1);
    c = &set.cases[0];
    assert_string_equal(c->id, "keys/a-1.b_c");
    assert_string_equal(c->file, "c.json");
    assert_int_equal(c->level, KC_LEVEL_KEY_LIFECYCLE);
    assert_string_equal(kc_level_name(c->level), "key-lifecycle");
    assert_int_equal(c->nsources, 2);
    assert_string_equal(c->sources[1].ref, "api-metadata");
    assert_string_equal(c->sources[1].at, "apis.X");
    assert_null(c->extension);
    assert_int_equal(c->ntags, 2);
    assert_true(kc_case_has_tag(c, "read-only"));
    assert_false(kc_case_has_tag(c, "read"));
    assert_int_equal(c->nsetup, 2);
    assert_string_equal(c->setup[0].credential, "default");
    assert_string_equal(c->setup[0].saves[0].name, "key");
    assert_string_equal(c->setup[0].saves[0].value, "KeyMetadata.KeyId");
    assert_null(c->setup[1].action);
    assert_int_equal(c->setup[1].wait_ms, 5);
    assert_string_equal(c->probe.action, "Encrypt");
    assert_string_equal(c->probe.method, "GET");
    assert_string_equal(c->probe.credential, "no-permission");
    assert_int_equal(c->probe.omit, KC_COMMON_TIMESTAMP | KC_COMMON_FORMAT);
    assert_int_equal(c->probe.signature, KC_SIG_CORRUPT);
    assert_string_equal(c->probe.overrides[0].name, "Version");
    assert_string_equal(c->probe.access_key_id, "unknown-${uuid}");
    assert_string_equal(c->probe.params[0].value, "${key}");
    assert_string_equal(c->probe.expect_error, "InvalidParameter");
    assert_string_equal(c->probe.expect_args[0].name, "parameter name");
    assert_int_equal(c->nteardown, 1);
    assert_int_equal(kc_case_credentials(c, creds, 8), 3);
    assert_string_equal(creds[0], "in-debt");
    assert_string_equal(creds[1], "default");
    assert_string_equal(creds[2], "no-permission");
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);
}

static void test_defaults(void **state)
{
    struct kc_caseset set;
    struct kc_issues is;

    (void)state;
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_int_equal(
        parse(&set, &is, "{" HEAD "'probe':{'raw_query':'Action=X&a=%4'}}"), 0);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.cases[0].probe.expect_error,
                        "Forbidden.KeyNotFound");
    assert_string_equal(set.cases[0].probe.raw_query, "Action=X&a=%4");
    assert_null(set.cases[0].probe.action);
    assert_int_equal(set.cases[0].probe.signature, KC_SIG_VALID);
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);
}

struct lint_row {
    const char *json;
    const char *want; /* the one expected line */
};

static const struct lint_row lint_rows[] = {
    /* syntax */
    {"{'id':", "c.json: line 1, column 6: invalid JSON"},
    {"{}\n{}", "c.json: line 2, column 1: invalid JSON (text after the value)"},
    {"", "c.json: invalid JSON (empty file)"},
    {"[1]", "c.json: $: expected an object (one case per file)"},
    /* unknown and repeated keys, at every level */
    {"{" HEAD "'probe':{'action':'A'},'extra':1}",
     "c.json: $.extra: unknown key"},
    {"{" HEAD "'probe':{'action':'A','Params':{}}}",
     "c.json: $.probe.Params: unknown key"},
    {"{" HEAD "'probe':{'action':'A','expect':{'error':'Forbidden.KeyNotFound',"
     "'code':1}}}",
     "c.json: $.probe.expect.code: unknown key"},
    {"{" HEAD "'requires':{'creds':[]},'probe':{'action':'A'}}",
     "c.json: $.requires.creds: unknown key"},
    {"{" HEAD "'probe':{'action':'A','params':{'K':'1','K':'2'}}}",
     "c.json: $.probe.params.K: duplicate key"},
    {"{" HEAD "'summary':'t','probe':{'action':'A'}}",
     "c.json: $.summary: duplicate key"},
    /* levels and sources */
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','probe':{"
     "'action':'A'}}",
     "c.json: $.level: missing required key"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':'gold',"
     "'extension':'x','probe':{'action':'A'}}",
     "c.json: $.level: unknown level \"gold\" (core, key-lifecycle, aliases, "
     "import, account, faults, extension)"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':'core',"
     "'probe':{'action':'A'}}",
     "c.json: $.sources: a case outside level \"extension\" names the "
     "documents that say its request gets its error"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':'core',"
     "'sources':[],'probe':{'action':'A'}}",
     "c.json: $.sources: a case outside level \"extension\" names the "
     "documents that say its request gets its error"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':'core',"
     "'sources':[{'ref':'blog','at':'x'}],'probe':{'action':'A'}}",
     "c.json: $.sources[0].ref: unknown document (not in the catalog's "
     "\"sources\")"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':'core',"
     "'sources':[{'ref':'docs-head'}],'probe':{'action':'A'}}",
     "c.json: $.sources[0].at: missing required key"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':'core',"
     "'sources':[{'ref':'docs-head','at':'x','page':2}],'probe':{'action':"
     "'A'}}",
     "c.json: $.sources[0].page: unknown key"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':'core',"
     "'sources':['docs-head'],'probe':{'action':'A'}}",
     "c.json: $.sources[0]: expected an object {\"ref\", \"at\"}"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':'core',"
     "'sources':[{'ref':'docs-head','at':'x'}],'extension':'y','probe':{"
     "'action':'A'}}",
     "c.json: $.extension: only a case at level \"extension\" says why it "
     "has no source"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':"
     "'extension','probe':{'action':'A'}}",
     "c.json: $.extension: missing required key"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'s','level':"
     "'extension','extension':'y','sources':[{'ref':'docs-head','at':'x'}],"
     "'probe':{'action':'A'}}",
     "c.json: $.sources: a case at level \"extension\" has no source (say "
     "why in \"extension\")"},
    /* missing required keys */
    {"{'error':'Forbidden.KeyNotFound','summary':'s','level':'extension','"
     "extension':'fixture','probe':{'action':'A'}}",
     "c.json: $.id: missing required key"},
    {"{'id':'a','summary':'s','level':'extension','extension':'fixture','probe'"
     ":{'action':'A'}}",
     "c.json: $.error: missing required key"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','level':'extension',"
     "'extension':'x','probe':{'action':'A'}}",
     "c.json: $.summary: missing required key"},
    {"{" HEAD "'setup':[]}", "c.json: $.probe: missing required key"},
    {"{" HEAD "'probe':{'params':{}}}",
     "c.json: $.probe.action: missing required key (only a step holding "
     "just wait_ms or wait_until may leave it out)"},
    {"{" HEAD "'probe':{'wait_ms':1}}",
     "c.json: $.probe.action: missing required key (only a step holding "
     "just wait_ms or wait_until may leave it out)"},
    {"{" HEAD "'probe':{'action':'A','expect':{}}}",
     "c.json: $.probe.expect.error: missing required key"},
    /* wrong types */
    {"{" HEAD "'probe':{'action':'A','params':{'KeyId':1}}}",
     "c.json: $.probe.params.KeyId: expected a string"},
    {"{" HEAD "'probe':{'action':'A','params':['x']}}",
     "c.json: $.probe.params: expected an object of strings"},
    {"{'id':1,'error':'Forbidden.KeyNotFound','summary':'s','level':'extension'"
     ",'extension':'fixture','probe':{'action':"
     "'A'}}",
     "c.json: $.id: expected a string"},
    {"{" HEAD "'tags':'x','probe':{'action':'A'}}",
     "c.json: $.tags: expected an array of strings"},
    {"{" HEAD "'tags':[1],'probe':{'action':'A'}}",
     "c.json: $.tags[0]: expected a string"},
    {"{" HEAD "'requires':[],'probe':{'action':'A'}}",
     "c.json: $.requires: expected an object"},
    {"{" HEAD "'setup':{},'probe':{'action':'A'}}",
     "c.json: $.setup: expected an array of steps"},
    {"{" HEAD "'setup':[1],'probe':{'action':'A'}}",
     "c.json: $.setup[0]: expected an object (a step)"},
    {"{" HEAD "'probe':'A'}", "c.json: $.probe: expected an object (a step)"},
    {"{" HEAD "'probe':{'action':'A','expect':'x'}}",
     "c.json: $.probe.expect: expected an object"},
    {"{" HEAD "'probe':{'action':'A','save':{'k':1}}}",
     "c.json: $.probe.save.k: expected a string"},
    {"{" HEAD "'probe':{'action':'A','omit':'Timestamp'}}",
     "c.json: $.probe.omit: expected an array of strings"},
    /* codes */
    {"{'id':'a','error':'NoSuch','summary':'s','level':'extension','extension':"
     "'fixture','probe':{'action':'A'}}",
     "c.json: $.error: unknown error code \"NoSuch\" (not in the catalog)"},
    {"{" HEAD "'probe':{'action':'A','expect':{'error':'Rejected.Disabled'}}}",
     "c.json: $.probe.expect.error: \"Rejected.Disabled\" differs from the "
     "case's error \"Forbidden.KeyNotFound\""},
    {"{" HEAD "'probe':{'action':'A','expect':{'error':'Forbidden.KeyNotFound',"
     "'args':{'parameter name':'KeyId'}}}}",
     "c.json: $.probe.expect.args[\"parameter name\"]: no placeholder "
     "<parameter name> in the messages of Forbidden.KeyNotFound"},
    {"{'id':'a','error':'MissingParameter','summary':'s','level':'extension','"
     "extension':'fixture','probe':{'action':'A',"
     "'expect':{'error':'MissingParameter','args':{'name':'KeyId'}}}}",
     "c.json: $.probe.expect.args.name: no placeholder <name> in the "
     "messages of MissingParameter"},
    /* names and values */
    {"{" HEAD "'probe':{'action':'A','credential':'In Debt'}}",
     "c.json: $.probe.credential: bad credential name \"In Debt\" (expected "
     "[a-z0-9][a-z0-9._-]*)"},
    {"{" HEAD "'requires':{'credentials':['X']},'probe':{'action':'A'}}",
     "c.json: $.requires.credentials[0]: bad credential name \"X\" (expected "
     "[a-z0-9][a-z0-9._-]*)"},
    {"{" HEAD "'requires':{'capabilities':['a b']},'probe':{'action':'A'}}",
     "c.json: $.requires.capabilities[0]: bad capability name \"a b\" "
     "(expected [a-z0-9][a-z0-9._-]*)"},
    {"{" HEAD "'tags':['Read-Only'],'probe':{'action':'A'}}",
     "c.json: $.tags[0]: bad tag \"Read-Only\" (expected "
     "[a-z0-9][a-z0-9._-]*)"},
    {"{" HEAD "'probe':{'action':'A','omit':['Nonce']}}",
     "c.json: $.probe.omit[0]: unknown common parameter \"Nonce\" (expected "
     "Timestamp, SignatureNonce, Version, Action, AccessKeyId, Signature, "
     "SignatureMethod, SignatureVersion or Format)"},
    {"{" HEAD "'probe':{'action':'A','override':{'RegionId':'x'}}}",
     "c.json: $.probe.override.RegionId: unknown common parameter "
     "\"RegionId\" (expected Timestamp, SignatureNonce, Version, Action, "
     "AccessKeyId, Signature, SignatureMethod, SignatureVersion or Format)"},
    {"{" HEAD "'probe':{'action':'A','omit':['Timestamp'],'override':{"
     "'Timestamp':'x'}}}",
     "c.json: $.probe.override.Timestamp: both omitted and overridden"},
    {"{" HEAD "'probe':{'action':'A','signature':'broken'}}",
     "c.json: $.probe.signature: expected \"valid\", \"corrupt\" or "
     "\"absent\""},
    {"{" HEAD "'probe':{'action':'A','signature':true}}",
     "c.json: $.probe.signature: expected a string"},
    {"{" HEAD "'setup':[{'wait_ms':60001}],'probe':{'action':'A'}}",
     "c.json: $.setup[0].wait_ms: expected an integer 0..60000"},
    {"{" HEAD "'setup':[{'wait_ms':-1}],'probe':{'action':'A'}}",
     "c.json: $.setup[0].wait_ms: expected an integer 0..60000"},
    {"{" HEAD "'setup':[{'wait_ms':1.5}],'probe':{'action':'A'}}",
     "c.json: $.setup[0].wait_ms: expected an integer 0..60000"},
    {"{" HEAD "'setup':[{'wait_ms':'5'}],'probe':{'action':'A'}}",
     "c.json: $.setup[0].wait_ms: expected an integer 0..60000"},
    {"{" HEAD "'probe':{'action':'Describe Key'}}",
     "c.json: $.probe.action: bad action \"Describe Key\" (expected letters "
     "and digits)"},
    {"{" HEAD "'probe':{'action':'A','method':'get'}}",
     "c.json: $.probe.method: bad HTTP method \"get\" (expected upper-case "
     "letters)"},
    {"{'id':'Keys/"
     "X','error':'Forbidden.KeyNotFound','summary':'s','level':'extension','"
     "extension':'fixture','probe':{"
     "'action':'A'}}",
     "c.json: $.id: bad id \"Keys/X\" (expected [a-z0-9./_-]+)"},
    {"{'id':'','error':'Forbidden.KeyNotFound','summary':'s','level':'"
     "extension','extension':'fixture','probe':{"
     "'action':'A'}}",
     "c.json: $.id: bad id \"\" (expected [a-z0-9./_-]+)"},
    {"{'id':'a','error':'Forbidden.KeyNotFound','summary':'two\\nlines','level'"
     ":'extension','extension':'fixture',"
     "'probe':{'action':'A'}}",
     "c.json: $.summary: expected one non-empty line"},
    {"{" HEAD "'setup':[{'action':'A','expect':{'error':'Forbidden."
     "KeyNotFound'}}],'probe':{'action':'A'}}",
     "c.json: $.setup[0].expect: only the probe has expect"},
    {"{" HEAD "'probe':{'raw_query':'a=1','params':{'a':'1'}}}",
     "c.json: $.probe.params: not allowed with raw_query (sent exactly as "
     "written)"},
    /* variables */
    {"{" HEAD "'probe':{'action':'A','params':{'KeyId':'${key}'}}}",
     "c.json: $.probe.params.KeyId: undefined variable ${key} (neither "
     "built in nor saved by an earlier step)"},
    {"{" HEAD "'setup':[{'action':'A','params':{'K':'${key}'},'save':{'key':"
     "'KeyId'}}],'probe':{'action':'A','params':{'K':'${key}'}}}",
     "c.json: $.setup[0].params.K: undefined variable ${key} (neither built "
     "in nor saved by an earlier step)"},
    {"{" HEAD "'probe':{'action':'A'},'teardown':[{'action':'B','params':{"
     "'K':'${k}'}}]}",
     "c.json: $.teardown[0].params.K: undefined variable ${k} (neither "
     "built in nor saved by an earlier step)"},
    {"{" HEAD "'probe':{'action':'A','access_key_id':'${nope}'}}",
     "c.json: $.probe.access_key_id: undefined variable ${nope} (neither "
     "built in nor saved by an earlier step)"},
    {"{" HEAD "'probe':{'raw_query':'a=${x'}}",
     "c.json: $.probe.raw_query: unterminated ${"},
    {"{" HEAD "'probe':{'action':'A','params':{'K':'${a b}'}}}",
     "c.json: $.probe.params.K: bad variable name in \"${a \""},
    {"{" HEAD "'probe':{'action':'A','params':{'K':'${cap.x}'}}}",
     "c.json: $.probe.params.K: ${cap.x} needs \"x\" in "
     "requires.capabilities"},
    {"{" HEAD "'setup':[{'action':'A','save':{'key':'KeyMetadata.KeyId'}}],"
     "'probe':{'action':'A'}}",
     "c.json: $.setup[0].save.key: saved variable \"key\" is never used by "
     "a later step"},
    {"{" HEAD "'setup':[{'action':'A','save':{'a.b':'KeyId'}}],'probe':{"
     "'action':'A'}}",
     "c.json: $.setup[0].save[\"a.b\"]: bad variable name (expected "
     "[A-Za-z0-9_-]+)"},
    {"{" HEAD "'setup':[{'action':'A','save':{'k':'Key..Id'}}],'probe':{"
     "'action':'A','params':{'K':'${k}'}}}",
     "c.json: $.setup[0].save.k: bad path \"Key..Id\" (expected "
     "Dotted.Names.0.Like.This)"},
    {"{" HEAD "'probe':{'action':'A','save':{'k':'KeyId'}}}",
     "c.json: $.probe.save: the probe answers an error: it cannot save "
     "values"},
};

static void test_lint_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(lint_rows) / sizeof(lint_rows[0]); i++) {
        struct kc_caseset set;
        struct kc_issues is;
        int rc;

        kc_caseset_init(&set);
        kc_issues_init(&is);
        rc = parse(&set, &is, lint_rows[i].json);
        if (rc != 1 || set.n != 0)
            fail_msg("row %zu: rc %d, %zu cases", i, rc, set.n);
        if (is.n != 1 || strcmp(is.lines[0], lint_rows[i].want) != 0) {
            for (size_t k = 0; k < is.n; k++)
                print_message("row %zu got: %s\n", i, is.lines[k]);
            fail_msg("row %zu: want %s", i, lint_rows[i].want);
        }
        kc_caseset_dispose(&set);
        kc_issues_dispose(&is);
    }
}

/* Escapes are not variables; built-ins are defined; every problem of one
 * file is reported, not only the first. */
static void test_vars_and_many(void **state)
{
    struct kc_caseset set;
    struct kc_issues is;

    (void)state;
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_int_equal(
        parse(&set, &is,
              "{" HEAD "'probe':{'action':'A','params':{'a':'$${x}','b':'${run."
              "id}${run.label}${uuid}${case.id}${target.region}','c':'$x'}}}"),
        0);
    assert_int_equal(parse(&set, &is,
                           "{'id':'A','error':'X','summary':'','level':'"
                           "extension','extension':'fixture','x':1,'probe':{"
                           "'action':'A','params':{'K':'${k}'}}}"),
                     1);
    assert_int_equal(is.n, 5);
    assert_string_equal(is.lines[0], "c.json: $.x: unknown key");
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);
}

static void write_file(const char *path, const char *content)
{
    char *json = q(content);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(json, f);
    fclose(f);
    free(json);
}

static void test_load_dir(void **state)
{
    char dir[] = "/tmp/kc_case_test_XXXXXX";
    char path[512];
    struct kc_caseset set;
    struct kc_issues is;
    const char *paths[1];

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/b", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/b/z.json", dir);
    write_file(path, "{'id':'b/z'," HEAD "'probe':{'action':'A'}}");
    snprintf(path, sizeof(path), "%s/a.json", dir);
    write_file(path, "{'id':'b/z'," HEAD "'probe':{'action':'A'}}");
    snprintf(path, sizeof(path), "%s/c.json", dir);
    write_file(path, "{'id':'a/c'," HEAD "'probe':{'action':'A'}}");
    snprintf(path, sizeof(path), "%s/notes.txt", dir);
    write_file(path, "not a case");
    kc_caseset_init(&set);
    kc_issues_init(&is);
    paths[0] = dir;
    assert_int_equal(kc_case_load_paths(&set, paths, 1, cat, &is), 1);
    /* HEAD repeats "id": each file also reports a duplicate key */
    assert_int_equal(is.n, 3);
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);

    snprintf(path, sizeof(path), "%s/a.json", dir);
    write_file(path, "{'id':'b/z','error':'Forbidden.KeyNotFound','summary':"
                     "'s','level':'extension','extension':'fixture','probe':{'"
                     "action':'A'}}");
    snprintf(path, sizeof(path), "%s/b/z.json", dir);
    write_file(path, "{'id':'b/z','error':'Forbidden.KeyNotFound','summary':"
                     "'s','level':'extension','extension':'fixture','probe':{'"
                     "action':'A'}}");
    snprintf(path, sizeof(path), "%s/c.json", dir);
    write_file(path, "{'id':'a/c','error':'Forbidden.KeyNotFound','summary':"
                     "'s','level':'extension','extension':'fixture','probe':{'"
                     "action':'A'}}");
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_int_equal(kc_case_load_paths(&set, paths, 1, cat, &is), 1);
    assert_int_equal(is.n, 1);
    snprintf(path, sizeof(path),
             "%s/b/z.json: $.id: duplicate id \"b/z\" (also in %s/a.json)", dir,
             dir);
    assert_string_equal(is.lines[0], path);
    /* sorted by id after finishing */
    assert_int_equal(set.n, 3);
    assert_string_equal(set.cases[0].id, "a/c");
    assert_non_null(kc_caseset_find(&set, "a/c"));
    assert_null(kc_caseset_find(&set, "zz"));
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);

    snprintf(path, sizeof(path), "%s/b/z.json", dir);
    unlink(path);
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_int_equal(kc_case_load_dir(&set, dir, cat, &is), 0);
    assert_int_equal(kc_caseset_finish(&set, &is), 0);
    assert_int_equal(set.n, 2);
    snprintf(path, sizeof(path), "%s/a.json", dir);
    assert_string_equal(set.cases[1].file, path);
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);

    paths[0] = "/nonexistent/x.json";
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_int_equal(kc_case_load_paths(&set, paths, 1, cat, &is), 1);
    assert_string_equal(is.lines[0],
                        "/nonexistent/x.json: No such file or directory");
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);

    snprintf(path, sizeof(path), "%s/a.json", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/c.json", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/notes.txt", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/b", dir);
    rmdir(path);
    rmdir(dir);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(kc_case_id_valid("keys/a-b_c.d"));
    assert_false(kc_case_id_valid("Keys"));
    assert_false(kc_case_id_valid("a b"));
    assert_false(kc_case_id_valid(""));
    assert_true(kc_case_name_valid("in-debt"));
    assert_false(kc_case_name_valid("-x"));
    assert_false(kc_case_name_valid(""));
    assert_int_equal(kc_common_from_name("SignatureNonce"),
                     KC_COMMON_SIGNATURE_NONCE);
    assert_int_equal(kc_common_from_name("signaturenonce"), 0);
    assert_string_equal(kc_common_name(KC_COMMON_FORMAT), "Format");
    assert_null(kc_common_name(3));
}

/* The real suite must lint clean. */
static void test_real_cases(void **state)
{
    struct kc_caseset set;
    struct kc_issues is;
    const char *paths[] = {KC_SOURCE_DIR "/cases"};

    (void)state;
    kc_caseset_init(&set);
    kc_issues_init(&is);
    kc_case_load_paths(&set, paths, 1, cat, &is);
    for (size_t i = 0; i < is.n; i++)
        print_message("%s\n", is.lines[i]);
    assert_int_equal(is.n, 0);
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);
}

/* Hostile input never crashes: every prefix of a real-looking case, and
 * deterministic byte flips, give a problem (or, rarely, a valid case). */
static void test_mutations(void **state)
{
    char *json = q("{'id':'k/"
                   "a','error':'MissingParameter','summary':'s','level':'"
                   "extension','extension':'fixture',"
                   "'tags':['read-only'],'requires':{'credentials':['x']},"
                   "'setup':[{'action':'CreateKey','save':{'k':'A.B.0'}},"
                   "{'wait_ms':10}],'probe':{'action':'Encrypt','params':{"
                   "'KeyId':'${k}'},'omit':['Version'],'override':{"
                   "'Timestamp':'t'},'expect':{'error':'MissingParameter',"
                   "'args':{'parameter name':'KeyId'}}},'teardown':[{"
                   "'action':'ScheduleKeyDeletion','params':{'KeyId':'${k}'"
                   "}}]}");
    size_t len = strlen(json);
    char *buf = malloc(len + 1);
    uint32_t seed = 12345;

    (void)state;
    assert_non_null(buf);
    for (size_t cut = 0; cut <= len; cut++) {
        struct kc_caseset set;
        struct kc_issues is;
        kc_caseset_init(&set);
        kc_issues_init(&is);
        memcpy(buf, json, cut);
        buf[cut] = '\0';
        assert_int_equal(kc_case_parse(&set, buf, cut, "m.json", cat, &is),
                         cut == len ? 0 : 1);
        kc_caseset_dispose(&set);
        kc_issues_dispose(&is);
    }
    for (int round = 0; round < 3000; round++) {
        struct kc_caseset set;
        struct kc_issues is;
        int rc;
        memcpy(buf, json, len + 1);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % len] = (char)(seed >> 24);
        }
        kc_caseset_init(&set);
        kc_issues_init(&is);
        rc = kc_case_parse(&set, buf, len, "m.json", cat, &is);
        assert_true(rc == 0 || rc == 1);
        assert_true(rc == 0 ? set.n == 1 && is.n == 0 : set.n == 0 && is.n > 0);
        kc_caseset_dispose(&set);
        kc_issues_dispose(&is);
    }
    free(buf);
    free(json);
}

/* issue 14 defect 4: `ln -s .. up` in a cases folder is read once, not
 * 2^16 times; defect 14: a FIFO named as a case file is refused at once
 * instead of blocking or reading as empty. */
static void test_load_loops_and_fifos(void **state)
{
    char dir[] = "/tmp/kc_case_loop_XXXXXX";
    char path[512], want[600];
    struct kc_caseset set;
    struct kc_issues is;
    const char *paths[1];

    (void)state;
    assert_non_null(mkdtemp(dir));
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/d%d", dir, i);
        assert_int_equal(mkdir(path, 0700), 0);
        snprintf(path, sizeof(path), "%s/d%d/up", dir, i);
        assert_int_equal(symlink("..", path), 0);
        snprintf(path, sizeof(path), "%s/d%d/c.json", dir, i);
        snprintf(want, sizeof(want),
                 "{'id':'d/%d','error':'Forbidden.KeyNotFound','summary':"
                 "'s','level':'extension','extension':'fixture','probe':{'"
                 "action':'A'}}",
                 i);
        write_file(path, want);
    }
    kc_caseset_init(&set);
    kc_issues_init(&is);
    paths[0] = dir;
    assert_int_equal(kc_case_load_paths(&set, paths, 1, cat, &is), 0);
    assert_int_equal(is.n, 0);
    assert_int_equal(set.n, 3);
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);

    snprintf(path, sizeof(path), "%s/fifo.json", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    kc_caseset_init(&set);
    kc_issues_init(&is);
    paths[0] = path;
    assert_int_equal(kc_case_load_paths(&set, paths, 1, cat, &is), 1);
    assert_int_equal(is.n, 1);
    snprintf(want, sizeof(want), "%s: not a regular file", path);
    assert_string_equal(is.lines[0], want);
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);
    unlink(path);
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/d%d/up", dir, i);
        unlink(path);
        snprintf(path, sizeof(path), "%s/d%d/c.json", dir, i);
        unlink(path);
        snprintf(path, sizeof(path), "%s/d%d", dir, i);
        rmdir(path);
    }
    rmdir(dir);
}

/* issue 14 defect 11: 200,000 keys in one object (a 2.4 MB case file): the
 * repeated-key check is O(n log n), so this takes well under a second; the
 * quadratic check it replaced took more than 20 s, past this test's ctest
 * TIMEOUT. */
#define BIG_NKEYS 200000

static char *big_case(const char *extra)
{
    size_t cap = (size_t)BIG_NKEYS * 16 + 256;
    char *json = malloc(cap);
    size_t n;

    assert_non_null(json);
    n = (size_t)snprintf(
        json, cap,
        "{\"id\":\"t/big\",\"error\":\"Forbidden.KeyNotFound\","
        "\"summary\":\"s\",\"level\":\"extension\",\"extension\":\"fixture\","
        "\"probe\":{\"action\":\"A\","
        "\"params\":{");
    for (int i = 0; i < BIG_NKEYS; i++)
        n += (size_t)snprintf(json + n, cap - n, "%s\"K%06d\":\"v\"",
                              i ? "," : "", i);
    snprintf(json + n, cap - n, "%s}}}", extra);
    return json;
}

static void test_many_keys(void **state)
{
    struct kc_caseset set;
    struct kc_issues is;
    char *ok = big_case(""), *rep = big_case(",\"K000007\":\"w\"");

    (void)state;
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_true(strlen(ok) > 2400000);
    assert_int_equal(kc_case_parse(&set, ok, strlen(ok), "big.json", cat, &is),
                     0);
    assert_int_equal(set.n, 1);
    assert_int_equal(set.cases[0].probe.nparams, BIG_NKEYS);
    assert_int_equal(
        kc_case_parse(&set, rep, strlen(rep), "big.json", cat, &is), 1);
    assert_int_equal(is.n, 1);
    assert_string_equal(is.lines[0],
                        "big.json: $.probe.params.K000007: duplicate key");
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);
    free(ok);
    free(rep);
}

/* The library digest: one "<id> <file sha256>" line per case in id order,
 * whatever the order given; the file hash is that of the bytes parsed. */
static void test_digest(void **state)
{
    struct kc_caseset set;
    struct kc_issues is;
    const char *a = "{\"id\":\"a/1\",\"error\":\"Forbidden.KeyNotFound\","
                    "\"summary\":\"s\",\"level\":\"extension\","
                    "\"extension\":\"x\",\"probe\":{\"action\":\"A\"}}";
    const char *b = "{\"id\":\"b/1\",\"error\":\"Forbidden.KeyNotFound\","
                    "\"summary\":\"s\",\"level\":\"extension\","
                    "\"extension\":\"x\",\"probe\":{\"action\":\"B\"}}";
    char ha[65], hb[65], lines[256], want[65], got[65], again[65];
    const struct kc_case *v[2];

    (void)state;
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_int_equal(kc_case_parse(&set, b, strlen(b), "b.json", cat, &is), 0);
    assert_int_equal(kc_case_parse(&set, a, strlen(a), "a.json", cat, &is), 0);
    kc_sha256_hex(a, strlen(a), ha);
    kc_sha256_hex(b, strlen(b), hb);
    assert_string_equal(set.cases[1].sha256, ha);
    snprintf(lines, sizeof(lines), "a/1 %s\nb/1 %s\n", ha, hb);
    kc_sha256_hex(lines, strlen(lines), want);
    v[0] = &set.cases[0]; /* b/1 first */
    v[1] = &set.cases[1];
    assert_int_equal(kc_cases_digest(v, 2, got), 0);
    assert_string_equal(got, want);
    v[0] = &set.cases[1];
    v[1] = &set.cases[0];
    assert_int_equal(kc_cases_digest(v, 2, again), 0);
    assert_string_equal(again, want);
    /* one case less: another digest; none: the hash of nothing */
    assert_int_equal(kc_cases_digest(v, 1, got), 0);
    assert_string_not_equal(got, want);
    assert_int_equal(kc_cases_digest(v, 0, got), 0);
    kc_sha256_hex("", 0, want);
    assert_string_equal(got, want);
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_model),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_lint_rows),
        cmocka_unit_test(test_vars_and_many),
        cmocka_unit_test(test_load_dir),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_load_loops_and_fifos),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_real_cases),
        cmocka_unit_test(test_digest),
    };
    return cmocka_run_group_tests(tests, setup_cat, teardown_cat);
}
