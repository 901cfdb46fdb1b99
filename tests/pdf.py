"""The text of a PDF that Chromium printed (`page.pdf()`), without a PDF library.

Chromium writes PDFs with Skia in a plain shape: uncompressed object syntax, Flate-compressed
streams with their /Length, Type0 fonts with a ToUnicode map, and text shown glyph by glyph
with `<hex> Tj` (or `[<hex> …] TJ`) after `/Fn size Tf` and a `Tm` that places each run. That
is all this reads: enough for a test to find words on a printed page, not a general reader.
"""

import re
import unicodedata
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*")
# A ligature's glyph stands for its letters ("ﬂ" for "fl"), as a reader copying it gets them.
LIGATURES = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
REFERENCE = rb"(\d+) 0 R"


def pdf_text(data: bytes) -> str:
    """The text of every page, in order: runs on one line joined, a new line for each line."""
    objects = _objects(data)
    fonts = _fonts(objects)
    pages = _pages(objects)
    text = "\n\f".join(_page_text(objects, page, fonts) for page in pages)
    return text.translate(LIGATURES)


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    """{number: (dictionary, decoded stream or b"")}."""
    found = {}
    for match in OBJECT.finditer(data):
        start = match.end()
        end = data.find(b"endobj", start)
        head = data[start:end]
        stream = b""
        at = head.find(b"stream")
        if at != -1 and head[:at].rstrip().endswith(b">>"):
            dictionary = head[:at]
            length = re.search(rb"/Length (\d+)(?! 0 R)", dictionary)
            body_start = start + at + len(b"stream")
            body_start += 2 if data[body_start : body_start + 2] == b"\r\n" else 1
            if length:
                raw = data[body_start : body_start + int(length[1])]
                end = data.find(b"endobj", body_start + int(length[1]))
            else:
                raw = data[body_start : data.find(b"endstream", body_start)]
            stream = zlib.decompress(raw) if b"/FlateDecode" in dictionary else raw
            head = dictionary
        found[int(match[1])] = (head, stream)
    return found


def _fonts(objects) -> dict[bytes, dict[int, str]]:
    """{resource name such as b"F4": {glyph code: text}}, from every page's font resources."""
    maps = {}
    for head, _ in objects.values():
        resources = re.search(rb"/Font\s*<<(.*?)>>", head, re.S)
        if not resources:
            continue
        for name, number in re.findall(rb"/(\w+) " + REFERENCE, resources[1]):
            font = objects.get(int(number), (b"", b""))[0]
            to_unicode = re.search(rb"/ToUnicode " + REFERENCE, font)
            if to_unicode:
                maps[name] = _cmap(objects[int(to_unicode[1])][1])
    return maps


def _cmap(stream: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(source, 16)] = _utf16(target)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        pattern = rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])"
        for low, high, target in re.findall(pattern, block):
            low, high = int(low, 16), int(high, 16)
            if target.startswith(b"["):
                targets = re.findall(rb"<([0-9A-Fa-f]+)>", target)
                for offset, each in enumerate(targets):
                    mapping[low + offset] = _utf16(each)
            else:
                first = int(target[1:-1], 16)
                for offset in range(high - low + 1):
                    mapping[low + offset] = chr(first + offset)
    return mapping


def _utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode()).decode("utf-16-be", errors="replace")


def _pages(objects) -> list[int]:
    """Page objects in reading order, through the page tree from the catalog."""
    catalog = next(head for head, _ in objects.values() if b"/Type /Catalog" in head)
    root = int(re.search(rb"/Pages " + REFERENCE, catalog)[1])

    def walk(number: int) -> list[int]:
        head = objects[number][0]
        if b"/Type /Page" in head and b"/Type /Pages" not in head:
            return [number]
        kids = re.search(rb"/Kids \[(.*?)\]", head, re.S)[1]
        return [page for kid in re.findall(REFERENCE, kids) for page in walk(int(kid))]

    return walk(root)


TOKENS = re.compile(
    rb"/(\w+)\s+[-\d.]+\s+Tf"  # a font
    rb"|([-\d.]+)\s+([-\d.]+)\s+Tm"  # where the next run goes (its x and y)
    rb"|<([0-9A-Fa-f]*)>\s*Tj"  # a run
    rb"|\[((?:[^\]\\]|\\.)*)\]\s*TJ",  # a run with spacing adjustments
    re.S,
)


def _page_text(objects, page: int, fonts) -> str:
    head = objects[page][0]
    contents = re.search(rb"/Contents (?:" + REFERENCE + rb"|\[(.*?)\])", head, re.S)
    numbers = [contents[1]] if contents[1] else re.findall(REFERENCE, contents[2])
    stream = b"\n".join(objects[int(number)][1] for number in numbers)
    lines, line, font, y = [], [], {}, None
    for match in TOKENS.finditer(stream):
        name, _, new_y, run, array = match.groups()
        if name is not None:
            font = fonts.get(name, {})
        elif new_y is not None:
            if y is not None and new_y != y:
                lines.append("".join(line))
                line = []
            y = new_y
        else:
            hexes = [run] if run is not None else re.findall(rb"<([0-9A-Fa-f]*)>", array)
            for text in hexes:
                codes = bytes.fromhex(text.decode())
                line += [
                    font.get(int.from_bytes(codes[i : i + 2]), "") for i in range(0, len(codes), 2)
                ]
    lines.append("".join(line))
    return "\n".join(lines)
