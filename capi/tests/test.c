/* Exercises every function of rootrel.h; prints "N passed, M failed". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rootrel.h"

static int passed, failed;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (cond) {                                                         \
            passed++;                                                       \
        } else {                                                            \
            failed++;                                                       \
            fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                   \
    } while (0)

#define S(lit) (const uint8_t *)(lit), sizeof(lit) - 1

static void find(void) {
    const char *h = "<a href=\"/x\"> <img src=/i.png> <a href=\"//cdn/\"> <b href=/y>";
    size_t len = strlen(h), from = 0;
    rootrel_match m[2];
    size_t n = rootrel_find((const uint8_t *)h, len, &from, m, 2);
    CHECK(n == 2);
    CHECK(m[0].start[0] == 0 && m[0].end[0] == 11);
    CHECK(m[0].start[2] == 3 && m[0].end[2] == 8);
    CHECK(m[0].start[3] == 8 && m[0].end[3] == 9);
    CHECK(m[0].start[4] == 9 && m[0].end[4] == 11);
    CHECK(m[1].start[0] == 14 && m[1].end[4] == 25);
    /* Resumes with the third match. */
    n = rootrel_find((const uint8_t *)h, len, &from, m, 2);
    CHECK(n == 1);
    CHECK(memcmp(h + m[0].start[0], "<b href=/y", m[0].end[0] - m[0].start[0]) == 0);
    CHECK(from == len);
    CHECK(rootrel_find((const uint8_t *)h, len, &from, m, 2) == 0);
    /* Null and zero lengths. */
    from = 0;
    CHECK(rootrel_find(NULL, 0, &from, m, 2) == 0);
    CHECK(rootrel_find((const uint8_t *)h, len, NULL, m, 2) == 0);
    CHECK(rootrel_find(NULL, 5, &from, m, 2) == 0);
    from = 0;
    CHECK(rootrel_find((const uint8_t *)h, len, &from, NULL, 0) == 0);
}

static void replace(void) {
    uint8_t out[64];
    size_t out_len = 0;
    int r = rootrel_replace(S("<a href=/x>"), S("$1$2$3https://h$4"), out, sizeof out, &out_len);
    CHECK(r == ROOTREL_OK && out_len == 20 && memcmp(out, "<a href=https://h/x>", 20) == 0);
    /* Too small: the size needed, nothing written. */
    memset(out, '#', sizeof out);
    r = rootrel_replace(S("<a href=/x>"), S("$1$2$3https://h$4"), out, 4, &out_len);
    CHECK(r == ROOTREL_BUFFER_TOO_SMALL && out_len == 20 && out[0] == '#');
    /* PHP's rules: ${1}2 is group 1 then "2"; \\ and \$ escape. */
    r = rootrel_replace(S("<a href=/x>"), S("[${2}2\\$\\\\]"), out, sizeof out, &out_len);
    CHECK(r == ROOTREL_OK && out_len == 11 && memcmp(out, "[href=2$\\]>", 11) == 0);
    r = rootrel_replace(NULL, 0, S("x"), out, sizeof out, &out_len);
    CHECK(r == ROOTREL_OK && out_len == 0);
    CHECK(rootrel_replace(NULL, 3, S("x"), out, sizeof out, &out_len) == ROOTREL_INVALID_ARGUMENT);
    CHECK(rootrel_replace(S("x"), S("x"), out, sizeof out, NULL) == ROOTREL_INVALID_ARGUMENT);
    CHECK(rootrel_replace(S("x"), NULL, 3, out, sizeof out, &out_len) == ROOTREL_INVALID_ARGUMENT);
    CHECK(rootrel_replace(S("x"), S("x"), NULL, 4, &out_len) == ROOTREL_INVALID_ARGUMENT);
    uint8_t *p = NULL;
    size_t n = 0;
    r = rootrel_replace_alloc(S("<a src=/i> <b src=/j>"), S("<$4>"), &p, &n);
    CHECK(r == ROOTREL_OK && n == 11 && memcmp(p, "</i>> </j>>", 11) == 0);
    rootrel_free(p, n);
    rootrel_free(NULL, 0);
    CHECK(rootrel_replace_alloc(S("x"), S("x"), NULL, &n) == ROOTREL_INVALID_ARGUMENT);
    CHECK(rootrel_replace_alloc(S("x"), NULL, 3, &p, &n) == ROOTREL_INVALID_ARGUMENT);
    CHECK(rootrel_replace_alloc(NULL, 3, S("x"), &p, &n) == ROOTREL_INVALID_ARGUMENT);
}

static void absolutize(void) {
    uint8_t out[64];
    size_t out_len = 0;
    rootrel_error err;
    int r = rootrel_absolutize(S("<a href=\"/pkg\">"), S("https://go.dev/"), out, sizeof out, &out_len, &err);
    CHECK(r == ROOTREL_OK && out_len == 29 && memcmp(out, "<a href=\"https://go.dev/pkg\">", 29) == 0);
    r = rootrel_absolutize(S("<a href=\"/pkg\">"), S("https://go.dev\"><script>"), out, sizeof out, &out_len, &err);
    CHECK(r == ROOTREL_INVALID_BASE && err.code == ROOTREL_INVALID_BASE && err.position == 14);
    CHECK(strcmp(err.message, "invalid base URL: '\"' at byte 14 is not allowed (it could end the attribute value or inject markup)") == 0);
    CHECK(rootrel_absolutize(S("x"), S("ftp://h"), out, sizeof out, &out_len, NULL) == ROOTREL_INVALID_BASE);
    uint8_t *p = NULL;
    size_t n = 0;
    r = rootrel_absolutize_alloc(S("<img src=/a.png>"), S("http://h:8080/base"), &p, &n, &err);
    CHECK(r == ROOTREL_OK && n == 34 && memcmp(p, "<img src=http://h:8080/base/a.png>", 34) == 0);
    rootrel_free(p, n);
    CHECK(rootrel_absolutize_alloc(S("x"), S("http://h"), &p, NULL, &err) == ROOTREL_INVALID_ARGUMENT);
    CHECK(rootrel_absolutize(NULL, 1, S("http://h"), out, sizeof out, &out_len, &err) == ROOTREL_INVALID_ARGUMENT);
    CHECK(rootrel_base_check(S("https://example.org"), &err) == ROOTREL_OK);
    CHECK(rootrel_base_check(S("https://exa mple.org"), &err) == ROOTREL_INVALID_BASE);
    CHECK(err.position == 11 && err.message[0] != 0);
    CHECK(rootrel_base_check(NULL, 4, &err) == ROOTREL_INVALID_ARGUMENT);
    CHECK(rootrel_base_check(S("\xff"), &err) == ROOTREL_INVALID_BASE && err.position == 0);
}

int main(void) {
    CHECK(strlen(rootrel_version()) > 0);
    find();
    replace();
    absolutize();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
