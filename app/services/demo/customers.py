"""Demo customers spread over the segments of journey.yaml."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from touchloop.classification import Classification, assign_tiers, customer_facts, lifecycle_stage

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉晨宇浩然子轩欣怡雨桐思远"
BUSINESS_NAMES = {
    "hospitality": ("悦居酒店", "山语民宿", "栖云客栈", "锦江之星加盟店"),
    "retail": ("优品生活馆", "鲜丰便利", "木棉花服饰", "星光眼镜"),
    "office": ("联创科技", "瑞丰律师事务所", "恒信会计师事务所", "众行设计工作室"),
    "healthcare": ("康宁诊所", "仁和口腔", "安心养老中心", "百草堂药房"),
    "education": ("启明幼儿园", "博雅培训学校", "新航道教育", "小树苗托育"),
}
CITIES = {
    "east": "上海杭州南京苏州宁波",
    "north": "北京天津石家庄太原",
    "south": "广州深圳厦门南宁",
    "central": "武汉长沙郑州南昌",
    "west": "成都重庆西安昆明",
}
REGION_WEIGHTS = {"east": 35, "south": 25, "north": 20, "central": 12, "west": 8}
INDUSTRY_WEIGHTS = {"residential": 64, "hospitality": 9, "retail": 9, "office": 9, "healthcare": 5, "education": 4}


@dataclass
class DemoCustomer:
    """One generated customer, before it becomes a row."""

    external_id: str
    name: str
    email: str
    phone: str
    region: str
    industry: str
    customer_since: date
    annual_value: Decimal
    last_purchase: date | None = None
    tier: str = "C"
    lifecycle: str = "new"


def make_customers(rng: random.Random, count: int, today: date, rules: Classification) -> list[DemoCustomer]:
    """``count`` customers, tiered and staged by journey.yaml's classification rules."""
    customers = []
    for number in range(1, count + 1):
        region = _weighted(rng, REGION_WEIGHTS)
        industry = _weighted(rng, INDUSTRY_WEIGHTS)
        since = today - timedelta(days=int(rng.triangular(10, 3650, 400)))
        value = rng.lognormvariate(9.2 if industry == "residential" else 10.6, 0.9)
        city = _city(rng, region)
        customers.append(
            DemoCustomer(
                external_id=f"DEMO-{number:05d}",
                name=_name(rng, industry, city),
                email=f"customer{number:05d}@example.com",
                phone=f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}",
                region=region,
                industry=industry,
                customer_since=since,
                annual_value=Decimal(f"{value:.2f}"),
                last_purchase=_last_purchase(rng, since, today),
            )
        )
    tiers = assign_tiers(((c.external_id, c.annual_value) for c in customers), rules)
    for customer in customers:
        customer.tier = tiers[customer.external_id]
        facts = customer_facts(
            today=today,
            customer_since=customer.customer_since,
            last_purchase=customer.last_purchase,
            annual_value=customer.annual_value,
            tier=customer.tier,
            region=customer.region,
            industry=customer.industry,
        )
        customer.lifecycle = lifecycle_stage(facts, rules.lifecycle) or "mature"
    return customers


def years_between(start: date, end: date) -> float:
    """Years from ``start`` to ``end`` as a decimal number."""
    return (end - start).days / 365.25


def _last_purchase(rng: random.Random, since: date, today: date) -> date:
    """Most customers bought recently; about one in eight has drifted away or gone."""
    roll = rng.random()
    days = rng.randint(560, 900) if roll < 0.05 else rng.randint(280, 530) if roll < 0.13 else rng.randint(0, 240)
    return max(since, today - timedelta(days=days))


def _name(rng: random.Random, industry: str, city: str) -> str:
    """A person's name for households, a business name otherwise."""
    if industry == "residential":
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return city + rng.choice(BUSINESS_NAMES[industry])


def _city(rng: random.Random, region: str) -> str:
    """A city of the region (names are two characters, except 石家庄)."""
    text = CITIES[region]
    cities, i = [], 0
    while i < len(text):
        size = 3 if text.startswith("石家庄", i) else 2
        cities.append(text[i : i + size])
        i += size
    return rng.choice(cities)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    """A key drawn with the given weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]
