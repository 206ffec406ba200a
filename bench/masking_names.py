"""How well are person names found in free text: the rules of disclosure/masking.py, jieba's
part-of-speech tagging (tag nr), and both together; then the recall of mask/leftovers for each
writing style of the property test.

    .venv/bin/python bench/masking_names.py [--examples 300]

jieba (requirements/base.txt) is used by leftovers() only, for names in free text, filtered
to words with the shape of a name ("jieba nr, name-shaped"); mask() uses the rules alone, so
that no word is ever masked blindly (高峰 in 早晚高峰).

The labelled set: SENTENCES_WITH_NAMES hold one or more names of people in realistic notice
text (``{}`` slots filled from NAMES, in turn), NAME_FREE ones hold none, but enterprise
names, places, roads, villages, titles without a name (王先生, 李主任) and common words that
start with a surname (高度, 方面, 金额, 文明 …). A name counts as found when every character
after its surname is masked (rules) or inside a token tagged nr (jieba); any other masked or
nr-tagged character is a false positive.
"""

import argparse
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

from submissions.masking import COMPOUND_SURNAMES, free_text_names, mask  # noqa: E402

NAMES = (
    "王建国 李小红 张伟 刘芳 陈刚 杨丽娟 赵敏 黄志强 周建华 吴静 徐明 孙丽 马俊 朱红梅 胡斌 "
    "郭晓东 何平 林秀英 罗军 郑海涛 高峰 梁超 谢娜 宋佳 唐亮 许文博 韩冰 冯雪 邓志刚 曹阳 "
    "彭博 肖敏 董洁 袁野 潘磊 蒋勇 蔡明亮 余华 杜鹃 叶青 程浩 欧阳娜娜 司马光明 方晓 "
    "石磊 田甜 万里 白雪 江涛 金鑫"
).split()

# One {} per name; the same sentence is used with several names.
SENTENCES_WITH_NAMES = [
    "{}反映园区道路积水问题，希望尽快修缮排水管网。",
    "经与{}沟通，企业同意延期一个月缴纳费用。",
    "据{}介绍，该路段夜间没有路灯，职工出行不安全。",
    "{}、{}等五名职工反映工资被拖欠三个月。",
    "物业公司{}经理表示将在本周内完成维修。",
    "企业负责人{}说，订单增加后普工缺口约60人。",
    "县住建局{}科长带队到现场核实了情况。",
    "业主{}多次来电反映小区噪音扰民。",
    "{}女士来访，反映孩子入学手续办理困难。",
    "请{}先生于下周一到管委会领取补贴资料。",
    "村民{}家门口的排水沟堵塞，雨天积水严重。",
    "{}和{}两位代表参加了现场督办。",
    "园区管委会副主任{}主持召开协调会。",
    "维修师傅{}当天下午更换了损坏的路灯。",
    "经查，{}反映的情况属实，已责令整改。",
    "{}称其在园区务工期间受伤，希望协调工伤认定。",
    "由{}负责跟踪落实，每周报告一次进展。",
    "人大代表{}提出，应当增加早晚高峰公交班次。",
    "当事人{}对处理结果表示满意。",
    "{}老师反映学校门口道路拥堵。",
    "我们联系了{}，他表示已经收到补贴款。",
    "工人{}在车间加班时发现消防通道被占用。",
    "{}是该企业的财务负责人，负责申报技改补贴。",
    "投诉人{}要求企业退还押金。",
    "{}师傅反映货车限行导致只能夜间发货。",
    "办理过程中，{}多次到现场查看施工进度。",
    "关于{}反映的公交班次问题，县交通局已作答复。",
    "{}和同事一起向驻站代表反映了情况。",
    "联络站工作人员{}电话回访了企业。",
    "{}的丈夫在园区企业上班，希望解决子女入学问题。",
    "县金融中心{}主任介绍了银企对接情况。",
    "店主{}反映门前垃圾清运不及时。",
    "{}同志已将情况报告给分管领导。",
    "据企业员工{}反映，宿舍区热水供应不足。",
    "{}今年六月申请了稳岗返还资金。",
    "社区干部{}陪同检查了消防设施。",
    "{}董事长表示将扩大生产规模。",
    "问题由{}提出，经联络站转交县人社局办理。",
    "{}提供的照片显示路面破损严重。",
    "下午三点，{}在园区大道发现井盖缺失。",
]

