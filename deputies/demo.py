"""Demo deputies, enterprises, pairings and reception days. Every person and firm is fictional."""

import datetime
import random

from django.utils import timezone

from deputies.models import Deputy, Enterprise, Pairing, ReceptionDay, Station
from deputies.pages import DeputyIndexPage, ReceptionPage
from deputies.validators import CREDIT_CODE_ALPHABET, credit_code_check_character
from home.demo import STATION_NAME, child, demo_image, ensure_home_page, portrait

# name, level, role, delegation, occupation, work unit
DEPUTIES = [
    ("林建华", "county", "resident", "园区代表组", "党工委副书记", "云溪县工业园区管委会"),
    ("陈晓梅", "city", "resident", "云溪县代表团", "董事长", "云溪恒达电子科技有限公司"),
    ("周国强", "county", "resident", "园区代表组", "总经理", "云溪绿源食品有限公司"),
    ("吴丽娟", "county", "resident", "园区代表组", "人力资源总监", "云溪新材股份有限公司"),
    ("郑志明", "provincial", "resident", "吉安市代表团", "董事长", "云溪精工机械有限公司"),
    ("黄秀英", "township", "resident", "五溪镇代表组", "村党支部书记", "五溪镇石桥村"),
    ("刘德胜", "township", "resident", "五溪镇代表组", "村委会主任", "五溪镇新塘村"),
    ("赵春燕", "county", "resident", "园区代表组", "车间主任", "云溪光电科技有限公司"),
    ("孙文斌", "township", "resident", "塘溪镇代表组", "镇人大主席", "塘溪镇人民政府"),
    ("何美玲", "township", "resident", "塘溪镇代表组", "村民代表", "塘溪镇田心村"),
    ("马俊杰", "county", "resident", "园区代表组", "副主任", "云溪县工业园区管委会"),
    ("罗淑华", "national", "resident", "江西省代表团", "高级工程师", "云溪稀土新材料有限公司"),
    ("胡平秋", "county", "liaison", "县人大常委会", "常委会主任", "云溪县人大常委会"),
    ("王立清", "county", "liaison", "县人大常委会", "常委会副主任", "云溪县人大常委会"),
]

# ID-photo backdrops: blue, red, white-grey.
BACKDROPS = [(67, 120, 186), (176, 42, 48), (200, 204, 210), (92, 140, 196)]

INDUSTRIES = ["电子信息", "食品加工", "新材料", "装备制造", "纺织服装", "现代物流", "医药化工"]
FIRM_WORDS = [
    "恒通",
    "宏达",
    "鑫源",
    "华瑞",
    "盛泰",
    "金鹏",
    "永新",
    "博远",
    "明辉",
    "安顺",
    "德信",
    "嘉和",
    "锦程",
    "天宇",
    "瑞丰",
    "众诚",
    "隆兴",
    "佳美",
    "汇丰",
    "广益",
    "兴旺",
    "长青",
    "荣昌",
    "力拓",
    "万通",
    "祥瑞",
    "新锐",
    "卓越",
    "晨光",
    "远航",
    "同创",
    "顺达",
]
FIRM_KINDS = [
    "电子科技有限公司",
    "食品有限公司",
    "新材料有限公司",
    "机械制造有限公司",
    "服饰有限公司",
    "物流有限公司",
    "药业有限公司",
]


def demo_credit_code(rng):
    body = "91" + "369999" + "".join(rng.choice(CREDIT_CODE_ALPHABET[:10]) for _ in range(8))
    body += rng.choice(CREDIT_CODE_ALPHABET)
    return body + credit_code_check_character(body)


