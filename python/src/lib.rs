//! The `rootrel` Python module. `rootrel.pyi` declares and documents every name; the
//! docstrings here are what `help()` shows.
//!
//! Every function scans with the GIL released. A `bytes` argument is read in place
//! (it cannot change); any other bytes-like object is copied first, since another thread
//! could change it while the scan runs.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::Arc;

use pyo3::create_exception;
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMemoryView, PyTuple};

create_exception!(
    rootrel,
    BufferLimitError,
    PyValueError,
    "A Rewriter had to hold back more undecided bytes than its max_buffer allows. \
     `output` holds the rewritten bytes decided before the limit; the Rewriter is \
     then unusable."
);

/// The input of a call: the caller's object and the bytes scanned, which are the object
/// itself when it is `bytes`, a copy otherwise.
struct Data {
    object: Py<PyAny>,
    bytes: Py<PyBytes>,
}

impl Data {
    /// Takes any bytes-like object; `what` names the argument in the error.
    fn new(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Data> {
        let object = obj.clone().unbind();
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Data {
                object,
                bytes: b.clone().unbind(),
            });
        }
        let not_bytes = || {
            let ty = obj
                .get_type()
                .name()
                .map_or_else(|_| "?".to_owned(), |n| n.to_string());
            PyTypeError::new_err(format!(
                "{what}: a bytes-like object is required, not '{ty}'"
            ))
        };
        let view = PyMemoryView::from(obj).map_err(|_| not_bytes())?;
        let copy = obj.py().get_type::<PyBytes>().call1((view,))?;
        Ok(Data {
            object,
            bytes: copy.cast_into::<PyBytes>()?.unbind(),
        })
    }

    fn as_bytes<'a>(&'a self, py: Python<'_>) -> &'a [u8] {
        self.bytes.as_bytes(py)
    }

    /// The result of a rewrite: the scanned bytes themselves when nothing changed.
    fn output(&self, py: Python<'_>, out: Cow<'_, [u8]>) -> Py<PyBytes> {
        match out {
            Cow::Borrowed(_) => self.bytes.clone_ref(py),
            Cow::Owned(v) => new_bytes(py, &v),
        }
    }
}

/// A new `bytes` object of `len` bytes, filled by `fill` with the GIL released: only
/// the allocation runs under the GIL, so threads that rewrite at once do not queue
/// behind each other's copies. `fill` returns how many bytes it wrote from the start;
/// anything but `len` panics before the object is handed out.
fn new_bytes_with(
    py: Python<'_>,
    len: usize,
    fill: impl FnOnce(&mut [MaybeUninit<u8>]) -> usize + Send,
) -> Py<PyBytes> {
    let size = ffi::Py_ssize_t::try_from(len).expect("a slice is at most isize::MAX bytes");
    // SAFETY: with a null source CPython allocates an uninitialised object of `size`
    // bytes; a null result (out of memory) panics in `from_owned_ptr`, as an
    // allocation failure in Rust would abort.
    let obj =
        unsafe { Bound::from_owned_ptr(py, ffi::PyBytes_FromStringAndSize(ptr::null(), size)) };
    // SAFETY: `obj` is a new `bytes` object of `len` bytes that no other code has seen
    // yet, so filling it, with or without the GIL, cannot race with a reader; `obj`
    // keeps it alive while `out` is used. The bytes are uninitialised, hence
    // `MaybeUninit`.
    let out = unsafe {
        std::slice::from_raw_parts_mut(
            ffi::PyBytes_AsString(obj.as_ptr()).cast::<MaybeUninit<u8>>(),
            len,
        )
    };
    let written = py.detach(|| fill(out));
    assert_eq!(written, len, "every byte of a new bytes object is written");
    // SAFETY: `PyBytes_FromStringAndSize` returns a `bytes` object.
    unsafe { obj.cast_into_unchecked::<PyBytes>() }.unbind()
}

