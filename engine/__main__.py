"""``python -m treatycheck``."""

from .cli import main

main()
