"""Hand-made items shared by the clustering and the warehouse tests."""

# A deal first reported tersely from both sides (two stories), then in full (the bridge),
# among unrelated items that give word weights those of a real window.
# (event_id, day of December 2025, headline, body)
DEAL_SIDE_A = (
    "gpt-2025-12-01#1",
    1,
    "Anthropic 宣布 Acme Robotics 合作",
    "Anthropic 將 Claude 模型授權給機器人公司 Acme Robotics。",
)
DEAL_SIDE_B = (
    "claude-2025-12-02#1",
    2,
    "Claude Opus 驅動機器人手臂",
    "Acme 的機器人手臂改用 Claude Opus 控制。",
)
DEAL_BRIDGE = (
    "claude-2025-12-03#1",
    3,
    "Anthropic 與 Acme Robotics 合作：Claude Opus 驅動機器人手臂",
    "Anthropic 將 Claude 模型授權給 Acme Robotics，Claude Opus 驅動機器人手臂。",
)
UNRELATED = [
    (f"gemini-2025-12-0{day}#{n}", day, headline, body)
    for day in (1, 2, 3)
    for n, (headline, body) in enumerate(
        [
            ("Google 推出 Gemini 3 Flash", "更快更便宜的模型。"),
            ("Waymo 擴大無人車服務", "新增五座城市。"),
            ("歐盟公布 AI 法案細則", "高風險系統須登記。"),
        ],
        1,
    )
]
"""Three items a day on days 1-3; the first six fall before the bridge's day."""
