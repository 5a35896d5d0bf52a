<?php
// Side by side on the corpus, in one process: preg_replace (PCRE JIT as configured),
// Links::absolutize through FFI and through the pure-PHP backend; then the pure-PHP
// backend on the adversarial shapes at 1 MB and 4 MB (linear: about 4x the time).
//
//     ROOTREL_LIB=target/release/librootrel.so php php/bench.php

declare(strict_types=1);

require __DIR__ . '/autoload.php';

use RootRel\Links;

const RE = '/(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m';
$pages = array_map('file_get_contents', glob(dirname(__DIR__) . '/testdata/corpus/*.html'));
$bytes = array_sum(array_map('strlen', $pages));

/** Best of $rounds, seconds per pass over $pages. */
function best(callable $f, array $pages, int $rounds = 7): float
{
    $best = INF;
    for ($r = 0; $r < $rounds; $r++) {
        $t = hrtime(true);
        foreach ($pages as $p) {
            $f($p);
        }
        $best = min($best, (hrtime(true) - $t) / 1e9);
    }
    return $best;
}

$rows = [];
$rows['preg_replace'] = best(fn ($h) => preg_replace(RE, '$1$2$3https://go.dev$4', $h), $pages);
foreach (['ffi', 'php'] as $b) {
    try {
        Links::useBackend($b);
    } catch (Error $e) {
        continue;
    }
    $rows["Links::absolutize ($b)"] = best(fn ($h) => Links::absolutize($h, 'https://go.dev'), $pages);
    $rows["Links::matchAll ($b)"] = best(fn ($h) => Links::matchAll($h), $pages);
}
$rows['preg_match_all'] = best(function ($h) { preg_match_all(RE, $h, $m); }, $pages);
printf("# PHP %s, pcre.jit=%s, %d pages, %.1f MB\n\n", PHP_VERSION, ini_get('pcre.jit'), count($pages), $bytes / 1e6);
echo "| call, on the corpus | ms per pass | MB/s | time / preg_replace |\n|---|---:|---:|---:|\n";
foreach ($rows as $name => $t) {
    printf("| %s | %.1f | %.0f | %.2f |\n", $name, $t * 1e3, $bytes / $t / 1e6, $t / $rows['preg_replace']);
}
if (isset($rows['Links::absolutize (ffi)'])) {
    printf("\nFFI absolutize: %.1fx faster than preg_replace\n", $rows['preg_replace'] / $rows['Links::absolutize (ffi)']);
}

// Linearity of the pure-PHP backend.
Links::useBackend('php');
$shapes = [
    'lt-run-no-gt' => fn ($n) => '<div ' . substr(str_repeat('class=x href=x src="x" data-y=1 ', intdiv($n, 30) + 1), 0, $n),
    'lt-src-slash' => fn ($n) => substr(str_repeat('<src=/', intdiv($n, 6) + 1), 0, $n),
    'a-href-x' => fn ($n) => substr(str_repeat('<a href=x ', intdiv($n, 10) + 1), 0, $n),
    'dense-links' => fn ($n) => substr(str_repeat("<a href=\"/x\">y</a>\n", intdiv($n, 19) + 1), 0, $n),
    'text-no-lt' => fn ($n) => substr(str_repeat('src=/x href=/y ', intdiv($n, 15) + 1), 0, $n),
    'only-lt' => fn ($n) => str_repeat('<', $n),
    'nested-runs' => fn ($n) => substr(str_repeat('<a <b <c href=/x ', intdiv($n, 17) + 1), 0, $n),
];
echo "\n| shape (pure PHP) | 1 MB, MB/s | 4 MB, MB/s | time 4 MB / time 1 MB |\n|---|---:|---:|---:|\n";
foreach ($shapes as $name => $make) {
    [$small, $big] = [$make(1 << 20), $make(4 << 20)];
    $ts = best(fn ($h) => Links::absolutize($h, 'https://go.dev'), [$small], 3);
    $tb = best(fn ($h) => Links::absolutize($h, 'https://go.dev'), [$big], 3);
    printf("| %s | %.0f | %.0f | %.1f |\n", $name, strlen($small) / $ts / 1e6, strlen($big) / $tb / 1e6, $tb / $ts);
}
