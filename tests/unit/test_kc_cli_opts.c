/* Unit tests of kc_opts (runner/cli/opts.c): long and short forms,
 * attached values, "did you mean", and --help within 80 columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "opts.h"

enum { T_JOBS, T_OUTPUT, T_VERBOSE, T_TARGET };

static const struct kc_opt table[] = {
    {"-j, --jobs", "N", "cases run at once", T_JOBS},
    {"-o, --output", "FILE", "report path", T_OUTPUT},
    {"-v, --verbose", NULL, "every testcase", T_VERBOSE},
    {"--target", "FILE",
     "target profile, with a help text long enough that it has to be "
     "wrapped onto a second and maybe a third line of the help",
     T_TARGET},
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

struct seen {
    char values[8][64]; /* "<id>=<value>" in order */
    size_t n;
};

static int record(void *ctx, int id, const char *value)
{
    struct seen *s = ctx;
    if (s->n < 8)
        snprintf(s->values[s->n++], sizeof(s->values[0]), "%d=%s", id,
                 value ? value : "(flag)");
    return 0;
}

/* Parses the NULL-terminated words after "run"; the stderr text goes into
 * err (cut to len). Returns kc_opts_parse's result. */
static int parse(struct seen *s, size_t *npos, char *err, size_t len, ...)
{
    char cmd[] = "run";
    char *argv[16] = {cmd};
    int argc = 1, rc;
    const char **pos = NULL;
    va_list ap;
    FILE *tmp = tmpfile();
    int saved = dup(fileno(stderr));

    va_start(ap, len);
    for (char *a; argc < 15 && (a = va_arg(ap, char *));)
        argv[argc++] = a;
    va_end(ap);
    memset(s, 0, sizeof(*s));
    assert_non_null(tmp);
    fflush(stderr);
    dup2(fileno(tmp), fileno(stderr));
    rc = kc_opts_parse("run", table, NTABLE, argc, argv, record, s, &pos, npos);
    fflush(stderr);
    dup2(saved, fileno(stderr));
    close(saved);
    rewind(tmp);
    err[0] = '\0';
    if (!fgets(err, (int)len, tmp))
        err[0] = '\0';
    err[strcspn(err, "\n")] = '\0';
    fclose(tmp);
    free(pos);
    return rc;
}

static void every_spelling_of_a_value(void **state)
{
    struct seen s;
    char err[256];
    size_t npos;
    (void)state;
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "--jobs", "3", "-j4",
                           "-j", "5", "--jobs=6", "--output=x.xml", "-oy.xml",
                           NULL),
                     0);
    assert_int_equal(s.n, 6);
    assert_string_equal(s.values[0], "0=3");
    assert_string_equal(s.values[1], "0=4");
    assert_string_equal(s.values[2], "0=5");
    assert_string_equal(s.values[3], "0=6");
    assert_string_equal(s.values[4], "1=x.xml");
    assert_string_equal(s.values[5], "1=y.xml");
    assert_string_equal(err, "");
}

static void flags_and_positionals(void **state)
{
    struct seen s;
    char err[256];
    size_t npos;
    (void)state;
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "a", "-v", "--verbose",
                           "-", "--", "--jobs", NULL),
                     0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.values[0], "2=(flag)");
    assert_int_equal(npos, 3); /* a, -, --jobs */
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "-j", "2", "-h", NULL),
                     1);
}

static void problems_are_one_line(void **state)
{
    struct seen s;
    char err[256];
    size_t npos;
    (void)state;
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "--jbos", "3", NULL),
                     -1);
    assert_string_equal(
        err, "kmsconf run: unknown option '--jbos' (did you mean '--jobs'?)");
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "--outptu=x", NULL),
                     -1);
    assert_string_equal(err, "kmsconf run: unknown option '--outptu' (did you "
                             "mean '--output'?)");
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "--zzzzzz", NULL), -1);
    assert_string_equal(err,
                        "kmsconf run: unknown option '--zzzzzz' (see --help)");
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "-x3", NULL), -1);
    assert_string_equal(err, "kmsconf run: unknown option '-x' (see --help)");
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "-v1", NULL), -1);
    assert_string_equal(err, "kmsconf run: option '--verbose' takes no value");
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "--verbose=1", NULL),
                     -1);
    assert_int_equal(parse(&s, &npos, err, sizeof(err), "-j", NULL), -1);
    assert_string_equal(err, "kmsconf run: option '--jobs' needs a value (N)");
}

static void help_fits_80_columns(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    (void)state;
    assert_non_null(f);
    kc_opts_usage(f, "run [options]",
                  "An about text whose single line is longer than eighty "
                  "columns, so that it has to be wrapped at a space.",
                  table, NTABLE);
    fclose(f);
    for (char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        if (n > 80)
            fail_msg("line wider than 80 columns: %.*s", (int)n, line);
        line += n + (line[n] == '\n');
    }
    assert_non_null(strstr(text, "\n  -j, --jobs N             cases run at "
                                 "once\n"));
    assert_non_null(strstr(text, "\n      --target FILE        target "));
    assert_non_null(strstr(text, "\n                           has to be "));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_spelling_of_a_value),
        cmocka_unit_test(flags_and_positionals),
        cmocka_unit_test(problems_are_one_line),
        cmocka_unit_test(help_fits_80_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
