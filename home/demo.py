"""Demo content of the station's content site. Every person and enterprise is fictional."""

import datetime
import functools
import hashlib
import io
import random

import qrcode
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from home.models import (
    HomePage,
    NewsIndexPage,
    NewsPage,
    PrivacyNoticePage,
    ProcessGuidePage,
    RulesPage,
    SiteSettings,
)

STATION_NAME = "云溪县工业园区人大代表联络站"
# What the station's WeChat group QR code holds: an invitation link of the kind WeChat prints
# (fictional group).
WECHAT_GROUP_LINK = "https://weixin.qq.com/g/AQYAAFyxqkDemoYunxiGongye"


def seed(password, log):
    home = ensure_home_page()
    settings = SiteSettings.for_site(Site.objects.get(root_page=home))
    settings.icp_number = "云ICP备20260001号-1"
    settings.police_record_number = "云公网安备 36082802000001号"
    settings.wechat_qr = demo_image(
        "联络站微信群二维码", (255, 255, 255), size=(430, 430), draw=qr_code(WECHAT_GROUP_LINK)
    )
    settings.share_image = demo_image("联络站分享图", (164, 22, 26), size=(1200, 630))
    settings.save()

    rules = child(
        home,
        RulesPage,
        "rules",
        title="制度墙",
        show_in_menus=True,
        intro="联络站的基本情况、工作制度和代表职责，与接待室制度墙上的内容一致。",
        body=RULES_BODY,
    )
    guide = child(
        home,
        ProcessGuidePage,
        "process",
        title="办事流程",
        show_in_menus=True,
        intro="企业反映的每一个问题，都按“三单”闭环办理：问题清单、认领清单、公示清单。",
        steps=[("step", step) for step in PROCESS_STEPS],
        closing_note="<p>办理进度可随时凭编号和查询码在“查询进度”中查看。</p>",
    )
    news = child(
        home,
        NewsIndexPage,
        "news",
        title="工作动态",
        show_in_menus=True,
        intro="联络站的接待、走访和督办工作。",
    )
    for index, (title, intro, paragraphs) in enumerate(NEWS):
        date = timezone.localdate() - datetime.timedelta(days=9 * index + 3)
        child(
            news,
            NewsPage,
            f"news-{index + 1}",
            title=title,
            intro=intro,
            date=date,
            main_image=demo_image(f"工作动态配图{index + 1}", COLOURS[index % len(COLOURS)]),
            body=[("paragraph", "".join(f"<p>{p}</p>" for p in paragraphs))],
        )
    child(
        home,
        PrivacyNoticePage,
        "privacy",
        title="个人信息保护告知",
        show_in_menus=False,
        body=[("section", {"heading": h, "body": b}) for h, b in PRIVACY_SECTIONS],
    )

    if home.intro != HOME_INTRO:
        home.title = home.draft_title = STATION_NAME
        home.intro = HOME_INTRO
        home.submit_heading = "企业有诉求，代表来帮办"
        home.submit_text = (
            "扫描代表二维码或点击下方按钮，在线反映问题、提出建议，全程可查询办理进度。"
        )
        home.save_revision(log_action=False).publish(log_action=False)
    log(f"Content pages: {rules.title}, {guide.title}, {news.title} ({len(NEWS)} articles).")

    user_model = get_user_model()
    admin, _created = user_model.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.com"},
    )
    admin.password = password_hash(password)
    admin.save()
    return [("admin", "超级管理员 superuser")]


@functools.cache
def password_hash(password):
    """The demo logins' password, hashed once: the production hasher takes a second or more
    per hash by design, and every demo login shares the one published password anyway."""
    return make_password(password)


def ensure_home_page():
    """The HomePage that migrations create; rebuilt if a test flushed the page tree."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    # A flushed database (transactional tests) lacks even the rows Wagtail's migrations create.
    if not Collection.get_first_root_node():
        Collection.add_root(name="根目录")
    locale = Locale.objects.get_or_create(language_code="zh-hans")[0]
    root = Page.get_first_root_node() or Page.add_root(title="根目录", slug="root", locale=locale)
    home = root.add_child(instance=HomePage(title=STATION_NAME, slug="home", locale=locale))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": STATION_NAME,
        },
    )
    return home


def child(parent, model, slug, **fields):
    """The live child page with this slug, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)
    return page


