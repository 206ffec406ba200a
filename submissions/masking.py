"""Masking of personal data (PIPL) before a case's text is published on the portal.

``mask`` replaces with ``*`` what it recognises with confidence; ``leftovers`` lists what
still looks personal, so that an editor double-checks before publishing (the notice form and
``DisclosureNotice.publish`` refuse unconfirmed leftovers). Pure functions on strings, linear
in the length of the text: every pattern is anchored on a label, a suffix or a run boundary,
and runs are matched possessively.

Numbers. A digit is an ASCII or full-width digit, a Chinese numeral (〇零一…九, 幺, 两) or a
capital one (壹贰叁…), in any mix. A *run* is digits joined by single separators (space,
- . / _ · — , ， parentheses and their full-width forms, with up to two spaces around one).
A run of 7 or more digits is personal unless it is

- a date (2026-12-03, 2026.12.03, 20261203), a year or a list/range of years (2020-2022),
  a case reference (GY-2026-0012) or a unified social credit code;
- an amount: plain digits with optional decimals (1250000, 12345678.5) or thousands-grouped
  digits (1,250,000 / 1，250，000), followed by a unit (元, 万, %, 人, 户 …) or preceded by a
  currency (¥, 人民币, 金额); 13812341234元 is an amount, not a phone;
- thousands-grouped digits without a unit (1,250,000): nobody writes a phone, an ID or a card
  in groups of three, so these are taken for amounts too, unless their shape or a label says
  otherwise.

``mask`` masks a personal run when its shape or its place says what it is: a mobile (also
with 86/+86), a landline with its area code, an ID number (region and birth date checked), a
bank card written in groups, any run after a contact label (电话, 手机, QQ, 卡号, 身份证 …)
and any run written with Chinese or capital numerals. The other runs (order numbers, bare
local numbers, numbers glued to letters, cards and IDs that fail the checks) are reported by
``leftovers`` for the editor instead of being rewritten blindly, because the form masks again
on every save and an editor could never get a wrongly masked number back.

Besides numbers: e-mail addresses (also spelled out: x AT example DOT com, x#example.com,
x(at)example(dot)com, x艾特example点com), account IDs after their labels (微信, wx, QQ,
抖音号, 支付宝 …), house numbers of addresses (星湖街300号5幢600室, 某某村三组12号, 5栋2单元501;
a road name alone such as 星湖街 stays), plates, the names the caller knows (``names``),
names after 联系人：/我叫/本人 and names next to a title or role (张建国经理, 李红女士,
业主王建国). A surname with a title alone (王先生, 李主任) names nobody and stays.

Names in free text (王建国反映…) are only reported: ``leftovers`` asks jieba's part-of-speech
tagger (tag nr, loaded lazily) and keeps the words that have the shape of a name. On the
labelled set of bench/masking_names.py it finds about 80% of such names and reports a word in
about 1% of name-free sentences (jieba alone: 89% and 16%), too many to mask blindly since the
form masks again on every save.
"""

import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable

# --- digits and runs ----------------------------------------------------------------

