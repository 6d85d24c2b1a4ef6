"""Package discovery for the layout ``engine/`` -> ``treatycheck``.

Everything else about the distribution is in ``pyproject.toml``. setuptools' own
``packages.find`` cannot rename a directory, so the subpackages of ``engine/`` are
found here and named under ``treatycheck``: a new subpackage ships without being
listed by hand (``treatycheck.report`` once did not).
"""

from setuptools import find_packages, setup

SUBPACKAGES = ["treatycheck." + name for name in find_packages("engine")]

setup(
    packages=["treatycheck", *SUBPACKAGES, "treatycheck.grammar", "treatycheck.rules"],
    package_dir={"treatycheck": "engine", "treatycheck.grammar": "grammar", "treatycheck.rules": "rules"},
)