NAME_FREE = [
    "园区道路积水问题已经解决，排水管网完成修缮。",
    "江西云溪华丰科技有限公司反映用电容量不足。",
    "云溪县金山化工有限公司申请的技改补贴已到账。",
    "星湖街与创业大道交叉口增设了红绿灯。",
    "高新区管委会组织召开了银企对接会。",
    "王先生反映的问题已转交县住建局办理。",
    "李主任表示将尽快协调解决。",
    "项目经理表示施工将在月底前完成。",
    "张师傅当天就修好了路灯。",
    "经现场核实，道路照明设施损坏，已安排维修。",
    "企业反映融资担保费率偏高，希望降低到1%以内。",
    "该路段高度限制为4.5米，大货车无法通行。",
    "在政策方面，县里已出台稳岗返还实施细则。",
    "申请的500万元流动资金贷款已两个月未批。",
    "金额较大的项目需要报县政府审批。",
    "园区积极创建文明单位，环境明显改善。",
    "平安园区建设取得阶段性成效。",
    "常务副县长带队调研了园区企业用工情况。",
    "黄岗村至园区的道路拓宽工程已开工。",
    "马家村村委会协助做好征地补偿工作。",
    "白天限行货车，夜间可以通行。",
    "石油化工类企业需要进行安全评估。",
    "周边居民反映施工扬尘严重。",
    "马上要进入汛期，排水设施需要提前检查。",
    "江南大道路灯全部恢复照明。",
    "黎明时分仍有货车在园区内鸣笛。",
    "向阳路段的施工围挡已经拆除。",
    "于是企业向联络站提出了诉求。",
    "企业生产成本上升，希望减免部分费用。",
    "林业部门对园区绿化带进行了补植。",
    "余额不足的企业可以申请分期缴纳。",
    "办理程序已经简化，材料一次性告知。",
    "安全生产检查发现三处隐患，已责令整改。",
    "严格落实首问负责制，提高办事效率。",
    "司法调解后双方达成和解协议。",
    "华丽路与金山路交叉口积水严重。",
    "黄金周期间园区物流车辆增多。",
    "钱款已经退还给企业。",
    "方案经过论证后正式实施。",
    "管委会主任会议研究了园区企业融资难问题。",
    "县人大常委会副主任带队开展专题调研。",
    "选联工委主任出席了会议。",
    "车间主任反映设备老化需要更新。",
    "各位代表对办理结果表示满意。",
    "驻站代表与企业负责人进行了座谈。",
    "班主任老师建议错峰放学。",
    "工人文化宫将于下月开放。",
    "居民高度评价此次整治工作。",
    "业主方面对维修结果表示认可。",
    "邓家埠镇政府配合做好拆迁工作。",
    "云溪县人力资源和社会保障局组织了专场招聘会。",
    "园区企业共120家，从业人员3500人。",
    "担保费率由1.5%降至1%。",
    "首贷企业审批时限压缩到15个工作日。",
    "同比增长12.5%，高于全县平均水平。",
    "企业反映的问题全部办结答复。",
    "希望人社部门组织专场招聘会。",
    "数控技工流失严重，希望开展技能培训。",
    "公交车每小时一班，希望增加班次。",
    "扩建项目环评材料已补正三次。",
    "外地职工子女在园区附近学校入学。",
    "创业大道到工业大道之间的支路没有路灯。",
    "雨天厂区门口道路积水严重，货车进出困难。",
    "园区宿舍区垃圾两三天才清运一次。",
    "园区大道施工扬尘大，希望增加洒水频次。",
    "去年申报的技改补贴已公示，但至今没有到账。",
    "今年申请的稳岗返还资金三个月没有回复。",
    "属于司法诉讼事项，不在联络站受理范围。",
    "答复过于笼统，请明确解决时限和具体措施。",
    "经现场核实，已协调解决，后续将持续跟踪。",
    "建立银企对接台账，每月更新。",
    "县金融中心牵头研究降低担保费率。",
    "对首贷企业开辟绿色通道。",
    "未解决事项列入下月主任会议报告。",
    "梳理园区企业融资需求清单，共收集融资需求23项。",
    "现场对接融资需求，银行当场签约3家企业。",
    "听取前期落实情况汇报，逐项销号已解决的问题。",
    "张贴告示提醒居民注意安全。",
    "陈述意见后，企业撤回了申请。",
    "任何单位不得违规收费。",
    "任务分解到各责任部门。",
    "关于企业用地问题的答复已送达。",
    "文件要求于年底前完成整改。",
    "许多企业反映招工难。",
    "范围扩大到全县所有工业园区。",
    "夏季用电高峰期间实行错峰生产。",
    "付款方式改为按月结算。",
    "龙头企业带动作用明显。",
    "顾客投诉商户短斤少两。",
    "包括园区内的所有道路。",
    "施工期间请绕行。",
    "平台已开通网上申报功能。",
    "温度过高时应停止户外作业。",
    "第三季度完成全部工程。",
    "车辆进出请走东门。",
    "全面排查园区消防隐患。",
    "水电费按实际用量收取。",
    "连续三个月未缴纳社保的企业已被约谈。",
    "信息公开栏每月更新一次。",
    "信用良好的企业可以免担保。",
    "康复中心在园区南侧。",
    "材料齐全的当场办结。",
    "章程修改需经股东会同意。",
    "申报截止时间为本月底。",
    "童装企业希望参加展销会。",
    "柴油价格上涨增加了物流成本。",
    "单位食堂卫生检查合格。",
    "丰富职工业余文化生活。",
    "左右两侧车道同时施工。",
    "纪委监委对有关问题进行了调查。",
    "焦点问题是用地指标不足。",
    "陶瓷企业希望解决天然气供应问题。",
    "雷电天气请暂停户外施工。",
    "董事会决定增加投资。",
    "韩国客商到园区考察。",
    "叶片式风机已经安装到位。",
    "钟表厂搬迁至新厂区。",
    "储备用地已经完成平整。",
    "凤凰山隧道预计年底通车。",
    "路灯管理移交给县城管局。",
    "万元以上的支出需集体研究。",
    "全体职工参加了安全培训。",
]


