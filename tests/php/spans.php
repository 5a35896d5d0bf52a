<?php
// Reads inputs from the file named by $argv[1], each written as its length in decimal,
// "\n", then its bytes. For each input prints one line: for every match of the seed
// regex (preg_match_all, PREG_SET_ORDER), the ten offsets "s0 e0 s1 e1 ... s4 e4",
// matches separated by ";"; or "ERROR <preg_last_error_msg()>" if PCRE failed.
$re = '/(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m';
$data = file_get_contents($argv[1]);
$i = 0;
$n = strlen($data);
while ($i < $n) {
    $nl = strpos($data, "\n", $i);
    $len = intval(substr($data, $i, $nl - $i));
    $s = substr($data, $nl + 1, $len);
    $i = $nl + 1 + $len;
    $r = preg_match_all($re, $s, $m, PREG_SET_ORDER | PREG_OFFSET_CAPTURE);
    if ($r === false) {
        echo "ERROR ", preg_last_error_msg(), "\n";
        continue;
    }
    $out = [];
    foreach ($m as $set) {
        $g = [];
        for ($k = 0; $k < 5; $k++) {
            $g[] = $set[$k][1];
            $g[] = $set[$k][1] + strlen($set[$k][0]);
        }
        $out[] = implode(' ', $g);
    }
    echo implode(';', $out), "\n";
}
