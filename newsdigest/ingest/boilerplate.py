"""Rules that tell a news page's clutter from its article, line by line, shared by the text and HTML
cleaners."""

from __future__ import annotations

import re

from .embeds import set_apart_posts
from .extracted import Block, Extracted, block_kind

# A line is prose when it is long enough to be a paragraph of reporting rather than a menu item or a title.
PROSE_MIN_WORDS = 10

# Section headings that end an article body: what follows is other stories, sharing, comments.
SECTION_MARKERS = re.compile(
    r"^(?:related(?: (?:articles?|stories|news|posts|coverage|content|reading|topics))?|latest(?: (?:news|"
    r"stories|"
    r"articles?|headlines|updates|videos?))?|also read|read more|read next|more (?:stories|news|from|on)\b.*|"
    r"trending(?: now| news| stories)?|top stories|most (?:read|popular|viewed|shared)|popular(?: stories|"
    r" posts)?|"
    r"recommended(?: for you| stories)?|you (?:may|might) (?:also )?like|don'?t miss|editor'?s picks?|"
    r"editors'? recommendations?|more|sitemap|site map|seitenübersicht|plan du site|"
    r"subscribe(?: now| to .*)?|follow us(?: on .*)?|share(?: this(?: article| story| post)?| on .*)?|"
    r"comments?|leave a (?:comment|reply)|join the conversation|tags?|topics|more in .*|in other news|"
    r"advertisement|sponsored(?: content| stories)?|promoted stories|around the web|newsletter|"
    r"post navigation|"
    r"(?:previous|next) (?:post|article|story)\b.*)\s*:?$",
    re.IGNORECASE,
)

# The start of readers' comments: never part of the article, however long.
COMMENTS_MARKER = re.compile(
    r"^\W*(?:\d+\s+)?(?:top rated |top |reader |readers'? |user |latest )?comments?\b[^.!?]{0,20}$|"
    r"^\W*(?:leave|post|add|write) a (?:comment|reply)|^\W*join the (?:conversation|discussion)|"
    r"^\W*(?:show|view|load|see) (?:all )?(?:\d+ )?comments",
    re.IGNORECASE,
)

# Lines inside a body that are prompts or promotions, not reporting.
PROMPT_LINE = re.compile(
    r"^(?:\W*(?:(?:related|watch|listen|recommended|see also|tags?|filed under|categor(?:y|ies))\s*:\s*|"
    r"also read|read more|read also|also on|read the original(?: article)?|"
    r"must read|"
    r"click here|subscribe|sign up|follow us|follow (?:him|her|them|me) on|like this story|like us on|"
    r"share this|"
    r"share on|get the latest|get our|have a tip|tell us what you think|download the|this story (?:was|"
    r"has been) "
    r"(?:updated|corrected))\b|\[\w+[^\]]*\].*\[/\w+\]|\d*\s*comments?$|advert(?:isement)?$|"
    r".*requires javascript\.?$|\d+\s*(?:[smhd]|mins?|minutes?|hours?|hrs?|days?)\s+ago$|"
    r"\[(?:사진|写真|图片?|圖片?|photo|foto|bild)\s*[=:：][^\]]*\]$|"
    r"(?:photo|image|file photo|"
    r"picture|video)\s*(?:credit)?\s*:\s.{0,120}$)",
    re.IGNORECASE,
)
# Site furniture that reads like prose: cookie banners, legal lines, calls to click.
FURNITURE_LINE = re.compile(
    r"\b(?:this (?:site|website) uses cookies|we use cookies|cookies? (?:policy|settings|consent)|"
    r"all rights reserved|click here)\b|^(?:©|copyright\b)",
    re.IGNORECASE,
)
# A reprint's notice ("Originally published on Live Science.", "This article was originally published by
# Futurism. Read the original article.").
REPRINT_LINE = re.compile(
    r"^(?:this (?:article|story|piece|post|column) (?:was |is )?)?(?:originally|first) (?:published|appeared|"
    r"posted|ran)\b",
    re.IGNORECASE,
)
# A list's entry that is a category and its count ("Politics (12)").
COUNTED_ENTRY = re.compile(r"^[^\W\d][\w &'’.-]{0,40}\s*\(\d+\)$")
SHORT_LEGAL_LINE = re.compile(
    r"\b(?:privacy (?:policy|notice)|terms (?:of (?:use|service)|and conditions|& conditions))\b",
    re.IGNORECASE,
)
CONTACT_LINE = re.compile(
    r"\b(?:can|may) be reached at\b|\bfollow (?:him|her|them) on (?:twitter|x|facebook)\b|"
    r"\bemail (?:him|her|them|us) at\b|@\w+\.\w{2,}",
    re.IGNORECASE,
)

