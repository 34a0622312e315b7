"""Open a QA model one way for everyone: resolved files -> tokenizer -> backend -> pipeline.

The build (``evidence``), ``build.py qa`` (``generator/commands/qa.py``), :func:`evaluate_dir
<generator.qa.evaluate.evaluate_dir>` and the offline tools all start here. Finding the files
stays with the caller, because the policy differs on purpose: the build falls back to the bundled
model with one warning (``evidence.choose_model``), the command line never does
(``resolve.resolve_model``), a tool reads a checkpoint folder (``resolve.load_dir``).

The tokenizer loads at once (preparing questions needs it); the ONNX Runtime session only when
:meth:`QASession.pipeline` is first called, so a build whose answers are all cached never loads it.
"""

from __future__ import annotations

from typing import Any

from generator.qa.backend import OnnxBackend
from generator.qa.pipeline import QAPipeline
from generator.qa.resolve import ResolvedModel
from generator.qa.windows import DecodingSettings, QATokenizer


class _NoBackend:
    """Preparation never runs the model; this makes sure of it."""

    def run(self, batch: Any) -> Any:
        raise AssertionError("prepare() must not run inference")


class QASession:
    """One resolved model, its tokenizer, and (once asked for) its loaded pipeline."""

    def __init__(
        self,
        model: ResolvedModel,
        tokenizer: QATokenizer,
        settings: DecodingSettings,
        batch_size: int,
        threads: int | None,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.settings = settings
        self.batch_size = batch_size
        self.threads = threads
        # Steps 1–2 only (tokenize, window): a pipeline whose backend refuses to run.
        self.preparer = QAPipeline(tokenizer, _NoBackend(), settings, batch_size)
        self._pipeline: QAPipeline | None = None

    def pipeline(self) -> QAPipeline:
        """The full pipeline; the first call loads the ONNX Runtime session (and may raise
        :class:`~generator.errors.UserError` for a missing or broken model file)."""
        if self._pipeline is None:
            backend = OnnxBackend(self.model.onnx_path, self.threads)
            self._pipeline = QAPipeline(self.tokenizer, backend, self.settings, self.batch_size)
        return self._pipeline


def open_qa(
    model: ResolvedModel,
    settings: DecodingSettings | None = None,
    *,
    batch_size: int = 1,
    threads: int | None = None,
) -> QASession:
    """Load ``model``'s tokenizer; the backend follows on :meth:`QASession.pipeline`.

    ``batch_size`` defaults to 1, as the build runs (int8 logits depend on the rest of a batch;
    ``evidence.BATCH_SIZE``); ``threads=None`` means :func:`.backend.default_threads`.
    """
    tokenizer = QATokenizer.from_file(model.tokenizer_path)
    return QASession(model, tokenizer, settings or DecodingSettings(), max(1, batch_size), threads)
