import pytest

from disclosure.masking import leftovers, mask

# (text, names, masked text)
MASKED = [
    # mobile numbers
    ("请联系13812341234处理", (), "请联系138****1234处理"),
    ("手机19912345678，谢谢", (), "手机199****5678，谢谢"),
    ("电话：138-1234-1234。", (), "电话：138-****-1234。"),
    ("手机 138 1234 1234 转", (), "手机 138 **** 1234 转"),
    ("+86 13812341234", (), "+86 138****1234"),
    ("+8613812341234", (), "+86138****1234"),
    ("86-138-1234-1234", (), "86-138-****-1234"),
    # landlines
    ("办公电话0791-88123456", (), "办公电话0791-****3456"),
    ("0796-5550200", (), "0796-***0200"),
    ("(0791)88123456", (), "(0791)****3456"),
    ("（0791）88123456", (), "（0791）****3456"),
    ("010-12345678", (), "010-****5678"),
    ("座机0796-5550123-801转", (), "座机0796-***0123-801转"),
    ("079188123456", (), "0791****3456"),
    ("02012345678", (), "020****5678"),
    # ID numbers
    ("身份证号360102199003071234，", (), "身份证号360***********1234，"),
    ("36010219900307123X", (), "360***********123X"),
    ("36010219900307123x", (), "360***********123x"),
    ("老身份证360102900307123", (), "老身份证360********7123"),
    # plates
    ("车牌赣D·12345", (), "车牌赣D·***45"),
    ("赣D12345", (), "赣D***45"),
    ("新能源车赣DF12345", (), "新能源车赣D****45"),
    ("赣D 12345", (), "赣D ***45"),
    ("京A•B1234", (), "京A•***34"),
    # e-mail addresses
    ("邮箱zhangsan@example.com。", (), "邮箱z***@example.com。"),
    ("li.si+case@mail.gov.cn", (), "l***@mail.gov.cn"),
    ("13812341234@qq.com", (), "1***@qq.com"),
    # names given by the caller
    ("李四来访", ("李四",), "李*来访"),
    ("王小明反映，王小明先生说", ("王小明",), "王**反映，王**先生说"),
    ("欧阳娜娜和诸葛亮", ("欧阳娜娜", "诸葛亮"), "欧阳**和诸葛*"),
    ("王先生来电", ("王先生",), "王**来电"),
    ("王小明先生来电，王小明", ("王小明先生",), "王**先生来电，王**"),
    ("欧阳先生来电", ("欧阳先生",), "欧阳**来电"),
    ("王小明", ("", "王", " 王小明 "), "王**"),
    ("王小明和王小", ("王小", "王小明"), "王**和王*"),  # the longer name wins
    ("欧阳来电", ("欧阳",), "欧*来电"),  # a bare compound surname still loses a character
    # names after a label
    ("联系人：张三丰", (), "联系人：张**"),
    ("联系人:张三，", (), "联系人:张*，"),
    ("姓名：李四 电话", (), "姓名：李* 电话"),
    ("我叫王小明，今年", (), "我叫王**，今年"),
    ("本人王小明反映", (), "本人王**反映"),
    ("联系人：欧阳娜娜", (), "联系人：欧阳**"),
    ("联系人：王小明先生", (), "联系人：王**先生"),
    # several items in one text
    (
        "本人王小明，电话13812341234，邮箱wxm@example.com，车牌赣D·12345，"
        "身份证360102199003071234，单位电话0791-88123456。",
        (),
        "本人王**，电话138****1234，邮箱w***@example.com，车牌赣D·***45，"
        "身份证360***********1234，单位电话0791-****3456。",
    ),
    ("反映人李四与王小明（13912345678）", ("李四", "王小明"), "反映人李*与王**（139****5678）"),
]

UNTOUCHED = [
    "2026-08-15",
    "2026年8月15日",
    "2026/8/15",
    "2026-08-15 10:30受理",
    "投资9.9万元",
    "注册资本500万元",
    "补偿1200000元",
    "同比增长1.5%",
    "园区共有企业120家，从业人员3500人",
    "案件YXGY-2026-0012已办结",
    "T3-2026-00001",
    "91360921MA35L8XK1T",
    "统一社会信用代码91360000MA35XXXX0X",
    "本人曾多次反映道路积水问题",
    "本人认为该企业存在违规",
    "我叫了物业",
    "联系人：王先生",
    "新能源汽车充电桩建设滞后",
]