def labelled_set():
    """(sentence, [names]) pairs: the filled name sentences, then the name-free ones."""
    items, k = [], 0
    for round_ in range(3):
        for template in SENTENCES_WITH_NAMES:
            slots = template.count("{}")
            names = [NAMES[(k + i) % len(NAMES)] for i in range(slots)]
            k += slots + round_
            items.append((template.format(*names), names))
    return items + [(sentence, []) for sentence in NAME_FREE]


def given_positions(sentence, name):
    """Positions of a name's given-name characters in sentence (the surname is kept)."""
    keep = 2 if name[:2] in COMPOUND_SURNAMES else 1
    start = sentence.index(name)
    return set(range(start + keep, start + len(name)))


def name_positions(sentence, names):
    positions = set()
    for name in names:
        start = sentence.index(name)
        positions |= set(range(start, start + len(name)))
    return positions


def rule_positions(sentence):
    """Characters the rules mask (no names passed in: the names are third parties)."""
    masked = mask(sentence)
    return {i for i, (a, b) in enumerate(zip(sentence, masked, strict=True)) if a != b}


def leftover_positions(sentence):
    """What leftovers() adds for names: jieba's nr words that have the shape of a name
    (disclosure.masking.free_text_names)."""
    return {i for start, end in free_text_names(sentence) for i in range(start, end)}


