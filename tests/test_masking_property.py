"""Property-based tests of submissions/masking.py: personal data written in many styles, inside
realistic notice text, is always either masked by mask() or reported by leftovers().

Each style is a function of a random.Random, so the same generators drive hypothesis (through
st.randoms, which it can shrink) and recall_table(), which bench/masking_names.py prints:

    .venv/bin/python tests/test_masking_property.py [examples per style]
"""

import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from submissions.masking import NOT_NAMES, leftovers, mask  # noqa: E402

# --- realistic context ----------------------------------------------------------------

OPENINGS = [
    "",
    "今年订单增加，生产线普工缺口约60人。",
    "2026年3月5日，企业反映园区支路没有路灯。",
    "案件GY-2026-0012已转县住建局办理。",
    "申请的500万元流动资金贷款已两个月未批。",
    "融资担保费率1.5%，希望降低到1%以内。",
    "星湖街与创业大道交叉口雨天积水严重。",
    "江西云溪华丰科技有限公司（统一社会信用代码91360921MA35L8XK1T）反映用电问题。",
    "经现场核实，补偿款1,250,000元已于2026-04-18拨付。",
    "园区共有企业120家，从业人员3500人。",
    "上午10:30，工作人员到现场查看。",
    "王先生来电反映，",
    "物业公司表示，",
]
CLOSINGS = [
    "",
    "。",
    "，希望尽快解决。",
    "，谢谢！",
    "，工作日9:00-17:30均可联系。",
    "。县住建局已于2026年12月3日答复。",
    "，投资9.9万元的排水改造已完成。",
    "，同比增长12.5%。",
    "，详见公示栏。",
    " 联络站",
]
PHONE_LABELS = ["", "电话", "联系电话：", "手机号是", "请拨打", "可致电", "，", "（", "本人手机 "]


def pick(rng, options):
    return options[rng.randrange(len(options))]


# --- writing styles -----------------------------------------------------------------

NUMERALS = {
    "0": "〇零",
    "1": "一幺",
    "2": "二两",
    "3": "三",
    "4": "四",
    "5": "五",
    "6": "六",
    "7": "七",
    "8": "八",
    "9": "九",
}
CAPITALS = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖", strict=True))
FULL_WIDTH = dict(zip("0123456789", "０１２３４５６７８９", strict=True))


@dataclass
class Item:
    text: str  # as written in the sentence
    value: str  # what must not reach the public as it is
    names: tuple = ()


def mobile_digits(rng):
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def grouped(digits, sep, sizes=(3, 4, 4)):
    parts, i = [], 0
    for size in sizes:
        parts.append(digits[i : i + size])
        i += size
    return sep.join(parts)


def phone(rng, text):
    return Item(pick(rng, PHONE_LABELS) + text, text)


def separated(sep):
    return lambda rng: phone(rng, grouped(mobile_digits(rng), sep))


def spelled(digits, rng):
    return "".join(rng.choice(NUMERALS[d]) for d in digits)


def mixed(rng):
    digits = mobile_digits(rng)
    forms = [
        lambda d: d,
        lambda d: FULL_WIDTH[d],
        lambda d: rng.choice(NUMERALS[d]),
        lambda d: CAPITALS[d],
    ]
    groups = grouped(digits, "|").split("|")
    written = ["".join(pick(rng, forms)(d) for d in g) for g in groups]  # a form per digit
    text = written[0]
    for g in written[1:]:
        text += pick(rng, ["", " ", "-", ".", "，", "·", "—", "－", "　"]) + g
    return phone(rng, text)


def plus86(rng):
    prefix = pick(rng, ["+86 ", "+86-", "+86", "0086 ", "86-", "（+86）"])
    sep = pick(rng, ["", " ", "-"])
    return phone(rng, prefix + grouped(mobile_digits(rng), sep))


AREA_CODES = ["010", "021", "020", "025", "0791", "0796", "0797", "0755", "0512"]


def landline(rng):
    area = pick(rng, AREA_CODES)
    size = 8 if len(area) == 3 else rng.choice([7, 8])
    local = str(rng.randrange(2, 10)) + "".join(str(rng.randrange(10)) for _ in range(size - 1))
    form = pick(rng, ["{a}-{l}", "{a} {l}", "({a}){l}", "（{a}）{l}", "{a}—{l}", "{a}.{l}"])
    text = form.format(a=area, l=local)
    return Item(pick(rng, ["座机", "办公电话：", "固话", "电话", ""]) + text, text)


ID_CHARS = "abcdefghijklmnopqrstuvwxyz"


def account_id(rng, digits=False):
    if digits:
        return str(rng.randrange(10**4, 10**10))
    head = "".join(rng.choice(ID_CHARS) for _ in range(rng.randrange(2, 8)))
    tail = pick(rng, ["", "_", "-", "_x"]) + str(rng.randrange(10, 99999))
    return (head.capitalize() if rng.random() < 0.2 else head) + tail