/// A new `bytes` object holding a copy of `v`, copied with the GIL released.
fn new_bytes(py: Python<'_>, v: &[u8]) -> Py<PyBytes> {
    new_bytes_with(py, v.len(), |out| out.write_copy_of_slice(v).len())
}

/// A sink that fills a slice from its start.
struct Fill<'a> {
    out: &'a mut [MaybeUninit<u8>],
    at: usize,
}

impl rootrel::Sink for Fill<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.out[self.at..self.at + bytes.len()].write_copy_of_slice(bytes);
        self.at += bytes.len();
    }
}

/// The spans of groups 0 to 4 of one match.
type Spans = [(usize, usize); 5];

fn spans(m: &rootrel::Match, delta: usize) -> Spans {
    std::array::from_fn(|g| {
        let r = m.group(g);
        (delta + r.start, delta + r.end)
    })
}

/// One match, like `re.Match` for what it offers.
///
/// Groups are numbered as in the pattern: 0 the whole match, 1 ``<\s*[^>]*``,
/// 2 ``href=`` or ``src=``, 3 ``.?`` (may be empty), 4 ``/`` and one more byte.
#[pyclass(module = "rootrel", frozen)]
struct Match {
    data: Arc<Data>,
    spans: Spans,
}

impl Match {
    fn span_of(&self, group: &Bound<'_, PyAny>) -> PyResult<(usize, usize)> {
        match group.extract::<isize>() {
            Ok(g @ 0..=4) => Ok(self.spans[g as usize]),
            _ => Err(PyIndexError::new_err("no such group")),
        }
    }

    /// The bytes at a span of the searched data.
    fn text<'py>(&self, py: Python<'py>, (s, e): (usize, usize)) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.data.as_bytes(py)[s..e])
    }

    fn bytes_of<'py>(
        &self,
        py: Python<'py>,
        group: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        Ok(self.text(py, self.span_of(group)?))
    }
}

#[pymethods]
impl Match {
    /// The (start, end) byte offsets of a group (default 0, the whole match).
    #[pyo3(signature = (*group))]
    fn span(&self, group: &Bound<'_, PyTuple>) -> PyResult<(usize, usize)> {
        match group.len() {
            0 => Ok(self.spans[0]),
            1 => self.span_of(&group.get_item(0)?),
            n => Err(PyTypeError::new_err(format!(
                "expected at most 1 argument, got {n}"
            ))),
        }
    }

    /// The start offset of a group (default 0, the whole match).
    #[pyo3(signature = (*group))]
    fn start(&self, group: &Bound<'_, PyTuple>) -> PyResult<usize> {
        self.span(group).map(|s| s.0)
    }

    /// The end offset of a group (default 0, the whole match).
    #[pyo3(signature = (*group))]
    fn end(&self, group: &Bound<'_, PyTuple>) -> PyResult<usize> {
        self.span(group).map(|s| s.1)
    }

    /// The bytes of one group (default 0, the whole match), or a tuple of several.
    #[pyo3(signature = (*groups))]
    fn group<'py>(
        &self,
        py: Python<'py>,
        groups: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match groups.len() {
            0 => Ok(self.text(py, self.spans[0]).into_any()),
            1 => Ok(self.bytes_of(py, &groups.get_item(0)?)?.into_any()),
            _ => {
                let items = groups
                    .iter()
                    .map(|g| self.bytes_of(py, &g))
                    .collect::<PyResult<Vec<_>>>()?;
                Ok(PyTuple::new(py, items)?.into_any())
            }
        }
    }

    /// The bytes of groups 1 to 4, as a tuple. Every group always takes part in a
    /// match, so `default` is never used; it is accepted as `re.Match.groups` accepts it.
    #[pyo3(signature = (default = None))]
    fn groups<'py>(
        &self,
        py: Python<'py>,
        default: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = default;
        PyTuple::new(py, self.spans[1..].iter().map(|&g| self.text(py, g)))
    }

    /// `m[g]` is `m.group(g)`.
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        group: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        self.bytes_of(py, group)
    }

    /// The object that was searched.
    #[getter]
    fn string(&self, py: Python<'_>) -> Py<PyAny> {
        self.data.object.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let (s, e) = self.spans[0];
        let text = self.text(py, (s, e)).repr()?;
        Ok(format!(
            "<rootrel.Match object; span=({s}, {e}), match={text}>"
        ))
    }
}

