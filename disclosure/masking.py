"""Masking of personal data (PIPL) before a case's text is published on the portal.

``mask`` replaces what it recognises with ``*``; ``leftovers`` lists what still looks
personal so that an editor double-checks before publishing. Pure functions on strings.
Only ASCII digits are masked: full-width digits, bare local numbers and spelled-out
numbers are too ambiguous to rewrite blindly, so ``leftovers`` reports them instead.
"""

import re
from collections.abc import Iterable

# --- mask ---------------------------------------------------------------------------

MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
# Region codes start with 1-8 (credit codes start with 9) and a birth date must fit, so
# long numbers and alphanumeric codes are not taken for ID numbers.
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:[1-8]\d{5}(?:19|20)\d{2}" + MMDD + r"\d{3}[\dXx]"
    r"|[1-8]\d{7}" + MMDD + r"\d{3})(?![0-9A-Za-z])",
    re.ASCII,
)
MOBILE = re.compile(
    r"(?<!\d)(?P<cc>\+?86[ -]?)?(?P<head>1[3-9]\d)(?P<sep>[ -]?)\d{4}(?P=sep)(?P<tail>\d{4})(?!\d)",
    re.ASCII,
)
# Only Beijing (010) and the 02x cities have three-digit area codes: that makes
# numbers without a separator unambiguous. Local numbers never start with 0.
AREA_CODE = r"0(?:10|2\d|[3-9]\d{2})"
LANDLINE = re.compile(
    rf"(?<!\d)(?P<area>{AREA_CODE}|\({AREA_CODE}\)|（{AREA_CODE}）)"
    r"(?P<sep>[ -]?)(?P<local>[1-9]\d{6,7})(?!\d)",
    re.ASCII,
)
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Plates never use I or O, which also keeps 京ICP备… filing numbers out.
PLATE = re.compile(
    rf"(?P<head>[{PROVINCES}][A-HJ-NP-Z])(?P<sep>[·•・ ]?)"
    r"(?P<body>[A-HJ-NP-Z0-9]{5,6})(?![A-Za-z0-9])"
)
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])(?P<first>[A-Za-z0-9])[A-Za-z0-9._%+-]*"
    r"@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)

CJK = r"[\u4e00-\u9fff]"
COMPOUND_SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木".split()
)
HONORIFICS = ("先生", "女士", "小姐", "经理", "师傅", "老板", "老师")
# After 本人/我叫 the next characters are often not a name (本人曾多次…, 本人认为…), so a
# name there must start with a common surname; ones that start common phrases
# (曾 于 向 高 方 万 任 陆 白 严 石 田 钱 付) are left out on purpose.
LIKELY_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭肖董袁潘蒋蔡余杜叶程苏魏吕"
    "丁沈姚卢姜崔钟谭汪范金廖贾夏韦邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵覃武戴莫孔汤"
)
# One or two given-name characters, stopping before an honorific (王先生 is no name to
# hide) and never ending right before a "*" (keeps an already masked 欧阳** intact).
GIVEN_NAME = rf"(?:(?!{'|'.join(HONORIFICS)}){CJK}){{1,2}}(?!\*)"
COMPOUND = "|".join(COMPOUND_SURNAMES)
NAME_LABELS = (
    re.compile(
        rf"(?P<label>(?:联系人|姓名|反映人|申请人)\s*[:：]\s*)(?P<name>(?:{COMPOUND}|{CJK}){GIVEN_NAME})"
    ),
    re.compile(rf"(?P<label>我叫|本人)(?P<name>(?:{COMPOUND}|[{LIKELY_SURNAMES}]){GIVEN_NAME})"),
)


def _keep_ends(value, head, tail):
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def _mask_name(name):
    """Keep the surname (two characters if compound) so the text still reads naturally."""
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return _keep_ends(name, keep, 0)


def _name_core(name):
    """王小明先生 is searched as 王小明; 王先生 or 欧阳先生 stay whole (no full name inside)."""
    for honorific in HONORIFICS:
        core = name.removesuffix(honorific)
        if core != name and len(core) >= 2 and core not in COMPOUND_SURNAMES:
            return core
    return name