# Every form of a digit, folded to ASCII one character for one, so that positions in the
# folded text are positions in the original.
NUMERALS = {
    "0": "０〇零",
    "1": "１一幺壹",
    "2": "２二两贰貳",
    "3": "３三叁參",
    "4": "４四肆",
    "5": "５五伍",
    "6": "６六陆陸",
    "7": "７七柒",
    "8": "８八捌",
    "9": "９九玖",
}
SPELLED_DIGITS = "".join(NUMERALS.values()).translate(str.maketrans("", "", "０１２３４５６７８９"))
FOLD = str.maketrans(
    {
        **{form: digit for digit, forms in NUMERALS.items() for form in forms},
        **dict(zip("－—–―‒‐‑─．／＿，（）＠　·•・‧∙", "--------./_,()@ ·····", strict=True)),
    }
)
# Separators between the digit groups of a run, in the folded text.
SEPARATORS = r"\-./_,()·"
SEP = rf"(?> {{0,2}}[{SEPARATORS}] {{0,2}}| {{1,2}})"
MONTH = r"(?:0?[1-9]|1[0-2])"
DAY = r"(?:0?[1-9]|[12]\d|3[01])"
# A run never goes on into a date: in "00:00，2026-01-01" the date is no part of a number.
DATE_AHEAD = rf"(?:19|20)\d\d(?:-{MONTH}-|/{MONTH}/|\.{MONTH}\.){DAY}(?![0-9])"
DIGIT_RUN = rf"(?<![0-9])[0-9]++(?:{SEP}(?!{DATE_AHEAD})[0-9]++)*+(?:[Xx](?![A-Za-z0-9]))?"
# Skipped as a whole when a scan reaches them, before any digit run inside is looked at.
# YXGY-2026-0012, T3-2026-00001
REFERENCE = r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*+-(?:19|20)\d{2}-\d+"
CREDIT_CODE = r"(?<![A-Za-z0-9])(?=[0-9A-Z]{0,16}[A-Z])[0-9A-Z]{18}(?![A-Za-z0-9])"
# 2026-08-15, 2026/8/15, 2026.8.15; written without separators only as 20260815, and then
# not as the start of a longer run (1992727，3095 is a phone, not 1992-7-27).
DATE = (
    r"(?<![0-9])(?:19|20)\d{2}(?P<ds>[-/.])(?:0?[1-9]|1[0-2])(?P=ds)" + DAY + r"(?![0-9])"
    r"|(?<![0-9])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![0-9])"
    rf"(?!{SEP}[0-9])"
)
YEARS = rf"(?<![0-9])(?:19|20)\d\d(?:{SEP}(?:19|20)\d\d)+(?![0-9])"
SCAN = re.compile(
    rf"(?P<skip>{REFERENCE}|{CREDIT_CODE}|{DATE}|{YEARS})|(?P<run>{DIGIT_RUN})", re.ASCII
)
GROUP = re.compile(r"[0-9]+(?:[Xx])?", re.ASCII)
UNIT = re.compile(
    r" ?(?:元|圆|块|角|万|亿|千|百|%|‰|吨|公斤|千克|克|斤|平方|平米|㎡|米|公里|亩|人|户|家|"
    r"个|件|台|套|辆|次|项|笔|股|份|张|箱|名|位|美元|港元|欧元|kg|km|m)"
)
CURRENCY = re.compile(r"(?:[¥￥$]|人民币|RMB|金额|合计|共计|总计)[:：]? ?$")
PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
THOUSANDS = re.compile(r"\d{1,3}(?P<t>[, ])\d{3}(?:(?P=t)\d{3})*(?:\.\d+)?", re.ASCII)
# A label before a run says it is a contact, card or ID number, whatever its shape.
CONTACT_LABEL = re.compile(
    r"电话|手机|座机|固话|号码|联系方式|致电|拨打|来电|传真|微信|QQ|qq|扣扣|[Tt]el|TEL|[Pp]hone|"
    r"卡号|银行卡|账号|帐号|账户|身份证|证件|户号"
)
LABEL_WINDOW = 12
CLAUSE_END = re.compile(r"[。；;！!？?\n]")
MOBILE_SHAPE = re.compile(r"(?:0{0,2}86)?1[3-9]\d{9}", re.ASCII)
LANDLINE_SHAPE = re.compile(r"(?P<area>0(?:10|2\d|[3-9]\d{2}))[1-9]\d{6,7}", re.ASCII)
MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
ID_SHAPE = re.compile(
    r"[1-8]\d{5}(?:19|20)\d{2}" + MMDD + r"\d{3}[\dXx]|[1-8]\d{7}" + MMDD + r"\d{3}", re.ASCII
)
TOUCHES_MASK_BEFORE = re.compile(rf"\*{SEP}?$")
TOUCHES_MASK_AFTER = re.compile(rf"{SEP}?\*")
MIN_DIGITS = 7
MAX_WINDOW_GROUPS = 20