/// The iterator `finditer` returns. It finds matches in batches, each with the GIL
/// released, and resumes a search at the first match it has not handed out, which
/// is where the regex's own iteration would find it.
#[pyclass(module = "rootrel")]
struct MatchIter {
    data: Arc<Data>,
    from: usize,
    found: VecDeque<Spans>,
    batch: usize,
}

/// Batches start small, so that taking only the first match stays cheap, and double
/// up to this.
const MAX_BATCH: usize = 4096;

#[pymethods]
impl MatchIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> Option<Match> {
        if self.found.is_empty() {
            self.refill(py);
        }
        let spans = self.found.pop_front()?;
        Some(Match {
            data: Arc::clone(&self.data),
            spans,
        })
    }
}

impl MatchIter {
    fn refill(&mut self, py: Python<'_>) {
        let data = Arc::clone(&self.data);
        let h = data.as_bytes(py);
        let (from, cap) = (self.from, self.batch);
        if from >= h.len() {
            return;
        }
        let (found, resume) = py.detach(|| {
            let mut found = VecDeque::with_capacity(cap);
            for m in rootrel::find_iter(&h[from..]) {
                if found.len() == cap {
                    return (found, from + m.start());
                }
                found.push_back(spans(&m, from));
            }
            (found, h.len())
        });
        self.found = found;
        self.from = resume;
        self.batch = (self.batch * 2).min(MAX_BATCH);
    }
}

/// Returns an iterator over the matches of ``(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])``
/// in `data`: the same matches, in the same order, as Python's `re.finditer` with that
/// pattern on the same bytes.
#[pyfunction]
#[pyo3(signature = (data, /))]
fn finditer(data: &Bound<'_, PyAny>) -> PyResult<MatchIter> {
    Ok(MatchIter {
        data: Arc::new(Data::new(data, "data")?),
        from: 0,
        found: VecDeque::new(),
        batch: 16,
    })
}

