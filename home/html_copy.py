"""The part of an HTML rewriter that copies what it does not change (furigana, 用語集)."""

from html.parser import HTMLParser


class CopyingParser(HTMLParser):
    """Collects output in ``self.out``; comments, declarations and processing instructions
    are copied as they came."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")
