"""Find and rewrite root-relative ``href=`` and ``src=`` links exactly as Python's ``re``
does with ``(<\\s*[^>]*)(href=|src=)(.?)(\\/[^\\/])`` on bytes: the same matches, all five
groups, for any bytes. Linear time, and the GIL is released while scanning.

A ``bytes`` argument is read in place; any other bytes-like object (``bytearray``,
``memoryview``, ``mmap``) is copied first. Results are always ``bytes``.
"""

from typing import Iterator, Optional, Protocol, Tuple, Union, overload

_Bytes = Union[bytes, bytearray, memoryview]

__version__: str
"""The package version."""

PATTERN: bytes
"""The pattern rootrel implements: ``re.compile(rootrel.PATTERN)`` is its oracle."""

class _Reader(Protocol):
    def read(self, n: int, /) -> bytes: ...

class _Writer(Protocol):
    def write(self, b: bytes, /) -> object: ...

class Match:
    """One match, like ``re.Match`` for what it offers.

    Groups: 0 the whole match, 1 ``<\\s*[^>]*``, 2 ``href=`` or ``src=``, 3 ``.?``
    (may be empty), 4 ``/`` and one more byte. Any other group raises IndexError.

    >>> m = next(rootrel.finditer(b'<a href="/docs">'))
    >>> m.span(), m.group(4), m.groups()
    ((0, 11), b'/d', (b'<a ', b'href=', b'"', b'/d'))
    """

    @property
    def string(self) -> _Bytes:
        """The object that was searched."""
    def span(self, group: int = 0, /) -> Tuple[int, int]:
        """The (start, end) byte offsets of a group."""
    def start(self, group: int = 0, /) -> int:
        """The start offset of a group."""
    def end(self, group: int = 0, /) -> int:
        """The end offset of a group."""
    @overload
    def group(self, /) -> bytes: ...
    @overload
    def group(self, group: int, /) -> bytes: ...
    @overload
    def group(self, group1: int, group2: int, /, *groups: int) -> Tuple[bytes, ...]:
        """The bytes of one group (default 0), or a tuple for several."""
    def groups(self, default: object = None) -> Tuple[bytes, bytes, bytes, bytes]:
        """The bytes of groups 1 to 4 (every group always takes part in a match)."""
    def __getitem__(self, group: int, /) -> bytes:
        """``m[g]`` is ``m.group(g)``."""

class MatchIter(Iterator[Match]):
    """The iterator ``finditer`` returns."""

    def __iter__(self) -> "MatchIter": ...
    def __next__(self) -> Match: ...

def finditer(data: _Bytes, /) -> MatchIter:
    """The matches in ``data``, in order: those of ``re.finditer(PATTERN, data)``.

    >>> [m.group(4) for m in rootrel.finditer(b'<a href=/x><img src="/y.png">')]
    [b'/x', b'/y']
    """

def count(data: _Bytes, /) -> int:
    """The number of matches in ``data``, without making match objects.

    >>> rootrel.count(b'<a href=/x><img src="/y.png">')
    2
    """

def absolutize(data: _Bytes, base: str) -> bytes:
    """Inserts ``base`` (trailing ``/`` removed) before group 4 of every match: what
    ``re.sub(PATTERN, lambda m: m[1] + m[2] + m[3] + base + m[4], data)`` gives.

    Raises ValueError, naming the character and its byte offset, unless ``base`` is
    ``http(s)://host[:port][/path]`` without quotes, ``<``, ``>``, backticks, spaces or
    control characters (which could end the attribute value or inject markup).

    >>> rootrel.absolutize(b'<a href="/pkg">', "https://go.dev/")
    b'<a href="https://go.dev/pkg">'
    """

def sub(template: _Bytes, data: _Bytes) -> bytes:
    """Replaces every match with ``template`` expanded by PHP's ``preg_replace`` rules:
    ``$n``, ``${n}`` and ``\\n`` (n of one or two digits; groups past 4 are empty) insert
    a group, ``\\\\`` and ``\\$`` give ``\\`` and ``$``, anything else is literal.

    >>> rootrel.sub(b"$1$2$3https://go.dev$4", b'<a href="/pkg">')
    b'<a href="https://go.dev/pkg">'
    """

class BufferLimitError(ValueError):
    """A Rewriter had to hold back more undecided bytes than its ``max_buffer`` allows.
    The Rewriter cannot be used after."""

    output: bytes
    """The rewritten bytes decided before the limit was reached."""

class Rewriter:
    """Rewrites one document fed in chunks. The outputs of ``write`` and ``end``, joined,
    equal ``absolutize(data, base)`` (with ``base=``) or ``sub(template, data)`` (with
    ``template=``) on the whole input, however it is cut.

    With a template that uses group 1, a ``<...`` run that may still hold a match is held
    back until decided; ``max_buffer`` (default 64 MiB) caps it.

    >>> rw = rootrel.Rewriter(base="https://go.dev")
    >>> rw.write(b'<a hr') + rw.write(b'ef="/pkg">') + rw.end()
    b'<a href="https://go.dev/pkg">'
    """

    def __init__(
        self,
        *,
        base: Optional[str] = None,
        template: Optional[_Bytes] = None,
        max_buffer: Optional[int] = None,
    ) -> None:
        """Exactly one of ``base`` (ValueError if refused, as for ``absolutize``) and
        ``template`` (TypeError otherwise)."""
    def write(self, chunk: _Bytes, /) -> bytes:
        """Feeds the next chunk; returns the output now decided (maybe empty).
        Raises BufferLimitError past ``max_buffer``, ValueError after ``end``."""
    def end(self) -> bytes:
        """Ends the input; returns the rest of the output. ValueError if called twice."""
    @property
    def matches(self) -> int:
        """The matches replaced so far; the total after ``end``."""

def rewrite(
    src: _Reader,
    dst: _Writer,
    *,
    base: Optional[str] = None,
    template: Optional[_Bytes] = None,
    chunk_size: int = 65536,
    max_buffer: Optional[int] = None,
) -> int:
    """Rewrites the binary file object ``src`` into ``dst`` chunk by chunk, with a
    ``Rewriter(base=..., template=...)``; returns the number of matches replaced.

    >>> import io
    >>> out = io.BytesIO()
    >>> rootrel.rewrite(io.BytesIO(b'<img src=/a.png>'), out, base="http://h")
    1
    >>> out.getvalue()
    b'<img src=http://h/a.png>'
    """
