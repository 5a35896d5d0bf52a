/*
 * rootrel: find and rewrite root-relative links (href="/...", src="/...") exactly as
 * the regular expression /(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m does in PHP, in
 * linear time, without failing.
 *
 * Link with -lrootrel (librootrel.so, or librootrel.a with -lpthread -ldl -lm).
 * Byte strings are (pointer, length) pairs and need not be NUL-terminated; a null
 * pointer is accepted wherever its length is 0. No function lets a panic escape: an
 * internal error is ROOTREL_PANIC. All functions are safe to call from several threads
 * at once.
 */
#ifndef ROOTREL_H
#define ROOTREL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Success. */
#define ROOTREL_OK 0
/* The caller's buffer is too small; *out_len holds the size needed. */
#define ROOTREL_BUFFER_TOO_SMALL 1
/* The base URL was refused: err->message says why, err->position where. */
#define ROOTREL_INVALID_BASE 2
/* A null pointer with a length other than 0, or a null output pointer. */
#define ROOTREL_INVALID_ARGUMENT 3
/* An internal error, caught at the boundary. */
#define ROOTREL_PANIC 4

/* One match: start and end byte offsets (half-open) of groups 0 to 4, numbered as
 * PCRE numbers them (0 the whole match, 1 `<\s*[^>]*`, 2 `href=` or `src=`, 3 `.?`,
 * which may be empty, 4 `/` and one more byte). */
typedef struct rootrel_match {
    size_t start[5];
    size_t end[5];
} rootrel_match;

/* Why a call failed: its code, the byte offset in the base URL it concerns (SIZE_MAX
 * when none), and a NUL-terminated one-line message. */
typedef struct rootrel_error {
    int code;
    size_t position;
    char message[256];
} rootrel_error;

/* Finds up to `cap` matches in haystack[0..len), the search starting at byte *from
 * (0 for the whole input), and writes them to out[0..cap). Returns how many it wrote,
 * and sets *from where the next call resumes: call again while it returns `cap`, with
 * the same *from. The matches are those of preg_match_all: leftmost-first,
 * non-overlapping. Returns 0 (and leaves *from) when `from` is null, or `out` is null
 * with `cap` > 0. */
size_t rootrel_find(const uint8_t *haystack, size_t len, size_t *from,
                    rootrel_match *out, size_t cap);

/* preg_replace('/(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m', template, haystack), with
 * PHP's template rules ($n, ${n}, \n for n = 0 to 99; \\ and \$), written to
 * out[0..cap). *out_len receives the output's size; ROOTREL_BUFFER_TOO_SMALL when it
 * exceeds `cap` (nothing is written then: call again with a buffer that large). */
int rootrel_replace(const uint8_t *haystack, size_t len,
                    const uint8_t *template_, size_t template_len,
                    uint8_t *out, size_t cap, size_t *out_len);

/* rootrel_replace into a buffer the library allocates: *out and *out_len receive it,
 * to be released with rootrel_free(*out, *out_len). */
int rootrel_replace_alloc(const uint8_t *haystack, size_t len,
                          const uint8_t *template_, size_t template_len,
                          uint8_t **out, size_t *out_len);

/* The feed readers' job, preg_replace($re, '$1$2$3' . base . '$4', haystack), with the
 * base URL checked first (http or https, a host, an optional port and path; nothing
 * that could leave an attribute value or inject markup): ROOTREL_INVALID_BASE, and
 * *err filled (when not null), when it is refused. Output as for rootrel_replace. */
int rootrel_absolutize(const uint8_t *haystack, size_t len,
                       const uint8_t *base, size_t base_len,
                       uint8_t *out, size_t cap, size_t *out_len,
                       rootrel_error *err);

/* rootrel_absolutize into a buffer the library allocates, released with
 * rootrel_free(*out, *out_len). */
int rootrel_absolutize_alloc(const uint8_t *haystack, size_t len,
                             const uint8_t *base, size_t base_len,
                             uint8_t **out, size_t *out_len, rootrel_error *err);

/* Releases what an _alloc function handed back (`p` may be null). */
void rootrel_free(uint8_t *p, size_t len);

/* Checks a base URL as rootrel_absolutize does: ROOTREL_OK, or ROOTREL_INVALID_BASE
 * with *err filled (when not null). */
int rootrel_base_check(const uint8_t *base, size_t base_len, rootrel_error *err);

/* The library's version, a NUL-terminated static string. */
const char *rootrel_version(void);

#ifdef __cplusplus
}
#endif

#endif /* ROOTREL_H */