def seed(password, log):
    home = ensure_home_page()
    station, _ = Station.objects.get_or_create(
        reference_prefix="YXGY",
        defaults={
            "name": STATION_NAME,
            "address": "云溪县工业园区管委会一楼（园区大道88号）",
            "phone": "0796-5550123",
            "opening_hours": "工作日 8:30–12:00，14:30–17:30；每月10日、25日为代表接待日",
        },
    )
    child(
        home,
        DeputyIndexPage,
        "deputies",
        title="代表墙",
        show_in_menus=True,
        intro="驻站代表来自园区企业、管委会和周边乡镇。点击代表可查看简介、接待日和结对企业，也可以直接向TA反映问题。",
    )
    child(
        home,
        ReceptionPage,
        "reception",
        title="接待日",
        show_in_menus=True,
        intro="每月10日、25日为代表接待日，每次不少于3名代表进站；工作日由联络站工作人员值班。",
    )

    deputies = []
    for order, (name, level, role, delegation, occupation, unit) in enumerate(DEPUTIES):
        deputy, _ = Deputy.objects.get_or_create(
            name=name,
            station=station,
            defaults=dict(
                level=level,
                role=role,
                delegation=delegation,
                occupation=occupation,
                work_unit=unit,
                sort_order=order,
                office_phone=f"0796-555{order + 100:04d}",
                bio=f"{name}，{unit}{occupation}。联系园区企业，帮助解决用工、融资、物流等方面的困难。",
                photo=demo_image(
                    f"代表照片-{name}", BACKDROPS[order % len(BACKDROPS)], (600, 800), portrait
                ),
            ),
        )
        deputies.append(deputy)

    rng = random.Random(2026)
    enterprises = []
    for index, word in enumerate(FIRM_WORDS):
        name = f"云溪{word}{FIRM_KINDS[index % len(FIRM_KINDS)]}"
        code = demo_credit_code(rng)
        enterprise = Enterprise.objects.filter(name=name).first() or Enterprise.objects.create(
            name=name,
            credit_code=code,
            address=f"云溪县工业园区{['创业', '工业', '科技', '园区'][index % 4]}大道{index * 3 + 1}号",
            industry=INDUSTRIES[index % len(INDUSTRIES)],
            is_key=index % 3 == 0,
            contact_name=f"{'张李王刘陈杨'[index % 6]}经理",
            contact_phone=f"1390796{index:04d}",
        )
        enterprises.append(enterprise)
    for index, deputy in enumerate(deputies):
        for enterprise in enterprises[index * 2 : index * 2 + 3]:
            Pairing.objects.get_or_create(deputy=deputy, enterprise=enterprise)

    seed_reception_days(station, [d for d in deputies if d.role == Deputy.Role.RESIDENT])
    log(
        f"Deputies: {len(deputies)}, enterprises: {len(enterprises)}, "
        f"reception days: {ReceptionDay.objects.count()}."
    )
    return []


def seed_reception_days(station, residents):
    """The 10th and 25th of the next three months, three or four deputies each, plus duty days."""
    today = timezone.localdate()
    month = today.replace(day=1)
    for step in range(4):
        for day_of_month in (10, 25):
            date = month.replace(day=day_of_month)
            if not today <= date <= today + datetime.timedelta(days=92):
                continue
            day, created = ReceptionDay.objects.get_or_create(
                station=station,
                date=date,
                kind=ReceptionDay.Kind.RECEPTION,
                defaults=dict(
                    start_time=datetime.time(9),
                    end_time=datetime.time(12),
                    place="联络站代表接待室（园区管委会一楼）",
                    theme=["用工招聘专场", "融资服务专场", "物流交通专场", ""][step],
                    staff_on_duty="李静、彭小军",
                ),
            )
            if created:
                start = (step * 2 + (day_of_month == 25)) * 3 % len(residents)
                day.deputies.set(
                    [residents[(start + i) % len(residents)] for i in range(3 + step % 2)]
                )
                day.save()  # ParentalManyToMany changes are written on save
        duty = month.replace(day=15)
        if duty >= today:
            ReceptionDay.objects.get_or_create(
                station=station,
                date=duty,
                kind=ReceptionDay.Kind.DUTY,
                defaults=dict(
                    start_time=datetime.time(8, 30),
                    end_time=datetime.time(17, 30),
                    place="联络站办公室",
                    staff_on_duty="李静",
                ),
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