class Run:
    """One digit run of the folded text: where it is, its digits and what surrounds it."""

    def __init__(self, text, folded, start, end):
        value = folded[start:end]
        if value[-1] in "Xx" and sum(ch.isdigit() for ch in value) != 17:
            end -= 1  # only an ID number ends in X
            value = value[:-1]
        groups = [(start + m.start(), start + m.end()) for m in GROUP.finditer(value)]
        # A run touching "*" (across a separator too) is the kept end of a masked number: its
        # group next to the mask is not looked at.
        if TOUCHES_MASK_BEFORE.search(folded, max(0, start - 5), start):
            groups = groups[1:]
        if TOUCHES_MASK_AFTER.match(folded, end):
            groups = groups[:-1]
        # 1000000，91360921MA35L8XK1T: a group glued to letters belongs to a code, not the run.
        if len(groups) > 1 and re.match(r"[A-Za-z]", folded[groups[-1][1] : groups[-1][1] + 1]):
            groups = groups[:-1]
        self._set(text, folded, groups, start)

    def _set(self, text, folded, groups, start):
        self.text, self.folded, self.groups = text, folded, groups
        self.start = groups[0][0] if groups else start
        self.end = groups[-1][1] if groups else start

    def clauses(self):
        """The parts of the run between commas, each a run: 10:30，1000000元 is two numbers."""
        parts, current = [], [self.groups[0]]
        for before, group in zip(self.groups, self.groups[1:], strict=False):
            if "," in self.folded[before[1] : group[0]]:
                parts.append(current)
                current = []
            current.append(group)
        parts.append(current)
        for groups in parts:
            run = object.__new__(Run)
            run._set(self.text, self.folded, groups, groups[0][0])
            yield run

    @property
    def digits(self):
        return "".join(self.folded[a:b] for a, b in self.groups)

    @property
    def value(self):
        return self.folded[self.start : self.end]

    def glued_to_letters(self):
        before = self.folded[self.start - 1 : self.start]
        after = self.folded[self.end : self.end + 1]
        return bool(re.match(r"[A-Za-z]", before) or re.match(r"[A-Za-z]", after))

    def is_amount(self):
        """Plain or thousands-grouped digits with a unit after or a currency before."""
        if any(ch in SPELLED_DIGITS for ch in self.text[self.start : self.end]):
            return False
        value = self.value
        if not (PLAIN_NUMBER.fullmatch(value) or THOUSANDS.fullmatch(value)):
            return False
        before = self.folded[max(0, self.start - 6) : self.start]
        return bool(UNIT.match(self.folded, self.end) or CURRENCY.search(before))

    def is_thousands(self):
        return bool(THOUSANDS.fullmatch(self.value)) and not self.spelled()

    def spelled(self):
        return any(ch in SPELLED_DIGITS for ch in self.text[self.start : self.end])

    def labelled(self):
        window = self.folded[max(0, self.start - LABEL_WINDOW) : self.start]
        window = CLAUSE_END.split(window)[-1]
        return bool(CONTACT_LABEL.search(window))

    def personal(self):
        """Enough digits, and neither an amount nor a thousands-grouped number."""
        return len(self.digits) >= MIN_DIGITS and not self.is_amount()


def _shape_keep(digits, grouped):
    """(head, tail) digits to keep if the digits have the shape of a personal number."""
    if MOBILE_SHAPE.fullmatch(digits):
        return len(digits) - 8, 4
    if m := LANDLINE_SHAPE.fullmatch(digits):
        return len(m["area"]), 4
    if ID_SHAPE.fullmatch(digits):
        return 3, 4
    if grouped and 16 <= len(digits) <= 19:  # a bank card written in groups
        return 0, 4
    return None


def _mask_groups(chars, groups, head, tail):
    """Replace the digits of groups with "*", keeping head digits and tail digits."""
    positions = [i for a, b in groups for i in range(a, b)]
    for i in positions[head : len(positions) - tail]:
        chars[i] = "*"


def _ends_in_amount(run):
    """ "…00:13，100000000元": the last group, after a comma, is an amount with its unit, so
    the comma ends a list item rather than joining the digits of one number."""
    if len(run.groups) < 2:
        return False
    (_, end), (start, stop) = run.groups[-2], run.groups[-1]
    return (
        any(sign in run.folded[end:start] for sign in ",，")
        and bool(PLAIN_NUMBER.fullmatch(run.folded[start:stop]))
        and bool(UNIT.match(run.folded, stop))
    )


def _mask_run(chars, run):
    if _ends_in_amount(run):
        _mask_window(chars, run, run.groups[:-1])
        return
    digits = run.digits
    glued = run.glued_to_letters()
    keep = None if glued else _shape_keep(digits, len(run.groups) > 1)
    if keep is None and (run.labelled() or (run.spelled() and not glued)):
        keep = (0, 4)
    if keep is None and run.is_thousands():
        return
    if keep is not None:
        _mask_groups(chars, run.groups, *keep)
        return
    if glued:
        return
    _mask_window(chars, run, run.groups)


