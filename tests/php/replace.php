<?php
// Reads (template, input) pairs from the file named by $argv[1], each string written as
// its length in decimal, "\n", then its bytes. For each pair prints one line: the
// length of preg_replace's result, a space, and the result in hex; or "NULL <error>"
// when preg_replace returns NULL.
$re = '/(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m';
$data = file_get_contents($argv[1]);
$i = 0;
$n = strlen($data);
$next = function () use ($data, &$i) {
    $nl = strpos($data, "\n", $i);
    $len = intval(substr($data, $i, $nl - $i));
    $s = substr($data, $nl + 1, $len);
    $i = $nl + 1 + $len;
    return $s;
};
while ($i < $n) {
    $template = $next();
    $input = $next();
    $r = preg_replace($re, $template, $input);
    if ($r === null) {
        echo "NULL ", preg_last_error_msg(), "\n";
        continue;
    }
    echo strlen($r), " ", bin2hex($r), "\n";
}
