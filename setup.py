"""Package layout that pyproject.toml cannot express: ``assets/`` ships as ``creator_kit.assets``.

The fonts, face model, masks and templates live in ``assets/`` at the top of the checkout (the
place people look for them and edit them), yet a wheel must carry them inside the package, or a
non-editable install and every bundle built from it lack them. ``package_dir`` maps the data-only
package ``creator_kit.assets`` onto that folder, so the wheel holds ``creator_kit/assets/...``
and an editable install maps the same name onto the checkout's folder. Everything else about
the project is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["creator_kit", "creator_kit.*"]), "creator_kit.assets"],
    package_dir={"creator_kit.assets": "assets"},
)
