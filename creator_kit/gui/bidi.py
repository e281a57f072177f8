"""Mixed-direction text in the interface: Latin paths in an Arabic window, hashtags in captions.

* :func:`ltr` and :func:`isolate` wrap a piece of text (a file name, a path, a time span) in a
  left-to-right (LRI) or first-strong (FSI) isolate, so it keeps its own order inside a
  right-to-left line: ``1. clip.mp4 (0.0–2.0 s)`` does not become ``(s 2.0–0.0) clip.mp4 .1``.
* :func:`path_field` makes a line edit holding a path run left to right in every language
  (its text, cursor and alignment), as a path is read.
* :class:`CaptionEdit` is the caption's text field. Each paragraph takes its direction from its
  own first letters, and hashtags and mentions are shown in first-strong isolates, as the
  caption renderer lays them out (:func:`creator_kit.text.bidi.isolate_tags`): ``#MaskUp``
  keeps its ``#`` on the left inside an Arabic sentence instead of showing as ``MaskUp#``, and
  a caption that opens with a Latin hashtag is still an Arabic (right-to-left) paragraph. The
  isolates exist only in the field: :meth:`CaptionEdit.toPlainText` returns the text without
  them, which is what the project stores.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QLineEdit, QTextEdit, QWidget

from creator_kit.text.bidi import FSI, PDI, isolate_tags, text_direction

LRI = "\u2066"  # left-to-right isolate (FSI and PDI come from the caption engine's bidi)
_ISOLATES = str.maketrans("", "", LRI + FSI + PDI)
_QT_DIRECTION = {"rtl": Qt.LayoutDirection.RightToLeft, "ltr": Qt.LayoutDirection.LeftToRight}


def ltr(text: str) -> str:
    """``text`` as a left-to-right island in any line (LRI ... PDI)."""
    return f"{LRI}{text}{PDI}"


def isolate(text: str) -> str:
    """``text`` as an island with its own direction, from its first letters (FSI ... PDI)."""
    return f"{FSI}{text}{PDI}"


def path_field(edit: QLineEdit) -> QLineEdit:
    """Make ``edit`` (which holds a file path) run left to right, also in Arabic."""
    edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    edit.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
    # A line edit takes its text's direction from the first letter whatever its layout
    # direction, so "/سلمى/clip.mp4" would read right to left. The direction key a keyboard
    # sends (Key_Direction_L, what Ctrl+Left Shift does on Windows) fixes it to left to right,
    # for this text and every later one.
    QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Direction_L,
                                           Qt.KeyboardModifier.NoModifier))
    return edit


def with_isolated_tags(text: str) -> str:
    """``text`` with each paragraph's hashtags and mentions wrapped in FSI ... PDI."""
    return "\n".join(isolate_tags(line)[0] for line in text.split("\n"))


class CaptionEdit(QTextEdit):
    """A caption field showing mixed Arabic and Latin text and hashtags as the video will.

    A plain-text :class:`QTextEdit` rather than a ``QPlainTextEdit``: the latter lays every
    paragraph out with one alignment, so an Arabic paragraph read right to left but sat
    against the left edge; this one aligns each paragraph to the side it starts from.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)  # pasted text arrives plain, as a caption is
        self._rewrapping = False
        # Connected first, so the text is tidy before anyone else hears of the change.
        self.textChanged.connect(self._rewrap)

    def toPlainText(self) -> str:
        """The caption as typed (without the isolates the field shows)."""
        return super().toPlainText().translate(_ISOLATES)

    def set_caption(self, text: str) -> None:
        """Show ``text`` (a caption from the project)."""
        self._rewrapping = True
        try:
            self.setPlainText(with_isolated_tags(text.translate(_ISOLATES)))
            self._direct_paragraphs()
        finally:
            self._rewrapping = False

    def _direct_paragraphs(self) -> None:
        """Give each paragraph the direction the caption renderer gives it.

        Qt's own choice looks at the first letter even inside an isolate, so ``#MaskUp البسوا``
        would run left to right here while the video runs it right to left; the renderer's
        rule (:func:`creator_kit.text.bidi.text_direction`: tags skipped, a paragraph with no
        letters following the caption) decides instead.
        """
        plain = super().toPlainText().translate(_ISOLATES)
        caption = text_direction(plain)
        block = self.document().firstBlock()
        while block.isValid():
            own = text_direction(block.text().translate(_ISOLATES)) or caption
            want = _QT_DIRECTION.get(own or "", Qt.LayoutDirection.LayoutDirectionAuto)
            fmt = block.blockFormat()
            if fmt.layoutDirection() != want:
                fmt.setLayoutDirection(want)
                QTextCursor(block).setBlockFormat(fmt)
            block = block.next()

    def _rewrap(self) -> None:
        if self._rewrapping:
            return
        shown = super().toPlainText()
        wanted = with_isolated_tags(shown.translate(_ISOLATES))
        self._rewrapping = True
        blocker = self.blockSignals(True)
        try:
            if wanted != shown:
                # Keep the cursor after the same typed character.
                typed = len(shown[: self.textCursor().position()].translate(_ISOLATES))
                cursor = QTextCursor(self.document())
                cursor.select(QTextCursor.SelectionType.Document)
                cursor.insertText(wanted)  # one edit of the document, no new paragraph formats
                pos, seen = 0, 0
                while pos < len(wanted) and seen < typed:
                    if wanted[pos] not in (LRI, FSI, PDI):
                        seen += 1
                    pos += 1
                cursor.setPosition(pos)
                self.setTextCursor(cursor)
            self._direct_paragraphs()
        finally:
            self.blockSignals(blocker)
            self._rewrapping = False
