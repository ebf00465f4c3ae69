"""ecbench: an entity-and-claim extraction benchmark and the toolkit that scores extractors."""

__all__ = ["Corpus", "Document", "load", "__version__"]


def __getattr__(name: str):
    # the version and the corpus (pydantic with it) are looked up on first use: `ecbench
    # --help` needs neither
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("ecbench")
        except PackageNotFoundError:  # running from a checkout that was never installed
            found = "0.0.0+unknown"
        globals()["__version__"] = found
        return found
    if name in ("Corpus", "Document", "load"):
        from .io import corpus

        return getattr(corpus, name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
