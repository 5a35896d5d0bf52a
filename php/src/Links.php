<?php

declare(strict_types=1);

namespace RootRel;

/**
 * The feed readers' regex, /(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m, without its
 * failures: the same results as preg_replace and preg_match_all wherever PHP returns
 * one, and the result PCRE would give without its backtrack limit where PHP returns
 * NULL. Never NULL; linear time.
 *
 * Runs the Rust library through FFI when it can (see FfiBackend::load), a pure-PHP
 * scanner otherwise; backend() says which.
 */
final class Links
{
    private static ?Backend $backend = null;

    /** 'ffi' or 'php': the backend that runs. */
    public static function backend(): string
    {
        return self::impl()->name();
    }

    /** Chooses the backend: 'ffi' (an Error if it cannot load) or 'php'; null for the default. */
    public static function useBackend(?string $name): void
    {
        self::$backend = match ($name) {
            null => null,
            'php' => new PhpBackend(),
            'ffi' => FfiBackend::load() ?? throw new \Error('librootrel could not be loaded through FFI'),
        };
    }

    /** Byte for byte preg_replace('/(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m', $replacement, $html). */
    public static function replace(string $html, string $replacement): string
    {
        return self::impl()->replace($html, $replacement);
    }

    /**
     * preg_replace($re, '$1$2$3' . $base . '$4', $html) with $base checked first.
     *
     * @throws \InvalidArgumentException naming the character and its offset, for a base
     *         that is not http(s) with a host, or could inject markup
     */
    public static function absolutize(string $html, string $base): string
    {
        return self::impl()->absolutize($html, $base);
    }

    /**
     * Exactly the $matches of preg_match_all($re, $html, $matches, $flags), with
     * PREG_PATTERN_ORDER or PREG_SET_ORDER, PREG_OFFSET_CAPTURE and
     * PREG_UNMATCHED_AS_NULL.
     */
    public static function matchAll(string $html, int $flags = PREG_PATTERN_ORDER): array
    {
        $set = ($flags & PREG_SET_ORDER) !== 0;
        $offsets = ($flags & PREG_OFFSET_CAPTURE) !== 0;
        $out = $set ? [] : [[], [], [], [], []];
        foreach (self::impl()->spans($html) as $span) {
            $groups = [];
            foreach (Template::groups($span) as [$s, $e]) {
                $text = substr($html, $s, $e - $s);
                $groups[] = $offsets ? [$text, $s] : $text;
            }
            if ($set) {
                $out[] = $groups;
            } else {
                foreach ($groups as $g => $v) {
                    $out[$g][] = $v;
                }
            }
        }
        return $out;
    }

    private static function impl(): Backend
    {
        return self::$backend ??= FfiBackend::load() ?? new PhpBackend();
    }
}