def wechat(rng):
    label = pick(
        rng, ["微信", "微信号", "微信号：", "wx", "wx:", "WX：", "vx", "VX ", "V信", "微信是"]
    )
    value = pick(rng, [account_id(rng), account_id(rng), mobile_digits(rng)])
    return Item(label + value, value)


def qq(rng):
    label = pick(rng, ["QQ", "QQ：", "qq号", "QQ号码 ", "扣扣", "qq: "])
    value = account_id(rng, digits=True)
    return Item(label + value, value)


def other_account(rng):
    label = pick(rng, ["抖音号：", "抖音", "支付宝：", "支付宝账号 ", "快手号", "钉钉号："])
    value = account_id(rng)
    return Item(label + value, value)


DOMAINS = ["qq.com", "163.com", "126.com", "example.com", "sina.cn", "yxgy.gov.cn", "foxmail.com"]


def email(rng):
    value = f"{account_id(rng)}@{pick(rng, DOMAINS)}"
    return Item(pick(rng, ["邮箱", "邮箱：", "E-mail: ", "发送到", ""]) + value, value)


def spelled_email(rng):
    local, domain = account_id(rng), pick(rng, DOMAINS)
    at, dot = pick(
        rng,
        [
            (" AT ", " DOT "),
            (" at ", " dot "),
            ("(at)", "(dot)"),
            ("[at]", "[dot]"),
            ("#", "."),
            ("艾特", "点"),
            ("＠", "．"),
            (" at ", "."),
            ("（at）", "（dot）"),
        ],
    )
    value = local + at + domain.replace(".", dot)
    return Item(pick(rng, ["邮箱", "邮箱：", "邮件发到", ""]) + value, value)


ROADS = ["星湖街", "创业大道", "工业二路", "园区大道", "幸福巷", "解放路", "人民大街", "金山路"]


def number(rng, low, high):
    n = rng.randrange(low, high)
    return str(n) if rng.random() < 0.8 else "".join(FULL_WIDTH[d] for d in str(n))


def house_address(rng):
    value = f"{pick(rng, ROADS)}{number(rng, 1, 999)}号"
    value += pick(
        rng,
        [
            "",
            f"{number(rng, 1, 30)}幢{number(rng, 101, 2999)}室",
            f"{number(rng, 1, 30)}栋{number(rng, 1, 9)}单元{number(rng, 101, 2999)}",
            f"院{number(rng, 1, 30)}号楼",
            f"-{number(rng, 1, 9)}",
        ],
    )
    return Item(pick(rng, ["住在", "家住", "地址：", "位于", ""]) + value, value)


CN_NUMBERS = "一二三四五六七八九十"


def village_address(rng):
    group = pick(rng, [CN_NUMBERS[rng.randrange(10)], number(rng, 1, 15), "十二"])
    village = pick(rng, ["黄岗", "马家", "星火", "李家", "新塘"])
    value = f"{village}村{group}{pick(rng, ['组', '组', '队'])}"
    value += pick(rng, ["", f"{number(rng, 1, 99)}号"])
    return Item(pick(rng, ["家住", "住", "地址："]) + value, value)


def card(rng):
    digits = "62" + "".join(str(rng.randrange(10)) for _ in range(rng.choice([14, 15, 16, 17])))
    sep = pick(rng, [" ", "-", " ", "　"])
    text = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))
    return Item(pick(rng, ["银行卡号", "卡号：", "打到", "银行卡 ", ""]) + text, text)


def id_number(rng):
    region = pick(rng, ["360102", "360921", "110105", "440304", "320102"])
    birth = f"{rng.randrange(1950, 2008)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    tail = f"{rng.randrange(1000):03d}{pick(rng, list('0123456789X'))}"
    digits = region + birth + tail
    sep = pick(rng, [" ", "-", " "])
    form = pick(rng, [(6, 8, 4), (6, 4, 4, 4), (4, 4, 4, 4, 2)])
    text = grouped(digits, sep, form)
    return Item(pick(rng, ["身份证号", "身份证：", "证件号码 ", ""]) + text, text)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭"
GIVEN = "建国华明伟芳丽强军平刚杰敏静秀英玉兰红梅春海涛波斌志勇磊洋艳娟霞鹏超辉"
TITLED = ["经理", "女士", "先生", "主任", "师傅", "老板", "科长", "局长", "书记", "同志", "老师"]
ROLES = ["业主", "村民", "职工", "员工", "工人", "店主", "负责人", "当事人", "投诉人", "代表"]


