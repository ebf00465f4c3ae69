"""ecbench: an entity-and-claim extraction benchmark and the toolkit that scores extractors."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ecbench")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"

from .corpus import Corpus, Document, load  # noqa: E402

__all__ = ["Corpus", "Document", "load", "__version__"]