def _names_pattern(names):
    cores = {_name_core(n.strip()) for n in names if n and len(n.strip()) >= 2}
    if not cores:
        return None
    # Longest first, so 王小明 wins over 王小 in the alternation.
    return re.compile("|".join(map(re.escape, sorted(cores, key=len, reverse=True))))


def mask(text: str, names: Iterable[str] = ()) -> str:
    """Mask phone numbers, ID numbers, plates, e-mail addresses and names; idempotent.

    E-mails go before phones so 13812341234@qq.com is masked as one address, and IDs
    before phones so an ID's digits are never read as a phone number.
    """
    names_pattern = _names_pattern((names,) if isinstance(names, str) else names)
    if names_pattern:
        text = names_pattern.sub(lambda m: _mask_name(m.group()), text)
    text = EMAIL.sub(lambda m: f"{m['first']}***@{m['domain']}", text)
    text = ID_NUMBER.sub(lambda m: _keep_ends(m.group(), 3, 4), text)
    text = MOBILE.sub(
        lambda m: f"{m['cc'] or ''}{m['head']}{m['sep']}****{m['sep']}{m['tail']}", text
    )
    text = LANDLINE.sub(lambda m: m["area"] + m["sep"] + _keep_ends(m["local"], 0, 4), text)
    text = PLATE.sub(lambda m: m["head"] + m["sep"] + _keep_ends(m["body"], 0, 2), text)
    for pattern in NAME_LABELS:
        text = pattern.sub(lambda m: m["label"] + _mask_name(m["name"]), text)
    return text


# --- leftovers ----------------------------------------------------------------------

# Same length in and out, so positions in the folded text are positions in the original.
FOLD = str.maketrans("０１２３４５６７８９－＠　", "0123456789-@ ")
MIN_DIGITS = 7
# Skipped as a whole when a scan reaches them, before any digit run inside is looked at.
REFERENCE = r"[A-Za-z][A-Za-z0-9]*-(?:19|20)\d{2}-\d+"  # YXGY-2026-0012, T3-2026-00001
CREDIT_CODE = r"(?<![A-Za-z0-9])(?=[0-9A-Z]{0,16}[A-Z])[0-9A-Z]{18}(?![A-Za-z0-9])"
DAY = r"(?:0?[1-9]|[12]\d|3[01])"
DATE = r"(?<!\d)(?:19|20)\d{2}(?P<ds>[-/.]?)(?:0?[1-9]|1[0-2])(?P=ds)" + DAY + r"(?!\d)"
# Digit groups joined by single spaces or dashes; a run touching "*" is a masked number.
DIGIT_RUN = r"(?<![0-9*])\d+(?:[ -]\d+)*(?![0-9*])"
SCAN = re.compile(rf"(?P<skip>{REFERENCE}|{CREDIT_CODE}|{DATE})|(?P<run>{DIGIT_RUN})", re.ASCII)
AMOUNT_UNIT = re.compile(
    r"(?:\.\d+)?\s?(?:元|万|亿|千|百|%|％|吨|平方|米|亩|人|户|家|个)", re.ASCII
)
SPELLED_NUMBER = re.compile(r"[〇零一二三四五六七八九幺两]{7,}")
EMAIL_LIKE = re.compile(r"[A-Za-z0-9._%+-]+\s?@\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
OBFUSCATED_MAIL = re.compile(
    r"[A-Za-z0-9._-]+\s*(?:#|\(at\)|\[at\]| at )\s*[A-Za-z0-9-]+\.(?:com|cn|net|org)(?![A-Za-z0-9])"
)


def _is_personal_run(folded, match):
    run = match.group()
    if sum(ch.isdigit() for ch in run) < MIN_DIGITS:
        return False
    # A unit only makes a single group an amount: in "88123456 500万元" the phone stays.
    return not (run.isdigit() and AMOUNT_UNIT.match(folded, match.end()))


def leftovers(text: str) -> list[str]:
    """Fragments of (masked) text that still look like personal data, in order, once each."""
    folded = text.translate(FOLD)
    found = [m.span() for m in SCAN.finditer(folded) if m["run"] and _is_personal_run(folded, m)]
    for pattern in (SPELLED_NUMBER, EMAIL_LIKE, OBFUSCATED_MAIL):
        found += [m.span() for m in pattern.finditer(folded)]
    return list(dict.fromkeys(text[start:end] for start, end in sorted(found)))
