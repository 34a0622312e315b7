"""The compiled scanner as cached machine code, loaded in milliseconds without numba.

numba compiles :func:`generator.corpus.kernel.scan_lines` in seconds and caches it on disk,
but even a cache hit costs each process about 0.2 s (numba sets up its typing and target
context, which imports ``scipy.linalg``), after 0.16 s to import numba: on a few hundred MB
that is the largest cost after decompression, paid once per thread pool and once per worker
process (measured in ``docs/corpus.md``). So the scanner is compiled once behind a C ABI
(:func:`~generator.corpus.kernel.c_scan_lines`), emitted by llvmlite as an object file for
this CPU and kept in a cache; later processes load that object with llvmlite's MCJIT (a few
milliseconds) and call it through ``ctypes``, which releases the GIL as ``nogil`` did. numba
is imported only to compile.

The object is self-contained except for numba's error path (reporting an exception raised
inside compiled code; the scanner raises none). Those external functions and globals are
renamed to private stubs before the object is emitted, so it never binds to numba's or
Python's symbols, and a stub that is ever called marks the call as failed: the scan then
raises instead of counting.

The cache key is the scanner's source (``kernel.py`` and ``layout.py``), numba's version, this
module's ABI version, llvmlite's version and the CPU (name and features). Entries live in the
package's ``__pycache__`` like numba's own cache, else under ``$NUMBA_CACHE_DIR/unfragile`` or
``~/.cache/unfragile``; each is checked against its SHA-256 before it is loaded.
``UNFRAGILE_CORPUS_SCANNER=numba`` runs numba's dispatcher instead; so does any failure to
build or load the object (logged once).
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import json
import logging
import os
import platform
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from generator.corpus.layout import (
    C_ARGUMENTS,
    KEYS,
    I64Array,
    ScanTables,
    bucket_thresholds,
)

log = logging.getLogger(__name__)

ABI_VERSION = "1"  # bump when the C entry point or the stub scheme changes
STUB_PREFIX = "unfragile_stub_"
ENVIRONMENT = "UNFRAGILE_CORPUS_SCANNER"
SOURCES = ("kernel.py", "layout.py")

# ``scan(data, size, position, tables) -> (status, position, lines)``
ScanFunction = Callable[[bytes, int, int, ScanTables], tuple[int, int, int]]


class NativeScannerError(RuntimeError):
    """The native scanner could not be built or loaded, or it reported a failure."""


@dataclass(frozen=True)
class NativeObject:
    """The scanner's machine code and what loading it needs."""

    code: bytes  # an object file for this CPU
    symbol: str  # the C entry point
    stub_functions: tuple[str, ...]  # renamed external functions (numba's error path)
    stub_data: tuple[str, ...]  # renamed external globals

    def meta(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "stub_functions": list(self.stub_functions),
            "stub_data": list(self.stub_data),
            "sha256": hashlib.sha256(self.code).hexdigest(),
        }


def _llvm() -> Any:
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    return llvm


def _target_machine(llvm: Any) -> Any:
    """This CPU, with all its features, as numba compiles for by default."""
    return llvm.Target.from_default_triple().create_target_machine(
        cpu=llvm.get_host_cpu_name(),
        features=llvm.get_host_cpu_features().flatten(),
        opt=3,
        reloc="default",
        codemodel="jitdefault",
    )


def cache_key() -> str:
    """The scanner's source, the compiler's version, this ABI, llvmlite and the CPU."""
    llvm = _llvm()
    import llvmlite

    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in SOURCES:
        digest.update((here / name).read_bytes())
    # numba's version without importing numba (its version file, found by path).
    spec = importlib.util.find_spec("numba")
    if spec is not None and spec.origin is not None:
        version_file = Path(spec.origin).with_name("_version.py")
        if version_file.is_file():
            digest.update(version_file.read_bytes())
    for part in (
        ABI_VERSION,
        llvmlite.__version__,
        llvm.get_default_triple(),
        llvm.get_host_cpu_name(),
        llvm.get_host_cpu_features().flatten(),
        platform.python_implementation(),
    ):
        digest.update(b"\0" + str(part).encode())
    return digest.hexdigest()[:32]


def cache_folders() -> list[Path]:
    """Where entries are looked for and written, in order of preference."""
    folders = [Path(__file__).parent / "__pycache__"]
    if numba_cache := os.environ.get("NUMBA_CACHE_DIR"):
        folders.append(Path(numba_cache) / "unfragile")
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folders.append(Path(home) / "unfragile")
    return folders


def compile_object() -> NativeObject:
    """Compile the scanner with numba and emit it as an object file (seconds)."""
    from generator.corpus import kernel  # the compiler, imported only here

    entry = kernel.c_scan_lines()
    llvm = _llvm()
    module = llvm.parse_assembly(entry.inspect_llvm())
    functions, data = [], []
    for function in module.functions:
        if function.is_declaration and not function.name.startswith("llvm."):
            functions.append(function.name)
            function.name = STUB_PREFIX + function.name
    for variable in module.global_variables:
        if variable.is_declaration:
            data.append(variable.name)
            variable.name = STUB_PREFIX + variable.name
    module.verify()
    code = _target_machine(llvm).emit_object(module)
    return NativeObject(bytes(code), entry.native_name, tuple(functions), tuple(data))