def full_name(rng):
    """A surname and one or two given-name characters. Known blind spot, left out: a name
    whose surname and first given character make a common word (韩国明, 高峰) is no name
    for the rules, which must not mask 韩国 or 高峰 in other sentences."""
    while True:
        surname = pick(rng, SURNAMES) if rng.random() < 0.9 else pick(rng, ["欧阳", "司马"])
        given = "".join(pick(rng, GIVEN) for _ in range(rng.choice([1, 2, 2])))
        if surname[-1] + given[0] not in NOT_NAMES:
            return surname + given


def name_with_title(rng):
    name = full_name(rng)
    return Item(
        pick(rng, ["", "物业公司", "县住建局", "请", "由"]) + name + pick(rng, TITLED), name
    )


def name_after_role(rng):
    name = full_name(rng)
    return Item(pick(rng, ROLES) + name + pick(rng, ["反映", "说", "表示", "，"]), name)


def known_third_party(rng):
    """The enterprise's registered contact or the submitter: the caller passes the name."""
    name = full_name(rng)
    text = pick(rng, ["", "据", "经与", "联系"]) + name + pick(rng, ["反映", "沟通", "介绍", "称"])
    return Item(text, name, names=(name, pick(rng, ["", "王先生", "13812341234"])))


def name_in_free_text(rng):
    """A third party nobody passed in, with no title: only jieba (in leftovers) can tell."""
    name = full_name(rng)
    text = pick(rng, ["", "据", "经与", "我们联系了", "关于"]) + name
    return Item(text + pick(rng, ["反映", "沟通", "介绍", "称", "提出的问题", "，"]), name)


STYLES = {
    "mobile plain": lambda rng: phone(rng, mobile_digits(rng)),
    "mobile spaces": separated(" "),
    "mobile hyphens": separated("-"),
    "mobile dots": separated("."),
    "mobile slashes": separated("/"),
    "mobile underscores": separated("_"),
    "mobile middle dots": separated("·"),
    "mobile em dashes": separated("—"),
    "mobile Chinese commas": separated("，"),
    "mobile commas": separated(","),
    "mobile full-width": lambda rng: phone(
        rng, grouped("".join(FULL_WIDTH[d] for d in mobile_digits(rng)), rng.choice(["", "－"]))
    ),
    "mobile Chinese numerals": lambda rng: phone(
        rng, grouped(spelled(mobile_digits(rng), rng), rng.choice(["", " ", "，"]))
    ),
    "mobile capital numerals": lambda rng: phone(
        rng, "".join(CAPITALS[d] for d in mobile_digits(rng))
    ),
    "mobile mixed": mixed,
    "mobile +86": plus86,
    "landline": landline,
    "WeChat ID after label": wechat,
    "QQ after label": qq,
    "other account": other_account,
    "e-mail": email,
    "spelled-out e-mail": spelled_email,
    "house-number address": house_address,
    "village/group address": village_address,
    "bank card in groups": card,
    "ID number with spaces": id_number,
    "name with title": name_with_title,
    "name after role": name_after_role,
    "known third party": known_third_party,
}


# Measured by recall_table, not guaranteed by the property test.
MEASURED_STYLES = {"name in free text": name_in_free_text}


def sentence(rng, item):
    return pick(rng, OPENINGS) + item.text + pick(rng, CLOSINGS)


def outcome(text, item):
    """masked (the value is gone), flagged (leftovers reports it) or missed."""
    masked = mask(text, names=item.names)
    at = masked.find(item.value)
    if at < 0:
        return "masked"
    end = at + len(item.value)
    for fragment in leftovers(masked):
        start = masked.find(fragment)
        while start >= 0:
            if start < end and at < start + len(fragment):
                return "flagged"
            start = masked.find(fragment, start + 1)
    return "missed"


def recall_table(examples=300, seed=2026):
    """(style, masked share, flagged share, missed share) for each style."""
    rows = []
    for name, style in {**STYLES, **MEASURED_STYLES}.items():
        counts = {"masked": 0, "flagged": 0, "missed": 0}
        for i in range(examples):
            rng = random.Random(f"{seed}-{name}-{i}")
            item = style(rng)
            counts[outcome(sentence(rng, item), item)] += 1
        rows.append((name, *(counts[k] / examples for k in ("masked", "flagged", "missed"))))
    return rows


# --- properties ---------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def warm_up():
    leftovers("王建国反映")  # loads jieba once, outside the timed examples


@pytest.mark.parametrize("style", list(STYLES))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_personal_data_is_masked_or_reported(style, rng):
    item = STYLES[style](rng)
    text = sentence(rng, item)
    assert outcome(text, item) != "missed", (text, mask(text, names=item.names))


