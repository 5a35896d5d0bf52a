<?php

declare(strict_types=1);

namespace RootRel;

/** What each backend offers; Links picks one at first use. */
interface Backend
{
    /** 'ffi' or 'php'. */
    public function name(): string;

    /**
     * The matches, in order, each as the start offsets of groups 1 to 4
     * ([tag, attr, quote, path]); group 0 ends at path + 2.
     *
     * @return list<array{int, int, int, int}>
     */
    public function spans(string $html): array;

    /** preg_replace with the seed regex and the PHP template $replacement. */
    public function replace(string $html, string $replacement): string;

    /** The feed readers' call with a checked base. */
    public function absolutize(string $html, string $base): string;
}
