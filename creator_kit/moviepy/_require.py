"""The import-time check that a usable moviepy (2.x) is installed."""

from __future__ import annotations

import importlib.metadata

INSTALL_HINT = (
    'pip install "decorator>=4.0.2,<6" "imageio>=2.5,<3" "proglog<=1.0.0" '
    '"python-dotenv>=0.10" tqdm && pip install --no-deps moviepy==2.2.1'
)


def require_moviepy() -> str:
    """The installed moviepy version; ImportError with the install command when unusable.

    moviepy 2.2.1 pins Pillow below 12 while creator_kit needs 12.3 or later (security fixes
    in image decoding), so moviepy is installed without its pins and may be missing or old.
    """
    try:
        version = importlib.metadata.version("moviepy")
    except importlib.metadata.PackageNotFoundError:
        raise ImportError(
            f"creator_kit.moviepy needs moviepy 2, which is not installed; install it with: "
            f"{INSTALL_HINT}"
        ) from None
    if int(version.split(".")[0]) < 2:
        raise ImportError(
            f"creator_kit.moviepy needs moviepy 2, but moviepy {version} is installed; "
            f"install the new one with: {INSTALL_HINT}"
        )
    try:
        import moviepy  # noqa: F401
        from moviepy import Effect, VideoClip  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"moviepy {version} is installed but cannot be imported ({exc}); "
            f"reinstall it with: {INSTALL_HINT}"
        ) from None
    return version
