"""Ship the bundled corpus inside the package, so a non-editable install works from anywhere.

Everything else is in pyproject.toml. ``build_py`` copies ``seeds/`` and ``annotations/``
(without its ``tools/`` scripts) to ``toolkit/corpus_data/`` in the build, where
``toolkit.io.corpus.find_root`` finds it with ``importlib.resources``. An editable install reads
the checkout instead, so it copies nothing.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
CORPUS = ("seeds", "annotations")
LEFT_OUT = shutil.ignore_patterns("tools", "__pycache__", "*.pyc")


class build_py_with_corpus(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "toolkit" / "corpus_data"
        for name in CORPUS:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(HERE / name, target / name, ignore=LEFT_OUT)


setup(cmdclass={"build_py": build_py_with_corpus})
