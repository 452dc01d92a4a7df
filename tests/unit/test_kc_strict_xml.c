/* kc_strict_xml and kc_mediatype: the bytes that break each XML and
 * Content-Type rule, each with a benign twin that passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/mediatype.h"
#include "kc/strict_xml.h"

static const char *const names[] = {"HttpStatus", "Code",   "Message",
                                    "RequestId",  "HostId", "Recommend"};

#define FIELDS                                                                 \
    "<HttpStatus>404</HttpStatus><Code>Forbidden.KeyNotFound</Code>"           \
    "<Message>The specified Key is not found.</Message>"                       \
    "<RequestId>3b237773-bc2c-4bea-95fc-319a1a5baa68</RequestId>"

struct row {
    const char *what;
    const char *body;
    const char *want; /* part of the message; NULL: must pass */
};

static const struct row rows[] = {
    /* every envelope element once */
    {"Code twice", "<KMS>" FIELDS "<Code>Other</Code></KMS>",
     "element <Code> appears twice under <KMS>"},
    {"HostId twice",
     "<KMS>" FIELDS "<HostId>a</HostId><HostId>b</HostId></KMS>",
     "element <HostId> appears twice"},
    {"other elements may repeat", "<KMS>" FIELDS "<X/><X/></KMS>", NULL},
    /* as a direct child of the root */
    {"Code nested first",
     "<KMS><Detail><Code>Other</Code></Detail>" FIELDS "</KMS>",
     "element <Code> is nested in <Detail>, not a direct child of <KMS>"},
    {"Message deep",
     "<KMS>" FIELDS "<A><B><C><Message>x</Message></C></B></A></KMS>",
     "element <Message> is nested in <C>"},
    {"unrelated nesting", "<KMS>" FIELDS "<A><B>x</B><C/></A></KMS>", NULL},
    /* in no namespace */
    {"default namespace", "<KMS xmlns=\"urn:kms\">" FIELDS "</KMS>",
     "element <KMS> is in namespace 'urn:kms'"},
    {"prefixed root", "<k:KMS xmlns:k=\"urn:kms\">" FIELDS "</k:KMS>",
     "element <KMS> is in namespace 'urn:kms'"},
    {"prefixed child",
     "<KMS xmlns:a=\"urn:a\"><a:Code>X</a:Code>" FIELDS "</KMS>",
     "element <Code> is in namespace 'urn:a'"},
    {"undeclared prefix", "<KMS><a:Code>X</a:Code>" FIELDS "</KMS>",
     "not namespace-well-formed"},
    {"empty prefix binding", "<KMS xmlns:a=\"\">" FIELDS "</KMS>",
     "not namespace-well-formed"},
    {"namespace declared, not used",
     "<KMS xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" FIELDS
     "</KMS>",
     NULL},
    /* XML 1.0 */
    {"XML 1.1", "<?xml version=\"1.1\"?><KMS>" FIELDS "</KMS>",
     "XML version \"1.1\""},
    {"no declaration", "<KMS>" FIELDS "</KMS>", NULL},
    {"declaration",
     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KMS>" FIELDS "</KMS>", NULL},
    {"standalone declaration",
     "<?xml version='1.0' encoding='utf-8' standalone='yes'?><KMS>" FIELDS
     "</KMS>",
     NULL},
    /* no DTD */
    {"DOCTYPE", "<!DOCTYPE KMS><KMS>" FIELDS "</KMS>", "has a DOCTYPE"},
    {"entity", "<!DOCTYPE KMS [<!ENTITY e \"x\">]><KMS>" FIELDS "</KMS>",
     "has a DOCTYPE"},
    /* benign: comments, CDATA, PIs, character references, pretty-printing */
    {"comments and CDATA",
     "<!-- before --><KMS><!-- a --><HttpStatus>404</HttpStatus>"
     "<Code>Forbidden.<!-- c -->Key<![CDATA[NotFound]]></Code>"
     "<Message>The specified Key is not found.</Message><?pi x?>"
     "<RequestId>3b237773-bc2c-4bea-95fc-319a1a5baa68</RequestId></KMS>"
     "<!-- after -->",
     NULL},
    {"character references",
     "<KMS><HttpStatus>&#52;04</HttpStatus><Code>Forbidden&#x2E;KeyNotFound"
     "</Code><Message>a &amp; b &lt; c</Message><RequestId>r</RequestId>"
     "</KMS>",
     NULL},
    {"pretty-printed, reordered",
     "<?xml version=\"1.0\"?>\n<KMS>\n  <RequestId>r</RequestId>\n"
     "  <Message>m</Message>\n  <Code>c</Code>\n"
     "  <HttpStatus>404</HttpStatus>\n</KMS>\n",
     NULL},
    /* plain invalidity */
    {"cut", "<KMS><Code>", "not well-formed"},
    {"two roots", "<KMS/><KMS/>", "not well-formed"},
    {"NUL reference", "<KMS><Code>&#0;</Code></KMS>", "not well-formed"},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        char err[512] = "";
        xmlDoc *doc =
            kc_strict_xml_read(r->body, strlen(r->body), err, sizeof(err));
        int rc = doc ? kc_strict_xml_envelope(xmlDocGetRootElement(doc), names,
                                              6, err, sizeof(err))
                     : -1;
        xmlFreeDoc(doc);
        if (!r->want && rc)
            fail_msg("%s: refused: %s", r->what, err);
        if (r->want && !rc)
            fail_msg("%s: passed, expected \"%s\"", r->what, r->want);
        if (r->want && !strstr(err, r->want))
            fail_msg("%s: message \"%s\" lacks \"%s\"", r->what, err, r->want);
        assert_null(strpbrk(err, "\r\n"));
    }
}