@pytest.mark.parametrize("style", list(STYLES))
@settings(max_examples=20, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_masking_is_idempotent_and_leaves_nothing_it_masked(style, rng):
    item = STYLES[style](rng)
    once = mask(sentence(rng, item), names=item.names)
    assert mask(once, names=item.names) == once


PUBLIC_FACTS = [
    lambda rng: f"{rng.randrange(2000, 2031)}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日",
    lambda rng: (
        f"{rng.randrange(2000, 2031)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    ),
    lambda rng: f"{rng.randrange(2000, 2031)}.{rng.randrange(1, 13)}.{rng.randrange(1, 29)}",
    lambda rng: f"{rng.randrange(1, 1000)}.{rng.randrange(1, 10)}万元",
    lambda rng: f"{rng.randrange(1, 1000)},{rng.randrange(1000):03d},{rng.randrange(1000):03d}元",
    lambda rng: f"{rng.randrange(1, 1000)}，{rng.randrange(1000):03d}，{rng.randrange(1000):03d}元",
    lambda rng: f"{rng.randrange(10**6, 10**11)}元",
    lambda rng: f"{rng.randrange(0, 100)}.{rng.randrange(10)}%",
    lambda rng: f"GY-{rng.randrange(2000, 2031)}-{rng.randrange(10000):04d}",
    lambda rng: f"{rng.randrange(0, 24):02d}:{rng.randrange(0, 60):02d}",
    lambda rng: f"共{rng.randrange(1, 10**7)}户",
    lambda rng: pick(rng, ROADS) + pick(rng, ["", "与创业大道交叉口", "沿线", "两侧"]),
    lambda rng: pick(rng, ["91360921MA35L8XK1T", "91360000MA35XXXX0X", "92360100MA39ABCD1E"]),
    lambda rng: pick(rng, SURNAMES) + pick(rng, TITLED),  # 王先生 names nobody
]


@settings(max_examples=300, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_dates_amounts_references_codes_and_roads_stay(rng):
    parts = [pick(rng, PUBLIC_FACTS)(rng) for _ in range(rng.randrange(1, 4))]
    text = "，".join(parts) + "。"
    assert mask(text) == text
    assert leftovers(text) == []


TRICKY = (
    "0123456789 -.,，/_·—()*@#Xx x at dot 点艾特 王李高经理先生主任路街号栋室村组微信QQwx一三八壹叁"
)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=TRICKY, min_size=2000, max_size=4000))
def test_linear_time_on_adversarial_text(text):
    """About 0.1 s on a quiet machine; catastrophic backtracking would take many seconds. The
    limit leaves room for a machine loaded by other test workers and a benchmark (1 s failed)."""
    started = time.perf_counter()
    masked = mask(text)
    leftovers(masked)
    assert time.perf_counter() - started < 2.0


LONG = [
    "1 " * 20000 + "*",
    "1-" * 20000,
    "a." * 20000,
    "a#" * 20000 + "a",
    "a at " * 8000,
    "王" * 40000,
    "路1号" * 10000,
    "微信" + "a" * 40000,
    "1" * 40000 + "元",
    "据王建国反映，星湖街300号道路积水严重，电话13812341234。" * 1000,
]


def seconds(function, text):
    started = time.perf_counter()
    function(text)
    return time.perf_counter() - started


def assert_linear(function, text):
    """Twice the text takes about twice the time, never four times: measured side by side in
    one run, so a busy machine slows both halves alike (an absolute limit failed under load).
    The halves and the wholes alternate, so a burst of load on a shared machine slows runs of
    both (timed one group after the other, a burst once made the whole 4.8 times the half).
    Runs shorter than half a second are too noisy to compare beside other test workers, and
    quadratic work on these lengths takes many seconds: the floor lets them pass; the ceiling
    catches a catastrophe whatever the ratio."""
    function(text[:10])  # warm up (jieba loads its dictionary on first use)
    half = full = float("inf")
    for _ in range(3):
        half = min(half, seconds(function, text[: len(text) // 2]))
        full = min(full, seconds(function, text))
    assert full < max(3 * half, 0.5) and full < 20, (half, full)


@pytest.mark.parametrize("text", LONG)
def test_mask_is_linear_on_long_repetitions(text):
    assert_linear(mask, text)


@pytest.mark.parametrize("text", LONG + ["王建" * 1000])
def test_leftovers_stays_fast_on_long_repetitions(text):
    """jieba costs up to 0.6 ms a character on long blocks of unknown characters that could
    start names (王建王建…): 2,000 of them, a submitter's longest description, stay near 1 s
    on a quiet machine, and twice as many take about twice as long."""
    assert_linear(leftovers, text)


if __name__ == "__main__":
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    print(f"{'style':<26}{'masked':>8}{'flagged':>9}{'missed':>8}")
    for style, masked, flagged, missed in recall_table(examples):
        print(f"{style:<26}{masked:>8.1%}{flagged:>9.1%}{missed:>8.1%}")
