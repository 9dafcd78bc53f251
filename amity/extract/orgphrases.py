"""Organisations no list knows, found by their shape.

English: a run of capitalised words around a head noun ("Academy of Journalism and Communication",
"Vietnam-UK Network", "Binh Duong provincial People's Committee", "Japanese government").
Vietnamese: a head word first, then capitalised syllables ("Sở Kế hoạch và Đầu tư",
"Tổng Lãnh sự quán Liên bang Nga", "Trường THCS Hòa Lợi").  The head decides the kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .normalize import fold_word as fold
from .normalize import grouped_alternation

_TOKEN = re.compile(r"[^\W_][\w'’&.]*(?:-[^\W_][\w'’&.]*)*|[-–&]")

# English head nouns (folded, singular) -> kind
EN_HEADS = {
    "association": "other", "union": "other", "network": "other", "academy": "university",
    "university": "university", "college": "university", "institute": "university", "school": "other",
    "library": "other", "museum": "other", "house": "other", "village": "other", "centre": "other",
    "center": "other", "hospital": "other", "club": "other", "committee": "government",
    "commission": "government", "council": "government", "ministry": "government", "department": "government",
    "agency": "government", "office": "government", "embassy": "government", "consulate": "government",
    "government": "government", "administration": "government", "authority": "government",
    "party": "party", "assembly": "parliament", "parliament": "parliament", "group": "business",
    "company": "business", "corporation": "business", "corp": "business", "bank": "business",
    "jsc": "business", "enterprise": "business", "federation": "other", "league": "other",
    "society": "ngo", "organisation": "other", "organization": "other", "foundation": "ngo",
    "fund": "ngo", "front": "government", "forum": "international_org", "chamber": "business",
    "alliance": "other", "newspaper": "media", "magazine": "media", "television": "media",
    "radio": "media", "secretariat": "party", "presidium": "other", "board": "other", "trust": "ngo",
    "charity": "ngo", "cooperative": "business", "team": "other",
    # foreign NGOs and agencies named without one of the heads above ("Plan International",
    # "Medical Outreach of America", "Irish Aid", "Peace Corps")
    "international": "ngo", "outreach": "ngo", "initiative": "ngo", "mission": "government",
    "division": "government", "corps": "ngo", "aid": "government",
}
_ADJ_HEADS = frozenset(("international", "aid", "outreach", "initiative", "mission", "division", "corps"))
_PLURAL = {"organisations": "organisation", "organizations": "organization"}
_IN_HEADS = frozenset(("association", "embassy", "consulate", "house", "office", "network", "chamber"))
_LOWER_OK = frozenset("provincial municipal district city city's primary secondary high national "
                      "people's".split())
_GENERIC_CAPS = frozenset("people's people’s central national standing executive permanent organising organizing "
                          "steering new local international provincial municipal district city party".split())
_EVENT_NOUNS = frozenset("congress conference summit forum day week festival meeting session plenum".split())
_STOP_LEFT = frozenset(fold(w) for w in (
    "The A An This That These Those Its Their His Her Our President Vice Chairman Chairwoman Chair "
    "Secretary General Director Deputy Head Minister Ambassador Consul Prime Mr Ms Mrs Dr Prof Member "
    "Members Permanent Standing Honorary Acting Former Leader Leaders Representative Representatives "
    "Officials Official Delegates Delegation At In On Of For With From By To And During After Before "
    "When While As Under Through Between Among Also But However Meanwhile Photo Source Lieutenant "
    "Colonel Party's January February March April May June July August September October November "
    "December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Chief Executive Founder CEO".split()))

# Vietnamese heads (as written, NFC) -> kind
VI_HEADS = {
    "Hội": "other", "Liên hiệp": "friendship_union", "Ủy ban": "government", "Uỷ ban": "government",
    "UBND": "government", "Sở": "government", "Bộ": "government", "Ban": "party", "Trường": "other",
    "Đại học": "university", "Học viện": "university", "Viện": "university", "Trung tâm": "other",
    "Quỹ": "ngo", "Tổ chức": "ngo", "Công ty": "business", "Tập đoàn": "business", "Hội đồng": "government",
    "Nhóm": "other", "Tổng Lãnh sự quán": "government", "Lãnh sự quán": "government",
    "Đại sứ quán": "government", "Làng": "other", "Báo": "media", "Đài": "media", "Tổng cục": "government",
    "Cục": "government", "Văn phòng": "government", "Mặt trận": "government", "Tỉnh ủy": "party",
    "Thành ủy": "party", "Tỉnh uỷ": "party", "Thành uỷ": "party", "Đảng ủy": "party", "Hội Liên hiệp": "other",
    "Câu lạc bộ": "other", "CLB": "other", "Bệnh viện": "other", "Ngân hàng": "business",
    "Tiểu học": "other", "THCS": "other", "THPT": "other", "Mầm non": "other",
    "Ủy ban nhân dân": "government", "Uỷ ban nhân dân": "government", "Ủy ban MTTQ": "government",
    "Uỷ ban MTTQ": "government", "Ủy ban Mặt trận Tổ quốc": "government", "Nhóm Công tác": "government",
}
# internal bodies of an association or a congress: not organisations of their own
_VI_SKIP = frozenset(("Ban Chấp hành", "Ban Thường vụ", "Ban Tổ chức", "Ban Thư ký", "Ban Kiểm tra",
                      "Ban Chủ nhiệm", "Ban Biên tập", "Ban Giám đốc", "Ban Giám hiệu", "Ban lãnh đạo"))
_VI_STOP = frozenset("""ra trong xác luôn đánh cho vào gồm sẽ được phê từ là có đã đang tại với của các những này
đó khi để về theo trên dưới sau trước nhằm cùng đến tham tiếp thăm làm việc họp chủ đề nêu nói biết phát ký kết
trao tặng nhận mở đón gặp tổ chức năm ngày tháng khóa khoá nhiệm kỳ lần thứ cũng còn rất đều vừa qua hôm nay
mới tới thì mà nên nhưng hay hoặc bởi vì do lại chỉ đây kia ấy cả hơn gần khoảng như tiến hành thực hiện
triển khai phối hợp hỗ trợ""".split())


def _heads_rx(heads) -> re.Pattern:
    """Any of ``heads`` as a whole word before a space, the longest first (the "not after a word
    character" test sits after each first letter: see :func:`.normalize.grouped_alternation`)."""
    heads = sorted(heads, key=lambda h: len(re.escape(h)), reverse=True)
    return re.compile("(" + grouped_alternation(heads, guard=r"\w") + r")(?=[ ])")


VI_HEAD_RX = _heads_rx(VI_HEADS)
_VI_NOT_AFTER_HOI = frozenset(("nghị", "thảo", "đàm", "kiến", "viên", "chợ", "diễn", "thi", "trại", "ngộ",
                               "tụ", "họp", "sở", "nhập", "đủ", "ý", "nhà", "nghi", "thao", "dam", "kien"))
_VI_PLACE = frozenset(("tỉnh", "thành phố", "huyện", "quận", "xã", "phường", "TP.", "TP", "tp.", "thị xã"))
_VI_CONN = frozenset(("và", "-", "–", "&"))


_NON_SPACE = re.compile(r"\S+")


@dataclass(slots=True)
class Phrase:
    start: int
    end: int
    name: str
    kind: str


def _is_cap(w: str) -> bool:
    return w[:1].isupper() or (w[:1].isdigit() and len(w) > 1 and w[-2:] in ("th", "st", "nd", "rd"))


@lru_cache(maxsize=32768)
def _head_of(w: str) -> str | None:
    f = (w.lower() if w.isascii() else fold(w)).rstrip(".'’")
    f = _PLURAL.get(f, f)
    return f if f in EN_HEADS else None


@lru_cache(maxsize=2)
def _head_automaton(lang: str):
    import ahocorasick

    auto = ahocorasick.Automaton()
    words = VI_HEADS if lang == "vi" else list(EN_HEADS) + list(_PLURAL)
    for w in words:
        key = fold(w)
        auto.add_word(key, len(key))
    auto.make_automaton()
    return auto


def head_positions(folded: str, lang: str) -> list[int]:
    """Offsets of head words (folded, whole words) in the text: sentences without one are skipped."""
    out = []
    n = len(folded)
    for end, length in _head_automaton(lang).iter(folded):
        s = end - length + 1
        if (s == 0 or not folded[s - 1].isalnum()) and (end + 1 >= n or not folded[end + 1].isalnum()):
            out.append(s)
    out.sort()
    return out


def english(text: str, lo: int, hi: int, demonym_starts: set[int], sentence_start: int | None = None) -> list[Phrase]:
    """Organisation phrases in ``text[lo:hi]`` (``sentence_start``: where the sentence begins, for
    the sentence-initial-word rule; defaults to ``lo``)."""
    toks = [(m.start(), m.end(), m[0]) for m in _TOKEN.finditer(text, lo, hi)]
    out: list[Phrase] = []
    n = len(toks)
    first_tok = 0 if toks and toks[0][0] == (lo if sentence_start is None else sentence_start) else -1
    i = 0
    while i < n:
        s, e, w = toks[i]
        head = _head_of(w)
        if head is None or (not _is_cap(w) and head not in ("government", "school")):
            i += 1
            continue
        if head in _ADJ_HEADS and i + 1 < n and (_is_cap(toks[i + 1][2]) or toks[i + 1][2] == "and"):
            i += 1                       # "International Cooperation", "Aid Effectiveness": an adjective
            continue
        # extend left
        j = i
        while j > 0:
            ps, pe, pw = toks[j - 1]
            if text[pe:toks[j][0]] not in (" ", "", "-", " - ", " – ", "–"):
                break
            fw = fold(pw).rstrip("'’s") if pw.endswith(("'s", "’s")) and pw not in ("People's", "People’s") else fold(pw)
            if fold(pw) in _STOP_LEFT or fw in _STOP_LEFT:
                break
            if _is_cap(pw) or pw in ("-", "–", "&") or fold(pw) in _LOWER_OK:
                j -= 1
                continue
            if pw == "and" and j - 2 >= 0 and _is_cap(toks[j - 2][2]) and _is_cap(toks[j][2]):
                j -= 1                   # "Viet-Pol International Cooperation and Overseas Education ... Centre"
                continue
            break
        while j < i and toks[j][2] in ("-", "–", "&"):
            j += 1
        lead_ok = j < i and (toks[i - 1][0] in demonym_starts or _is_cap(toks[i - 1][2])
                             or (fold(toks[i - 1][2]) in _LOWER_OK and i - 2 >= j and _is_cap(toks[i - 2][2])))
        if not _is_cap(w) and not lead_ok:
            i += 1
            continue
        # extend right: heads and capitalised words directly after, then "of/for/in (the) Capitalised..."
        k = i
        while True:
            if k + 1 < n and _is_cap(toks[k + 1][2]) and _head_of(toks[k + 1][2]) and text[toks[k][1]:toks[k + 1][0]] == " ":
                k += 1
                continue
            m = k + 1
            conn = fold(toks[m][2]) if m < n else ""
            if (conn in ("of", "for", "on") or (conn == "in" and head in _IN_HEADS)) \
                    and text[toks[k][1]:toks[m][0]] == " ":
                m2 = m + 1
                if m2 < n and fold(toks[m2][2]) == "the":
                    m2 += 1
                q = m2
                while q < n and (_is_cap(toks[q][2]) or (fold(toks[q][2]) in ("and", "&", "-", "for") and q + 1 < n
                                                         and _is_cap(toks[q + 1][2]))) \
                        and (text[toks[q - 1][1]:toks[q][0]] in (" ", "-", " - ", "–", " – ")
                             or (text[toks[q - 1][1]:toks[q][0]] == ") " and toks[q - 1][2].isupper())
                             or (text[toks[q - 1][1]:toks[q][0]] == " (" and toks[q][2].isupper()
                                 and text[toks[q][1]:toks[q][1] + 2] == ") ")):
                    if fold(toks[q][2]) in _STOP_LEFT and fold(toks[q][2]) not in ("and",):
                        break
                    if toks[q][2] in ("and", "&") and _head_ahead(toks, q + 1, text):
                        break            # "... Department of Foreign Affairs and Hue Central Hospital"
                    q += 1
                if q > m2:
                    k = q - 1
                    while k > m2 and text[toks[k][0] - 1] == "(":
                        k -= 1           # "... Organisations (HUFO)" at the end: the acronym is an alias
                    continue
            break
        if k == i and j == i:
            i += 1
            continue
        start, end = toks[j][0], toks[k][1]
        name = text[start:end].rstrip(".,'’")
        # a bare "People's Committee" / "Party Committee" still names a body; one capital word + head too
        caps = [t for t in toks[j:k + 1] if _is_cap(t[2]) and fold(t[2]) not in _GENERIC_CAPS
                and _head_of(t[2]) is None and not t[2][:1].isdigit()]
        lower_lead = not _is_cap(toks[j][2])
        nxt = toks[k + 1][2] if k + 1 < n and text[toks[k][1]:toks[k + 1][0]] == " " else ""
        if fold(nxt).rstrip(".,;:") in _EVENT_NOUNS:
            i = k + 1
            continue                     # "14th National Party Congress" is an event
        if caps and j == first_tok and len(caps) == 1 and caps[0] is toks[j] and k - j <= 1:
            i = k + 1
            continue                     # "Regarding Party": a sentence-initial word before a head
        if j >= 2 and toks[j - 1][2] == "of" and _is_cap(toks[j - 2][2]) and fold(toks[j - 2][2]) not in _STOP_LEFT and \
                text[toks[j - 2][1]:toks[j][0]] == " of ":
            i = k + 1
            continue                     # "... Unions of Friendship Organizations": the tail of a name
        if (caps or lower_lead) and len(toks[j:k + 1]) >= 2:
            out.append(Phrase(start, start + len(name), name, _kind(name, head)))
        i = k + 1
    return out


def _head_ahead(toks: list, q: int, text: str) -> bool:
    """A head noun among the capitalised words from token ``q`` on: a second organisation starts."""
    n = len(toks)
    while q < n and _is_cap(toks[q][2]):
        if _head_of(toks[q][2]) is not None:
            return True
        if q + 1 < n and text[toks[q][1]:toks[q + 1][0]] != " ":
            return False
        q += 1
    return False


def _kind(name: str, head: str) -> str:
    f = fold(name)
    if "friendship association" in f or "friendship society" in f:
        return "friendship_association"
    if "union of friendship" in f:
        return "friendship_union"
    if "people's committee" in f or "people’s committee" in f:
        return "government"
    if "party committee" in f or f.startswith("party ") or head == "party":
        return "party"
    if "national assembly" in f:
        return "parliament"
    if head in ("association", "network") and ("-" in f or "friendship" in f):
        return "friendship_association"
    if head == "association" and ("victims" in f or "red cross" in f):
        return "ngo"
    if "university" in f or "academy" in f:
        return "university"
    return EN_HEADS.get(head, "other")


def vietnamese(text: str, lo: int, hi: int, provinces_at=None, nodiac: bool = False) -> list[Phrase]:
    """``provinces_at(pos)`` returns the end of a province name starting at ``pos`` (or None).
    ``nodiac``: the text was written without diacritics ("Hoi huu nghi", "So Ngoai vu").
    """
    V = _vocab(nodiac)
    out: list[Phrase] = []
    pos = lo
    for m in V.head_rx.finditer(text, lo, hi):
        if m.start() < pos:
            continue
        head = V.head_of[m.group(1)]
        if text.startswith(V.skip, m.start()):
            continue
        bound = min(hi, m.end() + 160)
        first_word = _NON_SPACE.search(text, m.end(), bound)
        if first_word is None:
            continue
        first = first_word[0].rstrip(",.;:)")
        if nodiac and head == "Trường" and first not in _ND_SCHOOL:
            continue                     # "Truong Quang Nghia" is a person (Trương)
        if head == "Hội" and (first in V.not_after_hoi or first.lower() in V.not_after_hoi):
            continue
        if head in ("Ban", "Bộ", "Sở", "Viện", "Trường", "Nhóm", "Làng", "Báo", "Đài", "Cục", "Quỹ") and not _is_cap(first):
            if not (head == "Ban" and first in V.ban_ok):
                continue
        # the words after the head (only now: most heads are ruled out by the first word, "Hội nghị")
        words = [(r.start(), r.end(), r[0]) for r in _NON_SPACE.finditer(text, m.end(), bound)]
        end = m.end()
        prev_cap = False
        lower_run = 0
        place_mode = False
        k = 0
        while k < len(words):
            if place_mode:
                # after "tỉnh"/"thành phố": a province name, or one capitalised word, and the name ends
                ws = words[k][0]
                prov = provinces_at(ws) if provinces_at else None
                nxt = words[k + 1][2] if k + 1 < len(words) else ""
                if prov:
                    end = prov
                elif _is_cap(words[k][2]) and not (words[k][2] in V.surnames and _is_cap(nxt)):
                    end = ws + len(words[k][2].rstrip(",.;:)(\"”"))
                break
            ws, we, w = words[k]
            if w[:1] in "(\"“'[":
                break
            core = w.rstrip(",.;:)(\"”")
            stop_after = core != w
            if not core:
                break
            if k > 0 and _is_cap(core) and core in V.surnames and k + 1 < len(words) and _is_cap(words[k + 1][2]):
                break                    # a person's name follows the organisation
            if _is_cap(core) or core.isupper():
                prev_cap, lower_run = True, 0
            elif core in _VI_CONN:
                nxt = words[k + 1][2] if k + 1 < len(words) else ""
                if _is_cap(nxt) and not text.startswith(V.heads, words[k + 1][0]):
                    prev_cap, lower_run = False, 0
                else:
                    break
            elif core in V.thanh_thi and k + 1 < len(words) and words[k + 1][2].rstrip(",.;:") in V.pho_xa:
                end = words[k + 1][0] + len(words[k + 1][2].rstrip(",.;:)"))
                k += 2
                place_mode = True
                continue
            elif core in V.place:
                end = ws + len(core)
                k += 1
                place_mode = True
                continue
            elif prev_cap and lower_run == 0 and core.lower() not in V.stop:
                lower_run = 1            # second syllable of a capitalised compound: "Kế hoạch"
            elif (jump := _lower_run_to_place(words, k, V=V)) is not None:
                # "Hội Nạn nhân chất độc da cam tỉnh X": lower-case words up to a place marker
                k = jump
                prev_cap, lower_run = False, 0
                continue
            else:
                break
            end = ws + len(core)
            k += 1
            if stop_after:
                break
        # trailing place words without a name are dropped ("Ủy ban nhân dân tỉnh" keeps "tỉnh": annotators do)
        name = text[m.start():end]
        if len(name) <= len(head) + 1:
            continue
        start = m.start()
        if head == "Tổ chức" and words and words[0][2][:1].isupper() and text[words[0][0]:end].isascii():
            start = words[0][0]          # "Tổ chức Children of Vietnam": the name is the foreign one
            name = text[start:end]
        out.append(Phrase(start, end, name, _vi_kind(head, name)))
        pos = end
    return out


_VN_SURNAMES = frozenset("""Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Lâm
Trịnh Đào Cao Lưu Tô Tạ Chu Châu Quách Đồng Lương Triệu Tăng Kiều Khổng Vương Tôn Thân Lại Nghiêm Phùng
Hứa Mạc Nông Diệp Doãn Khúc Khương Phí Tống Trương Từ Đàm Ninh Hầu Bạch Bế Cù Đậu Thạch Vy""".split())


def _lower_run_to_place(words: list, k: int, limit: int = 5, V=None) -> int | None:
    """Index of a place marker ("tỉnh", "thành phố", "Việt Nam") within ``limit`` lower-case,
    non-function words from ``k``; None when the run does not reach one."""
    V = V or _vocab(False)
    for j in range(k, min(len(words), k + limit + 1)):
        w = words[j][2].rstrip(",.;:)")
        if w != words[j][2] and j > k:
            return None
        if w in V.place or w in V.thanh_viet and j + 1 < len(words) and \
                words[j + 1][2].rstrip(",.;:)") in V.pho_nam:
            return j if j > k else None
        if not w or w[:1].isupper() or w.lower() in V.stop or not w.isalpha() and "/" not in w:
            return None
    return None


def _vi_kind(head: str, name: str) -> str:
    f = fold(name)
    if f.startswith("hoi huu nghi") or (head == "Hội" and " - " in name):
        return "friendship_association"
    if "lien hiep cac to chuc huu nghi" in f:
        return "friendship_union"
    if f.startswith(("uy ban nhan dan", "ubnd")):
        return "government"
    if head == "Ban":
        return "party"
    return VI_HEADS.get(head, "other")


def _strip(word: str) -> str:
    """Diacritics off, case kept ("Hội" -> "Hoi", "Đại" -> "Dai"); one character for one."""
    import unicodedata

    word = word.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


# heads too ambiguous without diacritics: "Lang Son" (Lạng Sơn), "Dai hoi" (Đại hội), "Bao" ...
_ND_UNSAFE = frozenset(("Làng", "Báo", "Đài", "Tiểu học", "Mầm non"))
_ND_SCHOOL = frozenset("Dai Cao THCS THPT Tieu Mam Trung Pho Chinh Quoc".split())


@dataclass(frozen=True)
class _Vocab:
    head_rx: re.Pattern
    head_of: dict
    heads: tuple
    skip: tuple                  # (tuples: str.startswith takes them)
    not_after_hoi: frozenset
    ban_ok: frozenset
    surnames: frozenset
    thanh_thi: frozenset
    pho_xa: frozenset
    thanh_viet: frozenset
    pho_nam: frozenset
    place: frozenset
    stop: frozenset


@lru_cache(maxsize=2)
def _vocab(nodiac: bool) -> _Vocab:
    f = _strip if nodiac else (lambda w: w)
    heads = [h for h in VI_HEADS if not (nodiac and h in _ND_UNSAFE)]
    head_of: dict[str, str] = {}
    for h in heads:
        head_of.setdefault(f(h), h)
    rx = _heads_rx(head_of) if nodiac else VI_HEAD_RX

    def fs(words) -> frozenset:
        return frozenset(f(w) for w in words)

    return _Vocab(rx, head_of, tuple(head_of), tuple(fs(_VI_SKIP)), fs(_VI_NOT_AFTER_HOI),
                  fs(("dân", "tuyên", "đối", "chấp", "tổ", "chỉ")), fs(_VN_SURNAMES), fs(("thành", "thị")),
                  fs(("phố", "xã")), fs(("thành", "Việt")), fs(("phố", "Nam")), fs(_VI_PLACE), fs(_VI_STOP))