def load_jieba():
    try:
        import jieba
        import jieba.posseg
    except ImportError:
        return None
    jieba.setLogLevel(logging.WARNING)
    jieba.dt.tmp_dir = tempfile.gettempdir()
    started = time.perf_counter()
    jieba.initialize()
    print(f"jieba {jieba.__version__} loaded in {time.perf_counter() - started:.2f} s")
    return jieba.posseg


def jieba_positions(posseg, sentence):
    """Characters of tokens tagged as person names (nr, nrfg, nrt), two characters or more
    (a lone surname such as 王 in 王总 is no name to hide)."""
    positions, offset = set(), 0
    for token in posseg.cut(sentence):
        if (
            token.flag.startswith("nr")
            and len(token.word) >= 2
            and re.fullmatch(r"[\u4e00-\u9fff]+", token.word)
        ):
            positions |= set(range(offset, offset + len(token.word)))
        offset += len(token.word)
    return positions


def score(items, detect):
    """Name recall, false positives: characters outside names, and name-free sentences with
    at least one (the false-positive rate that an editor would feel)."""
    found = total = fp_chars = fp_sentences = free = 0
    for sentence, names in items:
        hits = detect(sentence)
        for name in names:
            total += 1
            found += given_positions(sentence, name) <= hits
        outside = hits - name_positions(sentence, names)
        fp_chars += len(outside)
        if not names:
            free += 1
            fp_sentences += bool(outside)
    return found / total, fp_sentences / free, fp_chars, total, free


def print_names(items, posseg):
    with_names = sum(1 for _, names in items if names)
    print(
        f"Labelled set: {len(items)} sentences, {with_names} with names, "
        f"{len(items) - with_names} without."
    )
    print(f"{'detector':<24}{'name recall':>12}{'FP rate':>10}{'FP chars':>10}")
    detectors = {"rules (mask)": rule_positions}
    if posseg is not None:
        detectors["jieba nr"] = lambda s: jieba_positions(posseg, s)
        detectors["rules + jieba nr"] = lambda s: rule_positions(s) | jieba_positions(posseg, s)
        detectors["jieba nr, name-shaped"] = leftover_positions
        detectors["mask + leftovers"] = lambda s: rule_positions(s) | leftover_positions(s)
    for label, detect in detectors.items():
        started = time.perf_counter()
        recall, fp_rate, fp_chars, _, _ = score(items, detect)
        took = (time.perf_counter() - started) / len(items) * 1000
        print(f"{label:<24}{recall:>11.1%}{fp_rate:>10.1%}{fp_chars:>10}   {took:.2f} ms/sentence")
    if posseg is not None:
        print("\njieba false positives on name-free sentences:")
        for sentence, names in items:
            if not names and (hits := jieba_positions(posseg, sentence)):
                print("  ", "".join(ch if i in hits else "·" for i, ch in enumerate(sentence)))
        print("jieba misses:")
        for sentence, names in items:
            hits = jieba_positions(posseg, sentence)
            missed = [n for n in names if not given_positions(sentence, n) <= hits]
            if missed:
                print("  ", "、".join(missed), "in", sentence)


def print_styles(examples):
    from tests.test_masking_property import recall_table

    print(f"\nPer-style recall of mask/leftovers ({examples} random sentences per style):")
    print(f"{'style':<26}{'masked':>8}{'flagged':>9}{'missed':>8}")
    for style, masked, flagged, missed in recall_table(examples):
        print(f"{style:<26}{masked:>8.1%}{flagged:>9.1%}{missed:>8.1%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="sentences per style")
    args = parser.parse_args()
    items = labelled_set()
    print_names(items, load_jieba())
    print_styles(args.examples)


if __name__ == "__main__":
    main()