WIRE_AGENCIES = (
    "AP",
    "AFP",
    "ANI",
    "IANS",
    "IBNS",
    "PTI",
    "UNI",
    "Reuters",
    "Bloomberg",
    "Xinhua",
    "EFE",
    "DPA",
    "Kyodo",
    "Yonhap",
    "TASS",
    "Press Trust of India",
    "Associated Press",
    "Agence France-Presse",
    "Asian News International",
    "Indo-Asian News Service",
    "NNA",
    "BSS",
    "APP",
    "Bernama",
)
_AGENCY_LINE = re.compile(
    r"^(?:(?:with )?(?:inputs?|reporting|additional reporting)?\s*(?:from|by)?\s*)?\(?("
    + "|".join(re.escape(a) for a in sorted(WIRE_AGENCIES, key=len, reverse=True))
    + r")\)?\.?$",
    re.IGNORECASE,
)
_CAPITALS_LINE = re.compile(r"^[A-Z][A-Z&.\-/ ]{1,14}$")
_ROLES = (r"(?:senior |chief |staff |special |political |business |foreign |national |diplomatic )*"
          r"(?:staff reporter|reporter|correspondent|editor|writer|journalist|contributor|columnist|"
          r"analyst|bureau chief|sub-editor|news desk|desk)")
BIO_LINE = re.compile(
    rf"^(?:[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){{0,3}} (?:is|was) (?:an? |the )?)?(?:{_ROLES})\b.*"
    rf"\b(?:at|with|for|of)\b",
    re.IGNORECASE,
)
_PUBLISHER_IN_BIO = re.compile(
    rf"(?i:{_ROLES})\s+(?:at|with|for)\s+(?:the\s+)?([A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){{0,5}})"
)
DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w.'’-]*(?:[ /-][A-Z][\w.'’-]*){0,3}(?:\s*/\s*[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)?)*"
    r"(?:,\s*[A-Z][\w.'’]*(?: [A-Z][\w.'’]*){0,2})?)"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}))?"
    r"\s*(?:\((?P<agency>[^)]{2,30})\))?\s*(?::|—|–|-{1,2})\s+(?=\S)")


_CLOSING_CREDIT = re.compile(
    r"\s*(?:\(c\)|©)\s*(" + "|".join(re.escape(a) for a in sorted(WIRE_AGENCIES, key=len, reverse=True))
    + r")\b(?:\s*/\s*[^/.!?。]{1,60})?$", re.IGNORECASE)
_WORD_OF_LETTERS = re.compile(r"[^\W\d_][\w'’-]*")
_STOP_AT_END = re.compile(r"[.;:,。।။۔]$")
_SENTENCE_THEN_CAPITAL = re.compile(r"[.!?][”\"’']?\s+[A-Z][a-z]")
_PROSE_END = re.compile(r"[.!?…:;”\"’)。！？।။۔؟]$")
_ANY_STOP = re.compile(r"[.!?…:;,”\"’)。！？]")
_QUESTION_OR_EXCLAMATION_END = re.compile(r"[?!][”\"’']?$")
_ADDRESS = re.compile(r"\bhttps?://\S+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_UNSPACED_ALPHABETS = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff]")  # Thai, Lao, Khmer


