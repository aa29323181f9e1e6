"""Name normalisation for search and matching. The spelling people gave is kept as entered."""

import re
import unicodedata

# Written forms of the same given name, and honorifics that are not part of the name.
_SAME_NAME = {
    "moh": "muhammad", "moh.": "muhammad", "muh": "muhammad", "muhd": "muhammad",
    "mohd": "muhammad", "mohamad": "muhammad", "mohammad": "muhammad", "mohammed": "muhammad",
    "muhamad": "muhammad", "muchammad": "muhammad", "muchamad": "muhammad",
    "mochammad": "muhammad", "mochamad": "muhammad", "moch": "muhammad", "mhd": "muhammad",
    "md": "muhammad", "st": "siti",
}  # fmt: skip
_HONORIFICS = {"h", "hj", "haji", "hajjah", "hajah", "ir", "dr", "drs", "dra"}
_NOT_LETTER = re.compile(r"[^a-z' ]+")
_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """`Hj. Siti  NURJANNAH` → `siti nurjannah`; `Moh. Ali` → `muhammad ali`."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _NOT_LETTER.sub(" ", text.replace(".", ". ")).replace("'", "")
    tokens = [token for token in _SPACES.split(text) if token]
    while len(tokens) > 1 and tokens[0] in _HONORIFICS:
        tokens.pop(0)
    return " ".join(_SAME_NAME.get(token, token) for token in tokens)


def clean_display_name(name: str) -> str:
    """Trim and collapse spaces, keeping the spelling and case as given."""
    return _SPACES.sub(" ", name).strip()
