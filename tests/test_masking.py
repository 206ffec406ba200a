import os
import stat
import subprocess
import sys

import pytest

from submissions import masking
from submissions.masking import leftovers, mask

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
    # styles the first version left to the editor: full-width, spelled, mixed separators,
    # local numbers after a label, spelled-out and full-width e-mail addresses
    ("１３８１２３４１２３４", (), "１３８****１２３４"),
    ("电话：０７９１－８８１２３４５６", (), "电话：０７９１－****３４５６"),
    ("电话88123456", (), "电话****3456"),
    ("电话8812345", (), "电话***2345"),
    ("138 1234-1234", (), "138 ****-1234"),
    ("一三八一二三四一二三四", (), "一三八****一二三四"),
    ("幺三八幺二三四", (), "***幺二三四"),
    ("wang at qq.com", (), "w*** at qq.com"),
    ("邮箱wang#qq.com", (), "邮箱w***#qq.com"),
    ("wang(at)163.com", (), "w***(at)163.com"),
    ("wang[at]sina.cn", (), "w***[at]sina.cn"),
    ("zhang＠qq.com", (), "z***＠qq.com"),
    # any separator, any digits
    ("电话138.1234.1234", (), "电话138.****.1234"),
    ("138/1234/1234", (), "138/****/1234"),
    ("138_1234_1234", (), "138_****_1234"),
    ("138·1234·1234", (), "138·****·1234"),
    ("138—1234—1234", (), "138—****—1234"),
    ("138，1234，1234", (), "138，****，1234"),
    ("138,1234,1234", (), "138,****,1234"),
    ("138 - 1234 - 1234", (), "138 - **** - 1234"),
    ("１３８－１２３４－１２３４", (), "１３８－****－１２３４"),
    ("壹叁捌壹贰叁肆伍陆柒捌", (), "壹叁捌****伍陆柒捌"),
    ("一三八 一二三四 五六七八", (), "一三八 **** 五六七八"),
    ("138一二三四5678", (), "138****5678"),
    ("+86 138.1234.1234", (), "+86 138.****.1234"),
    ("0086 13812341234", (), "0086 138****1234"),
    ("0791.8812.3456", (), "0791.****.3456"),
    ("〇七九一 八八一二三四五六", (), "〇七九一 ****三四五六"),
    ("电话 8812 3456", (), "电话 **** 3456"),
    ("来电13812341234 2026年", (), "来电138****1234 2026年"),
    # bank cards in groups or after a label, ID numbers with spaces
    ("银行卡6222 0212 3456 7890 123", (), "银行卡**** **** **** ***0 123"),
    ("卡号6222021234567890", (), "卡号************7890"),
    ("6222-0212-3456-7890", (), "****-****-****-7890"),
    ("身份证360102 19900307 1234", (), "身份证360*** ******** 1234"),
    ("360102 1990 0307 123X", (), "360*** **** **** 123X"),
    # accounts after their labels
    ("微信号：wang_xm88", (), "微信号：w********"),
    ("微信 wxm-1988", (), "微信 w*******"),
    ("wx: abc_123", (), "wx: a******"),
    ("vx：Li_Si2020", (), "vx：L********"),
    ("wx13812341234", (), "wx138****1234"),
    ("QQ：12345678", (), "QQ：****5678"),
    ("qq号 987654", (), "qq号 9*****"),
    ("抖音号：dy_zhang88", (), "抖音号：d*********"),
    ("支付宝账号：zhang_san_01", (), "支付宝账号：z***********"),
    ("加V信abc12345", (), "加V信a*******"),
    # spelled-out e-mail addresses
    ("wang AT example DOT com", (), "w*** AT example DOT com"),
    ("x(at)example(dot)com", (), "x***(at)example(dot)com"),
    ("wang艾特example点com", (), "w***艾特example点com"),
    ("li.si [at] mail [dot] gov [dot] cn", (), "l*** [at] mail [dot] gov [dot] cn"),
    ("wang＠qq．com", (), "w***＠qq．com"),
    # house numbers; the road, village or estate stays
    ("住在星湖街300号5幢600室", (), "住在星湖街***号*幢***室"),
    ("创业大道88号", (), "创业大道**号"),
    ("工业二路18号3栋201室", (), "工业二路**号*栋***室"),
    ("星湖街三百号", (), "星湖街**号"),
    ("幸福巷7-3号", (), "幸福巷*-*号"),
    ("某某村三组12号", (), "某某村*组**号"),
    ("黄岗村十二组", (), "黄岗村**组"),
    ("星火村12号", (), "星火村**号"),
    ("阳光小区5栋2单元501室", (), "阳光小区*栋*单元***室"),
    ("3号楼601", (), "*号楼***"),
    ("5幢1202", (), "*幢****"),
    # names next to a title or after a role
    ("物业公司张建国经理说", (), "物业公司张**经理说"),
    ("李小红女士来访", (), "李**女士来访"),
    ("请王小明先生签字", (), "请王**先生签字"),
    ("县住建局陈刚科长带队", (), "县住建局陈*科长带队"),
    ("欧阳娜娜女士", (), "欧阳**女士"),
    ("赵敏同志", (), "赵*同志"),
    ("王建国副主任", (), "王**副主任"),
    ("维修师傅刘大力", (), "维修师傅刘**"),
    ("业主王建国反映", (), "业主王**反映"),
    ("人大代表周建华主持", (), "人大代表周**主持"),
    ("车间主任王强说", (), "车间主任王*说"),
    ("村民孙丽家门口", (), "村民孙*家门口"),
    # the caller's names: the enterprise's contact, an e-mail's local part anywhere
    ("张伟反映，联系人张伟", ("张伟", "13812341234"), "张*反映，联系人张*"),
    (
        "邮箱lisi_2020@qq.com，微信同邮箱lisi_2020",
        ("李四", "lisi_2020@qq.com"),
        "邮箱l********@qq.com，微信同邮箱l********",
    ),
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
    # dates, amounts, percentages, references, codes, times, roads without a house number
    "2026年12月3日",
    "二〇二六年十二月三日",
    "2026-12-03",
    "2026.12.03-2026.12.10",
    "2020-2022年",
    "2024、2025、2026年",
    "上午10:30至11:30",
    "投资9.9万元",
    "补偿1,250,000元",
    "补偿1，250，000元",
    "00:13，100000000元。",  # a time, then an amount: the comma ends a list item (hypothesis)
    "总价1 250 000元",
    "¥1,250,000",
    "共计1,250,000",  # thousands-grouped: an amount even without a unit
    "收入13500000000元",  # a phone's shape, but an amount
    "12345678.5万元",
    "增长12.5%",
    "案件GY-2026-0012",
    "统一社会信用代码91360921MA35L8XK1T",
    "星湖街与创业大道交叉口",
    "园区3号楼",  # one level of a building: a factory, not a flat
    "一座三层的厂房",
    "星湖街道办事处",
    # titles and roles without a full name, common words that start with a surname
    "王先生、李主任和张师傅",
    "项目经理表示",
    "车间主任反映",
    "居民高度评价",
    "工人文化宫",
    "班主任老师",
    "向驻站代表反映",
    "业主方面表示认可",
    "常务副县长带队",
    "王某经理",
    "王**经理",
    # labels without an account
    "QQ群",
    "微信公众号",
    "微信同号",
]

