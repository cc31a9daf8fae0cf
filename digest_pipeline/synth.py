"""Synthetic digest posts with known stories, for benchmarks and for scoring the timeline at scale.

The five seeds and the hand-written eval sets are too small to time a build
or to measure clustering on thousands of stories. This module writes as many
posts as asked, shaped like the real ones (front matter, the `## ` sections,
Traditional Chinese prose with English product names), in every list style
and front-matter quirk the parser accepts, and records the true story of
every news item in `stories.csv` (`event_id,story`, the gold format of
`digest-pipeline eval-timeline`).

Stories are what make the timeline hard: a recurring story is reported again
on later days in other words (gaps mostly of days, some of weeks), near
misses share a product with another story but not the event (a release vs a
later price cut) or name a sibling product (X 3 vs X 3-Pro), and many items
are one-offs. Everything comes from one `random.Random(seed)` drawn in a
fixed order, so the same arguments give byte-identical files. It is pure
string building (no parsing, no Dagster) so 100k posts take seconds.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

START_DATE = dt.date(2025, 1, 1)
LIST_STYLES = ("numbered_paragraph", "bullet_indented", "bullet_nested", "numbered_top_bullet", "one_line")


@dataclass(frozen=True)
class ModelProfile:
    """A digest's subject: its front-matter key, its vendor and product families (`{v}` is a version)."""

    key: str
    vendor: str
    families: tuple[str, ...]


MODELS: tuple[ModelProfile, ...] = (
    ModelProfile("gpt", "OpenAI", ("GPT-{v}", "Sora {v}", "Codex {v}", "ChatGPT Atlas {v}", "GPT-{v} Mini")),
    ModelProfile("gemini", "Google", ("Gemini {v} Pro", "Gemini {v} Flash", "Veo {v}", "Imagen {v}")),
    ModelProfile("claude", "Anthropic", ("Claude Opus {v}", "Claude Sonnet {v}", "Claude Haiku {v}")),
    ModelProfile("qwen", "阿里雲", ("Qwen{v}", "Qwen-Image-{v}", "Qwen Code {v}", "Qwen{v}-VL")),
    ModelProfile("grok", "xAI", ("Grok {v}", "Grok Imagine {v}", "Grok Code {v}")),
    ModelProfile("mistral", "Mistral AI", ("Mistral Large {v}", "Devstral {v}", "Magistral {v}")),
    ModelProfile("llama", "Meta", ("Llama {v}", "Llama {v} Scout", "Llama Guard {v}")),
    ModelProfile("deepseek", "DeepSeek", ("DeepSeek-V{v}", "DeepSeek-R{v}", "DeepSeek-OCR {v}")),
    ModelProfile("kimi", "Moonshot AI", ("Kimi K{v}", "Kimi-Dev {v}")),
    ModelProfile("glm", "智譜", ("GLM-{v}", "GLM-{v}V", "CogVideoX {v}")),
)