def _mask_window(chars, run, groups):
    """The run as a whole is nothing known: look for a known shape in consecutive groups,
    as in "13812341234 2026" or "电话 0791 88123456 13812341234"."""
    i = 0
    while i < len(groups):
        for j in range(min(len(groups), i + MAX_WINDOW_GROUPS), i, -1):
            part = groups[i:j]
            found = _shape_keep("".join(run.folded[a:b] for a, b in part), j - i > 1)
            if found:
                _mask_groups(chars, part, *found)
                i = j
                break
        else:
            i += 1


def _mask_numbers(text):
    folded = text.translate(FOLD)
    chars = list(text)
    for m in SCAN.finditer(folded):
        if m["run"]:
            run = Run(text, folded, *m.span())
            if run.groups and run.personal():
                _mask_run(chars, run)
    return "".join(chars)


# --- e-mail addresses, accounts, plates ---------------------------------------------

# Region codes start with 1-8 (credit codes start with 9) and a birth date must fit, so
# long numbers and alphanumeric codes are not taken for ID numbers.
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:[1-8]\d{5}(?:19|20)\d{2}" + MMDD + r"\d{3}[\dXx]"
    r"|[1-8]\d{7}" + MMDD + r"\d{3})(?![0-9A-Za-z])",
    re.ASCII,
)
MOBILE = re.compile(
    r"(?<!\d)(?P<cc>\+?86[ -]?)?(?P<head>1[3-9]\d)(?P<sep>[ -]?)\d{4}(?P=sep)(?P<tail>\d{4})(?!\d)"
    r"(?! ?(?:元|万|亿|%|人|户|家|个))",  # 13500000000元 is an amount
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


def _spelled(words, signs):
    """A spelled-out sign in brackets or between spaces, or one of signs. Spelled-out
    addresses are searched in the folded text (＠ is @ there) and must end in a known
    top-level domain."""
    word = f"(?:{words})"
    bracketed = rf"\({word}\)|\[{word}\]|【{word}】|\{{{word}\}}|<{word}>|（{word}）"
    return rf"(?:\s*(?:{signs}|{bracketed})\s*|\s+{word}\s+)"


AT = _spelled("at|AT|At", "@|#|＃|艾特|圈a")
DOT = _spelled("dot|DOT|Dot", r"\.|。|点|點")
TLD = r"(?:com|cn|net|org|edu|gov|info|top|xyz|cc|hk|COM|CN|NET|ORG)(?![A-Za-z0-9])"
SPELLED_EMAIL = re.compile(
    rf"(?<![A-Za-z0-9._%+*-])(?P<first>[A-Za-z0-9])(?P<rest>[A-Za-z0-9._%+-]*)(?P<at>{AT})"
    rf"(?P<domain>[A-Za-z0-9-]+(?:{DOT}[A-Za-z0-9-]+)*?{DOT}{TLD})"
)
# What leftovers reports: anything shaped like an address, whatever its local part.
EMAIL_LIKE = re.compile(
    rf"(?<![A-Za-z0-9._%+*-])[A-Za-z0-9._%+-]+{AT}[A-Za-z0-9-]+(?:{DOT}[A-Za-z0-9-]+)*?{DOT}{TLD}"
    r"|(?<![A-Za-z0-9._%+*-])[A-Za-z0-9._%+-]+\s?@\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
ACCOUNT = re.compile(
    r"(?P<label>(?<![A-Za-z])(?:微信号?|微信(?:账号|帐号|ID|id)|[Ww]e[Cc]hat|WX|wx|Wx|VX|vx|Vx|[Vv]信|"
    r"薇信|威信|QQ|qq|Qq|扣扣|抖音|快手|支付宝|微博|钉钉|小红书|[Tt]elegram|[Ss]kype))"
    r"(?P<sep>(?:号码|账号|帐号|号|ID|id)?[ \t:：]{0,3}(?:是|为)?[ \t:：]{0,3})"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9_.\-*]{2,38}[A-Za-z0-9_*])(?![A-Za-z0-9_.@\-*])"
)


