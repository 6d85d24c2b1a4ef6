"""The clause-language grammar (``treaty.lark``), shipped as package data."""
