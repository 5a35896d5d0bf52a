<?php
// Without Composer: `require __DIR__ . '/php/autoload.php';` makes RootRel\Links usable.
require_once __DIR__ . '/src/Backend.php';
require_once __DIR__ . '/src/Template.php';
require_once __DIR__ . '/src/Base.php';
require_once __DIR__ . '/src/PhpBackend.php';
require_once __DIR__ . '/src/FfiBackend.php';
require_once __DIR__ . '/src/Links.php';
