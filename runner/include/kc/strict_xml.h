/*
 * kc_strict_xml: one reading of an XML answer (docs/checks.md, "One
 * reading of every answer").
 *
 * libxml2 reads an element by its local name and keeps every repeated
 * element, while ElementTree, .NET and Java readers look elements up by
 * namespace and name, take the first or the last of two, or search all
 * descendants. An answer is read only when these readers cannot differ:
 *
 *   kc_strict_xml_init      prepares libxml2 once, on the thread that
 *                           is about to start the ones that read.
 *   kc_strict_xml_read      well-formed XML 1.0 with Namespaces, read
 *                           without network access and without entity
 *                           substitution; a DOCTYPE is refused, as is an
 *                           XML 1.1 document.
 *   kc_strict_xml_envelope  the root and its direct children in no
 *                           namespace; each envelope element at most once
 *                           among the root's direct children and nowhere
 *                           deeper.
 *
 * Comments, processing instructions, CDATA sections, character references
 * and an XML declaration (or none) are legitimate and pass.
 */
#ifndef KC_STRICT_XML_H
#define KC_STRICT_XML_H

#include <stddef.h>

#include <libxml/tree.h>

/* Size of an encoding name buffer for kc_strict_xml_encoding. */
#define KC_STRICT_XML_ENCODING_MAX 48

/* Reads body[0..len). The document is the caller's (xmlFreeDoc); NULL
 * with a one-line message in err when the body has no one reading. */
/* libxml2 sets up its global state (mutexes, dictionaries) on first use,
 * and two threads that both use it first both set it up: one copy leaks.
 * Call before starting threads that read answers; cheap after the first. */
void kc_strict_xml_init(void);

xmlDoc *kc_strict_xml_read(const char *body, size_t len, char *err,
                           size_t errlen);

/* Checks root against the rule above for names[0..n). 0, or -1 with a
 * one-line message in err. */
int kc_strict_xml_envelope(const xmlNode *root, const char *const *names,
                           size_t n, char *err, size_t errlen);

/* The encoding body is in by its own account (RFC 7303, XML 1.0
 * appendix F): a byte order mark, else the XML declaration's encoding,
 * else "utf-8". Into out (cut to outlen). */
void kc_strict_xml_encoding(const char *body, size_t len, char *out,
                            size_t outlen);

#endif