SIBLING_SUFFIXES = ("-Pro", "-Mini", "-Turbo", "-Codex", "-Lite")
PARTNERS = (
    "微軟",
    "輝達",
    "Apple",
    "Amazon",
    "Oracle",
    "三星",
    "台積電",
    "鴻海",
    "Salesforce",
    "SAP",
    "軟銀",
    "Databricks",
    "Snowflake",
    "Adobe",
    "Spotify",
    "Uber",
    "中華電信",
    "富邦",
)
REGIONS = ("台灣", "日本", "南韓", "歐盟", "印度", "巴西", "東南亞", "中東", "澳洲", "加拿大")
BENCHMARKS = (
    "LMArena",
    "SWE-bench Verified",
    "Humanity's Last Exam",
    "ARC-AGI-2",
    "GPQA Diamond",
    "MMMU",
    "AIME 2025",
    "Terminal-Bench",
)
FEATURES = (
    "百萬 token 上下文",
    "長期記憶",
    "即時語音",
    "多模態推理",
    "程式代理",
    "圖像分層編輯",
    "深度研究模式",
    "瀏覽器代理",
    "企業資料連接器",
    "離線推理",
)
PEOPLE = (
    "Sam Altman",
    "Sundar Pichai",
    "Dario Amodei",
    "黃仁勳",
    "Elon Musk",
    "Arthur Mensch",
    "蔡崇信",
    "Satya Nadella",
    "Demis Hassabis",
    "Lisa Su",
    "吳泳銘",
    "Mira Murati",
    "Jensen Huang",
    "Tim Cook",
    "Andy Jassy",
    "Mark Zuckerberg",
    "Kevin Scott",
    "魏哲家",
    "劉揚偉",
    "Marc Benioff",
    "分析師 Ben Thompson",
    "研究員 Simon Willison",
    "Gartner 分析師",
    "IDC 研究總監",
    "摩根士丹利分析師",
    "高盛分析師",
)
PLACES = (
    "舊金山",
    "台北",
    "東京",
    "首爾",
    "倫敦",
    "巴黎",
    "柏林",
    "新加坡",
    "杭州",
    "北京",
    "深圳",
    "班加羅爾",
    "杜拜",
    "多倫多",
    "西雅圖",
    "奧斯汀",
    "拉斯維加斯 CES",
    "巴塞隆納 MWC",
    "Computex",
    "GTC 大會",
    "Google I/O",
    "WWDC",
    "AWS re:Invent",
    "Microsoft Build",
    "開發者大會",
    "財報電話會議",
)
ISSUES = ("提示注入", "資料外洩", "越獄", "權限繞過", "供應鏈")
PLAINTIFFS = ("紐約時報", "作家協會", "Getty Images", "唱片公司聯盟", "加州家長團體", "德國音樂版權協會")

_REAL_OUTLETS = (
    ("reuters.com", "Reuters"),
    ("bloomberg.com", "Bloomberg"),
    ("theverge.com", "The Verge"),
    ("techcrunch.com", "TechCrunch"),
    ("cnbc.com", "CNBC"),
    ("ithome.com.tw", "iThome"),
    ("udn.com", "udn"),
    ("cnyes.com", "鉅亨網"),
    ("moomoo.com", "moomoo"),
    ("yahoo.com", "Yahoo Tech"),
    ("msn.com", "MSN"),
    ("github.com", "GitHub"),
    ("ctee.com.tw", "工商時報"),
    ("technews.tw", "科技新報"),
    ("bnext.com.tw", "數位時代"),
    ("inside.com.tw", "INSIDE"),
    ("aibase.com", "AIbase"),
    ("futunn.com", "富途牛牛"),
    ("wired.com", "WIRED"),
    ("arstechnica.com", "Ars Technica"),
    ("venturebeat.com", "VentureBeat"),
    ("engadget.com", "Engadget"),
    ("zdnet.com", "ZDNet"),
    ("ft.com", "Financial Times"),
    ("wsj.com", "WSJ"),
    ("nytimes.com", "紐約時報"),
    ("bbc.co.uk", "BBC"),
    ("theinformation.com", "The Information"),
    ("36kr.com", "36氪"),
    ("huggingface.co", "Hugging Face"),
    ("x.com", "X"),
    ("medium.com", "Medium"),
    ("blocktempo.com", "動區"),
    ("aastocks.com", "AASTOCKS"),
    ("sinotrade.com.tw", "永豐金"),
    ("businessinsider.com", "Business Insider"),
    ("forbes.com", "Forbes"),
    ("nikkei.com", "日經"),
    ("scmp.com", "SCMP"),
    ("digitimes.com.tw", "DIGITIMES"),
)
_STEMS = ("tech", "ai", "daily", "market", "digital", "cloud", "data", "future", "startup", "chip")
_ENDS = ("wire", "times", "post", "insider", "today", "review", "journal", "hub", "beat", "watch")
_TLDS = (".com", ".com.tw", ".net", ".io", ".hk")


def _domains() -> tuple[tuple[str, str], ...]:
    """About three hundred (domain, outlet) pairs, the real outlets first so they are the most cited."""
    made = [
        (f"{stem}{end}{tld}", f"{stem.capitalize()}{end.capitalize()}")
        for tld, stem, end in itertools.product(_TLDS, _STEMS, _ENDS)
    ]
    return _REAL_OUTLETS + tuple(made[:260])


