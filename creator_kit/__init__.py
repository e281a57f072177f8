"""creator_kit: offline vertical awareness-challenge videos with correct Arabic captions."""

__version__ = "0.1.0"