def word_count(line: str) -> int:
    """Words as a reader counts them. Chinese and Japanese write no spaces: two characters make a word. Thai,
    Lao and Khmer write none between words either: four letters make one."""
    if line.isascii():
        return len(line.split())
    spaced = _UNSPACED_ALPHABETS.sub(" ", _CJK.sub(" ", line))
    return (len(spaced.split()) + len(_CJK.findall(line)) // 2
            + len(_UNSPACED_ALPHABETS.findall(line)) // 4)


def is_section_marker(line: str) -> bool:
    return len(line) <= 60 and bool(SECTION_MARKERS.match(line.strip()))


def is_prompt(line: str) -> bool:
    """A share or subscribe prompt, an inline promotion, a photo credit or a contact line."""
    stripped = line.strip()
    words = len(stripped.split())
    return (bool(PROMPT_LINE.match(stripped)) or bool(FURNITURE_LINE.search(stripped))
            or (words <= 40 and bool(CONTACT_LINE.search(stripped)))
            or (words <= 12 and bool(SHORT_LEGAL_LINE.search(stripped)))
            or (words <= 30 and bool(REPRINT_LINE.match(stripped))) or bool(COUNTED_ENTRY.match(stripped)))


def agency_named(name: str) -> str:
    """A wire service as WIRE_AGENCIES spells it, for a name that matched one in any case."""
    return next(a for a in WIRE_AGENCIES if a.lower() == name.lower())


def credit_of(line: str) -> str | None:
    """The wire service a lone credit line names ("IBNS", "With inputs from PTI"), if it is one."""
    stripped = line.strip()
    match = _AGENCY_LINE.match(stripped)
    if match:
        return agency_named(match.group(1))
    if _CAPITALS_LINE.match(stripped) and len(stripped.split()) <= 3:
        return stripped
    return None


def is_bio(line: str) -> bool:
    """A line about the reporter rather than the news: 'Senior Staff Reporter at Northeast Herald, covering
    ...'."""
    stripped = line.strip()
    return len(stripped.split()) <= 45 and bool(BIO_LINE.match(stripped))


def publisher_in_bio(line: str) -> str:
    match = _PUBLISHER_IN_BIO.search(line)
    return match.group(1).rstrip(".,") if match else ""


def split_dateline(paragraph: str) -> tuple[str, str]:
    """The dateline that opens a body ('New Delhi/Beijing: ...') and the agency in it, if any."""
    match = DATELINE.match(paragraph)
    if not match or len(match.group("place").split()) > 5:
        return "", ""
    agency = match.group("agency") or ""
    return match.group("place").strip(), agency.strip()


def is_title_case(line: str) -> bool:
    """Most longer words capitalised, as in the headlines of a list of other stories."""
    words = [w for w in _WORD_OF_LETTERS.findall(line) if len(w) >= 4]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def is_headline_shaped(line: str) -> bool:
    """Short, no closing full stop: how the titles in a list of other stories look."""
    stripped = line.strip()
    opens_like_a_title = not stripped[:1].islower()
    return (3 <= word_count(stripped) <= 25 and opens_like_a_title
            and not _STOP_AT_END.search(stripped) and not _SENTENCE_THEN_CAPITAL.search(stripped))


def prose_words(line: str) -> int:
    """The line's word count if it reads as a paragraph of reporting, else 0."""
    if is_prompt(line) or is_title_case(line):
        return 0
    words = word_count(line)
    if words >= PROSE_MIN_WORDS and (_PROSE_END.search(line) or words >= 25):
        return words
    return 0


def tidy_body(body: list[str], extracted: Extracted) -> list[str]:
    """The body without what follows its end, its credit and bio lines and its prompts; the dateline noted."""
    body = cut_at_terminal_marker(set_apart_posts(body), extracted)
    body = strip_tail(body, extracted)
    paragraphs = [line for line in body if not _is_clutter(line, extracted)]
    take_dateline(paragraphs, extracted)
    return paragraphs


def cut_at_terminal_marker(body: list[str], extracted: Extracted) -> list[str]:
    """Readers' comments end the article; so does a section marker ('Related Articles', 'Share') with less
    prose after it than before."""
    prose = [prose_words(line) for line in body]
    before = 0
    for index, line in enumerate(body):
        ends = COMMENTS_MARKER.match(line) or (is_section_marker(line) and sum(prose[index:]) < before)
        if before > 0 and ends:
            extracted.removed.extend(body[index:])
            return body[:index]
        before += prose[index]
    return body


def strip_tail(body: list[str], extracted: Extracted) -> list[str]:
    """Credit and bio lines, prompts and other stories' headlines trail the body: note what they say, drop
    them."""
    body = _without_closing_credit(body, extracted)
    while body and not is_closing_sentence(body):
        line = body[-1]
        credit = credit_of(line)
        if credit:
            extracted.credit = extracted.credit or credit
        elif is_bio(line):
            extracted.publisher = extracted.publisher or publisher_in_bio(line)
        elif not (is_prompt(line) or is_section_marker(line) or is_headline_shaped(line)
                  or is_dangling(line)):
            break
        extracted.removed.append(body.pop())
    return body


def _without_closing_credit(body: list[str], extracted: Extracted) -> list[str]:
    """A wire service's copyright run into the end of the last paragraph ('…と指摘している。(c)AFP/Aminu
    ABUBAKAR') is the story's credit, not its text."""
    match = _CLOSING_CREDIT.search(body[-1]) if body else None
    if not match or not body[-1][:match.start()].strip():
        return body
    extracted.credit = extracted.credit or agency_named(match.group(1))
    extracted.removed.append(match.group().strip())
    kept = body[-1][:match.start()].rstrip()
    return body[:-1] + [Block(kept, block_kind(body[-1])) if isinstance(body[-1], Block) else kept]


def is_dangling(line: str) -> bool:
    """What cannot end an article: a heading or a label with nothing after it ('Editors' Recommendations:'),
    an address with a label ('Facebook https://fb.me/…'), a run of words without a stop or a comma (a list
    of tags)."""
    stripped = line.strip()
    return (block_kind(line) == "heading" or (word_count(stripped) <= 8 and stripped.endswith(":"))
            or (bool(_ADDRESS.search(stripped)) and word_count(_ADDRESS.sub("", stripped)) <= 4)
            or (word_count(stripped) <= 12 and not _ANY_STOP.search(stripped)))


def is_short_sentence(line: str) -> bool:
    """A question or an exclamation of three words or more written as a sentence: not in Title Case, as a
    list's headlines are, and no prompt ('Sign up now!')."""
    stripped = line.strip()
    return (block_kind(line) == "p" and word_count(stripped) >= 3
            and bool(_QUESTION_OR_EXCLAMATION_END.search(stripped))
            and not is_title_case(stripped) and not is_prompt(stripped))


def is_closing_sentence(body: list[str]) -> bool:
    """Whether the body ends with its closing sentence, though short: a short sentence straight after a
    paragraph of prose. Other stories' headlines come in a run of their own."""
    return len(body) >= 2 and is_short_sentence(body[-1]) and prose_words(body[-2]) > 0


def _is_clutter(line: str, extracted: Extracted) -> bool:
    if is_prompt(line) or is_section_marker(line):
        extracted.removed.append(line)
        return True
    return False


def take_dateline(paragraphs: list[str], extracted: Extracted) -> None:
    if not paragraphs:
        return
    place, agency = split_dateline(paragraphs[0])
    extracted.dateline = place
    if agency and not extracted.credit:
        extracted.credit = credit_of(agency) or agency