DOMAINS = _domains()
# Zipf-like: the k-th domain is cited about 1/k as often as the first, as citations are in the seeds.
_DOMAIN_CUM = tuple(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(DOMAINS))))

# Per event kind: headline templates, then body sentence templates. `{p}` product, `{v}` vendor,
# `{x}`/`{y}` the story's own facts; `{rel}` `{say}` `{up}` `{hot}` are synonyms drawn per mention.
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "release": (
        (
            "{v} {rel} {p}，主打{y}",
            "{p} 正式{rel}，{y}成最大亮點",
            "{p} 登場，{v}強化{y}",
            "{v} 新模型 {p} {rel}，聚焦{y}",
        ),
        (
            "{v}{say}{p} 已正式{rel}，重點在{y}。",
            "官方資料顯示，{p} 在{y}上比前代明顯{up}。",
            "{p} 即日起向付費用戶開放，API 同步{rel}。",
            "開發者社群對 {p} 的{y}反應{hot}。",
        ),
    ),
    "price": (
        ("{p} API 降價 {x}%，{v}搶攻開發者", "{v} 將 {p} 價格調降 {x}%", "{p} 大砍 {x}% 價格，價格戰升溫"),
        (
            "{v}{say}{p} 的 API 單價下調 {x}%，即日生效。",
            "分析師認為 {p} 降價 {x}% 將逼使對手跟進。",
            "此次調價涵蓋輸入與輸出 token，企業方案同步{up}折扣。",
            "市場對 {p} 降價消息反應{hot}。",
        ),
    ),
    "benchmark": (
        ("{p} 在 {y} 拿下 {x} 分", "{y} 最新排名，{p} 以 {x} 分居前", "{p} 刷新 {y} 紀錄，成績 {x} 分"),
        (
            "最新公布的 {y} 結果中，{p} 取得 {x} 分。",
            "{v}{say}{p} 在 {y} 的表現較前代{up}。",
            "研究者提醒 {y} 分數未必反映實際使用體驗。",
            "社群對 {p} 的 {y} 成績討論{hot}。",
        ),
    ),
    "partner": (
        ("{v} 與{y}合作，{p} 導入企業服務", "{y}宣布採用 {p}", "{y}攜手{v}，將 {p} 整合進產品線"),
        (
            "{v}{say}與{y}達成合作，{p} 將整合進其服務。",
            "雙方合作首年預計涵蓋 {x} 萬名企業用戶。",
            "業界認為此合作讓 {p} 的企業滲透{up}。",
            "合作消息公布後討論{hot}。",
        ),
    ),
    "funding": (
        ("{y}投資{v} {x} 億美元", "{v}獲{y}注資 {x} 億美元，估值再創新高", "{v}完成 {x} 億美元融資，{y}領投"),
        (
            "{v}{say}獲得{y} {x} 億美元投資，資金將用於訓練與算力。",
            "本輪資金將加速 {p} 的後續研發。",
            "投資人看好{v}營收{up}，市場反應{hot}。",
        ),
    ),
    "lawsuit": (
        ("{y}起訴{v}，控 {p} 侵權", "{v}遭{y}提告，{p} 訓練資料受質疑", "{y}對{v}提起訴訟，求償 {x} 億美元"),
        (
            "{y}{say}{v}未經授權以其內容訓練 {p}，求償 {x} 億美元。",
            "{v}回應將積極應訴，並認為使用屬合理使用。",
            "法律學者指出此案結果將影響整個產業，討論{hot}。",
        ),
    ),
    "rollout": (
        ("{p} 開放{y}用戶使用", "{p} 登陸{y}，支援在地語言", "{v}擴大 {p} 服務範圍至{y}"),
        (
            "{v}{say}{p} 即日起在{y}開放。",
            "{y}用戶可透過 App 與網頁使用 {p}，首月提供 {x}% 優惠。",
            "業界預期 {p} 在{y}的用戶數將快速{up}。",
        ),
    ),
    "outage": (
        ("{p} 服務中斷 {x} 小時", "{p} 大規模當機，{v}致歉", "{v} {p} 故障約 {x} 小時後恢復"),
        (
            "{p} 發生服務中斷，持續約 {x} 小時。",
            "{v}{say}問題源於{y}相關設定錯誤，已完成修復。",
            "大量用戶在社群回報無法登入，討論{hot}。",
        ),
    ),
    "opensource": (
        ("{v} 開源 {p} 權重", "{p} 開源釋出，採 Apache 2.0 授權", "{p} 權重公開，下載量 {x} 萬次"),
        (
            "{v}{say}{p} 權重已在 Hugging Face {rel}。",
            "{p} 開源首週下載量突破 {x} 萬次。",
            "開發者認為 {p} 在{y}上的表現{up}，社群反應{hot}。",
        ),
    ),
    "security": (
        ("{p} 爆{y}漏洞，{v}緊急修補", "研究人員揭露 {p} {y}風險", "{v}修補 {p} 的{y}漏洞"),
        (
            "資安研究人員發現 {p} 存在{y}漏洞。",
            "{v}{say}已在 {x} 小時內完成修補。",
            "專家提醒企業用戶檢查 {p} 的權限設定，相關討論{hot}。",
        ),
    ),
}
_KIND_NAMES = tuple(KINDS)
# The facts that make a story itself (who spoke, where, a field, a figure, a month), kept across its
# rewordings; the sentence around them is assembled from fragments so unrelated items share few words.
_OPENERS = (
    "{who}在{where}{say}",
    "據{where}消息，{who}證實",
    "{who}於{where}受訪時談到",
    "{where}現場，{who}提到",
    "{who}稍早在{where}透露",
    "根據{who}在{where}的說法",
)
_MIDDLES = (
    "{p} 已導入{topic}場景",
    "{topic}是 {p} 這次的主軸",
    "{p} 先從{topic}切入",
    "{p} 瞄準{topic}市場",
    "{topic}客戶最先受惠於 {p}",
)
_CLOSERS = (
    "，涉及 {n} 個團隊，{month} 月有下一步。",
    "，首批 {n} 家企業，{month} 月擴大。",
    "，目前 {n} 個案例在談，{month} 月公布細節。",
    "；規模約 {n} 人，預計 {month} 月完成。",
)
TOPIC_FIELDS = (
    "醫療",
    "金融",
    "法律",
    "教育",
    "製造",
    "零售",
    "物流",
    "遊戲",
    "媒體",
    "農業",
    "能源",
    "保險",
    "電信",
    "旅遊",
    "政府",
    "半導體",
    "汽車",
    "廣告",
    "客服",
    "資安",
)
TOPIC_TASKS = (
    "影像判讀",
    "文件審閱",
    "程式生成",
    "語音客服",
    "排程優化",
    "風險評估",
    "翻譯",
    "搜尋",
    "報表分析",
    "品質檢測",
    "行銷文案",
    "知識管理",
)
_FACTS: dict[str, tuple[str, ...]] = {
    "release": FEATURES,
    "benchmark": BENCHMARKS,
    "partner": PARTNERS,
    "funding": PARTNERS,
    "lawsuit": PLAINTIFFS,
    "rollout": REGIONS,
    "outage": ("負載平衡", "資料庫", "DNS", "驗證服務"),
    "opensource": FEATURES,
    "price": FEATURES,
    "security": ISSUES,
}
_SYNONYMS = {
    "rel": ("發布", "推出", "釋出", "上線"),
    "say": ("表示", "宣布", "宣佈", "指出", "證實"),
    "up": ("提升", "增加", "進步", "改善"),
    "hot": ("熱烈", "踴躍", "兩極", "持續升溫"),
}
_TREND_LINES = (
    "{M} 本週動作頻頻，從模型更新到商業合作都有新進展。",
    "本週 {M} 生態持續擴張，產品線與合作夥伴同步成長。",
    "{M} 在競爭激烈的一週中穩住聲量，焦點集中在新功能與價格。",
)
_ANALYSIS = (
    "- 對 AI 產業的意義\n1) 模型能力差距持續收斂，產品化速度成為勝負關鍵。\n"
    "2) 價格與授權策略正在重塑企業採購決策。\n",
    "- 與競爭對手的比較\n1) 在多模態與工具鏈整合上形成差異化。\n"
    "2) 在最尖端任務上仍有差距，但部署彈性較高。\n",
    "- 潛在的市場影響\n1) 企業導入門檻下降，私有化部署需求增加。\n2) 雲端與 API 價格競爭將更激烈。\n",
)
_OUTLOOK = (
    "- 對開發者的具體影響\n1) 選型更容易，整合成本下降。\n2) 建議建立評測基準與監控機制。\n",
    "- 對一般使用者的實際意義\n1) 日常應用的功能更新更頻繁。\n2) 服務成本有望下降。\n",
)


