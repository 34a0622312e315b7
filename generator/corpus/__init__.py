"""Statistics over Pile-format corpus shards, from a laptop sample to the full corpus.

Map/reduce by design: :mod:`.shards` finds files and cuts them into parts, :mod:`.streams`
reads a part's lines, :mod:`.scan` turns one part into a :class:`~.partials.CorpusPartial`,
:mod:`.executors` runs parts here, in a process pool or on Dask, and partials merge exactly
(:mod:`.partials`, :mod:`.sketches`) into the figures of :mod:`.stats`. :mod:`.evidence` is the
build's entry point, with :mod:`.published` (the paper's figures) and :mod:`.view` (the page's
cells and chart); :mod:`.report` prints the CLI table. The shipped sample is written by
``python -m tools.corpus_sample``, outside this package.

Nothing heavy is imported here, so ``import generator.corpus`` stays cheap.
"""
