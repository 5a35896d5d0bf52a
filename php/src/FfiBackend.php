<?php

declare(strict_types=1);

namespace RootRel;

/** The Rust library, librootrel, through PHP's FFI and its C ABI (capi/include/rootrel.h). */
final class FfiBackend implements Backend
{
    private const CDEF = <<<'C'
        typedef struct rootrel_match { size_t start[5]; size_t end[5]; } rootrel_match;
        typedef struct rootrel_error { int code; size_t position; char message[256]; } rootrel_error;
        size_t rootrel_find(const char *haystack, size_t len, size_t *from, rootrel_match *out, size_t cap);
        int rootrel_replace_alloc(const char *haystack, size_t len, const char *t, size_t t_len, char **out, size_t *out_len);
        int rootrel_absolutize_alloc(const char *haystack, size_t len, const char *base, size_t base_len, char **out, size_t *out_len, rootrel_error *err);
        void rootrel_free(char *p, size_t len);
        C;

    /** Matches fetched per call of rootrel_find. */
    private const BATCH = 1024;

    private function __construct(private \FFI $ffi)
    {
    }

    /**
     * The library at $path, or from the ROOTREL_LIB environment variable, or
     * lib/librootrel.so beside this package; null when FFI is off or the library
     * cannot be loaded.
     */
    public static function load(?string $path = null): ?self
    {
        if (!extension_loaded('ffi') || !in_array(ini_get('ffi.enable'), ['1', 'On', 'on', 'true', 'preload'], true)) {
            return null;
        }
        $path ??= getenv('ROOTREL_LIB') ?: dirname(__DIR__) . '/lib/librootrel.so';
        if (!is_file($path)) {
            return null;
        }
        try {
            return new self(\FFI::cdef(self::CDEF, $path));
        } catch (\Throwable) {
            // `ffi.enable=preload` outside the command line, or a library that is not ours.
            return null;
        }
    }

    public function name(): string
    {
        return 'ffi';
    }

    public function spans(string $html): array
    {
        $out = [];
        $buf = $this->ffi->new('rootrel_match[' . self::BATCH . ']');
        $from = $this->ffi->new('size_t');
        do {
            $n = $this->ffi->rootrel_find($html, strlen($html), \FFI::addr($from), $buf, self::BATCH);
            for ($i = 0; $i < $n; $i++) {
                $s = $buf[$i]->start;
                $out[] = [$s[0], $s[2], $s[3], $s[4]];
            }
        } while ($n === self::BATCH);
        return $out;
    }

    public function replace(string $html, string $replacement): string
    {
        return $this->call(fn ($out, $len) => $this->ffi->rootrel_replace_alloc(
            $html, strlen($html), $replacement, strlen($replacement), $out, $len
        ));
    }

    public function absolutize(string $html, string $base): string
    {
        $err = $this->ffi->new('rootrel_error');
        return $this->call(fn ($out, $len) => $this->ffi->rootrel_absolutize_alloc(
            $html, strlen($html), $base, strlen($base), $out, $len, \FFI::addr($err)
        ), $err);
    }

    /** Runs an `_alloc` call and takes its output as a PHP string. */
    private function call(callable $f, $err = null): string
    {
        $out = $this->ffi->new('char*');
        $len = $this->ffi->new('size_t');
        $code = $f(\FFI::addr($out), \FFI::addr($len));
        if ($code === 2 && $err !== null) {
            throw new \InvalidArgumentException(\FFI::string($err->message));
        }
        if ($code !== 0) {
            throw new \RuntimeException("librootrel failed with code $code");
        }
        try {
            return $len->cdata === 0 ? '' : \FFI::string($out, $len->cdata);
        } finally {
            $this->ffi->rootrel_free($out, $len->cdata);
        }
    }
}