def read_cached(key: str) -> NativeObject | None:
    for folder in cache_folders():
        meta_path, code_path = folder / f"scanner-{key}.json", folder / f"scanner-{key}.o"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            code = code_path.read_bytes()
        except (OSError, ValueError):
            continue
        if not isinstance(meta, dict) or hashlib.sha256(code).hexdigest() != meta.get("sha256"):
            log.info("native scanner: ignoring a damaged cache entry in %s", folder)
            continue
        try:
            return NativeObject(
                code,
                str(meta["symbol"]),
                tuple(str(name) for name in meta["stub_functions"]),
                tuple(str(name) for name in meta["stub_data"]),
            )
        except (KeyError, TypeError):
            continue
    return None


def write_cached(key: str, native: NativeObject) -> Path | None:
    """Store ``native`` in the first writable cache folder (atomically); where, or None."""
    for folder in cache_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # The code first: an entry exists once its metadata does.
            for suffix, payload in (
                (".o", native.code),
                (".json", json.dumps(native.meta()).encode()),
            ):
                handle, temporary = tempfile.mkstemp(dir=folder, prefix=".scanner-")
                with os.fdopen(handle, "wb") as out:
                    out.write(payload)
                os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from other users
                os.replace(temporary, folder / f"scanner-{key}{suffix}")
            return folder
        except OSError as exc:
            log.debug("native scanner: cannot cache in %s: %s", folder, exc)
    return None


class NativeScanner:
    """The loaded object: ``scan(data, size, position, tables)`` with the GIL released."""

    def __init__(self, native: NativeObject) -> None:
        llvm = _llvm()
        self.failures = 0
        self._lock = threading.Lock()
        # One stub for every renamed function: it records the call and returns NULL.
        self._stub = ctypes.CFUNCTYPE(ctypes.c_void_p)(self._stub_called)
        self._stub_data = ctypes.create_string_buffer(64)
        for name in native.stub_functions:
            llvm.add_symbol(STUB_PREFIX + name, ctypes.cast(self._stub, ctypes.c_void_p).value)
        for name in native.stub_data:
            llvm.add_symbol(STUB_PREFIX + name, ctypes.addressof(self._stub_data))
        self._engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), _target_machine(llvm))
        self._engine.add_object_file(llvm.ObjectFileRef.from_data(native.code))
        self._engine.finalize_object()
        address = self._engine.get_function_address(native.symbol)
        if not address:
            raise NativeScannerError(f"the object has no symbol {native.symbol}")
        kinds = {"pointer": ctypes.c_void_p, "int64": ctypes.c_int64}
        arguments = [kinds[kind] for _, kind in C_ARGUMENTS]
        arguments[0] = ctypes.c_char_p  # the bytes object's own buffer, not a copy
        self._function = ctypes.CFUNCTYPE(None, *arguments)(address)
        self._keys = [key.ctypes.data for key in KEYS]
        self._thresholds_address = bucket_thresholds().ctypes.data
        self._local = threading.local()  # each thread's result array

    def _stub_called(self) -> None:
        with self._lock:
            self.failures += 1

    def __call__(
        self, data: bytes, size: int, position: int, tables: ScanTables
    ) -> tuple[int, int, int]:
        if not 0 <= position <= size <= len(data):
            raise ValueError(f"bad range {position}..{size} of {len(data)} bytes")
        result: I64Array | None = getattr(self._local, "result", None)
        if result is None:
            result = self._local.result = np.zeros(3, dtype=np.int64)
        rows, width = tables.names.shape
        failures = self.failures
        self._function(
            data,
            size,
            position,
            *self._keys,
            rows,
            width,
            *tables.addresses,
            self._thresholds_address,
            result.ctypes.data,
        )
        if self.failures != failures:
            raise NativeScannerError("the compiled scanner failed (numba's error path ran)")
        status, stop, lines = result.tolist()
        return status, stop, lines


def numba_scanner() -> ScanFunction:
    """numba's dispatcher: the fallback, and the reference the native code is tested against."""
    from generator.corpus import kernel

    def scan(data: bytes, size: int, position: int, tables: ScanTables) -> tuple[int, int, int]:
        return kernel.scan_lines(
            np.frombuffer(data, dtype=np.uint8, count=size),
            position,
            KEYS,
            tables.names,
            tables.name_lengths,
            tables.totals,
            tables.buckets,
            tables.registers,
            bucket_thresholds(),
        )

    return scan


def load_native() -> NativeScanner:
    """The native scanner: from the cache, else compiled now and cached for next time."""
    key = cache_key()
    native = read_cached(key)
    if native is None:
        native = compile_object()
        where = write_cached(key, native)
        log.info("native scanner: compiled%s", f", cached in {where}" if where else "")
    return NativeScanner(native)


_chosen: ScanFunction | None = None
_choosing = threading.Lock()


def scanner() -> ScanFunction:
    """The scan function this process uses (chosen once; thread-safe)."""
    global _chosen
    if _chosen is not None:  # chosen already: no lock on the hot path
        return _chosen
    with _choosing:
        if _chosen is None:
            if os.environ.get(ENVIRONMENT, "native") == "numba":
                _chosen = numba_scanner()
            else:
                try:
                    _chosen = load_native()
                except Exception as exc:  # any failure: numba still counts correctly
                    log.warning("native scanner unavailable (%s); using numba's dispatcher", exc)
                    _chosen = numba_scanner()
        return _chosen