def _keep_ends(value, head, tail):
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def mask_phone(phone):
    """A number already known to be a phone (a submitter's, normalised), as a page or a log
    may show it: 138****1234. By position, so whatever it holds only its ends show."""
    return _keep_ends(phone, 3, 4) if len(phone) >= 11 else "*" * len(phone)


def _account_is_masked(account):
    """Nothing but its first character left, or a number masked as a phone (138****1234)."""
    return not re.search(r"[A-Za-z0-9]", account[1:]) or (
        "*" in account and re.fullmatch(r"[0-9*]+", account)
    )


def _mask_account(m):
    if _account_is_masked(m["id"]):
        return m.group()
    return m["label"] + m["sep"] + m["id"][0] + "*" * (len(m["id"]) - 1)


def _mask_spelled_email(text):
    folded = text.translate(FOLD)
    chars = list(text)
    for m in SPELLED_EMAIL.finditer(folded):
        for i in range(m.start("rest"), m.end("rest")):
            chars[i] = ""
        chars[m.start("rest") - 1] += "***"
    return "".join(chars)


# --- addresses ----------------------------------------------------------------------

NUMBER = r"[0-9０-９〇零一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰]"
FLAT_NUMBER = r"[0-9０-９]"
UNIT_SUFFIX = r"(?:号楼|栋|幢|座|单元|楼|层|室|户|号|房)"
SUB_UNITS = rf"(?:[-－—]?{NUMBER}{{1,5}}{UNIT_SUFFIX}|[-－—]{NUMBER}{{1,5}}){{0,6}}"
ADDRESS = re.compile(
    # 星湖街300号5幢600室, 创业大道88号, 幸福里弄12号
    rf"(?<=[路街巷弄道])(?P<number>{NUMBER}{{1,5}}(?:[-－—]{NUMBER}{{1,5}})?号(?:院|楼)?{SUB_UNITS})"
    # 某某村三组12号, 星火村12号
    rf"|(?<=[村庄屯寨])(?P<village>{NUMBER}{{1,4}}(?:组|队|社|小组)(?:{NUMBER}{{1,5}}号)?"
    rf"|{NUMBER}{{1,5}}号)"
    # 5栋2单元501, 3号楼601室: two levels at least, so 园区3号楼 alone stays
    rf"|(?<!{NUMBER})(?P<flat>{FLAT_NUMBER}{{1,4}}(?:号楼|栋|幢|座)"
    rf"(?:(?:{FLAT_NUMBER}{{1,2}}|[一二三四五六七八九十]{{1,2}})单元{FLAT_NUMBER}{{1,5}}(?:室|号|户)?"
    rf"|{FLAT_NUMBER}{{3,5}}(?:室|号|户)?|{FLAT_NUMBER}{{1,5}}(?:室|户)))"
)
ADDRESS_NUMBER = re.compile(NUMBER)


def _mask_address(m):
    return ADDRESS_NUMBER.sub("*", m.group())