/// Returns the number of matches in `data`: ``sum(1 for _ in finditer(data))``,
/// without making a match object.
#[pyfunction]
#[pyo3(signature = (data, /))]
fn count(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<usize> {
    let data = Data::new(data, "data")?;
    let h = data.as_bytes(py);
    Ok(py.detach(|| rootrel::find_iter(h).count()))
}

fn parse_base(base: &str) -> PyResult<rootrel::Base> {
    rootrel::Base::parse(base).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Makes root-relative links absolute: inserts `base` before group 4 of every match,
/// as ``re.sub(pattern, rb'\1\2\3' + base + rb'\4', data)`` would.
///
/// Raises ValueError, naming the character and its offset, for a base that is not
/// ``http(s)://host[:port][/path]`` or holds a character that could end the attribute
/// value or inject markup.
#[pyfunction]
#[pyo3(signature = (data, base))]
fn absolutize(py: Python<'_>, data: &Bound<'_, PyAny>, base: &str) -> PyResult<Py<PyBytes>> {
    let base = parse_base(base)?;
    let data = Data::new(data, "data")?;
    let h = data.as_bytes(py);
    // The output's length is known from the count, which costs a small part of the
    // rewrite: the output is written once, into the `bytes` object itself.
    let n = py.detach(|| rootrel::find_iter(h).count());
    if n == 0 {
        return Ok(data.bytes.clone_ref(py));
    }
    let len = h.len() + n * base.as_str().len();
    Ok(new_bytes_with(py, len, |out| {
        let mut fill = Fill { out, at: 0 };
        rootrel::replace_all_to(h, &base, &mut fill);
        fill.at
    }))
}

/// Replaces every match with `template` expanded by PHP's `preg_replace` rules:
/// ``$n``, ``${n}`` and ``\n`` (n from 0 to 99; groups past 4 are empty) stand for a
/// group, anything else is literal.
#[pyfunction]
#[pyo3(signature = (template, data))]
fn sub(
    py: Python<'_>,
    template: &Bound<'_, PyAny>,
    data: &Bound<'_, PyAny>,
) -> PyResult<Py<PyBytes>> {
    let template = Data::new(template, "template")?;
    let data = Data::new(data, "data")?;
    let (t, h) = (template.as_bytes(py), data.as_bytes(py));
    let out = py.detach(|| rootrel::replace_all(h, t));
    Ok(data.output(py, out))
}

/// What a Rewriter puts in place of a match.
enum Replacement {
    Base(rootrel::Base),
    Template(Vec<u8>),
}

impl rootrel::Replacer for Replacement {
    fn replace_append<S: rootrel::Sink + ?Sized>(
        &mut self,
        caps: &rootrel::Captures<'_>,
        dst: &mut S,
    ) {
        match self {
            Replacement::Base(b) => b.replace_append(caps, dst),
            Replacement::Template(t) => t.replace_append(caps, dst),
        }
    }

    fn insertion(&mut self) -> Option<&[u8]> {
        match self {
            Replacement::Base(b) => b.insertion(),
            Replacement::Template(t) => t.insertion(),
        }
    }
}

impl Replacement {
    fn new(
        py: Python<'_>,
        base: Option<&str>,
        template: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Replacement> {
        match (base, template) {
            (Some(base), None) => Ok(Replacement::Base(parse_base(base)?)),
            (None, Some(t)) => Ok(Replacement::Template(
                Data::new(t, "template")?.as_bytes(py).to_vec(),
            )),
            _ => Err(PyTypeError::new_err(
                "exactly one of base= and template= is required",
            )),
        }
    }
}

type Inner = rootrel::Rewriter<Replacement, Vec<u8>>;

/// A streaming rewriter: feed chunks of one document with `write`, each returning the
/// rewritten bytes decided so far, then call `end` for the rest. The output, joined,
/// is what `absolutize` (with `base=`) or `sub` (with `template=`) gives for the whole
/// input, whatever the chunks.
///
/// With a template that uses group 1, a ``<...`` run that may still hold a match is held
/// back until it is decided; `max_buffer` (default 64 MiB) caps what may be held, and
/// `write` raises BufferLimitError past it.
#[pyclass(module = "rootrel")]
struct Rewriter {
    inner: Option<Inner>,
    matches: u64,
}

fn ended() -> PyErr {
    PyValueError::new_err("the Rewriter has ended")
}

impl Rewriter {
    /// Feeds a chunk; returns the output now decided. After an error the Rewriter
    /// has ended.
    fn write_bytes(&mut self, py: Python<'_>, chunk: &[u8]) -> PyResult<Py<PyBytes>> {
        let rw = self.inner.as_mut().ok_or_else(ended)?;
        let result = py.detach(|| rw.write(chunk));
        let out = new_bytes(py, rw.sink_mut());
        rw.sink_mut().clear();
        if let Err(e) = result {
            self.inner = None;
            let err = BufferLimitError::new_err(e.to_string());
            err.value(py).setattr("output", out)?;
            return Err(err);
        }
        Ok(out)
    }
}

#[pymethods]
impl Rewriter {
    #[new]
    #[pyo3(signature = (*, base = None, template = None, max_buffer = None))]
    fn py_new(
        py: Python<'_>,
        base: Option<&str>,
        template: Option<&Bound<'_, PyAny>>,
        max_buffer: Option<usize>,
    ) -> PyResult<Rewriter> {
        let rep = Replacement::new(py, base, template)?;
        let rw = rootrel::Rewriter::new(rep, Vec::new())
            .with_max_buffer(max_buffer.unwrap_or(rootrel::DEFAULT_MAX_BUFFER));
        Ok(Rewriter {
            inner: Some(rw),
            matches: 0,
        })
    }

    /// Feeds the next chunk; returns the rewritten bytes now decided (maybe empty).
    fn write(&mut self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<Py<PyBytes>> {
        let data = Data::new(chunk, "chunk")?;
        self.write_bytes(py, data.as_bytes(py))
    }

    /// Ends the input; returns the rest of the output. The Rewriter cannot be used after.
    fn end(&mut self, py: Python<'_>) -> PyResult<Py<PyBytes>> {
        let rw = self.inner.take().ok_or_else(ended)?;
        let (out, stats) = py
            .detach(|| rw.finish())
            .map_err(|e| BufferLimitError::new_err(e.to_string()))?;
        self.matches = stats.matches;
        Ok(new_bytes(py, &out))
    }

    /// The matches replaced so far (a match counts once decided; final after `end`).
    #[getter]
    fn matches(&self) -> u64 {
        self.inner
            .as_ref()
            .map_or(self.matches, |rw| rw.stats().matches)
    }
}

/// Rewrites the binary file object `src` into `dst`, chunk by chunk, with a Rewriter
/// made from `base=` or `template=`; returns the number of matches replaced.
///
/// `src` needs a ``read(n)`` method returning bytes (``b""`` at the end), `dst` a
/// ``write(b)`` method. Memory stays bounded by `chunk_size` plus what the Rewriter
/// holds back.
#[pyfunction]
#[pyo3(signature = (src, dst, *, base = None, template = None, chunk_size = 65536, max_buffer = None))]
#[allow(clippy::too_many_arguments)]
fn rewrite(
    py: Python<'_>,
    src: &Bound<'_, PyAny>,
    dst: &Bound<'_, PyAny>,
    base: Option<&str>,
    template: Option<&Bound<'_, PyAny>>,
    chunk_size: usize,
    max_buffer: Option<usize>,
) -> PyResult<u64> {
    if chunk_size == 0 {
        return Err(PyValueError::new_err("chunk_size must be at least 1"));
    }
    let mut rw = Rewriter::py_new(py, base, template, max_buffer)?;
    loop {
        let chunk = src.call_method1("read", (chunk_size,))?;
        if chunk.is_none() {
            return Err(PyTypeError::new_err(
                "src.read() returned None: a non-blocking source is not supported",
            ));
        }
        let data = Data::new(&chunk, "src.read()")?;
        let h = data.as_bytes(py);
        let out = if h.is_empty() {
            rw.end(py)?
        } else {
            rw.write_bytes(py, h)?
        };
        if !out.as_bytes(py).is_empty() {
            dst.call_method1("write", (out,))?;
        }
        if h.is_empty() {
            return Ok(rw.matches);
        }
    }
}

/// Find and rewrite root-relative ``href=`` and ``src=`` links exactly as Python's
/// ``re`` does with ``(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])`` on bytes, in linear time,
/// with the GIL released.
#[pymodule]
#[pyo3(name = "rootrel")]
fn rootrel_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "PATTERN",
        PyBytes::new(m.py(), br"(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])"),
    )?;
    m.add_function(wrap_pyfunction!(finditer, m)?)?;
    m.add_function(wrap_pyfunction!(count, m)?)?;
    m.add_function(wrap_pyfunction!(absolutize, m)?)?;
    m.add_function(wrap_pyfunction!(sub, m)?)?;
    m.add_function(wrap_pyfunction!(rewrite, m)?)?;
    m.add_class::<Match>()?;
    m.add_class::<MatchIter>()?;
    m.add_class::<Rewriter>()?;
    m.add("BufferLimitError", m.py().get_type::<BufferLimitError>())?;
    Ok(())
}
