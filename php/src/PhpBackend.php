<?php

declare(strict_types=1);

namespace RootRel;

/**
 * The scanner in PHP, without any preg_* call: the same algorithm as the Rust
 * library's, on PHP's string functions. A run starts at the first `<` after the last
 * match with no `>` between and ends at the next `>`; its last `href=` or `src=` whose
 * tail `(.?)(\/[^\/])` matches is the match. Candidates come from strpos, and each is
 * placed against the runs by looking only at the bytes since the previous one, so the
 * work is linear in the input.
 */
final class PhpBackend implements Backend
{
    public function name(): string
    {
        return 'php';
    }

    public function spans(string $h): array
    {
        $n = strlen($h);
        $out = [];
        $pos = 0;      // no match starts before
        $known = 0;    // the runs are known up to here
        $open = -1;    // the `<` of the run open at $known, or -1
        $best = null;  // the open run's last candidate: [attr, quote, path]
        $href = strpos($h, 'href=');
        $src = strpos($h, 'src=');
        while ($href !== false || $src !== false) {
            if ($src === false || ($href !== false && $href < $src)) {
                $attr = $href;
                $quote = $href + 5;
                $href = strpos($h, 'href=', $href + 1);
            } else {
                $attr = $src;
                $quote = $src + 4;
                $src = strpos($h, 'src=', $src + 1);
            }
            if ($attr < $pos) {
                continue;
            }
            // `.?` takes a byte (not "\n") when `/` and a byte other than `/` follow.
            if ($quote + 2 < $n && $h[$quote] !== "\n" && $h[$quote + 1] === '/' && $h[$quote + 2] !== '/') {
                $path = $quote + 1;
            } elseif ($quote + 1 < $n && $h[$quote] === '/' && $h[$quote + 1] !== '/') {
                $path = $quote;
            } else {
                continue;
            }
            // Place the candidate: the `<` and `>` since $known.
            while ($attr > $known) {
                $seen = substr($h, $known, $attr - $known);
                $gt = strrpos($seen, '>');
                if ($gt !== false && $best !== null) {
                    // A `>` closed the run: its last candidate is the match.
                    $out[] = [$open, $best[0], $best[1], $best[2]];
                    $pos = $best[2] + 2;
                    $known = max($pos, $known + $gt + 1);
                    [$open, $best] = [-1, null];
                    continue;
                }
                if ($gt !== false) {
                    $lt = strpos($seen, '<', $gt + 1);
                    $open = $lt === false ? -1 : $known + $lt;
                } elseif ($open < 0) {
                    $lt = strpos($seen, '<');
                    $open = $lt === false ? -1 : $known + $lt;
                }
                $known = $attr;
            }
            if ($attr < $pos) {
                continue;
            }
            if ($open >= 0) {
                $best = [$attr, $quote, $path];
            }
        }
        if ($best !== null) {
            // The last run's candidate is final, with or without its `>`.
            $out[] = [$open, $best[0], $best[1], $best[2]];
        }
        return $out;
    }

    public function replace(string $html, string $replacement): string
    {
        return $this->apply($html, Template::parse($replacement));
    }

    public function absolutize(string $html, string $base): string
    {
        return $this->apply($html, [1, 2, 3, Base::check($base), 4]);
    }

    /** @param list<string|int> $pieces */
    private function apply(string $h, array $pieces): string
    {
        $spans = $this->spans($h);
        if ($spans === []) {
            return $h;
        }
        $ins = Template::insertion($pieces);
        $parts = [];
        $done = 0;
        foreach ($spans as $span) {
            [$tag, , , $path] = $span;
            if ($ins !== null) {
                $parts[] = substr($h, $done, $path - $done);
                $parts[] = $ins;
                $done = $path;
                continue;
            }
            $parts[] = substr($h, $done, $tag - $done);
            $bounds = Template::groups($span);
            foreach ($pieces as $p) {
                if (is_string($p)) {
                    $parts[] = $p;
                } elseif ($p <= 4) {
                    $parts[] = substr($h, $bounds[$p][0], $bounds[$p][1] - $bounds[$p][0]);
                }
            }
            $done = $path + 2;
        }
        $parts[] = substr($h, $done);
        return implode('', $parts);
    }
}