static void test_encoding(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        const char *want;
    } t[] = {
        {"<KMS/>", "utf-8"},
        {"<?xml version=\"1.0\"?><KMS/>", "utf-8"},
        {"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><KMS/>", "ISO-8859-1"},
        {"<?xml version='1.0' encoding = 'UTF-8' ?><KMS/>", "UTF-8"},
        {"\xEF\xBB\xBF<?xml version=\"1.0\"?><KMS/>", "utf-8"},
        {"\xFF\xFE<\0K\0", "utf-16"},
        {"<KMS encoding=\"x\"/>", "utf-8"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char enc[KC_STRICT_XML_ENCODING_MAX];
        size_t len = strlen(t[i].body);
        if (!strncmp(t[i].body, "\xFF\xFE", 2))
            len = 6;
        kc_strict_xml_encoding(t[i].body, len, enc, sizeof(enc));
        assert_string_equal(enc, t[i].want);
    }
}

static void test_mediatype(void **state)
{
    (void)state;
    struct kc_mediatype m;
    char err[256];
    size_t n;
    assert_int_equal(kc_mediatype_parse("Application/JSON ; Charset=\"UTF-8\"",
                                        &m, err, sizeof(err)),
                     0);
    assert_string_equal(m.type, "application");
    assert_string_equal(m.subtype, "json");
    assert_string_equal(kc_mediatype_param(&m, "charset", &n), "UTF-8");
    assert_int_equal(n, 1);
    assert_int_equal(kc_mediatype_parse("text/xml;charset=utf-8;charset=latin1",
                                        &m, err, sizeof(err)),
                     0);
    assert_string_equal(kc_mediatype_param(&m, "charset", &n), "utf-8");
    assert_int_equal(n, 2);
    assert_int_equal(kc_mediatype_parse("text/xml;;", &m, err, sizeof(err)), 0);
    assert_int_equal(m.nparams, 0);
    assert_int_equal(
        kc_mediatype_parse("text/xml; a=\"q\\\"d\"", &m, err, sizeof(err)), 0);
    assert_string_equal(m.params[0].value, "q\"d");
    static const char *const bad[] = {
        "",
        "application",
        "application/",
        "application /json",
        "application/ json",
        "application/json, text/xml",
        "application/json; charset = utf-8",
        "application/json; charset=",
        "application/json; charset=\"utf-8",
        "application/json; charset",
        "application/json; a=1; b=2; c=3; d=4; e=5; f=6; g=7; h=8; i=9",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (!kc_mediatype_parse(bad[i], &m, err, sizeof(err)))
            fail_msg("'%s' parsed", bad[i]);
        assert_non_null(strstr(err, "is not an RFC 9110 media type"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_mediatype),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