@dataclass
class Story:
    """One real-world development: what every mention of it is written from."""

    label: str
    model: ModelProfile
    kind: str
    product: str
    x: int
    y: str
    who: str
    where: str
    n: int
    month: int
    topic: str
    mentions_left: int


@dataclass(frozen=True)
class SynthSummary:
    """What `synth` wrote, for the CLI's summary line."""

    posts: int
    days: int
    models: int
    items: int
    stories: int
    out_dir: Path
    seconds: float


@dataclass
class _Generator:
    """The one random stream and the schedule of re-reports, consumed in a fixed order."""

    rng: random.Random
    models: tuple[ModelProfile, ...]
    stories: list[Story] = field(default_factory=list)
    due: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # model → heap of (day, story)
    recent: dict[str, list[int]] = field(default_factory=dict)  # model → recent story indexes
    told: set[tuple[str, str]] = field(default_factory=set)  # (product, kind) of every story so far

    def _new_story(self, model: ModelProfile, day: int) -> Story:
        rng = self.rng
        recent = self.recent.setdefault(model.key, [])
        base = self.stories[rng.choice(recent[-40:])] if recent and rng.random() < 0.2 else None
        product, kind = self._product_and_kind(model, day, base)
        self.told.add((product, kind))
        # Most stories are told once; a recurring one is retold one to four more times.
        mentions = 1 if rng.random() < 0.55 else 1 + rng.choice((1, 1, 2, 2, 3, 4))
        x = rng.choice((5, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 80, 90))
        story = Story(
            f"{model.key}-{len(self.stories):07d}",
            model,
            kind,
            product,
            x,
            rng.choice(_FACTS[kind]),
            rng.choice(PEOPLE),
            rng.choice(PLACES),
            rng.randint(2, 999),
            rng.randint(1, 12),
            rng.choice(TOPIC_FIELDS) + rng.choice(TOPIC_TASKS),
            mentions,
        )
        self.stories.append(story)
        recent.append(len(self.stories) - 1)
        del recent[:-60]
        return story

    def _product_and_kind(self, model: ModelProfile, day: int, base: Story | None) -> tuple[str, str]:
        """A (product, kind) never used before: two stories alike in both would be one story to anyone.

        With a recent `base`, a near miss: the same product in another kind of event, or a
        sibling product (X 3 vs X 3-Pro) in the same kind.
        """
        rng = self.rng
        if base is not None and rng.random() < 0.5:
            candidate = (base.product, rng.choice([k for k in _KIND_NAMES if k != base.kind]))
        elif base is not None and not any(suffix[1:] in base.product for suffix in SIBLING_SUFFIXES):
            candidate = (base.product + rng.choice(SIBLING_SUFFIXES), base.kind)
        else:
            candidate = ("", "")
        for attempt in range(8):
            if candidate[0] and candidate not in self.told:
                return candidate
            major = 1 + day // 90 + (attempt // 4)
            version = f"{major}.{rng.randrange(10)}" if rng.random() < 0.8 else str(major + 1)
            candidate = (rng.choice(model.families).format(v=version), rng.choice(_KIND_NAMES))
        return f"{candidate[0]}.{len(self.stories)}", candidate[1]

    def _schedule_next(self, index: int, day: int) -> None:
        story = self.stories[index]
        story.mentions_left -= 1
        if story.mentions_left <= 0:
            return
        roll = self.rng.random()  # most re-reports within days, some after two to four weeks
        gap = (
            self.rng.randint(1, 3)
            if roll < 0.7
            else self.rng.randint(4, 10)
            if roll < 0.9
            else (self.rng.randint(14, 28))
        )
        heapq.heappush(self.due.setdefault(story.model.key, []), (day + gap, index))

    def items_for(self, model: ModelProfile, day: int, count: int) -> list[int]:
        """Story indexes for one post: re-reports that are due first, then new stories."""
        heap, chosen, postponed = self.due.setdefault(model.key, []), [], []
        while heap and heap[0][0] <= day and len(chosen) < count - 1:
            _, index = heapq.heappop(heap)
            (postponed if index in chosen else chosen).append(index)
        for index in postponed:
            heapq.heappush(heap, (day + 1, index))
        while len(chosen) < count:
            self._new_story(model, day)
            chosen.append(len(self.stories) - 1)
        self.rng.shuffle(chosen)
        for index in chosen:
            self._schedule_next(index, day)
        return chosen