def demo_image(title, colour, size=(1280, 720), draw=None):
    """A locally drawn image, so the demo needs no network and no stock photos: by default a
    placeholder photo; draw(picture, rng) paints something else on the size-sized canvas."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    rng = random.Random(title)
    picture = PILImage.new("RGB", size, colour)
    (draw or placeholder)(picture, rng)
    buffer = io.BytesIO()
    lossless = getattr(draw, "lossless", False)  # a QR code's sharp edges stay sharp in PNG
    picture.save(buffer, "PNG") if lossless else picture.save(buffer, "JPEG", quality=85)
    extension = "png" if lossless else "jpg"
    filename = f"demo-{hashlib.sha256(title.encode()).hexdigest()[:10]}.{extension}"
    return image_model.objects.create(title=title, file=ImageFile(buffer, name=filename))


def placeholder(picture, rng):
    """Soft overlapping discs over the colour, a pale band below: reads as a photo at a glance."""
    draw = ImageDraw.Draw(picture)
    width, height = picture.size
    colour = picture.getpixel((0, 0))
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        radius = rng.randrange(width // 12, width // 4)
        shade = tuple(min(255, c + rng.randrange(20, 90)) for c in colour)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=shade)
    draw.rectangle((0, height * 3 // 4, width, height), fill=(250, 250, 250))


def portrait(picture, rng):
    """A head-and-shoulders silhouette on a studio backdrop, like an ID photo (3:4): the deputy
    wall looks like a wall of people before real photos are uploaded."""
    draw = ImageDraw.Draw(picture)
    width, height = picture.size
    backdrop = picture.getpixel((0, 0))
    for y in range(height):  # lighter at the top, as under a studio light
        lift = 40 * (height - y) // height
        draw.line((0, y, width, y), fill=tuple(min(255, c + lift) for c in backdrop))
    suit = rng.choice([(38, 42, 56), (52, 58, 74), (30, 36, 44), (70, 60, 52)])
    skin = rng.choice([(236, 200, 170), (226, 186, 152), (214, 172, 140)])
    hair = rng.choice([(28, 24, 22), (44, 36, 30), (60, 56, 54)])
    cx = width // 2
    draw.ellipse((cx - width * 0.46, height * 0.66, cx + width * 0.46, height * 1.3), fill=suit)
    draw.polygon(  # the shirt collar's V
        [(cx - width * 0.1, height * 0.67), (cx + width * 0.1, height * 0.67), (cx, height * 0.8)],
        fill=(245, 245, 245),
    )
    draw.rectangle((cx - width * 0.07, height * 0.52, cx + width * 0.07, height * 0.68), fill=skin)
    head = (cx - width * 0.19, height * 0.22, cx + width * 0.19, height * 0.6)
    draw.ellipse(head, fill=skin)
    draw.chord(
        (head[0] - 4, head[1] - 8, head[2] + 4, head[3] - height * 0.12), 180, 360, fill=hair
    )


def qr_code(payload):
    """draw for demo_image: a scannable QR code of payload, centred with a quiet zone."""

    def draw(picture, rng):
        code = qrcode.QRCode(
            border=2, box_size=10, error_correction=qrcode.constants.ERROR_CORRECT_M
        )
        code.add_data(payload)
        symbol = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
        symbol.thumbnail(picture.size, PILImage.Resampling.NEAREST)
        picture.paste((255, 255, 255), (0, 0, *picture.size))
        left, top = ((a - b) // 2 for a, b in zip(picture.size, symbol.size, strict=True))
        picture.paste(symbol, (left, top))

    draw.lossless = True
    return draw


COLOURS = [(164, 22, 26), (29, 78, 137), (36, 110, 70), (140, 90, 20), (90, 60, 130)]

HOME_INTRO = (
    "<p>云溪县工业园区人大代表联络站设在园区管委会一楼，由县人大常委会设立，"
    "驻站代表来自园区企业、管委会和周边乡镇。企业有难处，可以到站里坐下来和代表聊一聊，"
    "也可以扫一扫代表的二维码，随时在手机上反映。</p>"
    "<p>每一个问题都按“问题清单、认领清单、公示清单”三单闭环办理：联络站梳理登记，"
    "县人大常委会选联工委交办到承办单位，承办单位7日内书面答复，办理结果向企业和社会公示。</p>"
)

RULES_BODY = [
    (
        "section",
        {
            "heading": "联络站简介",
            "body": "<p>联络站以“企业开创新未来，代表助力同行”为宗旨，紧扣服务企业、监督落实、"
            "助推问题解决的目标，是畅通政企交流、协调解决诉求、监督部门履职的站点。</p>",
        },
    ),
    (
        "rule_list",
        {
            "heading": "工作制度",
            "items": [
                "每月10日、25日为代表接待日，每次安排不少于3名代表进站接待。",
                "工作日由联络站工作人员值班，登记企业来访和来电反映的问题。",
                "企业反映的问题按问题清单、认领清单、公示清单“三单”办理，逐件销号。",
                "承办单位收到交办问题后7日内书面报告办理情况。",
                "对逾期未办结或企业不满意的问题，持续跟踪监督，并向主任会议报告。",
                "每年选取1至2个共性问题作为重点督办问题。",
            ],
        },
    ),
    (
        "rule_list",
        {
            "heading": "代表职责",
            "items": [
                "按排班进站接待企业，认真倾听、如实记录。",
                "与结对企业保持经常联系，每季度至少走访一次。",
                "跟踪所反映问题的办理情况，对办理结果进行评价。",
            ],
        },
    ),
]

PROCESS_STEPS = [
    {
        "title": "反映问题",
        "description": "企业或职工扫描代表二维码、在网站填写，或到联络站当面反映。",
        "responsible": "企业、职工",
        "time_limit": "随时",
    },
    {
        "title": "梳理登记（问题清单）",
        "description": "联络站工作人员核实情况，登记编号，列入问题清单。",
        "responsible": "联络站",
        "time_limit": "2个工作日",
    },
    {
        "title": "分类交办（认领清单）",
        "description": "县人大常委会选联工委分类梳理，经对口工委交承办单位认领办理。",
        "responsible": "选联工委、对口工委",
        "time_limit": "3个工作日",
    },
    {
        "title": "办理答复",
        "description": "承办单位签收后办理，能解决的及时解决，政策不允许的做好解释说明，7日内书面答复。",
        "responsible": "承办单位",
        "time_limit": "7日",
    },
    {
        "title": "评价销号",
        "description": "企业对办理结果进行评价；满意或基本满意的销号，不满意的继续督办。",
        "responsible": "企业、选联工委",
        "time_limit": "7日",
    },
    {
        "title": "结果公示（公示清单）",
        "description": "办理结果经审核后在联络站公示栏和网站公示。",
        "responsible": "联络站",
        "time_limit": "办结后",
    },
]

NEWS = [
    (
        "联络站举行代表接待日活动 现场收集企业诉求12条",
        "8名驻站代表与园区企业负责人面对面交流，用工、物流、融资问题集中。",
        [
            "本月接待日，8名驻站代表在联络站接待室与园区15家企业负责人面对面交流。",
            "代表们边听边记，现场收集用工招聘、物流运输、融资贷款等方面的诉求12条，已全部列入问题清单。",
        ],
    ),
    (
        "园区道路照明问题办结 企业职工夜班出行更安全",
        "县城管局完成园区支路路灯安装，企业评价满意。",
        [
            "针对企业反映的园区支路夜间照明不足问题，县城管局新装路灯46盏，已全部投入使用。",
            "企业职工表示，夜班上下班出行更安全了。",
        ],
    ),
    (
        "代表企业走访周启动 代表分组走访园区企业",
        "6个走访工作组将在一周内走访园区全部规模以上企业。",
        [
            "县人大常委会启动代表企业走访周活动，6个走访工作组分头走访园区企业，",
            "了解企业生产经营情况，收集企业发展中遇到的困难和问题。",
        ],
    ),
    (
        "政银企对接会召开 缓解企业融资难",
        "围绕重点督办问题“企业融资难”，组织银行与企业现场对接。",
        [
            "联络站联合县金融办组织召开政银企对接会，6家银行与22家企业现场对接。",
            "会上达成意向授信1.2亿元，担保费率由1.5%降至1%。",
        ],
    ),
    (
        "联络站开通“码上找代表” 扫码即可反映问题",
        "每位驻站代表都有专属二维码，企业职工扫码即可向代表反映问题。",
        [
            "驻站代表的二维码张贴在园区主要道路和企业门口，职工用微信扫码即可填写问题。",
            "反映的问题由联络站统一登记，全程可查询办理进度。",
        ],
    ),
    (
        "县人社局到联络站开展用工对接 解决企业招工难",
        "现场提供岗位860个，达成就业意向210人。",
        [
            "针对多家企业反映的招工难问题，县人社局在联络站举办用工对接活动。",
            "活动现场提供岗位860个，达成就业意向210人。",
        ],
    ),
]

PRIVACY_SECTIONS = [
    (
        "我们收集哪些信息",
        "<p>您反映问题时填写的姓名、手机号码、电子邮箱（选填）、所在企业、问题描述和照片。</p>",
    ),
    ("为什么收集", "<p>仅用于核实、办理和答复您反映的问题，以及向您告知办理进度和结果。</p>"),
]
