<?php

declare(strict_types=1);

namespace RootRel;

/**
 * The base URL check of the Rust library's Base::parse: http or https, a host, an
 * optional port and path, and nothing that could leave an attribute value or inject
 * markup. Returns the base without trailing slashes.
 */
final class Base
{
    public static function check(string $url): string
    {
        // Markup-breaking characters first, wherever they are.
        $n = strlen($url);
        for ($i = 0; $i < $n;) {
            [$cp, $len] = self::char($url, $i);
            if ($cp === null) {
                throw self::error("the byte 0x" . bin2hex($url[$i]) . " at byte $i is not UTF-8");
            }
            if (self::forbidden($cp)) {
                throw self::error(self::show($cp) . " at byte $i is not allowed (it could end the attribute value or inject markup)");
            }
            $i += $len;
        }
        $lower = strtolower(substr($url, 0, 8));
        if (str_starts_with($lower, 'http://')) {
            $i = 7;
        } elseif (str_starts_with($lower, 'https://')) {
            $i = 8;
        } else {
            throw self::error('it must start with http:// or https://');
        }
        $host = $i;
        $unexpected = static fn (int $at): \InvalidArgumentException => self::error(
            self::show(self::char($url, $at)[0] ?? 0) . " at byte $at is not allowed in a base URL (scheme, host, optional port and path only)"
        );
        if ($i < $n && $url[$i] === '[') {
            $i++;
            while ($i < $n && $url[$i] !== ']') {
                if (!ctype_xdigit($url[$i]) && $url[$i] !== ':' && $url[$i] !== '.') {
                    throw $unexpected($i);
                }
                $i++;
            }
            if ($i >= $n) {
                throw self::error('no host after the scheme');
            }
            $i++;
        } else {
            while ($i < $n && $url[$i] !== ':' && $url[$i] !== '/') {
                if (!ctype_alnum($url[$i]) && !str_contains('-._', $url[$i])) {
                    throw $unexpected($i);
                }
                $i++;
            }
        }
        if ($i === $host) {
            throw self::error('no host after the scheme');
        }
        if ($i < $n && $url[$i] === ':') {
            $start = $i + 1;
            $end = $start;
            while ($end < $n && ctype_digit($url[$end])) {
                $end++;
            }
            if ($end === $start || $end - $start > 5 || (int) substr($url, $start, $end - $start) > 65535) {
                throw self::error("the port at byte $start is not a number from 0 to 65535");
            }
            $i = $end;
        }
        if ($i < $n && $url[$i] !== '/') {
            throw $unexpected($i);
        }
        for (; $i < $n; $i++) {
            if (!ctype_alnum($url[$i]) && !str_contains("/-._~!$&()*+,;=%:@", $url[$i])) {
                throw $unexpected($i);
            }
        }
        return rtrim($url, '/');
    }

    private static function error(string $why): \InvalidArgumentException
    {
        return new \InvalidArgumentException("invalid base URL: $why");
    }

    /** Quotes, `<`, `>`, backtick, white space and control characters. */
    private static function forbidden(int $cp): bool
    {
        return in_array($cp, [0x22, 0x27, 0x3c, 0x3e, 0x60, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000], true)
            || $cp < 0x20 || ($cp >= 0x7f && $cp <= 0x9f) || ($cp >= 0x2000 && $cp <= 0x200a);
    }

    private static function show(int $cp): string
    {
        return $cp >= 0x20 && $cp < 0x7f ? "'" . chr($cp) . "'" : sprintf("'\\u{%x}'", $cp);
    }

    /** The code point at byte $i and its length, or [null, 1] when not UTF-8. */
    private static function char(string $s, int $i): array
    {
        $b = ord($s[$i]);
        if ($b < 0x80) {
            return [$b, 1];
        }
        $len = $b > 0xf4 ? 0 : ($b >= 0xf0 ? 4 : ($b >= 0xe0 ? 3 : ($b >= 0xc2 ? 2 : 0)));
        if ($len === 0 || $i + $len > strlen($s)) {
            return [null, 1];
        }
        // The second byte's range (no overlong forms, surrogates or code points past
        // U+10FFFF), then continuation bytes.
        [$lo, $hi] = match ($b) {
            0xe0 => [0xa0, 0xbf],
            0xed => [0x80, 0x9f],
            0xf0 => [0x90, 0xbf],
            0xf4 => [0x80, 0x8f],
            default => [0x80, 0xbf],
        };
        for ($k = 1; $k < $len; $k++) {
            $c = ord($s[$i + $k]);
            if ($c < ($k === 1 ? $lo : 0x80) || $c > ($k === 1 ? $hi : 0xbf)) {
                return [null, 1];
            }
        }
        $cp = $b & (0xff >> ($len + 1));
        for ($k = 1; $k < $len; $k++) {
            $cp = ($cp << 6) | (ord($s[$i + $k]) & 0x3f);
        }
        return [$cp, $len];
    }
}