def _mention(rng: random.Random, story: Story) -> tuple[str, str]:
    """A headline and body for one mention, reworded by template and synonym choice."""
    heads, sentences = KINDS[story.kind]
    words = {k: rng.choice(v) for k, v in _SYNONYMS.items()}
    facts = {
        "p": story.product,
        "v": story.model.vendor,
        "x": story.x,
        "y": story.y,
        "who": story.who,
        "where": story.where,
        "n": story.n,
        "month": story.month,
        "topic": story.topic,
        **words,
    }
    headline = rng.choice(heads).format(**facts)
    detail = rng.choice(_OPENERS) + "，" + rng.choice(_MIDDLES) + rng.choice(_CLOSERS)
    picked = [detail, *rng.sample(sentences, rng.randint(1, 2))]
    rng.shuffle(picked)
    return headline, "".join(s.format(**facts) for s in picked)


def _front_matter(
    rng: random.Random,
    model: ModelProfile,
    date: str,
    variant: int,
    tags: list[str],
    summary: str,
    links: int,
) -> str:
    label = model.key.upper()
    model_value = (model.key, label, model.key.capitalize())[variant % 3]
    date_value = (date, f'"{date}"', f"{date} 09:00:00 +0800")[variant // 3 % 3]
    tag_list = [*tags, label, "AI", "Digest"]
    tag_value = (
        "[" + ", ".join(f'"{t}"' for t in tag_list) + "]" if variant % 2 else "[" + ", ".join(tag_list) + "]"
    )
    image = ("/", f"/assets/img/posts/{date}-{model.key}-infographic.png")[variant % 2]
    lines = [
        "---",
        "layout: post",
        f'title: "{label} 每日動態 - {date}"',
        f'tagline: "彙整 {links} 則 {label} 相關新聞"',
        f"date: {date_value}",
        f"model: {model_value}",
        f"categories: [{model.key}, daily]",
        f"tags: {tag_value}",
        f"image: {image}",
    ]
    if variant % 4 != 3:  # ai_summary is absent on some real posts
        lines.append(f'ai_summary: "{summary}"')
    return "\n".join([*lines, "---", ""])


def _news_item(style: str, position: int, headline: str, body: str) -> str:
    if style == "numbered_paragraph":
        return f"{position}) {headline}\n{body}\n"
    if style == "bullet_indented":
        return f"- {headline}\n  {body}\n"
    if style == "bullet_nested":
        return f"- {headline}\n  - {body}\n"
    if style == "numbered_top_bullet":
        return f"{position}) {headline}\n- {body}\n"
    return f"{position}) {headline}：{body}\n"


def _post(gen: _Generator, model: ModelProfile, day: int, index: int) -> tuple[str, str, list[str]]:
    """(post_id, text, story labels in item order) of one post."""
    rng = gen.rng
    date = (START_DATE + dt.timedelta(days=day)).isoformat()
    chosen = gen.items_for(model, day, rng.choice((4, 5, 5, 5, 6)))
    style = LIST_STYLES[rng.randrange(len(LIST_STYLES))]
    links_wanted = rng.randint(8, 12)
    domains = rng.choices(DOMAINS, cum_weights=_DOMAIN_CUM, k=links_wanted)
    news, key_points, headlines = [], [], []
    for position, story_index in enumerate(chosen, start=1):
        story = gen.stories[story_index]
        headline, body = _mention(rng, story)
        outlets = [domains[(position * 2 + k) % links_wanted][1] for k in range(rng.randint(1, 3))]
        if rng.random() < 0.6:
            body += f"（來源：{'、'.join(dict.fromkeys(outlets))}）"
        news.append(_news_item(style, position, headline, body))
        key_points.append(f"- {headline}。")
        headlines.append(headline)
    sources = [
        f"- [{headlines[n % len(headlines)]} - {outlet}](https://www.{domain}/news/{date.replace('-', '')}/"
        f"{model.key}-{index}-{n})"
        for n, (domain, outlet) in enumerate(domains)
    ]
    tags = list(dict.fromkeys(gen.stories[i].product for i in chosen))[:4]
    summary = "；".join(headlines[:3]) + "。"
    text = (
        _front_matter(rng, model, date, rng.randrange(36), tags, summary, links_wanted)
        + "## 本週模型趨勢\n"
        + rng.choice(_TREND_LINES).format(M=model.key.upper())
        + summary
        + "\n\n"
        + "## 📰 本週新聞焦點\n"
        + "\n".join(news)
        + "\n"
        + "## 🔍 深度分析\n"
        + "".join(rng.sample(_ANALYSIS, 2))
        + "\n"
        + "## 📌 重點摘要\n"
        + "\n".join(key_points)
        + "\n\n"
        + "## 💡 延伸思考\n"
        + rng.choice(_OUTLOOK)
        + "\n"
        + "## 🔗 資料來源\n"
        + "\n".join(sources)
        + "\n\n---\n"
        + f"*本文由 AI 自動生成，彙整自 {links_wanted} 篇新聞來源。*\n"
    )
    return f"{model.key}-{date}", text, [gen.stories[i].label for i in chosen]


def model_profiles(count: int) -> tuple[ModelProfile, ...]:
    """The first `count` models; past the known ones, numbered copies (gpt2, gemini2, ...)."""
    return tuple(
        MODELS[n % len(MODELS)]
        if n < len(MODELS)
        else ModelProfile(
            f"{MODELS[n % len(MODELS)].key}{n // len(MODELS) + 1}",
            MODELS[n % len(MODELS)].vendor,
            MODELS[n % len(MODELS)].families,
        )
        for n in range(count)
    )


def encode_post(text: str, quirk: int) -> bytes:
    """The file's bytes: UTF-8, with a BOM or CRLF line ends on a few files as some sites write them."""
    if quirk == 1:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if quirk == 2:
        return text.replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8")


def synthesize(posts: int, out_dir: Path, models: int = 6, seed: int = 0) -> SynthSummary:
    """Write `posts` posts (one per model per day, `posts / models` days) and `stories.csv` into out_dir."""
    if posts < 0 or models < 1:
        raise ValueError("posts must be >= 0 and models >= 1")
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    gen = _Generator(random.Random(seed), model_profiles(models))
    rows = ["event_id,story"]
    written = items = 0
    for day in itertools.count():
        if written >= posts:
            break
        for model in gen.models[: posts - written]:
            post_id, text, labels = _post(gen, model, day, written)
            quirk = 1 if written % 37 == 5 else 2 if written % 41 == 7 else 0
            (out_dir / f"{post_id}.md").write_bytes(encode_post(text, quirk))
            rows.extend(f"{post_id}#{n},{label}" for n, label in enumerate(labels, start=1))
            items += len(labels)
            written += 1
    (out_dir / "stories.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    days = -(-posts // models)
    told = len({row.rsplit(",", 1)[1] for row in rows[1:]})
    return SynthSummary(posts, days, min(models, posts), items, told, out_dir, time.perf_counter() - started)
