"""The player's sound, which is also its clock.

QtMultimedia's ``QAudioSink`` (PySide6-Addons) plays the project's mixed soundtrack; the
player reads ``processedUSecs()`` to know where playback is, as jerboa does, and the picture
follows. The sink is recreated on every start (a seek), which resets that counter. With no
audio device, no QtMultimedia or no soundtrack yet, the clock is the wall clock instead.
"""

from __future__ import annotations

import time
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioSink

_UNSET = object()
_multimedia: object = _UNSET


def _qtmultimedia() -> ModuleType | None:
    """QtMultimedia (PySide6-Addons), imported on first use; None when it is not installed.

    Not at import: loading it and asking the system for its audio output (PulseAudio or
    PipeWire) took a tenth of a second of the editor's start, before any sound is needed.
    """
    global _multimedia
    if _multimedia is _UNSET:
        try:  # the player still works (silently, on the wall clock) without it
            from PySide6 import QtMultimedia

            _multimedia = QtMultimedia
        except ImportError:  # pragma: no cover - depends on the installation
            _multimedia = None
    return _multimedia if isinstance(_multimedia, ModuleType) else None

RATE = 48_000
CHANNELS = 2
BYTES_PER_FRAME = 2 * CHANNELS
# An output that has taken no sound for this long (once started) is given up on.
STALL_SECONDS = 1.5
# Until the first tenth of a second has played, an output gets longer: a sound server short
# of CPU (PulseAudio at load 11 took 0.2-1.3 s) or a waking Bluetooth device starts slowly,
# and meanwhile the picture rightly holds the first frame.
START_SECONDS = 3.0
STARTED_USECS = 100_000
# A loop's sound is laid out round and round for this long (then the wall clock goes on).
LOOP_SOUND_SECONDS = 60.0


def audio_device_available() -> bool:
    """True when QtMultimedia is installed and the system has an audio output."""
    mm = _qtmultimedia()
    if mm is None:
        return False
    try:
        return not mm.QMediaDevices.defaultAudioOutput().isNull()
    except Exception:  # pragma: no cover - a broken multimedia backend
        return False


def stalled_message() -> str:
    """The status-line message when the audio output stopped taking sound."""
    return QCoreApplication.translate(
        "Player", "The audio output is not playing: going on without sound, timed by the "
        "system clock."
    )


def no_audio_message() -> str:
    """The status-line message when the player falls back to the wall clock."""
    return QCoreApplication.translate(
        "Player", "No audio output found: playing without sound, timed by the system clock."
    )


class PlaybackClock(QObject):
    """Where playback is, in seconds: the audio sink's progress, or the wall clock."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pcm: bytes | None = None
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None
        self._data: QByteArray | None = None
        self._origin = 0.0  # timeline seconds where this run started
        self._mono = 0.0  # monotonic time of the start (wall clock mode)
        self._running = False
        self.uses_audio = False
        self._device: bool | None = None  # asked for on first use (see _qtmultimedia)
        self._volume = 1.0
        self._last_processed = -1
        self._last_progress = 0.0
        self._loop: tuple[float, float] | None = None
        self.stalled = False  # the last run's sound stopped progressing; the wall clock took over

    @property
    def device(self) -> bool:
        """True when there is an audio output to play the sound on."""
        if self._device is None:
            self._device = audio_device_available()
        return self._device

    @device.setter
    def device(self, value: bool) -> None:
        self._device = value

    def set_pcm(self, pcm: bytes | None) -> None:
        """The soundtrack (16-bit stereo at 48 kHz), or None while it is being made."""
        self._pcm = pcm

    def start(self, t: float, loop: tuple[float, float] | None = None) -> None:
        """Start counting (and sounding) from timeline time ``t``.

        With ``loop`` (start, end) the clock runs from ``t`` to the loop's end and then
        round the loop; the sound is laid out the same way in one buffer (up to a minute of
        it), so going round neither restarts the audio output nor gaps.
        """
        self.stop()
        self._loop = loop if loop is not None and loop[1] - loop[0] > 1e-3 else None
        self._origin = t
        self._mono = time.monotonic()
        self._running = True
        self.uses_audio = False
        mm = _qtmultimedia() if self.device and self._pcm else None
        if mm is not None and self._pcm:
            fmt = mm.QAudioFormat()
            fmt.setSampleRate(RATE)
            fmt.setChannelCount(CHANNELS)
            fmt.setSampleFormat(mm.QAudioFormat.SampleFormat.Int16)
            device = mm.QMediaDevices.defaultAudioOutput()
            if device.isFormatSupported(fmt):
                self._data = QByteArray(self._layout(self._pcm, t))
                # A child, as every QObject here: a parentless one would be deleted by
                # whichever thread frees its wrapper (see player_worker's docstring).
                self._buffer = QBuffer(self._data, self)
                self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
                self._sink = mm.QAudioSink(device, fmt, self)
                self._sink.setVolume(self._volume)
                self._sink.start(self._buffer)
                self.uses_audio = self._sink.error() == mm.QtAudio.Error.NoError
                if not self.uses_audio:
                    self._drop_sink()
                self._mono = time.monotonic()
                self._last_processed, self._last_progress = -1, self._mono

    def _layout(self, pcm: bytes, t: float) -> bytes:
        """The sound from ``t`` on: to the end, or round the loop for up to a minute."""

        def at(seconds: float) -> int:
            return min(len(pcm), int(seconds * RATE) * BYTES_PER_FRAME)

        if self._loop is None:
            return pcm[at(t):]
        a, b = self._loop
        body = pcm[at(a) : at(b)]
        rounds = max(1, int(LOOP_SOUND_SECONDS / (b - a)))
        return pcm[at(t) : at(b)] + body * rounds

    def stop(self) -> None:
        """Stop the sound and the clock."""
        self._running = False
        self._drop_sink()

    def _drop_sink(self) -> None:
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
            self._sink = None
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self._data = None

    def now(self) -> float:
        """Timeline seconds now (only meaningful while running). GUI thread only."""
        raw = self._raw()
        if self._loop is None:
            return raw
        a, b = self._loop
        if raw < b:
            return raw
        return a + (raw - b) % (b - a)

    def unwrapped(self) -> float:
        """Timeline seconds as if it ran straight on (round a loop it keeps growing)."""
        return self._raw()

    def _raw(self) -> float:
        """Timeline seconds as if the timeline ran straight on from the start position."""
        if self._sink is not None and self.uses_audio:
            processed = self._sink.processedUSecs()
            wall = time.monotonic()
            if processed != self._last_processed:
                self._last_processed, self._last_progress = processed, wall
            elif wall - self._last_progress > (
                STALL_SECONDS if processed >= STARTED_USECS else START_SECONDS
            ):
                # The device takes no sound (a stalled or suspended output): rather than
                # freeze the picture, go on by the wall clock from here, silently.
                self._origin += processed / 1e6
                self._mono = wall
                self._drop_sink()
                self.uses_audio = False
                self.stalled = True
                return self._origin
            return self._origin + processed / 1e6
        return self._origin + (time.monotonic() - self._mono)

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._running
