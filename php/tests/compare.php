<?php
// Both backends against PHP's own preg_replace and preg_match_all: the seed page, the
// corpus, generated inputs with every quirk, 40 templates, every flag combination, and
// the 1 MB inline-image page where preg_replace returns NULL.
//
//     ROOTREL_LIB=target/release/librootrel.so php php/tests/compare.php
//     php -d ffi.enable=0 php/tests/compare.php --expect-backend=php
//
// Prints "N passed, M failed"; exits 1 on a failure.

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use RootRel\Links;

const RE = '/(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m';
$root = dirname(__DIR__, 2);
$passed = 0;
$failed = 0;
function check(bool $ok, string $what): void
{
    global $passed, $failed;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        fwrite(STDERR, "failed: $what\n");
    }
}

$opts = getopt('', ['expect-backend:', 'quick']);
if (isset($opts['expect-backend'])) {
    check(Links::backend() === $opts['expect-backend'], 'backend is ' . $opts['expect-backend'] . ', not ' . Links::backend());
}
$backends = ['php'];
if (RootRel\FfiBackend::load() !== null) {
    $backends[] = 'ffi';
} elseif (!isset($opts['expect-backend'])) {
    check(false, 'librootrel not loaded: set ROOTREL_LIB (the FFI backend is not tested)');
}

// Inputs.
$seed = file_get_contents("$root/testdata/go-blog-execution-traces-2024.html");
$corpus = [];
foreach (glob("$root/testdata/corpus/*.html") as $f) {
    $corpus[basename($f)] = file_get_contents($f);
}
mt_srand(7);
$tokens = ['<', '<', '<', '>', 'href=', 'src=', '/', '/', '//', '"', "'", "\n", '=', ' ', 'x', '<a ', 'data-src=',
    "\xff", "\x80", "\t", 'hre', 'rc=', 'HREF=', "\0", 'h', 's', str_repeat('y', 70)];
$generated = [];
for ($k = 0; $k < 4000; $k++) {
    $s = str_repeat('.', mt_rand(0, 40));
    for ($t = mt_rand(0, 30); $t > 0; $t--) {
        $s .= $tokens[mt_rand(0, count($tokens) - 1)];
    }
    $generated[] = $s;
}
$generated[] = '<a href=>/x <b src=/<c href=></<d src="/y"> <e <f href=/z';
$generated[] = '<img src="/a.png" data-src="/b.png"><a href=>/x';
$generated[] = '';

// Templates: references in every spelling, escapes, groups that do not exist, literals.
$templates = ['$1$2$3https://go.dev$4', '${1}${2}${3}https://go.dev${4}', '\1\2\3https://go.dev\4', '', 'x', '$0',
    '[$0]', '$4$3$2$1', '${0}', '$5', '$99', '${99}', '$12', '${12}', '$123', '${123}', '${1', '${}', '$', '\\',
    '\\\\', '\$1', '\\\\$1', '$$1', '\\$', 'a\\b', '\\\\\\', '$1$1$1', '<$2>', '${4}${4}', '\0', '\\0\\1', '$1x$2',
    'https://cdn.example$4', '$1$2$3$4', '$1$2$3${4}tail', "\xff\$2", '$1$2$3http://h:8080/p$4', '{$1}', '\${1}'];
check(count($templates) >= 36, 'at least 36 templates');

foreach ($backends as $b) {
    Links::useBackend($b);
    $inputs = array_merge(['seed' => $seed], $generated);
    foreach ($inputs as $name => $h) {
        foreach ($templates as $t) {
            $want = preg_replace(RE, $t, $h);
            if ($want !== null) {
                check(Links::replace($h, $t) === $want, "$b replace, input $name, template " . json_encode($t));
            }
        }
        foreach ([PREG_PATTERN_ORDER, PREG_SET_ORDER] as $order) {
            foreach ([0, PREG_OFFSET_CAPTURE, PREG_UNMATCHED_AS_NULL, PREG_OFFSET_CAPTURE | PREG_UNMATCHED_AS_NULL] as $more) {
                preg_match_all(RE, $h, $m, $order | $more);
                check(Links::matchAll($h, $order | $more) === $m, "$b matchAll flags " . ($order | $more) . ", input $name");
            }
        }
    }
    foreach ($corpus as $name => $h) {
        foreach (array_slice($templates, 0, isset($opts['quick']) ? 2 : 8) as $t) {
            $want = preg_replace(RE, $t, $h);
            if ($want !== null) {
                check(Links::replace($h, $t) === $want, "$b replace, $name, template " . json_encode($t));
            }
        }
        preg_match_all(RE, $h, $m, PREG_SET_ORDER | PREG_OFFSET_CAPTURE);
        check(Links::matchAll($h, PREG_SET_ORDER | PREG_OFFSET_CAPTURE) === $m, "$b matchAll, $name");
        check(Links::absolutize($h, 'https://go.dev/') === preg_replace(RE, '$1$2$3https://go.dev$4', $h), "$b absolutize, $name");
    }
    // Bases that could inject markup are refused, naming the character and its offset.
    foreach (['https://h"><script>' => '9', "https://h/\n" => '10', 'ftp://h' => 'http', 'https://h:99999' => '10',
        'https://h/a b' => '11', "https://h/\xff" => '10', 'https://h?q' => '9'] as $base => $where) {
        try {
            Links::absolutize('<a href=/x>', $base);
            check(false, "$b accepted the base " . json_encode($base));
        } catch (InvalidArgumentException $e) {
            check(str_contains($e->getMessage(), $where), "$b: '" . $e->getMessage() . "' names $where");
        }
    }
}

// The page where preg_replace gives up: both backends give the library's result.
$image = '<p><a href="/home">home</a><img alt="chart" src="data:image/png;base64,';
$abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for ($i = 0, $x = 0x9e3779b9; $i < (1 << 20); $i++) {
    $x ^= ($x << 13) & 0xffffffff;
    $x ^= $x >> 17;
    $x ^= ($x << 5) & 0xffffffff;
    $image .= $abc[$x & 63];
}
$image .= "\"></p>\n<a href=\"/after\">after</a>\n";
$null = preg_replace(RE, '$1$2$3https://go.dev$4', $image) === null;
echo 'preg_replace on the 1 MB inline-image page: ' . ($null ? 'NULL (' . preg_last_error_msg() . ')' : 'a string') . "\n";
$results = [];
foreach ($backends as $b) {
    Links::useBackend($b);
    $results[$b] = Links::absolutize($image, 'https://go.dev');
    check(substr_count($results[$b], 'https://go.dev/') === 2, "$b rewrote both links of the inline-image page");
}
$cli = "$root/target/release/rootrel";
check(is_executable($cli), "$cli is built (cargo build --release -p rootrel-cli)");
if (is_executable($cli)) {
    $file = tempnam(sys_get_temp_dir(), 'rootrel');
    file_put_contents($file, $image);
    $p = proc_open([$cli, 'rewrite', '--base', 'https://go.dev', $file], [['file', '/dev/null', 'r'], ['pipe', 'w'], ['file', '/dev/null', 'w']], $pipes);
    $want = stream_get_contents($pipes[1]);
    proc_close($p);
    unlink($file);
    foreach ($results as $b => $got) {
        check($got === $want, "$b equals the library's rewrite of the inline-image page");
    }
}
Links::useBackend(null);
echo 'backend: ' . Links::backend() . "\n";
echo "$passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
