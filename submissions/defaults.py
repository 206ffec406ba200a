"""Seed data every installation starts with (used by a data migration and by seed_demo)."""

CATEGORIES = [
    "用工招聘",
    "融资贷款",
    "物流交通",
    "政务服务",
    "基础设施与安全",
    "环境卫生",
    "惠企政策兑现",
]

# The notes a fresh installation shows next to a category on the public form (stations edit
# them in the admin).
CATEGORY_NOTICES = {"基础设施与安全": "紧急情况请立即拨打119/110"}


def ensure_categories(category_model):
    for order, name in enumerate(CATEGORIES):
        category_model.objects.get_or_create(name=name, defaults={"sort_order": order})