# --- names --------------------------------------------------------------------------

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
# Next to a title the surname list can be longer: the title says a person is meant.
SURNAMES = (
    LIKELY_SURNAMES
    + "高方万任陆白严石田钱付曾于向易常康施洪贺文牛鲁葛伍祝柳齐俞章殷"
    + "欧詹庞倪樊凌阎彭骆廉岳甘裴翟邬蒙杭苗谷盛柴晏申耿童阮聂焦纪舒单丰卜冉左邢傅霍凤储"
)
# Characters hardly ever in a given name: particles, verbs that follow a name, places,
# units and the parts of titles. A candidate name with one of them is no name.
NON_NAME = set(
    "的了着过在是有和与及或跟同对向把被给让找请问说讲称叫为由从到这那其该各每某个位名们等也都就要"
    "已将并且但而又再还很太更最不没无未能可以之于上下前后里外内间边方面店厂场所员工经理副总主部门"
    "处科局室组队院校区县市省镇乡村街路号楼层务级司公会委办心时分元万人电话手机码联系表示反映告知"
    "带来去回走打拨先士姐师傅老板娘姨哥爷妈书记代共议提出求希望态答复理负责管事情况题指导协调沟通"
    "约谈现场核实查看视察调研检督促落解决通收接当目次多几第此本贵我你他她它驻站"
    "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟〇零幺"
)
# Never the last character of a given name (王家豪 is a name, 孙丽家门口 holds 孙丽).
NON_NAME_LAST = set("家")
# Words that start with a surname and end like a given name, met before titles and roles.
NOT_NAMES = set(
    "高级 高新 高层 高管 高度 高速 高兴 方面 方案 方式 方向 方便 项目 常务 常委 常年 常规 常住 "
    "金融 金额 金属 黄金 黄色 马上 马路 白天 白色 石油 石材 江西 江南 江边 周边 周末 周围 余额 "
    "余款 余下 任务 任何 任期 关于 关系 文件 文化 文明 安全 安排 林业 程序 程度 许多 许可 严重 "
    "严格 严禁 范围 夏季 夏天 付款 龙头 顾客 顾问 武装 包括 包装 成本 成功 施工 施行 平台 平安 "
    "温度 季度 车辆 车间 商户 全部 全面 全体 水电 连续 司法 信息 信用 钱款 田间 田地 向阳 向前 "
    "于是 万一 万元 易于 易燃 康复 齐全 齐心 章程 章节 申请 申报 申明 童工 童年 盛夏 盛大 柴油 "
    "甘肃 甘心 单位 单独 单价 丰富 丰收 左右 左边 纪律 纪委 舒适 苗木 苗头 谷物 焦点 焦急 祝贺 "
    "史上 陶瓷 段落 雷电 雷同 毛病 董事 宋体 韩国 罗列 叶片 苏醒 钟表 汪洋 黎明 贺信 莫名 戴着 "
    "杜绝 肖像 何时 胡乱 朱红 孙子 徐徐 杨树 陈述 陈旧 张贴 李子 王牌 陆续 曾经 洪水 牛奶 柳树 "
    "殷切 欧元 庞大 凌晨 廉洁 廉政 蒙古 杭州 储存 储备 凤凰 金山 路灯 管理 邓小平 高峰 高温 "
    "高效 高校 高铁 高中 高考 黄河 江河 谢谢 常常 万分 方才 石头 金钱 钱财".split()
)
TITLES = sorted(
    (
        "先生 女士 小姐 经理 总经理 副经理 主任 副主任 师傅 老板 老板娘 科长 副科长 局长 副局长 "
        "处长 副处长 所长 站长 股长 书记 副书记 村长 组长 队长 厂长 院长 校长 董事长 总监 主管 "
        "会计 律师 医生 大夫 护士 老师 教授 工程师 同志 阿姨 大姐 大哥 大爷 大妈 镇长 乡长 县长 "
        "区长 部长 秘书 干事 专员 委员 代表"
    ).split(),
    key=len,
    reverse=True,
)
TITLE = re.compile("|".join(TITLES))
# Roles and titles after which a full name often follows: 业主王建国反映, 经理张建国说.
ROLES = sorted(
    (
        "工作人员 干部 村民 居民 业主 职工 员工 工人 市民 群众 住户 负责人 法人 法定代表人 "
        "店主 当事人 投诉人 举报人 同事 邻居 丈夫 妻子 儿子 女儿 父亲 母亲 老公 老婆 "
        "客户 经理 总经理 主任 副主任 书记 代表 局长 科长 师傅 老师 厂长 老板 董事长 "
        "会计 律师 医生 村长 组长 所长 站长"
    ).split(),
    key=len,
    reverse=True,
)
ROLE_NAME = re.compile(
    rf"(?:{'|'.join(ROLES)})(?P<name>(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}]){CJK}{{1,2}})"
)
GIVEN_NAME = rf"(?:(?!{'|'.join(HONORIFICS)}){CJK}){{1,2}}(?!\*)"
COMPOUND = "|".join(COMPOUND_SURNAMES)
NAME_LABELS = (
    re.compile(
        rf"(?P<label>(?:联系人|姓名|反映人|申请人)\s*[:：]\s*)(?P<name>(?:{COMPOUND}|{CJK}){GIVEN_NAME})"
    ),
    re.compile(rf"(?P<label>我叫|本人)(?P<name>(?:{COMPOUND}|[{LIKELY_SURNAMES}]){GIVEN_NAME})"),
)


def _surname_length(name):
    return 2 if name[:2] in COMPOUND_SURNAMES else 1