# What mask deliberately leaves alone and leftovers must report: (text, fragments).
LEFT_FOR_THE_EDITOR = [
    ("１３８１２３４１２３４", ["１３８１２３４１２３４"]),  # full-width digits
    ("电话：０７９１－８８１２３４５６", ["０７９１－８８１２３４５６"]),
    ("电话88123456", ["88123456"]),  # local number without area code
    ("电话8812345", ["8812345"]),
    ("订单号1381234123456", ["1381234123456"]),  # a phone's digits inside a longer run
    ("订单号2613812341234", ["2613812341234"]),
    ("913601199003071234", ["913601199003071234"]),  # region codes never start with 9
    ("IDcard360102199003071234", ["360102199003071234"]),  # glued to letters
    ("360102199013071234", ["360102199013071234"]),  # month 13: not an ID, still digits
    ("138 1234-1234", ["138 1234-1234"]),  # mixed separators
    ("一三八一二三四一二三四", ["一三八一二三四一二三四"]),
    ("幺三八幺二三四", ["幺三八幺二三四"]),
    ("wang at qq.com", ["wang at qq.com"]),
    ("邮箱wang#qq.com", ["wang#qq.com"]),
    ("wang(at)163.com", ["wang(at)163.com"]),
    ("wang[at]sina.cn", ["wang[at]sina.cn"]),
    ("zhang＠qq.com", ["zhang＠qq.com"]),  # full-width at sign
    ("._x@qq.com", ["._x@qq.com"]),  # local part mask does not recognise
]


@pytest.mark.parametrize(("text", "names", "expected"), MASKED)
def test_masks_personal_data(text, names, expected):
    assert mask(text, names=names) == expected


@pytest.mark.parametrize("text", UNTOUCHED)
def test_leaves_dates_amounts_references_codes_and_plain_text_alone(text):
    assert mask(text) == text
    assert leftovers(text) == []


@pytest.mark.parametrize(
    ("text", "names"), [(t, n) for t, n, _ in MASKED] + [(t, ()) for t in UNTOUCHED]
)
def test_masking_is_idempotent(text, names):
    once = mask(text, names=names)
    assert mask(once, names=names) == once


@pytest.mark.parametrize(("text", "names"), [(t, n) for t, n, _ in MASKED])
def test_nothing_is_left_after_masking(text, names):
    assert leftovers(mask(text, names=names)) == []


def test_a_single_name_string_is_one_name():
    assert mask("王小明来访", names="王小明") == "王**来访"


@pytest.mark.parametrize(("text", "fragments"), LEFT_FOR_THE_EDITOR)
def test_leftovers_reports_what_mask_leaves(text, fragments):
    assert mask(text) == text
    assert leftovers(text) == fragments


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("zhangsan@example.com", ["zhangsan@example.com"]),
        ("手机13812341234", ["13812341234"]),
        ("+86 138 1234 1234", ["86 138 1234 1234"]),
        ("2026-08-15 13812341234", ["13812341234"]),  # a date does not shield the phone
        ("88123456 500万元", ["88123456 500"]),  # nor does a unit after a joined group
        ("1200000 138****1234", ["1200000"]),  # nor a masked neighbour
        (
            "88123456，wang at qq.com，88123456，一三八一二三四一二三四",
            ["88123456", "wang at qq.com", "一三八一二三四一二三四"],
        ),
        ("wang at qq.com，电话88123456", ["wang at qq.com", "88123456"]),
    ],
)
def test_leftovers_in_order_and_once(text, fragments):
    assert leftovers(text) == fragments


@pytest.mark.parametrize(
    "text",
    [
        "z***@example.com",
        "138****1234",
        "+86 138****1234",
        "138-****-1234",
        "360***********123X",
        "0791-****3456-801",
        "2026-08-15 138****1234",
        "12345678.5万元",
        "共1234567户",
        "20260815",
    ],
)
def test_leftovers_ignores_masked_data_dates_and_amounts(text):
    assert leftovers(text) == []
