"""Display names for uploads: the original filename, made safe to show and to offer as a download name.

The name is metadata only: storage keys are generated (see services), so
nothing here ever reaches a filesystem path. It still has to be safe wherever
it is shown or saved by a browser: no path parts, no control or bidi-override
characters, one Unicode form, a bounded length, and an extension that matches
the content.
"""

import re
import unicodedata

MAX_LENGTH = 150
FALLBACK_STEM = "file"

# Reserved on Windows or meaningful in shells and headers.
_UNSAFE_CHARACTERS = re.compile(r'[<>:"/\\|?*;]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def clean(raw: str, *, max_length: int | None = MAX_LENGTH) -> str:
    """Return `raw` as one safe name: its last path part, printable, NFKC, without leading or trailing dots."""
    # NFKC folds look-alikes (fullwidth solidus, "‥") into the characters the next steps remove.
    name = unicodedata.normalize("NFKC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = " ".join(name.split())
    # Category C: control, format (incl. bidi overrides such as U+202E), surrogates, private use, unassigned.
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = _UNSAFE_CHARACTERS.sub("_", name)
    # No hidden files or "..", no trailing dots or spaces (Windows drops them).
    name = name.strip(" .")
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = f"_{name}"
    return name[:max_length].rstrip(" .")


def display_name(raw: str, *, extension: str, extensions: frozenset[str] = frozenset()) -> str:
    """Return a safe display name for an upload named `raw` whose content is of type `extension`.

    `extensions` are the lower-case extensions (without dot) accepted for the
    content's type; a name without one of them gets `.<extension>` appended.
    """
    name = clean(raw, max_length=None)
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix.lower() not in (extensions | {extension}):
        stem, suffix = name, extension
    stem = unicodedata.normalize("NFC", stem[: MAX_LENGTH - len(suffix) - 1].rstrip(" .")) or FALLBACK_STEM
    return f"{stem}.{suffix}"