def _is_name(name):
    """A surname, then one or two characters that can be a given name."""
    keep = _surname_length(name)
    surname, given = name[:keep], name[keep:]
    if not given or len(given) > 2 or not (keep == 2 or surname in SURNAMES):
        return False
    if given[0] == surname[-1]:  # 谢谢, 常常, 王王: no name repeats its surname
        return False
    if any(ch in NON_NAME or not re.match(CJK, ch) for ch in given) or given[-1] in NON_NAME_LAST:
        return False
    return name not in NOT_NAMES and name[:2] not in NOT_NAMES


def _name_before(text, end):
    """The longest name that ends at end (just before a title), or None."""
    for length in (4, 3, 2):
        start = end - length
        if start < 0:
            continue
        name = text[start:end]
        if length == 4 and name[:2] not in COMPOUND_SURNAMES:
            continue
        if _is_name(name) and text[start - 1 : start] != "*":
            return start
    return None


def _name_after(name):
    """The name that follows a role: two given-name characters unless the second can't be."""
    keep = _surname_length(name)
    for length in (keep + 2, keep + 1):
        candidate = name[:length]
        if len(candidate) == length and _is_name(candidate):
            return candidate
    return None


def titled_names(text):
    """Spans of the full names next to a title or a role (张建国经理, 业主王建国)."""
    spans = []
    for m in TITLE.finditer(text):
        start = _name_before(text, m.start())
        if start is not None:
            spans.append((start, m.start()))
    for m in ROLE_NAME.finditer(text):
        name = _name_after(m["name"])
        if name and not TITLE.match(text, m.start("name") + _surname_length(name)):
            spans.append((m.start("name"), m.start("name") + len(name)))
    return spans


def _mask_name(name):
    """Keep the surname (two characters if compound) so the text still reads naturally."""
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return _keep_ends(name, keep, 0)


def _mask_spans(text, spans):
    chars = list(text)
    for start, end in spans:
        keep = _surname_length(text[start:end])
        for i in range(start + keep, end):
            chars[i] = "*"
    return "".join(chars)


def _name_core(name):
    """王小明先生 is searched as 王小明; 王先生 or 欧阳先生 stay whole (no full name inside)."""
    for honorific in HONORIFICS:
        core = name.removesuffix(honorific)
        if core != name and len(core) >= 2 and core not in COMPOUND_SURNAMES:
            return core
    return name


def _known_values(names):
    """The strings to search for: names, and the local part of an e-mail address."""
    values = set()
    for raw in names:
        value = (raw or "").strip()
        if "@" in value:
            local = value.split("@", 1)[0]
            if len(local) >= 3:
                values.add(local)
        elif len(value) >= 2 and not re.fullmatch(r"[\d\s+()\-]+", value):
            values.add(_name_core(value))
    return values


def _names_pattern(names):
    values = _known_values(names)
    if not values:
        return None
    # Longest first, so 王小明 wins over 王小 in the alternation.
    return re.compile("|".join(map(re.escape, sorted(values, key=len, reverse=True))))


def case_values(case):
    """What a case knows about the people behind it, for ``mask(names=…)``: the submitter's
    name and e-mail address, and the registered contact of the enterprise."""
    if case is None:
        return []
    enterprise = getattr(case, "enterprise", None)
    values = [case.submitter_name, case.submitter_email]
    if enterprise is not None:
        values.append(enterprise.contact_name)
    return [value for value in values if value]


# --- mask ---------------------------------------------------------------------------


def mask(text: str, names: Iterable[str] = ()) -> str:
    """Mask personal data (see the module's docstring); idempotent.

    Known names go first, e-mails before phones so 13812341234@qq.com is masked as one
    address, IDs before phones so an ID's digits are never read as a phone number, numbers
    before accounts so wx13812341234 keeps the phone's usual mask.
    """
    names_pattern = _names_pattern((names,) if isinstance(names, str) else names)
    if names_pattern:
        text = names_pattern.sub(lambda m: _mask_name(m.group()), text)
    text = EMAIL.sub(lambda m: f"{m['first']}***@{m['domain']}", text)
    text = _mask_spelled_email(text)
    text = ID_NUMBER.sub(lambda m: _keep_ends(m.group(), 3, 4), text)
    text = MOBILE.sub(
        lambda m: f"{m['cc'] or ''}{m['head']}{m['sep']}****{m['sep']}{m['tail']}", text
    )
    text = LANDLINE.sub(lambda m: m["area"] + m["sep"] + _keep_ends(m["local"], 0, 4), text)
    text = PLATE.sub(lambda m: m["head"] + m["sep"] + _keep_ends(m["body"], 0, 2), text)
    text = _mask_numbers(text)
    text = ACCOUNT.sub(_mask_account, text)
    text = ADDRESS.sub(_mask_address, text)
    for pattern in NAME_LABELS:
        text = pattern.sub(lambda m: m["label"] + _mask_name(m["name"]), text)
    text = _mask_spans(text, titled_names(text))
    return text


