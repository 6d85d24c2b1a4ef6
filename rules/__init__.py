"""The built-in commitments library (``*.treaty``), shipped as package data."""