# What mask deliberately leaves alone and leftovers must report: (text, fragments).
LEFT_FOR_THE_EDITOR = [
    ("订单号1381234123456", ["1381234123456"]),  # a phone's digits inside a longer run
    ("订单号2613812341234", ["2613812341234"]),
    ("913601199003071234", ["913601199003071234"]),  # region codes never start with 9
    ("IDcard360102199003071234", ["360102199003071234"]),  # glued to letters
    ("360102199013071234", ["360102199013071234"]),  # month 13: not an ID, still digits
    ("._x@qq.com", ["._x@qq.com"]),  # local part mask does not recognise
    # reported, never rewritten: too ambiguous to mask blindly
    ("编号1381234123456", ["1381234123456"]),
    ("ID360102199003071234", ["360102199003071234"]),
    ("6222021234567890", ["6222021234567890"]),  # no groups, no label: an order number?
    ("王建国反映园区道路积水", ["王建国"]),  # a name in free text: jieba
    ("经与刘芳沟通，企业同意延期", ["刘芳"]),
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
            # ；, not ，: a Chinese comma joins digit groups (138，1234，1234 is a phone)
            "88123456；wang at qq.com；88123456；一三八一二三四一二三四",
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


def test_jieba_is_loaded_lazily_not_with_the_django_app():
    code = (
        "import sys, django; django.setup(); import disclosure.models, disclosure.forms; "
        "from submissions.masking import mask; mask('王建国经理 13812341234'); "
        "print('jieba' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "False"


def test_jieba_keeps_its_cache_in_a_private_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("JIEBA_CACHE_DIR", str(tmp_path / "jieba"))
    folder = masking._jieba_cache_dir()
    assert folder == str(tmp_path / "jieba")
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    monkeypatch.delenv("JIEBA_CACHE_DIR")
    assert os.path.basename(masking._jieba_cache_dir()).startswith("portal-jieba-")


def test_jieba_tokens_cover_the_text_so_offsets_are_positions():
    text = "据王建国反映，星湖街 300号 wang@qq.com\n李小红女士"
    assert "".join(token.word for token in masking._tagger().cut(text)) == text


class FakeCase:
    submitter_name = "王小明"
    submitter_email = "wxm2020@example.com"
    enterprise = type("Enterprise", (), {"contact_name": "李红梅"})()


def test_case_values_are_the_submitter_and_the_enterprise_contact():
    assert masking.case_values(None) == []
    assert masking.case_values(FakeCase()) == ["王小明", "wxm2020@example.com", "李红梅"]
    text = "王小明与企业联系人李红梅沟通，微信wxm2020"
    assert (
        mask(text, names=masking.case_values(FakeCase())) == "王**与企业联系人李**沟通，微信w******"
    )