# --- names in free text (jieba) ------------------------------------------------------

_jieba_lock = threading.Lock()
_posseg = None


def _jieba_cache_dir():
    """jieba keeps its parsed dictionary (9 MB) in a cache file: a private folder of the
    temporary directory, never a shared /tmp/jieba.cache that another user could replace."""
    folder = os.environ.get("JIEBA_CACHE_DIR") or os.path.join(
        tempfile.gettempdir(), f"portal-jieba-{getattr(os, 'getuid', lambda: 'user')()}"
    )
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def _tagger():
    """jieba's part-of-speech tagger, loaded on first use (about 1 s and 60 MB), not when
    Django starts."""
    global _posseg
    with _jieba_lock:
        if _posseg is None:
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            jieba.dt.tmp_dir = _jieba_cache_dir()
            jieba.initialize()
            _posseg = jieba.posseg
    return _posseg


def free_text_names(text):
    """Spans of the words jieba tags as a person's name (nr) that also have the shape of a
    full name here (a surname, one or two given-name characters, no common word): 王建国 in
    "王建国反映…". Only ``leftovers`` uses them: about one name-free sentence in sixty has
    such a word (高峰, 邓家埠), which must not be masked blindly; see bench/masking_names.py."""
    spans = []
    for block in JIEBA_BLOCK.finditer(text):
        if not _has_name_shape(block.group()):
            continue  # most blocks: jieba costs up to 0.5 ms a character on odd text
        offset = block.start()
        for token in _tagger().cut(block.group()):
            word = token.word
            if (
                token.flag.startswith("nr")
                and 2 <= len(word) <= 4
                and _is_name(word)
                and not TITLE.match(text, offset + _surname_length(word))
                and not NEXT_TO_NUMBER.match(text[offset + len(word) : offset + len(word) + 1])
                and not NEXT_TO_NUMBER.match(text[offset - 1 : offset] if offset else "")
            ):
                spans.append((offset, offset + len(word)))
            offset += len(word)
    return spans


# jieba tags each of these blocks on its own (its re_han_default), so tagging block by block
# gives what tagging the whole text gives.
JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._]+")
NEXT_TO_NUMBER = re.compile(r"[*0-9０-９]")
NAME_START = re.compile(f"{COMPOUND}|[{SURNAMES}]")


def _has_name_shape(block):
    """Whether a surname in block starts something _is_name accepts."""
    for m in NAME_START.finditer(block):
        end = m.end()
        if _is_name(block[m.start() : end + 1]) or _is_name(block[m.start() : end + 2]):
            return True
    return False


# --- leftovers ----------------------------------------------------------------------


def _number_leftovers(text, folded):
    for m in SCAN.finditer(folded):
        if not m["run"]:
            continue
        run = Run(text, folded, *m.span())
        if not (run.groups and run.personal()) or run.is_thousands():
            continue
        whole = _shape_keep(run.digits, len(run.groups) > 1) or run.labelled() or run.spelled()
        if whole and not _ends_in_amount(run):
            yield run.start, run.end
            continue
        for clause in run.clauses():  # a list of numbers rather than one number
            if clause.personal() and not clause.is_thousands():
                yield clause.start, clause.end


def leftovers(text: str) -> list[str]:
    """Fragments of (masked) text that still look like personal data, in order, once each."""
    folded = text.translate(FOLD)
    found = list(_number_leftovers(text, folded))
    found += [m.span() for m in EMAIL_LIKE.finditer(folded)]
    found += [m.span("id") for m in ACCOUNT.finditer(text) if not _account_is_masked(m["id"])]
    found += [m.span() for m in ADDRESS.finditer(text)]
    found += titled_names(text)
    found += free_text_names(text)
    return list(dict.fromkeys(text[start:end] for start, end in sorted(found)))
