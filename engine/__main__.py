"""``python -m treatycheck``: the same entry as the ``treatycheck`` command."""

from .entry import main

main()
