<?php

declare(strict_types=1);

namespace RootRel;

/**
 * preg_replace's replacement templates, read as PHP reads them: `$n`, `${n}` and `\n`
 * (one or two digits) insert group n (nothing for a group the regex lacks); `\` or `$`
 * right after a literal `\` replaces it; everything else is literal.
 */
final class Template
{
    /**
     * The template as pieces: strings to copy and ints, group numbers.
     *
     * @return list<string|int>
     */
    public static function parse(string $t): array
    {
        $pieces = [];
        $lit = '';
        $last = '';
        $n = strlen($t);
        $i = 0;
        while ($i < $n) {
            $c = $t[$i];
            if ($c === '\\' || $c === '$') {
                if ($last === '\\') {
                    // The `\` copied just before is replaced by `$c`.
                    $lit = substr($lit, 0, -1) . $c;
                    $i++;
                    $last = '';
                    continue;
                }
                $ref = self::backref($t, $i);
                if ($ref !== null) {
                    if ($lit !== '') {
                        $pieces[] = $lit;
                        $lit = '';
                    }
                    $pieces[] = $ref[0];
                    $i = $ref[1];
                    continue;
                }
            }
            $lit .= $c;
            $last = $c;
            $i++;
        }
        if ($lit !== '') {
            $pieces[] = $lit;
        }
        return $pieces;
    }

    /** @return array{int, int}|null the group and the offset after the reference */
    private static function backref(string $t, int $i): ?array
    {
        $at = static fn (int $k): string => $k < strlen($t) ? $t[$k] : "\0";
        $brace = $t[$i] === '$' && $at($i + 1) === '{';
        $w = $i + 1 + ($brace ? 1 : 0);
        $d = $at($w);
        if ($d < '0' || $d > '9') {
            return null;
        }
        $g = ord($d) - 48;
        $w++;
        $d = $at($w);
        if ($d >= '0' && $d <= '9') {
            $g = $g * 10 + ord($d) - 48;
            $w++;
        }
        if ($brace) {
            if ($at($w) !== '}') {
                return null;
            }
            $w++;
        }
        return [$g, $w];
    }

    /**
     * The [start, end] offsets of groups 0 to 4 of a match given as the starts of
     * groups 1 to 4 (a Backend::spans entry).
     *
     * @param array{int, int, int, int} $span
     * @return list<array{int, int}>
     */
    public static function groups(array $span): array
    {
        [$tag, $attr, $quote, $path] = $span;
        return [[$tag, $path + 2], [$tag, $attr], [$attr, $quote], [$quote, $path], [$path, $path + 2]];
    }

    /** If the template is `$1$2$3` + bytes + `$4`, the bytes; else null. */
    public static function insertion(array $pieces): ?string
    {
        $lit = '';
        $k = 0;
        foreach ($pieces as $p) {
            if ($k < 3 && $p === $k + 1) {
                $k++;
            } elseif ($k === 3 && is_string($p)) {
                $lit = $p;
                $k = 4;
            } elseif (($k === 3 || $k === 4) && $p === 4) {
                $k = 5;
            } else {
                return null;
            }
        }
        return $k === 5 ? $lit : null;
    }
}
